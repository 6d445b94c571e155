"""NER test fixtures: one rules pipeline per session (loading the lexicons takes a few seconds)."""

from __future__ import annotations

import pytest

from neurolit.ner.annotate import NerAnnotator, cached_annotator


@pytest.fixture(scope="session")
def annotator() -> NerAnnotator:
    return cached_annotator(False, None)
