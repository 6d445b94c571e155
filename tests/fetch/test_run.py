"""fetch_query end to end against the loopback server: window splitting, faults, failures, kill and resume."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from neurolit.errors import FetchError
from neurolit.fetch.eutils import EutilsClient
from neurolit.fetch.run import fetch_query
from neurolit.fetch.store import CorpusStore
from tests.conftest import PROJECT_ROOT
from tests.fetch.conftest import FAST_CONFIG
from tests.fetch.eutils_server import EutilsServer


def _stored(home: Path, corpus: str) -> set[str]:
    with CorpusStore.open(corpus, home=home) as store:
        return store.pmids()


def test_every_record_arrives_exactly_once_across_window_segments(
    fetch_env: Path, eutils_server: EutilsServer
) -> None:
    eutils_server.set_window(300)
    client = EutilsClient.from_config(window=300)
    seen: list[tuple[int, int]] = []
    report = fetch_query("all[sb]", "everything", client=client, progress=lambda d, t: seen.append((d, t)))
    client.close()
    assert report.segments >= 3
    assert report.found == report.fetched == report.inserted == len(eutils_server.pmids)
    assert _stored(fetch_env, "everything") == eutils_server.pmids
    assert set(eutils_server.deliveries.values()) == {1}  # each record delivered exactly once
    assert seen[-1] == (report.found, report.found)
    assert not any(e.status != 200 for e in eutils_server.log)
    with CorpusStore.open("everything", home=fetch_env) as store:
        assert store.get_query() == "all[sb]"
        assert store.get_watermark() == date.today().strftime("%Y/%m/%d")
        run = store.runs()[0]
        assert (run.kind, run.status, run.fetched, run.inserted) == (
            "fetch",
            "completed",
            report.found,
            report.found,
        )


def test_faults_midway_are_retried_without_losing_or_doubling(
    fetch_env: Path, eutils_server: EutilsServer
) -> None:
    eutils_server.inject("efetch", "ok", "drop", "ok", "truncate", "500", "ok", "429")
    eutils_server.inject("esearch", "503")
    report = fetch_query("all[sb]", "faulty")
    assert report.fetched == len(eutils_server.pmids)
    assert _stored(fetch_env, "faulty") == eutils_server.pmids
    assert set(eutils_server.deliveries.values()) == {1}


def test_a_failed_fetch_keeps_what_it_stored_and_a_rerun_completes(
    fetch_env: Path, eutils_server: EutilsServer
) -> None:
    # Two batches succeed, then the server fails longer than the client retries (max_retries = 4).
    eutils_server.inject("efetch", "ok", "ok", *["503"] * 5)
    with pytest.raises(FetchError, match="HTTP 503"):
        fetch_query("all[sb]", "partial")
    assert len(_stored(fetch_env, "partial")) == 200
    with CorpusStore.open("partial", home=fetch_env) as store:
        failed = store.runs()[0]
        assert failed.status == "failed" and "HTTP 503" in failed.error and failed.fetched == 200
        assert store.get_watermark() == ""

    report = fetch_query("all[sb]", "partial")
    assert report.skipped == 200
    assert report.fetched == report.inserted == len(eutils_server.pmids) - 200
    assert _stored(fetch_env, "partial") == eutils_server.pmids
    assert set(eutils_server.deliveries.values()) == {1}
    assert [e.endpoint for e in eutils_server.log].count("epost") == 1  # resumed through the history server


def test_max_caps_the_run_and_since_filters_by_date(
    fetch_env: Path, eutils_server: EutilsServer, served_records: list
) -> None:
    report = fetch_query("all[sb]", "capped", max_records=50)
    assert report.capped and report.fetched == 50
    assert len(_stored(fetch_env, "capped")) == 50
    with CorpusStore.open("capped", home=fetch_env) as store:
        assert store.get_watermark() == ""  # an incomplete run sets no watermark

    since = date(2015, 12, 24)
    expected = {r.pmid for r in served_records if r.edat >= since}
    report = fetch_query("all[sb]", "recent", since="2015/12/24")
    assert report.found == len(expected) and _stored(fetch_env, "recent") == expected
    revised = {r.pmid for r in served_records if r.mdat >= date(2015, 12, 27)}
    fetch_query("all[sb]", "revised", since="2015-12-27", datetype="mdat")
    assert _stored(fetch_env, "revised") == revised
    assert 0 < len(revised) < len(expected)


def test_refetch_fetches_again_and_keeps_one_copy(fetch_env: Path, eutils_server: EutilsServer) -> None:
    first = fetch_query("crizotinib", "c")
    assert first.fetched == 1
    again = fetch_query("crizotinib", "c")
    assert (again.fetched, again.skipped) == (0, 1)
    refetched = fetch_query("crizotinib", "c", skip_existing=False)
    assert (refetched.fetched, refetched.unchanged, refetched.inserted) == (1, 1, 0)
    with CorpusStore.open("c", home=fetch_env) as store:
        assert store.count() == 1


@pytest.mark.slow
def test_a_killed_fetch_resumes_with_nothing_lost(
    fetch_env: Path, eutils_server: EutilsServer, tmp_path: Path
) -> None:
    """A real `neurolit fetch` process killed with SIGKILL mid-run; the re-run completes the corpus."""
    config = tmp_path / "slow.toml"
    config.write_text(FAST_CONFIG.format(rate=12.0, batch=20), encoding="utf-8")
    env = {**os.environ, "NEUROLIT_CONFIG": str(config), "PYTHONPATH": str(PROJECT_ROOT)}
    command = [sys.executable, "-m", "neurolit.cli", "fetch", "--query", "all[sb]", "--corpus", "killed"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    store_file = fetch_env / "corpora" / "killed.sqlite"
    before = 0
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if store_file.exists():
                with sqlite3.connect(store_file, timeout=10) as db:
                    try:
                        before = db.execute("SELECT count(*) FROM articles").fetchone()[0]
                    except sqlite3.OperationalError:
                        before = 0
                if before >= 100:
                    break
            time.sleep(0.05)
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    kept = _stored(fetch_env, "killed")
    assert 100 <= len(kept) < len(eutils_server.pmids)

    resumed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert _stored(fetch_env, "killed") == eutils_server.pmids
    with CorpusStore.open("killed", home=fetch_env) as store:
        latest, killed = store.runs(limit=2)
        assert killed.status == "interrupted"
        assert latest.status == "completed"
        assert latest.skipped == len(kept)
        assert latest.fetched == len(eutils_server.pmids) - len(kept)
    # Only the batch in flight at the kill can have been delivered twice.
    assert sum(n - 1 for n in eutils_server.deliveries.values()) <= 20
