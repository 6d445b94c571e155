"""Agreement between curators: Cohen's kappa on hand-checked tables and on a real decision log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from neurolit.errors import ReviewError
from neurolit.evidence.schema import triple_id
from neurolit.records import Triple
from neurolit.review.agreement import agreement_report, cohen_kappa
from neurolit.review.model import Action, DecisionRequest, evidence_hash
from neurolit.review.store import DecisionStore, StaleDecisionError
from tests.review.conftest import founding_triples


def test_kappa_matches_hand_computation() -> None:
    # po = 35/50 = 0.7; pe = 0.5*0.6 + 0.5*0.4 = 0.5; kappa = (0.7 - 0.5) / 0.5 = 0.4
    assert cohen_kappa([[20, 5], [10, 15]]) == pytest.approx(0.4)
    assert cohen_kappa([[10, 0, 0], [0, 5, 0], [0, 0, 5]]) == pytest.approx(1.0)
    # po = 0; pe = 0.5: kappa = -1
    assert cohen_kappa([[0, 5], [5, 0]]) == pytest.approx(-1.0)
    assert cohen_kappa([[4, 0], [0, 0]]) is None  # everything in one category: chance agreement is 1
    assert cohen_kappa([[0, 0], [0, 0]]) is None


def _decide(store: DecisionStore, triple: Triple, curator: str, action: Action, **extra: Any) -> None:
    tid = triple_id(triple)
    request = DecisionRequest(
        tid,
        action,
        curator,
        store.state(tid).revision,
        evidence_hash(triple),
        **extra,
    )
    store.decide(request, triple, evidence_hash(triple))


def test_report_from_a_decision_log(tmp_path: Path) -> None:
    store = DecisionStore(tmp_path / "d.sqlite")
    crizotinib, lorlatinib, nras, cdk4, fgfr1 = founding_triples()
    for triple in (crizotinib, lorlatinib, nras):
        _decide(store, triple, "alice", "accept")
    _decide(store, cdk4, "alice", "reject", reason="not tied to lorlatinib")
    _decide(store, fgfr1, "alice", "reject", reason="not tied to lorlatinib")
    # bob reviews the same five (sequentially, so no conflicts): agrees on 4, corrects nras
    for triple in (crizotinib, lorlatinib):
        _decide(store, triple, "bob", "accept")
    fields = (
        ("gene", "NRAS"),
        ("variant", "p.Q61R"),
        ("drug", "lorlatinib"),
        ("significance", "resistance"),
        ("direction", "supports"),
    )
    _decide(store, nras, "bob", "correct", fields=fields)
    _decide(store, cdk4, "bob", "reject", reason="no")
    _decide(store, fgfr1, "bob", "reject", reason="no")
    _decide(store, crizotinib, "bob", "note", note="notes are not verdicts")
    report = agreement_report(store.log())
    assert report.curators == {"alice": 5, "bob": 5}
    [pair] = report.pairs
    assert (pair.n, pair.agreed) == (5, 4)
    # rows alice (accept, correct, reject), columns bob
    assert pair.table == ((2, 1, 0), (0, 0, 0), (0, 0, 2))
    # po = 0.8; pe = 0.6*0.4 + 0*0.2 + 0.4*0.4 = 0.4; kappa = 0.4/0.6
    assert pair.kappa == pytest.approx(2 / 3)
    assert pair.disagreements == ((triple_id(nras), "accept", "correct"),)


def test_stale_verdicts_count_and_latest_wins(tmp_path: Path) -> None:
    store = DecisionStore(tmp_path / "d.sqlite")
    triple = founding_triples()[0]
    tid = triple_id(triple)
    _decide(store, triple, "alice", "accept")
    with pytest.raises(StaleDecisionError):  # carol decided against revision 0: logged, not applied
        store.decide(
            DecisionRequest(tid, "reject", "carol", 0, evidence_hash(triple), reason="duplicate"),
            triple,
            evidence_hash(triple),
        )
    _decide(store, triple, "alice", "reject", reason="on second thought")
    [pair] = agreement_report(store.log()).pairs
    assert (pair.curator_a, pair.curator_b, pair.n, pair.agreed) == ("alice", "carol", 1, 1)
    with pytest.raises(ReviewError, match="no verdicts from curator"):
        agreement_report(store.log(), ("alice", "dave"))
