"""Fixtures for refresh tests: the fetch stage's loopback E-utilities server, a fast config, PubMed "news".

`pubmed_news(server, ...)` changes the served records the way PubMed changes between two nightly runs: records
held back appear with today's entry date, one record is revised (new title and DateRevised, today's
modification date) and one is deleted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from neurolit.refresh.extraction import Extractor
from tests.fetch.eutils_server import EutilsServer, ServedRecord, load_records

QUERY = "cancer"
CORPUS = "onc"

CONFIG = """
[fetch]
requests_per_second_without_key = 50.0
batch_size = 10
max_retries = 2
backoff_base_seconds = 0.01
backoff_max_seconds = 0.05
timeout_seconds = 10.0

[refresh]
extract_batch_size = 1
"""


@pytest.fixture(scope="session")
def all_records() -> list[ServedRecord]:
    from tests.conftest import shared_path

    return load_records(shared_path())


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    """One extractor (one NER pipeline load) for every in-process refresh of the session."""
    return Extractor()


def matching(records: list[ServedRecord], word: str = QUERY) -> list[ServedRecord]:
    return sorted((r for r in records if word in r.text), key=lambda r: int(r.pmid))


@dataclasses.dataclass
class News:
    added: list[str]
    revised: str
    deleted: str


def split_news(records: list[ServedRecord], n_new: int) -> tuple[list[ServedRecord], list[ServedRecord]]:
    """(records served at first, records held back to appear later) among those matching QUERY."""
    hits = matching(records)
    held = hits[-n_new:]
    held_ids = {r.pmid for r in held}
    return [r for r in records if r.pmid not in held_ids], held


def pubmed_news(server: EutilsServer, held: list[ServedRecord], *, today: date | None = None) -> News:
    """Apply one night of PubMed changes to the served records (see the module docstring)."""
    today = today or date.today()
    state = server.state
    with state.lock:
        for record in held:
            state.records[record.pmid] = dataclasses.replace(record, edat=today, mdat=today)
        served = matching(list(state.records.values()))
        old = [r for r in served if r.pmid not in {h.pmid for h in held}]
        revised, deleted = old[0], old[1]
        state.records[revised.pmid] = _revise(revised, today)
        del state.records[deleted.pmid]
    return News([r.pmid for r in held], revised.pmid, deleted.pmid)


def _revise(record: ServedRecord, today: date) -> ServedRecord:
    article = etree.fromstring(record.xml)
    citation = article.find("MedlineCitation")
    title = citation.find("Article/ArticleTitle")
    title.text = (title.text or "") + " [corrected]"
    revised = citation.find("DateRevised")
    if revised is None:
        revised = etree.SubElement(citation, "DateRevised")
    for child in list(revised):
        revised.remove(child)
    for tag, value in (("Year", today.year), ("Month", f"{today.month:02d}"), ("Day", f"{today.day:02d}")):
        etree.SubElement(revised, tag).text = str(value)
    xml = etree.tostring(article, encoding="UTF-8", xml_declaration=False)
    return dataclasses.replace(record, xml=xml, mdat=today, text=record.text + " [corrected]")


@pytest.fixture()
def refresh_env(
    neurolit_home: Path, monkeypatch: pytest.MonkeyPatch, all_records: list[ServedRecord]
) -> Iterator[tuple[Path, EutilsServer, list[ServedRecord]]]:
    """(NEUROLIT_HOME, a running server without the held-back records, the held-back records)."""
    first, held = split_news(all_records, n_new=30)
    config = neurolit_home / "test-config.toml"
    config.write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("NEUROLIT_CONFIG", str(config))
    with EutilsServer(first) as server:
        monkeypatch.setenv("NEUROLIT_EUTILS_URL", server.url)
        yield neurolit_home, server, held


# The loopback PubMed file server of the mirror tests, for refreshing a corpus built from the mirror.
from tests.mirror.conftest import file_server, mirror_home  # noqa: E402,F401
