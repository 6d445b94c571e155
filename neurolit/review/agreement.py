"""Agreement between two curators: each one's latest verdict per triple, a confusion table and Cohen's kappa.

A verdict is accept (machine values kept), correct (accepted with corrected fields) or reject. Decisions that
were logged but not applied (made against a stale revision) count: they are that curator's judgement.
Notes are not verdicts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import combinations

from neurolit.errors import ReviewError
from neurolit.review.model import VERDICT_ACTIONS, verdict_category
from neurolit.review.store import LogEntry

CATEGORIES: tuple[str, ...] = ("accept", "correct", "reject")


@dataclass(frozen=True, slots=True)
class PairAgreement:
    curator_a: str
    curator_b: str
    n: int  # triples both decided
    agreed: int
    table: tuple[tuple[int, ...], ...]  # rows: curator_a's category, columns: curator_b's (CATEGORIES order)
    kappa: float | None  # None when chance agreement is 1 (every verdict in one category) or n == 0
    disagreements: tuple[tuple[str, str, str], ...]  # (triple_id, a's verdict, b's verdict)
    correction_mismatches: tuple[str, ...]  # both corrected, to different values

    @property
    def observed(self) -> float | None:
        return self.agreed / self.n if self.n else None


@dataclass(frozen=True, slots=True)
class AgreementReport:
    curators: dict[str, int]  # curator → number of triples with a verdict
    pairs: tuple[PairAgreement, ...]


def cohen_kappa(table: list[list[int]]) -> float | None:
    """Cohen's kappa of a square confusion table; None when undefined (no items, or chance agreement 1)."""
    n = sum(sum(row) for row in table)
    if n == 0:
        return None
    size = len(table)
    observed = sum(table[i][i] for i in range(size)) / n
    rows = [sum(table[i]) / n for i in range(size)]
    cols = [sum(table[i][j] for i in range(size)) / n for j in range(size)]
    expected = sum(r * c for r, c in zip(rows, cols, strict=True))
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def latest_verdicts(log: list[LogEntry]) -> dict[str, dict[str, tuple[str, dict[str, object]]]]:
    """curator → triple_id → (verdict, corrections) from each curator's latest verdict on each triple."""
    verdicts: dict[str, dict[str, tuple[str, dict[str, object]]]] = {}
    for entry in log:  # oldest first: later entries overwrite
        if entry.action not in VERDICT_ACTIONS:
            continue
        corrections = entry.after.get("corrections")
        verdicts.setdefault(entry.curator, {})[entry.triple_id] = (
            verdict_category(entry.after),
            dict(corrections) if isinstance(corrections, dict) else {},
        )
    return verdicts


def pair_agreement(
    verdicts: dict[str, dict[str, tuple[str, dict[str, object]]]], a: str, b: str
) -> PairAgreement:
    if a not in verdicts or b not in verdicts:
        missing = [name for name in (a, b) if name not in verdicts]
        raise ReviewError(
            f"no verdicts from curator(s) {', '.join(missing)}; curators with verdicts: "
            f"{', '.join(sorted(verdicts)) or 'none'}"
        )
    shared = sorted(set(verdicts[a]) & set(verdicts[b]))
    index = {category: i for i, category in enumerate(CATEGORIES)}
    table = [[0] * len(CATEGORIES) for _ in CATEGORIES]
    disagreements: list[tuple[str, str, str]] = []
    mismatched: list[str] = []
    for tid in shared:
        (va, ca), (vb, cb) = verdicts[a][tid], verdicts[b][tid]
        table[index[va]][index[vb]] += 1
        if va != vb:
            disagreements.append((tid, va, vb))
        elif va == "correct" and ca != cb:
            mismatched.append(tid)
    agreed = sum(table[i][i] for i in range(len(CATEGORIES)))
    return PairAgreement(
        a,
        b,
        len(shared),
        agreed,
        tuple(tuple(row) for row in table),
        cohen_kappa(table),
        tuple(disagreements),
        tuple(mismatched),
    )


def agreement_report(log: list[LogEntry], curators: tuple[str, str] | None = None) -> AgreementReport:
    """Agreement for one named pair, or for every pair of curators with a triple in common."""
    verdicts = latest_verdicts(log)
    counts = dict(sorted(Counter({name: len(items) for name, items in verdicts.items()}).items()))
    if curators is not None:
        return AgreementReport(counts, (pair_agreement(verdicts, *curators),))
    pairs = [pair_agreement(verdicts, a, b) for a, b in combinations(sorted(verdicts), 2)]
    return AgreementReport(counts, tuple(pair for pair in pairs if pair.n))
