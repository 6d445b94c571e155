"""Batch and single-text annotation over the NER pipeline: the interface the relation stage consumes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from neurolit.records import AnnotatedDocument, Article, Mention

if TYPE_CHECKING:
    from spacy.language import Language


class NerAnnotator:
    """Holds one loaded pipeline; `annotate_documents` streams AnnotatedDocument records through nlp.pipe."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp

    @classmethod
    def load(cls, *, use_model: bool = True, model_path: Path | None = None) -> NerAnnotator:
        from neurolit.ner.pipeline import build_pipeline

        return cls(build_pipeline(use_model=use_model, model_path=model_path))

    def annotate_text(self, text: str) -> list[Mention]:
        from neurolit.ner.pipeline import make_doc

        return list(self.nlp(make_doc(self.nlp, text))._.mentions or [])

    def annotate_documents(
        self,
        articles: Iterable[Article],
        *,
        batch_size: int | None = None,
    ) -> Iterator[AnnotatedDocument]:
        from neurolit.ner.pipeline import SENTENCES_KEY, doc_text, make_doc, ner_settings
        from neurolit.ner.sentences import sentence_spans

        size = batch_size or int(ner_settings().get("batch_size", 64))
        pairs = ((make_doc(self.nlp, a.text), a) for a in articles)
        for doc, article in self.nlp.pipe(pairs, as_tuples=True, batch_size=size):
            yield AnnotatedDocument(
                article=article,
                mentions=tuple(doc._.mentions or ()),
                sentences=tuple(doc.user_data.get(SENTENCES_KEY) or sentence_spans(doc_text(doc))),
            )


def annotate_documents(
    articles: Iterable[Article],
    *,
    use_model: bool = True,
    batch_size: int | None = None,
    model_path: Path | None = None,
) -> Iterator[AnnotatedDocument]:
    """Annotate articles (offsets into Article.text) with sentences and mentions, streaming."""
    annotator = cached_annotator(use_model, model_path)
    yield from annotator.annotate_documents(articles, batch_size=batch_size)


@lru_cache(maxsize=4)
def cached_annotator(use_model: bool = True, model_path: Path | None = None) -> NerAnnotator:
    """One loaded annotator per (use_model, model_path), kept for the process (loading takes seconds)."""
    return NerAnnotator.load(use_model=use_model, model_path=model_path)
