"""Refreshing a corpus built from the local mirror: after `mirror sync`, the saved query is re-run on it."""

from __future__ import annotations

from pathlib import Path

from neurolit.evidence.table import read_evidence
from neurolit.fetch.store import CorpusStore
from neurolit.mirror.query import fetch_from_mirror, mirror_pmids
from neurolit.mirror.sync import sync_mirror
from neurolit.refresh.extraction import Extractor
from neurolit.refresh.ledger import Ledger
from neurolit.refresh.run import evidence_path, refresh_corpus
from tests.mirror.conftest import DELETED_PMID
from tests.mirror.file_server import ServedFiles

QUERY = "pitch OR carcinoma"


def test_refresh_of_a_mirror_corpus_follows_the_mirror(
    mirror_home: Path, file_server: tuple[str, ServedFiles], extractor: Extractor
) -> None:
    sync_mirror(baseline=True, updates=False)
    fetch_from_mirror(QUERY, "local")
    first = refresh_corpus("local", extractor=extractor)
    assert first.source == "mirror" and first.extracted >= 1
    with CorpusStore.open("local", home=mirror_home) as store:
        assert DELETED_PMID in store.pmids()

    sync_mirror(baseline=False, updates=True)  # adds matching records, deletes DELETED_PMID
    second = refresh_corpus("local", extractor=extractor)
    expected = set(mirror_pmids(QUERY))
    assert second.removed == 1 and second.dropped == 1
    assert second.inserted == len(expected) - (first.fetched - 1)
    assert second.extracted == second.inserted
    with CorpusStore.open("local", home=mirror_home) as store:
        assert store.pmids() == expected
        assert store.get_watermark()
    with Ledger.for_corpus(mirror_home, "local") as ledger:
        assert set(ledger.digests()) == expected
    assert {t.pmid for t in read_evidence(evidence_path(mirror_home, "local"))} <= expected
