"""Calibrated confidence: a logistic model over a few interpretable features of a candidate triple.

The weights live in `neurolit/resources/relations_confidence.json`, fitted on the curator dev set with
cross-validation by `scripts/fit_relation_confidence.py` (see docs/evaluation.md for the reliability per bin).
Features: cue strength, whether the cue is bound to the drug ("resistance to X", "X-sensitive"), links across
sentences, inferred genes, gene-status phrases, hedges, aims/methods, enrolment, refutation, distance.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from neurolit.logistic import linear_score, read_weights, sigmoid

RESOURCE = "relations_confidence.json"


@dataclass(frozen=True)
class ConfidenceModel:
    weights: Mapping[str, float]
    bias: float
    meta: Mapping[str, object] = field(default_factory=dict)

    def score(self, features: Mapping[str, float]) -> float:
        return linear_score(self.weights, self.bias, features)

    def probability(self, features: Mapping[str, float]) -> float:
        return sigmoid(self.score(features))


def load_confidence_model(text: str | None = None) -> ConfidenceModel:
    """The packaged model, or one given as JSON text."""
    stored = read_weights(
        RESOURCE,
        text,
        what="the relation confidence model",
        missing_hint="reinstall neurolit or run scripts/fit_relation_confidence.py",
        refit_hint="re-create it with scripts/fit_relation_confidence.py",
    )
    return ConfidenceModel(stored.weights, stored.bias, stored.meta)
