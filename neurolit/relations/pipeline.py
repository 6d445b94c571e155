"""INPUT → NER → relations → (CIViC marks) → evidence table: the library behind `extract` and `run`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from neurolit.records import AnnotatedDocument, Article, Triple


@dataclass(frozen=True)
class ExtractReport:
    documents: int
    triples: int
    rows: int
    out: Path
    latest: Path | None  # $NEUROLIT_HOME/evidence/<corpus>.csv when INPUT was a corpus name
    collated: bool


def is_corpus_name(input: str | Path) -> bool:
    """INPUT names a corpus (not a file): no such path, no folder separator, no known file suffix."""
    text = str(input)
    if isinstance(input, Path) or Path(text).expanduser().exists() or "/" in text:
        return False
    return not text.lower().endswith((".pubtator", ".xml", ".gz", ".jsonl", ".txt", ".nbib", ".sqlite"))


def _documents(items: Iterable[Article | AnnotatedDocument], use_model: bool) -> Iterator[AnnotatedDocument]:
    pending: list[Article] = []

    def flush() -> Iterator[AnnotatedDocument]:
        if pending:
            from neurolit.ner.annotate import annotate_documents

            yield from annotate_documents(list(pending), use_model=use_model)
            pending.clear()

    for item in items:
        if isinstance(item, AnnotatedDocument):
            yield from flush()
            yield item
        else:
            pending.append(item)
            if len(pending) >= 256:
                yield from flush()
    yield from flush()


def extract_triples_from(
    source: str | Path | Iterable[Article | AnnotatedDocument],
    *,
    use_model: bool = True,
    min_confidence: float | None = None,
    civic: str | Path | None = None,
    counter: list[int] | None = None,
) -> Iterator[Triple]:
    """Triples from INPUT (corpus name or file), Articles or AnnotatedDocuments; CIViC marks optional."""
    from neurolit.relations.extract import RelationExtractor

    if isinstance(source, str | Path):
        from neurolit.io import read_articles

        items: Iterable[Article | AnnotatedDocument] = read_articles(source)
    else:
        items = source
    extractor = RelationExtractor()
    index = None
    if civic is not None:
        from neurolit.evidence.civic import load_civic

        index = load_civic(civic)
    for doc in _documents(items, use_model):
        if counter is not None:
            counter[0] += 1
        triples = extractor.extract(doc, min_confidence=min_confidence)
        if index is not None:
            from neurolit.evidence.civic import mark_civic

            triples = list(mark_civic(triples, index))
        yield from triples


def extract_to_table(
    input: str | Path,
    out: str | Path,
    *,
    use_model: bool = True,
    min_confidence: float | None = None,
    collate: bool = False,
    civic: str | Path | None = None,
    home: Path | None = None,
) -> ExtractReport:
    """Write the evidence table (or its collated view) for INPUT. For a corpus name, the per-triple machine
    table is also kept at $NEUROLIT_HOME/evidence/<corpus>.csv, where the review stage reads it."""
    from neurolit.evidence.collate import write_collated
    from neurolit.evidence.table import write_evidence

    counter = [0]
    triples = list(
        extract_triples_from(
            input, use_model=use_model, min_confidence=min_confidence, civic=civic, counter=counter
        )
    )
    out_path = Path(out)
    rows = write_collated(triples, out_path) if collate else write_evidence(triples, out_path)
    latest = None
    if is_corpus_name(input):
        from neurolit.config import load_config

        latest = (home or load_config().home) / "evidence" / f"{input}.csv"
        write_evidence(triples, latest)
    return ExtractReport(counter[0], len(triples), rows, out_path, latest, collate)
