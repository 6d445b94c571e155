"""CIViCmine sentences as an independent check of relation extraction (read from ../shared/data)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from neurolit.cli import app
from neurolit.errors import InputError
from neurolit.relations.evaluate import evaluate_civicmine, iter_civicmine
from tests.conftest import shared_path


def test_civicmine_sentences_and_their_predictive_drugs() -> None:
    folder = shared_path("corpora", "civicmine")
    items = list(iter_civicmine(folder))
    assert len(items) == 800  # 600 training + 200 testing sentences (SOURCE.txt)
    with_drug = [drugs for _, _, drugs in items if drugs]
    assert 100 < len(with_drug) < 190  # Predictive relations: 147 + 43, most naming a drug
    assert all(drug == drug.lower() for drugs in with_drug for drug in drugs)


def test_civicmine_evaluation_counts_are_consistent() -> None:
    folder = shared_path("corpora", "civicmine")
    report = evaluate_civicmine(folder, use_model=False, limit=60)
    assert report.sentences == 60
    assert report.correct_sentences <= min(report.gold_sentences, report.predicted_sentences)
    assert report.correct_drugs <= report.predicted_drugs
    precision, recall, f1 = report.sentence_scores()
    assert 0.0 <= f1 <= max(precision, recall) <= 1.0


def test_civicmine_missing_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="CIViCmine"):
        list(iter_civicmine(tmp_path))
    result = CliRunner().invoke(
        app, ["eval", "relations", "--corpus-type", "civicmine", "--path", str(tmp_path)]
    )
    assert result.exit_code != 0
    assert isinstance(result.exception, InputError)


def test_civicmine_through_the_cli() -> None:
    folder = shared_path("corpora", "civicmine")
    args = [
        "eval",
        "relations",
        "--corpus-type",
        "civicmine",
        "--path",
        str(folder),
        "--no-model",
        "--limit",
        "20",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("20 sentences")
    assert "sentence level  P" in result.output
