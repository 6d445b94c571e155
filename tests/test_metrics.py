from __future__ import annotations

import pytest

from neurolit.metrics import Counts


def test_precision_recall_f1() -> None:
    counts = Counts(tp=8, fp=2, fn=8)
    assert counts.precision == pytest.approx(0.8)
    assert counts.recall == pytest.approx(0.5)
    assert counts.f1 == pytest.approx(2 * 0.8 * 0.5 / 1.3)


def test_undefined_scores_are_zero() -> None:
    assert (Counts().precision, Counts().recall, Counts().f1) == (0.0, 0.0, 0.0)


def test_of_sets_and_add() -> None:
    counts = Counts.of_sets({("1", "ALK"), ("1", "NRAS")}, {("1", "ALK"), ("2", "EGFR"), ("3", "KRAS")})
    assert (counts.tp, counts.fp, counts.fn) == (1, 1, 2)
    counts.add(Counts(tp=1, fp=0, fn=0))
    assert (counts.tp, counts.fp, counts.fn) == (2, 1, 2)
