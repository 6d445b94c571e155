from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from neurolit.errors import ModelError
from neurolit.ner.annotate import NerAnnotator
from neurolit.ner.model import (
    MODEL_ENV,
    Gate,
    add_to_pipeline,
    candidate_model_paths,
    load_model,
    model_mentions,
    resolve_model_path,
)
from neurolit.ner.pipeline import build_pipeline
from neurolit.train.labels import load_registry
from neurolit.train.trainer import train_ner
from tests.conftest import PROJECT_ROOT
from tests.train.corpus_fixtures import write_mini_corpora

FOUNDING = (
    "Relapsed ALK F1174L neuroblastoma did not respond to crizotinib. The patient achieved a complete "
    "response to lorlatinib."
)
SHIPPED = PROJECT_ROOT / "models" / "neurolit-ner-0.1"


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("tiny")
    root = write_mini_corpora(base)
    out = base / "model"
    train_ner(
        PROJECT_ROOT / "models/configs/ner.cfg",
        out,
        root,
        max_steps=10,
        registry=load_registry(base / "corpora.toml"),
        rules_for_missing=False,
    )
    return out


@pytest.fixture()
def no_default_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, neurolit_home: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[ner_model]\nname = "no-such-model"\npath = ""\n', encoding="utf-8")
    monkeypatch.setenv("NEUROLIT_CONFIG", str(config))
    monkeypatch.delenv(MODEL_ENV, raising=False)


def test_lookup_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    paths = candidate_model_paths(
        {"name": "m", "path": str(tmp_path / "cfg")},
        {MODEL_ENV: str(tmp_path / "env"), "NEUROLIT_HOME": str(tmp_path / "home")},
    )
    assert paths == [
        tmp_path / "env",
        tmp_path / "cfg",
        PROJECT_ROOT / "models" / "m",
        tmp_path / "home" / "models" / "m",
    ]


def test_explicit_missing_model_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not a spaCy model folder"):
        resolve_model_path(tmp_path)


@pytest.mark.usefixtures("no_default_model")
def test_without_a_model_the_pipeline_stays_rules_only() -> None:
    assert resolve_model_path() is None
    with pytest.raises(ModelError, match="no NER model found"):
        load_model()
    assert add_to_pipeline(spacy.blank("en")) is False


def test_env_variable_selects_the_model(
    tiny_model: Path, monkeypatch: pytest.MonkeyPatch, no_default_model: None
) -> None:
    monkeypatch.setenv(MODEL_ENV, str(tiny_model))
    assert resolve_model_path() == tiny_model


def test_gate_regions(annotator: NerAnnotator) -> None:
    doc = annotator.nlp("ALK is mutated. The weather was fine. Cells grew with XYZ123 treatment.")
    rules = list(doc.spans["rules"]) if "rules" in doc.spans else []
    settings = {"gate_patterns": ["[A-Z].*[A-Z0-9]"], "gate_rule_labels": ["Gene"]}
    sentences = [(s.start_char, s.end_char) for s in doc.sents]
    assert Gate.from_settings({**settings, "gate": "all"}).regions(doc, rules) == sentences
    assert Gate.from_settings({**settings, "gate": "candidates"}).regions(doc, rules) == [
        sentences[0],
        sentences[2],
    ]
    # ALK is covered by a rules mention: only the sentence with the uncovered "XYZ123" remains.
    assert Gate.from_settings({**settings, "gate": "uncovered"}).regions(doc, rules) == [sentences[2]]
    (window,) = Gate.from_settings({**settings, "gate": "uncovered", "gate_window": 1}).regions(doc, rules)
    assert doc.text[window[0] : window[1]] == "with XYZ123 treatment"


def test_invalid_gate_settings() -> None:
    from neurolit.errors import ConfigError

    with pytest.raises(ConfigError, match="gate"):
        Gate.from_settings({"gate": "sometimes"})
    with pytest.raises(ConfigError, match="gate_window"):
        Gate.from_settings({"gate": "uncovered", "gate_window": -1})


@pytest.mark.slow
def test_model_component_in_the_rules_pipeline(tiny_model: Path) -> None:
    nlp = build_pipeline(use_model=True, model_path=tiny_model)
    assert "neurolit_model" in nlp.pipe_names
    assert nlp.pipe_names.index("neurolit_model") < nlp.pipe_names.index("neurolit_entities")
    docs = list(nlp.pipe([FOUNDING, "", "No entities here at all."]))
    doc = docs[0]
    assert {"rules", "model", "final"} <= set(doc.spans)
    mentions = doc._.mentions
    by_text = {m.text: m for m in mentions}
    # The rules mentions survive with their normalization, whatever the tiny model says.
    assert by_text["ALK"].norm_id == "238" and by_text["ALK"].source == "rules"
    assert by_text["F1174L"].label == "Variant" and by_text["F1174L"].norm_id == "p.F1174L"
    assert by_text["lorlatinib"].label == "Drug"
    for m in mentions:
        assert doc.text[m.start : m.end] == m.text
        if m.source == "model":
            assert not any(r.start < m.end and m.start < r.end for r in mentions if r.source != "model")
    assert docs[1]._.mentions == []


def test_model_mentions_have_exact_offsets(tiny_model: Path) -> None:
    model = load_model(tiny_model)
    text = "ALK is mutated.  Lorlatinib works."
    for m in model_mentions(model, text, [(0, 15), (17, len(text))]):
        assert text[m.start : m.end] == m.text and m.source == "model"


@pytest.mark.skipif(not (SHIPPED / "config.cfg").is_file(), reason="the shipped model is not trained yet")
def test_shipped_model_finds_the_founding_case_entities() -> None:
    model = load_model(SHIPPED)
    found = {(m.text, m.label) for m in model_mentions(model, FOUNDING)}
    assert {("ALK", "Gene"), ("crizotinib", "Drug"), ("lorlatinib", "Drug")} <= found
    assert ("neuroblastoma", "Disease") in found


@pytest.mark.skipif(not (SHIPPED / "config.cfg").is_file(), reason="the shipped model is not trained yet")
def test_api_model_mentions_uses_the_shipped_model() -> None:
    import neurolit

    mentions = neurolit.model_mentions("Lorlatinib inhibits ALK.", model_path=SHIPPED)
    assert [(m.text, m.label, m.source) for m in mentions] == [
        ("Lorlatinib", "Drug", "model"),
        ("ALK", "Gene", "model"),
    ]
