from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from typer.testing import CliRunner

from neurolit.cli import app
from neurolit.errors import InputError
from neurolit.train.labels import load_registry
from neurolit.train.trainer import train_ner
from tests.conftest import PROJECT_ROOT, shared_path

CONFIG = PROJECT_ROOT / "models/configs/ner.cfg"


def test_tiny_model_trains_loads_and_predicts(mini_corpora: Path, tmp_path: Path) -> None:
    registry = load_registry(mini_corpora.parent / "corpora.toml")
    out = tmp_path / "models/tiny"
    result = train_ner(CONFIG, out, mini_corpora, max_steps=15, registry=registry, rules_for_missing=False)
    assert result.model_path == out and result.train_sentences > 0
    nlp = spacy.load(out)
    assert nlp.pipe_names == ["tok2vec", "ner"]
    assert set(nlp.get_pipe("ner").labels) == {"Gene", "Drug", "Disease", "Variant"}
    doc = nlp("ALK F1174L neuroblastoma responded to lorlatinib.")
    assert all(ent.label_ in {"Gene", "Drug", "Disease", "Variant"} for ent in doc.ents)
    # The model's tokenizer keeps the extra infixes without any neurolit code.
    assert [t.text for t in nlp.make_doc("ALK/ROS1")] == ["ALK", "/", "ROS1"]
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    assert meta["neurolit"]["train"]["documents"]["mini"] == 3
    assert meta["neurolit"]["max_steps"] == 15


def test_existing_output_needs_overwrite(mini_corpora: Path, tmp_path: Path) -> None:
    out = tmp_path / "exists"
    out.mkdir()
    (out / "file").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="--overwrite"):
        train_ner(CONFIG, out, mini_corpora, max_steps=1)
    with pytest.raises(InputError, match="does not exist"):
        train_ner(tmp_path / "none.cfg", tmp_path / "new", mini_corpora)


@pytest.mark.slow
def test_cli_trains_on_a_sample_of_the_shared_corpora(tmp_path: Path) -> None:
    data = shared_path()
    out = tmp_path / "sample-model"
    result = CliRunner().invoke(
        app,
        [
            "train",
            "ner",
            "--config",
            str(CONFIG),
            "--out",
            str(out),
            "--data",
            str(data),
            "--sample",
            "2",
            "--max-steps",
            "5",
            "--corpus",
            "biored",
            "--corpus",
            "ncbi-disease",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "saved" in result.output and "dev ents_f" in result.output
    assert spacy.load(out).get_pipe("ner").labels
