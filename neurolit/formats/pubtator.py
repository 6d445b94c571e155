"""PubTator format: `PMID|t|title`, `PMID|a|abstract`, then tab-separated annotation and relation lines.

Annotation lines: PMID, start, end, text, type, identifier (offsets into title + one character + abstract).
Relation lines: PMID, relation type, id1, id2[, novelty]. Documents are separated by blank lines.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from neurolit.errors import ParseError
from neurolit.records import Article, document_text


@dataclass(frozen=True, slots=True)
class PubTatorAnnotation:
    start: int
    end: int
    text: str
    type: str
    identifier: str = ""


@dataclass(frozen=True, slots=True)
class PubTatorRelation:
    type: str
    arg1: str
    arg2: str
    extra: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PubTatorDocument:
    pmid: str
    title: str
    abstract: str
    annotations: tuple[PubTatorAnnotation, ...] = ()
    relations: tuple[PubTatorRelation, ...] = ()

    @property
    def text(self) -> str:
        return document_text(self.title, self.abstract)

    def to_article(self) -> Article:
        return Article(pmid=self.pmid, title=self.title, abstract=self.abstract)


def _open_text(source: str | Path | TextIO) -> tuple[TextIO, str]:
    if isinstance(source, str | Path):
        path = Path(source)
        if path.suffix == ".gz":
            import gzip

            return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8"), str(path)
        return path.open(encoding="utf-8"), str(path)
    return source, getattr(source, "name", "<stream>")


def read_pubtator(
    source: str | Path | TextIO, *, validate_offsets: bool = False
) -> Iterator[PubTatorDocument]:
    """Stream documents from a PubTator file. Raises ParseError naming the file and line on malformed input."""
    handle, name = _open_text(source)
    pmid: str | None = None
    title = abstract = ""
    annotations: list[PubTatorAnnotation] = []
    relations: list[PubTatorRelation] = []

    def flush() -> PubTatorDocument | None:
        if pmid is None:
            return None
        doc = PubTatorDocument(pmid, title, abstract, tuple(annotations), tuple(relations))
        if validate_offsets:
            text = doc.text
            for ann in doc.annotations:
                if text[ann.start : ann.end] != ann.text:
                    raise ParseError(
                        f"annotation {ann.start}-{ann.end} {ann.text!r} does not match the text "
                        f"of document {pmid}",
                        source=name,
                    )
        return doc

    try:
        for lineno, raw in enumerate(handle, start=1):
            line = raw.rstrip("\r\n")
            if not line.strip():
                doc = flush()
                if doc is not None:
                    yield doc
                pmid, title, abstract, annotations, relations = None, "", "", [], []
                continue
            head = line[:64]
            if "|t|" in head or "|a|" in head:
                marker = "|t|" if "|t|" in head else "|a|"
                doc_id, _, body = line.partition(marker)
                if pmid is not None and doc_id != pmid:
                    doc = flush()
                    if doc is not None:
                        yield doc
                    title, abstract, annotations, relations = "", "", [], []
                pmid = doc_id
                if marker == "|t|":
                    title = body
                else:
                    abstract = body
                continue
            cols = line.split("\t")
            if pmid is None or cols[0] != pmid:
                raise ParseError(
                    f"line does not belong to a document (expected PMID {pmid})", source=name, line=lineno
                )
            if len(cols) >= 5 and cols[1].isdigit() and cols[2].isdigit():
                annotations.append(
                    PubTatorAnnotation(
                        int(cols[1]), int(cols[2]), cols[3], cols[4], cols[5] if len(cols) > 5 else ""
                    )
                )
            elif len(cols) >= 4:
                relations.append(PubTatorRelation(cols[1], cols[2], cols[3], tuple(cols[4:])))
            else:
                raise ParseError(
                    f"cannot read PubTator line with {len(cols)} columns", source=name, line=lineno
                )
        doc = flush()
        if doc is not None:
            yield doc
    finally:
        if isinstance(source, str | Path):
            handle.close()


def format_document(doc: PubTatorDocument) -> str:
    """One document in PubTator format, ending with a blank line."""
    lines = [f"{doc.pmid}|t|{_one_line(doc.title)}", f"{doc.pmid}|a|{_one_line(doc.abstract)}"]
    for ann in sorted(doc.annotations, key=lambda a: (a.start, a.end, a.type)):
        lines.append(
            "\t".join([doc.pmid, str(ann.start), str(ann.end), _one_line(ann.text), ann.type, ann.identifier])
        )
    for rel in doc.relations:
        lines.append("\t".join([doc.pmid, rel.type, rel.arg1, rel.arg2, *rel.extra]))
    return "\n".join(lines) + "\n\n"


def _one_line(text: str) -> str:
    # Newlines and tabs would break the line format; replacing them one-for-one keeps offsets valid.
    return text.replace("\n", " ").replace("\r", " ").replace("\t", " ")


def write_pubtator(docs: Iterable[PubTatorDocument], out: TextIO) -> int:
    count = 0
    for doc in docs:
        out.write(format_document(doc))
        count += 1
    return count
