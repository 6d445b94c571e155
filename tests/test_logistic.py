"""The shared logistic model: stable sigmoid, weights files with actionable errors, and the fit."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from neurolit.errors import ModelError
from neurolit.logistic import fit_logistic, linear_score, read_weights, sigmoid


def test_sigmoid_is_stable_at_extremes_and_symmetric() -> None:
    assert sigmoid(0.0) == 0.5
    assert sigmoid(-1000.0) == pytest.approx(0.0)
    assert sigmoid(1000.0) == pytest.approx(1.0)
    for z in (-3.0, -0.5, 0.7, 4.0):
        assert sigmoid(z) + sigmoid(-z) == pytest.approx(1.0)
        assert sigmoid(z) == pytest.approx(1.0 / (1.0 + math.exp(-z)))


def test_linear_score_ignores_features_without_weight() -> None:
    assert linear_score({"a": 2.0, "b": -1.0}, 0.5, {"a": 1.0, "c": 9.0}) == pytest.approx(2.5)


def test_read_weights_keeps_metadata_and_names_the_fix_when_malformed() -> None:
    text = json.dumps({"weights": {"a": 1}, "bias": -0.25, "fitted_on": "dev"})
    stored = read_weights("x.json", text, what="the test model", missing_hint="m", refit_hint="run fit.py")
    assert stored.weights == {"a": 1.0} and stored.bias == -0.25 and stored.meta == {"fitted_on": "dev"}
    with pytest.raises(ModelError, match=r"the test model is malformed .*run fit\.py"):
        read_weights(
            "x.json",
            '{"weights": {"a": 1}}',
            what="the test model",
            missing_hint="m",
            refit_hint="run fit.py",
        )
    with pytest.raises(ModelError, match="reinstall"):
        read_weights(
            "no-such-file.json", None, what="the test model", missing_hint="reinstall", refit_hint="r"
        )


def test_packaged_models_read() -> None:
    for resource in ("relations_confidence.json", "ner_span_filter.json"):
        stored = read_weights(resource, None, what=resource, missing_hint="", refit_hint="")
        assert stored.weights and math.isfinite(stored.bias)


def test_fit_recovers_known_weights_and_pulls_toward_the_prior() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(4000, 2))
    true_w, true_b = np.array([1.5, -2.0]), 0.3
    y = (rng.random(4000) < 1.0 / (1.0 + np.exp(-(x @ true_w + true_b)))).astype(float)
    w, b = fit_logistic(x, y, l2=0.01)
    assert w == pytest.approx(true_w, abs=0.2) and b == pytest.approx(true_b, abs=0.15)
    # a strong prior holds the weights near its centre, whatever the data say
    w_prior, _ = fit_logistic(x, y, l2=1e6, prior=np.array([0.0, 0.0]))
    assert np.abs(w_prior).max() < 0.01
