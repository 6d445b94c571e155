"""The packaged confidence model: loadable, calibrated on dev, and its errors say what to do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from neurolit.errors import InputError, ModelError
from neurolit.relations.confidence import load_confidence_model
from neurolit.relations.evaluate import load_gold_dir


def test_packaged_model_is_fitted_with_its_reliability() -> None:
    model = load_confidence_model()
    assert model.weights["variant_inherited"] < 0 < model.weights["bound"]
    assert model.weights["hedged"] <= 0, "a hedge never raises confidence"
    reliability = model.meta["cross_validation"]["reliability"]  # type: ignore[index]
    assert sum(row["candidates"] for row in reliability) == model.meta["fitted_on"]["candidates"]  # type: ignore[index]
    low = model.probability({"cue_strength": 0.4, "variant_inherited": 1.0, "drug_inherited": 1.0})
    high = model.probability({"cue_strength": 1.0, "bound": 1.0, "gene_focus": 1.0})
    assert 0.0 < low < 0.5 < high < 1.0


def test_malformed_model_and_gold_folder_errors() -> None:
    with pytest.raises(ModelError, match="fit_relation_confidence"):
        load_confidence_model(json.dumps({"weights": {"bound": "x"}}))
    with pytest.raises(ModelError):
        load_confidence_model("not json")


def test_gold_folder_must_hold_abstracts_and_triples(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="abstracts_"):
        load_gold_dir(tmp_path)
    (tmp_path / "abstracts_x.jsonl").write_text(
        '{"pmid": "1", "title": "T", "abstract": "A"}\n', encoding="utf-8"
    )
    (tmp_path / "triples_x.jsonl").write_text("{broken\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"triples_x\.jsonl:1"):
        load_gold_dir(tmp_path)
