"""Fixtures for the fetch stage: the loopback E-utilities server over the real records in ../shared/data."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from neurolit.fetch.eutils import EutilsClient
from tests.conftest import shared_path
from tests.fetch.eutils_server import EutilsServer, ServedRecord, load_records

FAST_CONFIG = """
[fetch]
requests_per_second_without_key = {rate}
batch_size = {batch}
max_retries = 4
backoff_base_seconds = 0.01
backoff_max_seconds = 0.05
timeout_seconds = 5.0
"""


def cassette_bodies(endpoint: str) -> list[tuple[str, str, bytes]]:
    """(cassette, request body, response body) of recorded real NCBI exchanges (VCR.py YAML)."""
    import yaml

    found = []
    for path in sorted(shared_path("pubmed", "eutils", "biocommons_cassettes").glob("*.yaml")):
        for interaction in yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]:
            if interaction["request"]["uri"].endswith(f"/{endpoint}.fcgi"):
                body = interaction["response"]["body"]["string"]
                found.append((path.name, interaction["request"]["body"] or "", body.encode("utf-8")))
    return found


@pytest.fixture(scope="session")
def served_records() -> list[ServedRecord]:
    return load_records(shared_path())


@pytest.fixture()
def eutils_server(served_records: list[ServedRecord]) -> Iterator[EutilsServer]:
    """A fresh loopback E-utilities server (window 9,999, no rate limit) for one test."""
    with EutilsServer(served_records) as server:
        yield server


@pytest.fixture()
def make_client(eutils_server: EutilsServer) -> Iterator[Callable[..., EutilsClient]]:
    """Build clients for the loopback server with fast retries (override any setting by keyword)."""
    clients: list[EutilsClient] = []

    def make(**overrides: Any) -> EutilsClient:
        settings: dict[str, Any] = {
            "rate": 50.0,
            "max_retries": 4,
            "backoff_base": 0.01,
            "backoff_max": 0.05,
            "timeout": 5.0,
            "seed": 7,
        }
        settings.update(overrides)
        client = EutilsClient(eutils_server.url, **settings)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture()
def fetch_env(neurolit_home: Path, eutils_server: EutilsServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    """NEUROLIT_HOME, NEUROLIT_EUTILS_URL and a fast NEUROLIT_CONFIG pointing at the loopback server."""
    config = neurolit_home / "test-config.toml"
    config.write_text(FAST_CONFIG.format(rate=50.0, batch=100), encoding="utf-8")
    monkeypatch.setenv("NEUROLIT_CONFIG", str(config))
    monkeypatch.setenv("NEUROLIT_EUTILS_URL", eutils_server.url)
    monkeypatch.setenv("NCBI_EMAIL", "tests@example.org")
    return neurolit_home
