"""Batch and single-text annotation over the NER pipeline: the interface the relation stage consumes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from neurolit.errors import InputError
from neurolit.io import lone_surrogate
from neurolit.records import AnnotatedDocument, Article, Mention

if TYPE_CHECKING:
    from spacy.language import Language

    from neurolit.ner.pipeline import RuleComponent
    from neurolit.ner.rules import RulesDoc


class NerAnnotator:
    """Holds one loaded pipeline; `annotate_documents` streams AnnotatedDocument records.

    A pipeline of rules only runs text first (`neurolit.ner.rules.run_rules`: the same components on plain
    records, tokens made only where a rule reads them); one with a statistical model runs as a spaCy pipeline.
    """

    def __init__(self, nlp: Language, *, text_first: bool = True) -> None:
        self.nlp = nlp
        self._text_first = text_first  # False: always through spaCy (Docs), e.g. to compare both ways

    @classmethod
    def load(cls, *, use_model: bool = True, model_path: Path | None = None) -> NerAnnotator:
        from neurolit.ner.pipeline import build_pipeline

        return cls(build_pipeline(use_model=use_model, model_path=model_path))

    @property
    def text_first(self) -> bool:
        """Whether annotation runs without a spaCy Doc (a pipeline of rules only)."""
        return self._stages() is not None

    def _stages(self) -> list[RuleComponent] | None:
        """The rules stages when the pipeline, as it is now, holds rules only (and text first is allowed)."""
        from neurolit.ner.pipeline import rules_stages

        return rules_stages(self.nlp) if self._text_first else None

    def annotate_text(self, text: str) -> list[Mention]:
        from neurolit.ner.pipeline import make_doc

        stages = self._stages()
        if stages is not None:
            return self._run_rules(stages, text).mentions()
        return list(self.nlp(make_doc(self.nlp, self._check(text)))._.mentions or [])

    def _check(self, text: str) -> str:
        """`text`, or an InputError for what neither way of running the pipeline can take."""
        if len(text) > self.nlp.max_length:
            raise InputError(
                f"text of {len(text):,} characters is longer than the pipeline's limit of "
                f"{self.nlp.max_length:,}; raise [ner] max_length in the config to annotate it"
            )
        at = lone_surrogate(text)
        if at is not None:
            raise InputError(
                f"text holds a lone surrogate ({text[at]!r} at offset {at}), not valid Unicode; fix the text where "
                "it was read (a \\udXXX escape in JSON makes one)"
            )
        return text

    def _run_rules(self, stages: list[RuleComponent], text: str) -> RulesDoc:
        from neurolit.ner.rules import run_rules

        return run_rules(stages, self._check(text), self.nlp.tokenizer)

    def annotate_documents(
        self,
        articles: Iterable[Article],
        *,
        batch_size: int | None = None,
    ) -> Iterator[AnnotatedDocument]:
        from neurolit.ner.pipeline import SENTENCES_KEY, doc_text, make_doc, ner_settings
        from neurolit.ner.sentences import sentence_spans

        stages = self._stages()
        if stages is not None:
            for article in articles:
                rules = self._run_rules(stages, article.text)
                yield AnnotatedDocument(
                    article=article, mentions=tuple(rules.mentions()), sentences=tuple(rules.sentences)
                )
            return
        size = batch_size or int(ner_settings().get("batch_size", 64))
        pairs = ((make_doc(self.nlp, self._check(a.text)), a) for a in articles)
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
