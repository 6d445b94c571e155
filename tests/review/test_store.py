"""The decision store: revisions, the append-only log, stale decisions, atomic batches, threads."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from neurolit.errors import ReviewError, StoreError
from neurolit.evidence.schema import triple_id
from neurolit.records import Triple
from neurolit.review.model import Action, DecisionRequest, evidence_hash
from neurolit.review.store import DecisionStore, StaleDecisionError, review_store_path
from tests.review.conftest import founding_triples


def _request(
    triple: Triple, action: Action = "accept", *, curator: str = "alice", base: int = 0, **extra: Any
) -> DecisionRequest:
    return DecisionRequest(
        triple_id(triple),
        action,
        curator,
        base,
        evidence_hash(triple),
        **extra,
    )


def test_store_lives_under_home_review(neurolit_home: Path) -> None:
    assert review_store_path("alknb") == neurolit_home / "review" / "alknb.sqlite"
    with pytest.raises(ValueError, match="invalid corpus name"):
        review_store_path("../escape")


def test_decisions_advance_revisions_and_persist(tmp_path: Path) -> None:
    triple = founding_triples()[0]
    store = DecisionStore(tmp_path / "d.sqlite")
    first = store.decide(_request(triple), triple, evidence_hash(triple))
    assert first.state.revision == 1 and first.state.status == "accepted"
    second = store.decide(
        _request(triple, "reject", base=1, reason="no outcome stated"), triple, evidence_hash(triple)
    )
    assert second.state.revision == 2
    reopened = DecisionStore(tmp_path / "d.sqlite")
    state = reopened.state(triple_id(triple))
    assert (state.status, state.reason, state.revision) == ("rejected", "no outcome stated", 2)
    log = reopened.log(triple_id(triple))
    assert [(e.action, e.before["status"], e.after["status"]) for e in log] == [
        ("accept", "pending", "accepted"),
        ("reject", "accepted", "rejected"),
    ]


def test_log_is_append_only(tmp_path: Path) -> None:
    triple = founding_triples()[0]
    store = DecisionStore(tmp_path / "d.sqlite")
    store.decide(_request(triple), triple, evidence_hash(triple))
    db = sqlite3.connect(tmp_path / "d.sqlite")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE decision_log SET curator = 'mallory'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM decision_log")
    db.close()
    assert store.log()[0].curator == "alice"


def test_stale_decision_is_logged_not_applied(tmp_path: Path) -> None:
    triple = founding_triples()[1]
    store = DecisionStore(tmp_path / "d.sqlite")
    store.decide(_request(triple, "reject", reason="duplicate"), triple, evidence_hash(triple))
    with pytest.raises(StaleDecisionError) as caught:
        store.decide(_request(triple, curator="bob"), triple, evidence_hash(triple))
    assert caught.value.current.status == "rejected" and caught.value.current.curator == "alice"
    assert "you saw revision 0, it is now revision 1" in str(caught.value)
    log = store.log()
    assert [(e.curator, e.applied, e.after["status"]) for e in log] == [
        ("alice", True, "rejected"),
        ("bob", False, "accepted"),
    ]
    assert store.state(triple_id(triple)).status == "rejected"


def test_invalid_request_in_a_batch_writes_nothing(tmp_path: Path) -> None:
    good, bad = founding_triples()[:2]
    store = DecisionStore(tmp_path / "d.sqlite")
    with pytest.raises(ReviewError, match="reason for rejecting is required"):
        store.decide_many(
            [(_request(good), good, evidence_hash(good)), (_request(bad, "reject"), bad, evidence_hash(bad))]
        )
    assert store.log() == [] and store.states() == {}
    with pytest.raises(ReviewError, match="curator name"):
        store.decide(_request(good, curator="x" * 80), good, evidence_hash(good))


def test_note_and_noop_correction(tmp_path: Path) -> None:
    triple = founding_triples()[2]
    store = DecisionStore(tmp_path / "d.sqlite")
    noted = store.decide(_request(triple, "note", note="see figure 2"), triple, evidence_hash(triple))
    assert (
        noted.state.status == "pending" and noted.state.note == "see figure 2" and noted.state.revision == 1
    )
    fields = (
        ("gene", "NRAS"),
        ("variant", "p.Q61K"),
        ("drug", "lorlatinib"),
        ("significance", "resistance"),
        ("direction", "supports"),
    )
    store.decide(_request(triple, "correct", base=1, fields=fields), triple, evidence_hash(triple))
    with pytest.raises(ReviewError, match="changes nothing"):
        store.decide(_request(triple, "correct", base=2, fields=fields), triple, evidence_hash(triple))


def test_concurrent_decisions_on_one_triple_never_lose_one(tmp_path: Path) -> None:
    triple = founding_triples()[3]
    store = DecisionStore(tmp_path / "d.sqlite")
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def curate(index: int) -> None:
        barrier.wait()
        try:
            store.decide(_request(triple, curator=f"curator{index}"), triple, evidence_hash(triple))
            outcomes.append("applied")
        except StaleDecisionError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=curate, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["applied"] + ["conflict"] * 7
    log = store.log()
    assert len(log) == 8 and sum(e.applied for e in log) == 1  # every decision is in the log
    assert store.state(triple_id(triple)).revision == 1


def test_not_a_review_store(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open the review store"):
        DecisionStore(path)
