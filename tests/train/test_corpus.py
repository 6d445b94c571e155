from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

from neurolit.errors import InputError
from neurolit.train.convert import TrainingDocument
from neurolit.train.corpus import build_docbins, mark_rule_mentions_missing
from neurolit.train.labels import load_registry


def read_docs(path: Path) -> list:  # type: ignore[type-arg]
    return list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))


def test_build_docbins_holds_out_dedups_and_repeats(mini_corpora: Path, tmp_path: Path) -> None:
    registry = load_registry(mini_corpora.parent / "corpora.toml")
    built = build_docbins(registry, mini_corpora, tmp_path / "out", rules_for_missing=False)
    stats = built.train
    assert stats.documents == {"mini": 3, "genes": 1, "iob": 3}
    assert stats.skipped_duplicate["genes"] == 1  # PMID 1001 already came from "mini"
    assert stats.skipped_heldout["iob"] == 1  # the IOB sentence equal to a held-out sentence
    train = read_docs(built.train_path)
    texts = [d.text.strip() for d in train]
    assert texts.count("ALK F1174L confers resistance to crizotinib in neuroblastoma.") == 2  # repeat = 2
    assert not any("Held-out" in t for t in texts)
    labels = {e.label_ for d in train for e in d.ents}
    assert labels == {"Gene", "Drug", "Disease", "Variant"}
    dev = read_docs(built.dev_path)
    assert built.dev.documents["dev"] == 1 and dev
    saved = json.loads((tmp_path / "out/corpus_stats.json").read_text(encoding="utf-8"))
    assert saved["train"]["documents"]["mini"] == 3


def test_sample_limits_documents(mini_corpora: Path, tmp_path: Path) -> None:
    registry = load_registry(mini_corpora.parent / "corpora.toml")
    built = build_docbins(
        registry, mini_corpora, tmp_path / "out", corpora=["mini"], sample=1, rules_for_missing=False
    )
    assert built.train.documents == {"mini": 1}


def test_missing_heldout_file_is_an_error(mini_corpora: Path, tmp_path: Path) -> None:
    (mini_corpora / "heldout/Test.PubTator").unlink()
    registry = load_registry(mini_corpora.parent / "corpora.toml")
    with pytest.raises(InputError, match="held-out file"):
        build_docbins(registry, mini_corpora, tmp_path / "out", rules_for_missing=False)


@pytest.mark.slow
def test_rules_mark_unannotated_labels_missing() -> None:
    text = "Cisplatin and TP53 in neuroblastoma."
    doc = TrainingDocument("genes", "1", text, (), frozenset({"Gene"}))
    (marked,) = mark_rule_mentions_missing([doc], ["Gene", "Drug", "Disease", "Variant"])
    unknown = {text[s.start : s.end] for s in marked.spans if s.label == "?"}
    assert {"Cisplatin", "neuroblastoma"} <= unknown
    assert "TP53" not in unknown  # the corpus annotates genes: its silence about TP53 is an answer
