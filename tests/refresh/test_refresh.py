"""`neurolit refresh` against the loopback E-utilities server: incremental fetch, deletions, re-extraction of
changed records only, run log, exit codes, locks — and a real process killed with SIGKILL."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from neurolit.cli import app
from neurolit.config import load_config
from neurolit.errors import InputError
from neurolit.evidence.schema import triple_id
from neurolit.evidence.table import read_evidence
from neurolit.fetch.run import fetch_query
from neurolit.fetch.store import CorpusStore, article_to_dict
from neurolit.refresh.extraction import Extractor
from neurolit.refresh.ledger import Ledger
from neurolit.refresh.lock import CorpusLock
from neurolit.refresh.run import evidence_path, refresh_corpus
from neurolit.review.model import DecisionRequest, evidence_hash
from neurolit.review.store import DecisionStore
from tests.conftest import PROJECT_ROOT
from tests.fetch.eutils_server import EutilsServer, ServedRecord
from tests.refresh.conftest import CORPUS, QUERY, matching, pubmed_news

runner = CliRunner()
Env = tuple[Path, EutilsServer, list[ServedRecord]]


def _snapshot(home: Path) -> dict[str, object]:
    """Everything a refresh must get right: stored records, watermark, evidence table, ledger."""
    with CorpusStore.open(CORPUS, home=home) as store:
        records = {a.pmid: article_to_dict(a) for a in store.iter_articles()}
        watermark = store.get_watermark()
    with Ledger.for_corpus(home, CORPUS) as ledger:
        ledger_pmids = set(ledger.digests())
    return {
        "records": records,
        "watermark": watermark,
        "evidence": evidence_path(home, CORPUS).read_text(encoding="utf-8"),
        "ledger_pmids": ledger_pmids,
    }


def _initial(home: Path, extractor: Extractor) -> None:
    fetch_query(QUERY, CORPUS, home=home)
    refresh_corpus(CORPUS, extractor=extractor)


def test_refresh_fetches_news_applies_deletions_and_reextracts_only_changes(
    refresh_env: Env, extractor: Extractor
) -> None:
    home, server, held = refresh_env
    _initial(home, extractor)
    first = _snapshot(home)
    initial_ids = {tid for tid in _triple_ids(home)}
    assert first["watermark"] == date.today().strftime("%Y/%m/%d")
    first_records = first["records"]
    assert isinstance(first_records, dict)
    assert set(first_records) == {r.pmid for r in matching(list(server.state.records.values()))}

    # A curator accepts a triple of a record that PubMed does not change (E's decision store, real SQLite).
    news_preview = {r.pmid for r in held}
    decided = next(t for t in read_evidence(evidence_path(home, CORPUS)) if t.pmid not in news_preview)
    decisions = DecisionStore.for_corpus(CORPUS, home=home)
    request = DecisionRequest(triple_id(decided), "accept", "curator-a", 0, evidence_hash(decided))
    decisions.decide(request, decided, evidence_hash(decided))
    decision_file = home / "review" / f"{CORPUS}.sqlite"
    decision_bytes = decision_file.read_bytes()

    news = pubmed_news(server, held)
    result = refresh_corpus(CORPUS, extractor=extractor)
    assert result.since == (date.today() - timedelta(days=3)).strftime("%Y/%m/%d")  # the safety overlap
    assert (result.inserted, result.updated, result.removed) == (len(news.added), 1, 1)
    assert result.extracted == len(news.added) + 1  # the new records and the revised one, nothing else
    assert result.dropped == 1
    after = _snapshot(home)
    records = after["records"]
    assert isinstance(records, dict)
    assert set(records) == {r.pmid for r in matching(list(server.state.records.values()))}
    assert news.deleted not in records and set(news.added) <= set(records)
    assert records[news.revised]["title"].endswith("[corrected]")
    assert after["ledger_pmids"] == set(records)
    # triples of untouched records keep their ids (curator decisions are keyed by them)
    unchanged = {t.pmid for t in read_evidence(evidence_path(home, CORPUS))} - {news.revised, news.deleted}
    kept = {t for t in initial_ids if t[0] in unchanged}
    assert kept <= _triple_ids(home)

    # The decision is untouched and still attached: same triple_id, same evidence (no re-review needed).
    assert decision_file.read_bytes() == decision_bytes
    state = DecisionStore.for_corpus(CORPUS, home=home).state(triple_id(decided))
    assert state.status == "accepted"
    if decided.pmid != news.deleted:
        again_decided = next(
            t for t in read_evidence(evidence_path(home, CORPUS)) if triple_id(t) == triple_id(decided)
        )
        assert evidence_hash(again_decided) == state.evidence_hash

    with CorpusStore.open(CORPUS, home=home) as store:
        run = next(
            r for r in store.runs(limit=10) if r.kind == "refresh"
        )  # the fetch runs it made come later
    assert run.status == "completed"
    assert (run.inserted, run.updated, run.deleted) == (len(news.added), 1, 1)

    again = refresh_corpus(CORPUS, extractor=extractor)
    assert (again.inserted, again.updated, again.removed, again.extracted) == (0, 0, 0, 0)
    assert _snapshot(home)["evidence"] == after["evidence"]


def _triple_ids(home: Path) -> set[tuple[str, str]]:
    return {(t.pmid, triple_id(t)) for t in read_evidence(evidence_path(home, CORPUS))}


def _cli_env(home: Path, server: EutilsServer) -> dict[str, str]:
    return {
        **os.environ,
        "NEUROLIT_HOME": str(home),
        "NEUROLIT_EUTILS_URL": server.url,
        "PYTHONPATH": str(PROJECT_ROOT),
    }


def _start_refresh(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "neurolit.cli", "refresh", CORPUS],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _kill_when(process: subprocess.Popen[str], seen: str, timeout: float = 90.0) -> list[str]:
    """Read the process's progress lines until one contains `seen`, then SIGKILL it."""
    assert process.stderr is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    for line in process.stderr:
        lines.append(line)
        if seen in line or time.monotonic() > deadline:
            break
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    return lines


@pytest.mark.slow
def test_a_refresh_killed_at_any_point_ends_like_an_uninterrupted_one(
    refresh_env: Env, extractor: Extractor, tmp_path: Path
) -> None:
    home, server, held = refresh_env
    _initial(home, extractor)
    twin = tmp_path / "twin-home"
    shutil.copytree(home, twin)  # the same corpus, ledger and evidence in a second NEUROLIT_HOME
    before = _snapshot(twin)
    pubmed_news(server, held)

    env = _cli_env(twin, server)

    # 1. killed while fetching: the edat batch is committed, the mdat efetch stalls and the process dies.
    server.state.stall_seconds = 5.0
    server.inject("efetch", "ok", "stall")
    seen = len(server.log)
    process = _start_refresh(env)
    deadline = time.monotonic() + 60
    while sum(1 for e in server.log[seen:] if e.endpoint == "efetch") < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    killed = _snapshot(twin)
    assert killed["watermark"] == before["watermark"] and killed["evidence"] == before["evidence"]
    assert killed["records"] != before["records"]  # the first batch was committed

    # 2. killed during extraction, after the first batch of triples was committed.
    process = _start_refresh(env)
    lines = _kill_when(process, "extraction batch 1/")
    assert process.returncode == -signal.SIGKILL, "".join(lines)
    assert any("extraction batch 1/" in line for line in lines), "".join(lines)
    assert _snapshot(twin)["watermark"] == before["watermark"]

    # 3. started again: it completes, and ends exactly where the uninterrupted run ended.
    # The uninterrupted reference is the same refresh run once in `home`, started at the same moment, so that
    # both processes load the same code and model.
    command = [sys.executable, "-m", "neurolit.cli", "refresh", CORPUS]
    runs_ = [
        subprocess.Popen(command, env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for e in (env, _cli_env(home, server))
    ]
    for process in runs_:
        _, err = process.communicate(timeout=180)
        assert process.returncode == 0, err
    resumed, reference = _snapshot(twin), _snapshot(home)
    for key in reference:
        assert resumed[key] == reference[key], f"{key} differs after the killed runs"
    with CorpusStore.open(CORPUS, home=twin) as store:
        runs = [r for r in store.runs(limit=10) if r.kind == "refresh"]
    assert runs[0].status == "completed"
    assert {r.status for r in runs[1:3]} <= {"interrupted", "failed"}  # the two killed runs, closed as such


def test_a_live_lock_exits_3_and_a_stale_lock_is_recovered(refresh_env: Env, extractor: Extractor) -> None:
    home, _, _ = refresh_env
    fetch_query(QUERY, CORPUS, home=home)
    with CorpusLock.for_corpus(home, CORPUS):
        result = runner.invoke(app, ["refresh", CORPUS])
    assert result.exit_code == 3, result.output
    assert "another run is in progress" in " ".join(result.output.split())

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(dead.stdout)
    lock_file = home / "locks" / f"{CORPUS}.lock"
    lock_file.write_text(json.dumps({"pid": dead_pid, "host": "here", "started": time.time() - 3600}))
    refreshed = refresh_corpus(CORPUS, extractor=extractor)
    assert refreshed.stale_lock_pid == dead_pid
    assert lock_file.read_text() == ""  # released cleanly
    assert evidence_path(home, CORPUS).is_file()


def test_temporary_failure_exits_4_and_keeps_the_watermark(refresh_env: Env, extractor: Extractor) -> None:
    home, server, _ = refresh_env
    fetch_query(QUERY, CORPUS, home=home)
    with CorpusStore.open(CORPUS, home=home) as store:
        store.set_watermark("2026/01/01")
    server.inject("esearch", *["503"] * 10)
    result = runner.invoke(app, ["refresh", CORPUS])
    assert result.exit_code == 4, result.output
    with CorpusStore.open(CORPUS, home=home) as store:
        assert store.get_watermark() == "2026/01/01"
        assert next(r for r in store.runs(limit=10) if r.kind == "refresh").status == "failed"


def test_all_refreshes_every_corpus_with_a_query_and_reports_partial_failure(
    refresh_env: Env, extractor: Extractor
) -> None:
    home, _, _ = refresh_env
    fetch_query(QUERY, CORPUS, home=home)
    fetch_query("crizotinib", "other", home=home)
    with CorpusLock.for_corpus(home, "other"):
        result = runner.invoke(app, ["refresh", "--all", "--no-model"])
    assert result.exit_code == 5, result.output  # `onc` refreshed, `other` skipped (locked)
    assert evidence_path(home, CORPUS).is_file() and not evidence_path(home, "other").exists()


def test_a_corpus_without_saved_query_needs_a_person(refresh_env: Env, extractor: Extractor) -> None:
    home, _, _ = refresh_env
    with CorpusStore.open("files-only", home=home, create=True):
        pass
    with pytest.raises(InputError, match="no saved query"):
        refresh_corpus("files-only", extractor=extractor)
    assert runner.invoke(app, ["refresh", "files-only"]).exit_code == 1
    assert runner.invoke(app, ["refresh", "no-such-corpus"]).exit_code == 1
    assert runner.invoke(app, ["refresh"]).exit_code == 1  # neither names nor --all


def test_another_extractor_version_reextracts_everything(refresh_env: Env, extractor: Extractor) -> None:
    """Records are re-extracted when the extractor (components, threshold, version) changes, and only then."""
    home, _, _ = refresh_env
    fetch_query(QUERY, CORPUS, home=home)
    n = refresh_corpus(CORPUS, extractor=extractor).extracted
    records = _snapshot(home)["records"]
    assert isinstance(records, dict) and n == len(records)
    assert refresh_corpus(CORPUS, extractor=extractor).extracted == 0
    lenient = extractor.with_threshold(0.0)
    assert lenient.version != extractor.version
    assert refresh_corpus(CORPUS, extractor=lenient).extracted == n
    assert len(read_evidence(evidence_path(home, CORPUS))) >= 1  # everything above 0 is kept


def test_ledger_file_is_sqlite(refresh_env: Env, extractor: Extractor) -> None:
    home, _, _ = refresh_env
    fetch_query(QUERY, CORPUS, home=home)
    refresh_corpus(CORPUS, extractor=extractor)
    with sqlite3.connect(home / "refresh" / f"{CORPUS}.sqlite") as db:
        status = db.execute("SELECT status FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert status == "completed"
    assert load_config().home == home


def test_mass_removal_is_refused(refresh_env: Env, extractor: Extractor) -> None:
    """A query that suddenly returns far fewer records (an outage, a changed index) removes nothing."""
    home, server, _ = refresh_env
    fetch_query(QUERY, CORPUS, home=home)
    with CorpusStore.open(CORPUS, home=home) as store:
        before = store.pmids()
        watermark = store.get_watermark()
    assert len(before) > 12
    with server.state.lock:
        for pmid in sorted(before)[:12]:
            del server.state.records[pmid]
    result = runner.invoke(app, ["refresh", CORPUS])
    assert result.exit_code == 1 and "refusing" in " ".join(result.output.split())
    with CorpusStore.open(CORPUS, home=home) as store:
        assert store.pmids() == before and store.get_watermark() == watermark
