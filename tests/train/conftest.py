"""Training test fixtures: small corpora in the real formats in temporary folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.train.corpus_fixtures import write_mini_corpora


@pytest.fixture()
def mini_corpora(tmp_path: Path) -> Path:
    """The corpora folder (tmp_path/corpora); the registry is tmp_path/corpora.toml."""
    return write_mini_corpora(tmp_path)
