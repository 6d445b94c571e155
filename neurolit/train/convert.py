"""Corpus converters: PubTator and IOB TSV → sentence-level spaCy Docs labelled with our NER labels.

A corpus document becomes a `TrainingDocument` (text, labelled character spans, the labels it annotates
exhaustively). `sentence_docs` tokenizes it with the model's tokenizer, splits tokens at span boundaries,
sets the entities, marks unknown spans and unannotated-label candidates as missing, and cuts it into
sentence Docs (never through an entity).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from neurolit.errors import ParseError
from neurolit.formats.pubtator import read_pubtator
from neurolit.train.labels import UNKNOWN, CorpusSpec, candidate_labels

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

_SPACE = re.compile(r"\s+")
# Extra infixes of the model's tokenizer: brackets, slashes and plus signs inside tokens ("ISO)-induced",
# "ALK/ROS1", "CD4+CD25+") so that entity boundaries fall on token boundaries.
EXTRA_INFIXES = (r"[()\[\]/+;]",)


def extend_tokenizer(nlp: Language) -> Language:
    """Add EXTRA_INFIXES to the pipeline's tokenizer (saved with the model, so loading needs no code)."""
    from spacy.util import compile_infix_regex

    infixes = [*(nlp.Defaults.infixes or ()), *EXTRA_INFIXES]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer  # type: ignore[union-attr]
    return nlp


def conversion_pipeline() -> Language:
    """A blank English pipeline with the model's tokenizer and a rule sentencizer, for converting corpora."""
    import spacy

    nlp = extend_tokenizer(spacy.blank("en"))
    nlp.add_pipe("sentencizer")
    return nlp


@dataclass(frozen=True, slots=True)
class LabeledSpan:
    start: int
    end: int
    label: str  # one of our labels, or UNKNOWN


@dataclass(frozen=True, slots=True)
class TrainingDocument:
    """One annotated text of a training corpus, with spans already mapped to our labels."""

    corpus: str
    key: str  # PMID for PubTator corpora, "file:line" for IOB sentences
    text: str
    spans: tuple[LabeledSpan, ...]
    annotates: frozenset[str]


def sentence_key(text: str) -> str:
    """Whitespace- and case-insensitive key of a sentence, to find the same sentence in several corpora."""
    return _SPACE.sub("", text).lower()


def read_pubtator_corpus(spec: CorpusSpec, path: Path) -> Iterator[TrainingDocument]:
    """Documents of a PubTator file with their annotations mapped through `spec.types`.

    Corpus types missing from the mapping are an error: a new type must be mapped explicitly in the data.
    """
    for doc in read_pubtator(path):
        spans: list[LabeledSpan] = []
        text = doc.text
        for ann in doc.annotations:
            label = spec.map_type(ann.type)
            if label is None:
                raise ParseError(
                    f"entity type {ann.type!r} of corpus {spec.name} has no mapping; add it to "
                    f"[corpus.{spec.name}.types] in the corpus registry (neurolit/resources/ner_training_corpora.toml)",
                    source=str(path),
                )
            if not label or not (0 <= ann.start < ann.end <= len(text)):
                continue
            spans.append(LabeledSpan(ann.start, ann.end, label))
        yield TrainingDocument(spec.name, doc.pmid, text, tuple(spans), spec.annotates)


def read_iob_corpus(spec: CorpusSpec, path: Path) -> Iterator[TrainingDocument]:
    """Sentences of a token<TAB>IOB-tag file (blank line between sentences); tokens joined by single spaces."""
    with path.open(encoding="utf-8") as handle:
        tokens: list[tuple[str, str]] = []
        first_line = 1
        for lineno, raw in enumerate(handle, start=1):
            line = raw.rstrip("\r\n")
            if not line.strip():
                if tokens:
                    yield _iob_document(spec, path, first_line, tokens)
                tokens = []
                first_line = lineno + 1
                continue
            cols = line.split("\t")
            if len(cols) < 2 or not cols[0]:
                raise ParseError("expected token<TAB>tag", source=str(path), line=lineno)
            tokens.append((cols[0], cols[-1]))
        if tokens:
            yield _iob_document(spec, path, first_line, tokens)


def _iob_document(spec: CorpusSpec, path: Path, line: int, tokens: list[tuple[str, str]]) -> TrainingDocument:
    pieces: list[str] = []
    spans: list[LabeledSpan] = []
    offset = 0
    current: tuple[int, int, str] | None = None
    for token, tag in tokens:
        start, end = offset, offset + len(token)
        pieces.append(token)
        offset = end + 1
        prefix, _, corpus_type = tag.partition("-")
        if prefix not in ("B", "I", "O"):
            raise ParseError(f"unknown IOB tag {tag!r}", source=str(path), line=line)
        # IOB corpora carry many types we do not use (Cell, Organ, ...): those tokens are O.
        label = (spec.map_type(corpus_type) or "") if prefix != "O" else ""
        if current is not None and (prefix != "I" or label != current[2]):
            spans.append(LabeledSpan(*current))
            current = None
        if label:
            current = (start, end, label) if current is None else (current[0], end, label)
    if current is not None:
        spans.append(LabeledSpan(*current))
    return TrainingDocument(spec.name, f"{path.name}:{line}", " ".join(pieces), tuple(spans), spec.annotates)


def read_corpus(spec: CorpusSpec, root: Path) -> Iterator[TrainingDocument]:
    """All documents of one corpus, its files resolved under `root` (the shared corpora folder)."""
    for name in spec.files:
        path = root / name
        if not path.is_file():
            raise ParseError(f"training file {path} is missing; is ../shared/data present?", source=str(path))
        yield from (
            read_pubtator_corpus(spec, path) if spec.format == "pubtator" else read_iob_corpus(spec, path)
        )


def _split_at(words: list[tuple[int, int]], boundaries: set[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in words:
        cuts = sorted(b for b in boundaries if start < b < end)
        edges = [start, *cuts, end]
        out.extend((a, b) for a, b in itertools.pairwise(edges))
    return out


def tokenize_aligned(nlp: Language, text: str, offsets: Iterable[int]) -> Doc:
    """Tokenize `text` with the pipeline's tokenizer, splitting tokens so every offset is a token boundary."""
    from spacy.tokens import Doc

    base = nlp.make_doc(text)
    boundaries = set(offsets)
    needs_split = (
        any(tok.idx < b < tok.idx + len(tok.text) for tok in base for b in boundaries)
        if boundaries
        else False
    )
    if not needs_split:
        return base
    words = _split_at([(t.idx, t.idx + len(t.text)) for t in base], boundaries)
    spaces = [
        end < len(text) and text[end].isspace() and (i + 1 == len(words) or words[i + 1][0] > end)
        for i, (_, end) in enumerate(words)
    ]
    # A token followed by whitespace that is not a single space keeps it as a separate whitespace token in
    # spaCy; rebuild faithfully by including such whitespace runs as tokens.
    rebuilt_words: list[str] = []
    rebuilt_spaces: list[bool] = []
    cursor = 0
    for (start, end), space in zip(words, spaces, strict=True):
        if start > cursor:
            gap = text[cursor:start]
            if rebuilt_words and rebuilt_spaces[-1] and gap.startswith(" "):
                gap = gap[1:]
            if gap:
                rebuilt_words.append(gap)
                rebuilt_spaces.append(False)
        rebuilt_words.append(text[start:end])
        rebuilt_spaces.append(space and text[end] == " ")
        cursor = end + (1 if rebuilt_spaces[-1] else 0)
    if cursor < len(text):
        rebuilt_words.append(text[cursor:])
        rebuilt_spaces.append(False)
    doc = Doc(nlp.vocab, words=rebuilt_words, spaces=rebuilt_spaces)
    if doc.text != text:
        raise ParseError("tokenization could not be aligned with the text")
    return doc


def annotate_doc(
    doc: Doc,
    spans: Iterable[LabeledSpan],
    annotates: frozenset[str],
    labels: Iterable[str],
    candidates: Mapping[str, tuple[re.Pattern[str], ...]],
) -> Doc:
    """Set gold entities on `doc`; mark unknown spans and candidates of unannotated labels as missing."""
    from spacy.util import filter_spans

    entities: list[Span] = []
    missing: list[Span] = []
    for span in spans:
        char_span = doc.char_span(span.start, span.end, label="" if span.label == UNKNOWN else span.label)
        if char_span is None:
            continue
        (missing if span.label == UNKNOWN else entities).append(char_span)
    entities = filter_spans(entities)
    covered = {i for ent in entities for i in range(ent.start, ent.end)}
    missing_tokens = {i for s in missing for i in range(s.start, s.end)} - covered
    unannotated = {
        label: candidates[label] for label in labels if label not in annotates and label in candidates
    }
    if unannotated:
        missing_tokens.update(
            token.i
            for token in doc
            if token.i not in covered and not token.is_space and candidate_labels(token.text, unannotated)
        )
    doc.set_ents(entities, missing=[doc[i : i + 1] for i in sorted(missing_tokens)], default="outside")
    return doc


def sentence_docs(
    nlp: Language,
    tdoc: TrainingDocument,
    labels: Iterable[str],
    candidates: Mapping[str, tuple[re.Pattern[str], ...]],
) -> list[Doc]:
    """The document as labelled sentence Docs; sentences are merged where an entity would be cut."""
    offsets = [o for span in tdoc.spans for o in (span.start, span.end)]
    doc = tokenize_aligned(nlp, tdoc.text, offsets)
    annotate_doc(doc, tdoc.spans, tdoc.annotates, list(labels), candidates)
    sentencizer = nlp.get_pipe("sentencizer") if nlp.has_pipe("sentencizer") else None
    if sentencizer is None:
        return [doc]
    sentencizer(doc)
    inside = {i for ent in doc.ents for i in range(ent.start + 1, ent.end)}
    pieces: list[Doc] = []
    start = 0
    for sent in doc.sents:
        if sent.end < len(doc) and sent.end in inside:
            continue
        span = doc[start : sent.end]
        if span.text.strip():
            pieces.append(span.as_doc())
        start = sent.end
    return pieces
