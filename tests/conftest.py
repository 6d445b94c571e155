"""Shared fixtures. Reference data lives in ../shared/data beside the project (read-only in CI)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("NEUROLIT_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data"))
SEEDS = SHARED_DATA.parent / "seeds"


def shared_path(*parts: str) -> Path:
    """A path under ../shared/data, skipping the calling test with a clear reason when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"reference data {path} is not present (expected ../shared/data beside the project)")
    return path


@pytest.fixture()
def shared_data() -> Path:
    return shared_path()


@pytest.fixture()
def neurolit_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty NEUROLIT_HOME in a temporary folder; tests never write anywhere else."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("NEUROLIT_HOME", str(home))
    monkeypatch.delenv("NEUROLIT_CONFIG", raising=False)
    monkeypatch.delenv("NCBI_API_KEY", raising=False)
    return home
