from __future__ import annotations

from pathlib import Path

import pytest

from neurolit.errors import ParseError
from neurolit.train.convert import (
    LabeledSpan,
    TrainingDocument,
    conversion_pipeline,
    read_corpus,
    read_iob_corpus,
    read_pubtator_corpus,
    sentence_docs,
    sentence_key,
    tokenize_aligned,
)
from neurolit.train.labels import load_registry
from tests.conftest import shared_path


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return conversion_pipeline()


def test_pubtator_types_are_mapped(mini_corpora: Path) -> None:
    registry = load_registry(mini_corpora.parent / "corpora.toml")
    docs = list(read_pubtator_corpus(registry.get("mini"), mini_corpora / "mini/Train.PubTator"))
    assert [d.key for d in docs] == ["1001", "1002", "1003"]
    first = docs[0]
    labelled = {(first.text[s.start : s.end], s.label) for s in first.spans}
    assert ("ALK", "Gene") in labelled and ("F1174L", "Variant") in labelled
    assert ("crizotinib", "Drug") in labelled and ("neuroblastoma", "Disease") in labelled
    assert not any(t == "mice" for t, _ in labelled)  # OrganismTaxon is not ours


def test_unmapped_type_is_an_error(mini_corpora: Path) -> None:
    registry = load_registry(mini_corpora.parent / "corpora.toml")
    path = mini_corpora / "mini/Strange.PubTator"
    path.write_text("9|t|KRAS text\n9|a|More.\n9\t0\t4\tKRAS\tProteinThing\tX\n\n", encoding="utf-8")
    with pytest.raises(ParseError, match="ProteinThing"):
        list(read_pubtator_corpus(registry.get("mini"), path))


def test_iob_spans_join_tokens(mini_corpora: Path) -> None:
    registry = load_registry(mini_corpora.parent / "corpora.toml")
    docs = list(read_iob_corpus(registry.get("iob"), mini_corpora / "iob/train.tsv"))
    assert [d.text for d in docs][1] == "Protein kinase C binds cisplatin ."
    spans = [(d.text[s.start : s.end], s.label) for d in docs for s in d.spans]
    assert spans == [
        ("EGFR", "Gene"),
        ("erlotinib", "Drug"),
        ("Protein kinase C", "Gene"),
        ("cisplatin", "Drug"),
        ("ALK", "Gene"),
    ]  # Organ is not ours: O


def test_bad_iob_tag(tmp_path: Path, mini_corpora: Path) -> None:
    registry = load_registry(mini_corpora.parent / "corpora.toml")
    path = tmp_path / "bad.tsv"
    path.write_text("EGFR\tX-Gene\n", encoding="utf-8")
    with pytest.raises(ParseError, match="unknown IOB tag"):
        list(read_iob_corpus(registry.get("iob"), path))


def test_tokens_are_split_at_entity_boundaries(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "rtM204V and BRAFV600E-positive"
    doc = tokenize_aligned(nlp, text, [2, 7, 16, 21])
    assert doc.text == text
    assert doc.char_span(2, 7) is not None and doc.char_span(16, 21) is not None


def test_sentence_docs_labels_missing_and_boundaries(nlp) -> None:  # type: ignore[no-untyped-def]
    registry = load_registry()
    text = "TP53 binds MDM2. Cisplatin treats carcinoma. The end."
    spans = (LabeledSpan(0, 4, "Gene"), LabeledSpan(11, 15, "Gene"))
    docs = sentence_docs(
        nlp,
        TrainingDocument("t", "1", text, spans, frozenset({"Gene"})),
        registry.labels,
        registry.candidates,
    )
    assert [d.text.strip() for d in docs] == ["TP53 binds MDM2.", "Cisplatin treats carcinoma.", "The end."]
    assert [(e.text, e.label_) for e in docs[0].ents] == [("TP53", "Gene"), ("MDM2", "Gene")]
    # A gene-only corpus says nothing of drugs and diseases: their candidates are missing, not O.
    missing = [t.text for t in docs[1] if t.ent_iob == 0]
    assert missing == ["Cisplatin", "carcinoma"]
    assert all(t.ent_iob == 2 for t in docs[2])


def test_sentences_are_not_cut_inside_an_entity(nlp) -> None:  # type: ignore[no-untyped-def]
    registry = load_registry()
    text = "Patients with ca. Lung cancer were treated."
    doc = TrainingDocument("t", "1", text, (LabeledSpan(14, 29, "Disease"),), frozenset(registry.labels))
    docs = sentence_docs(nlp, doc, registry.labels, registry.candidates)
    assert any(e.text == "ca. Lung cancer" for d in docs for e in d.ents)


def test_unknown_spans_are_missing(nlp) -> None:  # type: ignore[no-untyped-def]
    registry = load_registry()
    text = "The p53 family regulates growth."
    doc = TrainingDocument("t", "1", text, (LabeledSpan(4, 14, "?"),), frozenset(registry.labels))
    (out,) = sentence_docs(nlp, doc, registry.labels, registry.candidates)
    assert [t.text for t in out if t.ent_iob == 0] == ["p53", "family"]
    assert not out.ents


def test_sentence_key_ignores_spacing_and_case() -> None:
    assert sentence_key("EGFR - TKI  works .") == sentence_key("egfr-tki works.")


@pytest.mark.parametrize(
    "name", ["biored", "bc5cdr", "ncbi-disease", "nlm-gene", "gnormplus", "drugprot", "bionlp13cg"]
)
def test_shared_corpora_convert_with_aligned_entities(name: str, nlp) -> None:  # type: ignore[no-untyped-def]
    root = shared_path("corpora")
    registry = load_registry()
    spec = registry.get(name)
    docs = []
    for tdoc in read_corpus(spec, root):
        docs.append(tdoc)
        if len(docs) == 5:
            break
    gold = sum(1 for d in docs for s in d.spans if s.label != "?")
    made = [d for t in docs for d in sentence_docs(nlp, t, registry.labels, registry.candidates)]
    ents = sum(len(d.ents) for d in made)
    assert gold > 0
    # Overlapping gold spans are reduced to the longest; nearly every span survives tokenization.
    assert ents >= 0.9 * gold, (ents, gold)
