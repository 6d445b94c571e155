"""Fixtures for the Dask engine tests: one loaded extractor per module, and the mirror tests' file server."""

from __future__ import annotations

import pytest

from neurolit.refresh.extraction import Extractor
from tests.mirror.conftest import file_server, mirror_home  # noqa: F401  (fixtures for a mirror input)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()
