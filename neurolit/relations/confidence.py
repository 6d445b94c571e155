"""Calibrated confidence: a logistic model over a few interpretable features of a candidate triple.

The weights live in `neurolit/resources/relations_confidence.json`, fitted on the curator dev set with
cross-validation by `scripts/fit_relation_confidence.py` (see docs/evaluation.md for the reliability per bin).
Features: cue strength, whether the cue is bound to the drug ("resistance to X", "X-sensitive"), links across
sentences, inferred genes, gene-status phrases, hedges, aims/methods, enrolment, refutation, distance.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources

from neurolit.errors import ModelError

RESOURCE = "relations_confidence.json"


@dataclass(frozen=True)
class ConfidenceModel:
    weights: Mapping[str, float]
    bias: float
    meta: Mapping[str, object] = field(default_factory=dict)

    def score(self, features: Mapping[str, float]) -> float:
        return self.bias + sum(self.weights.get(name, 0.0) * value for name, value in features.items())

    def probability(self, features: Mapping[str, float]) -> float:
        z = self.score(features)
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)


def load_confidence_model(text: str | None = None) -> ConfidenceModel:
    """The packaged model, or one given as JSON text."""
    if text is None:
        try:
            text = resources.files("neurolit.resources").joinpath(RESOURCE).read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise ModelError(
                f"the relation confidence model {RESOURCE} is missing from neurolit/resources; "
                "reinstall neurolit or run scripts/fit_relation_confidence.py"
            ) from exc
    try:
        data = json.loads(text)
        weights = {str(k): float(v) for k, v in data["weights"].items()}
        bias = float(data["bias"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ModelError(
            f"the relation confidence model is malformed ({exc}); "
            "re-create it with scripts/fit_relation_confidence.py"
        ) from exc
    return ConfidenceModel(weights, bias, {k: v for k, v in data.items() if k not in {"weights", "bias"}})
