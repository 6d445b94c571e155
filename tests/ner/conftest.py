"""NER test fixtures: one rules pipeline per session (loading the lexicons takes a few seconds)."""

from __future__ import annotations

import pytest

from neurolit.ner.annotate import NerAnnotator, cached_annotator


@pytest.fixture(scope="session")
def annotator() -> NerAnnotator:
    return cached_annotator(False, None)


@pytest.fixture(scope="session")
def spacy_annotator(annotator: NerAnnotator) -> NerAnnotator:
    """The same rules pipeline run as a spaCy pipeline (Docs, spans), to compare with the text-first run."""
    return NerAnnotator(annotator.nlp, text_first=False)
