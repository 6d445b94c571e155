"""Logistic models over named, interpretable features, stored as JSON weights in neurolit/resources.

Two stages use one: the relation confidence (`neurolit.relations.confidence`) and the NER span filter
(`neurolit.ner.span_filter`). This module owns what they share: the numerically stable sigmoid, reading the
weights file with errors that say how to re-create it, and the fit (Newton's method with a Gaussian prior) that
`scripts/fit_relation_confidence.py` and `scripts/fit_span_filter.py` run.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from neurolit.errors import ModelError

if TYPE_CHECKING:
    import numpy as np


def sigmoid(z: float) -> float:
    """1 / (1 + e^-z) without overflow for large |z|."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def linear_score(weights: Mapping[str, float], bias: float, features: Mapping[str, float]) -> float:
    """bias + Σ weight × value; a feature without a weight counts 0."""
    return bias + sum(weights.get(name, 0.0) * value for name, value in features.items())


@dataclass(frozen=True)
class StoredWeights:
    weights: dict[str, float]
    bias: float
    meta: dict[str, object]  # every other key of the file (fit provenance, figures)


def read_weights(
    resource: str, text: str | None, *, what: str, missing_hint: str, refit_hint: str
) -> StoredWeights:
    """The weights in `text`, or in the packaged resource `resource` when `text` is None; a missing or malformed
    file is a ModelError naming `what` and how to re-create it."""
    if text is None:
        try:
            text = resources.files("neurolit.resources").joinpath(resource).read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise ModelError(f"{what} {resource} is missing from neurolit/resources; {missing_hint}") from exc
    try:
        data = json.loads(text)
        weights = {str(k): float(v) for k, v in data["weights"].items()}
        bias = float(data["bias"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ModelError(f"{what} is malformed ({exc}); {refit_hint}") from exc
    return StoredWeights(weights, bias, {k: v for k, v in data.items() if k not in {"weights", "bias"}})


def fit_logistic(
    x: np.ndarray, y: np.ndarray, l2: float, prior: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    """Weights and bias maximising the log-likelihood of labels `y` (0/1) given features `x` (rows) under a
    Gaussian prior of precision `l2` centred on `prior` (0 when None); the bias is not penalised. Newton's method."""
    import numpy as np

    n, d = x.shape
    xb = np.hstack([x, np.ones((n, 1))])
    centre = np.zeros(d + 1)
    if prior is not None:
        centre[:-1] = prior
    w = centre.copy()
    penalty = np.full(d + 1, l2)
    penalty[-1] = 0.0
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(xb @ w)))
        gradient = xb.T @ (p - y) + penalty * (w - centre)
        hessian = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(penalty) + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])
