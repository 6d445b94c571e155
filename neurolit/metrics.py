"""Precision, recall and F1 from true-positive, false-positive and false-negative counts; shared by every `eval`."""

from __future__ import annotations

from collections.abc import Hashable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass


@dataclass
class Counts:
    """Counts that an evaluation accumulates; precision/recall/F1 are 0.0 where undefined."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @classmethod
    def of_sets(cls, predicted: AbstractSet[Hashable], gold: AbstractSet[Hashable]) -> Counts:
        """Counts of comparing two sets of keys."""
        tp = len(predicted & gold)
        return cls(tp=tp, fp=len(predicted) - tp, fn=len(gold) - tp)
