"""`neurolit fetch --source mirror`: a corpus from the local mirror's FTS index, with no network."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from neurolit.cli import app
from neurolit.errors import InputError, StoreError
from neurolit.fetch.store import CorpusStore
from neurolit.mirror.query import MIRROR_SOURCE, SOURCE_KEY, fetch_from_mirror, mirror_pmids, to_fts_query
from neurolit.mirror.sync import sync_mirror
from tests.mirror.conftest import DELETED_PMID
from tests.mirror.file_server import ServedFiles

runner = CliRunner()


def test_fetch_from_the_mirror_without_network(
    mirror_home: Path, file_server: tuple[str, ServedFiles], monkeypatch: pytest.MonkeyPatch
) -> None:
    sync_mirror()
    # No E-utilities anywhere: a closed port. The mirror must not need it.
    monkeypatch.setenv("NEUROLIT_EUTILS_URL", "http://127.0.0.1:9/entrez/eutils/")
    result = runner.invoke(
        app, ["fetch", "--query", "carcinoma[tiab] AND cells", "--corpus", "carc", "--source", "mirror"]
    )
    assert result.exit_code == 0, result.output
    expected = set(mirror_pmids("carcinoma AND cells"))
    assert expected
    with CorpusStore.open("carc", home=mirror_home) as store:
        assert store.pmids() == expected
        assert store.get_query() == "carcinoma[tiab] AND cells"
        assert store.get_meta(SOURCE_KEY) == MIRROR_SOURCE
        for pmid in expected:
            article = store.get(pmid)
            assert article is not None and "carcinoma" in article.text.lower()

    capped = fetch_from_mirror("cells", "capped", max_records=3)
    assert capped.found == 3


def test_deleted_records_are_not_found(mirror_home: Path, file_server: tuple[str, ServedFiles]) -> None:
    sync_mirror(baseline=True, updates=False)
    assert DELETED_PMID in mirror_pmids("pitch")
    sync_mirror(baseline=False, updates=True)
    assert DELETED_PMID not in mirror_pmids("pitch")


def test_query_translation_and_errors(neurolit_home: Path) -> None:
    assert to_fts_query("ALK[tiab] and crizotinib[ti]") == "ALK AND title:crizotinib"
    assert to_fts_query('"exon 19"[tiab] OR neuroblastoma[mh]') == '"exon 19" OR mesh:neuroblastoma'
    with pytest.raises(InputError, match=r"\[au\]"):
        to_fts_query("Smith[au]")
    with pytest.raises(StoreError, match="mirror sync"):
        mirror_pmids("ALK")
