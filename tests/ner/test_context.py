"""neurolit.ner.context: chemicals inside protein names, deficiencies, effects, phrase abbreviations, residues."""

from __future__ import annotations

import pytest

from neurolit.ner.annotate import NerAnnotator
from neurolit.ner.context import COMPONENT, ContextWords, context_settings
from neurolit.ner.lexicon import load_lexicon
from neurolit.ner.pipeline import build_pipeline


def _mentions(annotator: NerAnnotator, text: str, label: str) -> list[str]:
    return [m.text for m in annotator.annotate_text(text) if m.label == label]


@pytest.mark.parametrize(
    ("text", "gene"),
    [
        ("Blockade of dopamine D2 receptors was studied.", "dopamine D2 receptors"),
        ("The effect of histamine H(3)-receptor ligands was studied.", "histamine H(3)-receptor"),
        ("Antagonists of the glutamate N-methyl-D-aspartate (NMDA) receptor were given.",
         "glutamate N-methyl-D-aspartate (NMDA) receptor"),
        ("A new deletion in the sodium/iodide symporter protein was found.", "sodium/iodide symporter"),
        ("The glycine transporter-1 inhibitor was tested.", "glycine transporter-1"),
        ("Mutations in the thiazide-sensitive Na-Cl co-transporter gene.", "Na-Cl co-transporter"),
    ],
)  # fmt: skip
def test_a_ligand_before_a_receptor_head_is_part_of_the_gene_name(
    annotator: NerAnnotator, text: str, gene: str
) -> None:
    assert gene in _mentions(annotator, text, "Gene")
    drugs = _mentions(annotator, text, "Drug")
    assert not any(d in gene for d in drugs), drugs


def test_a_protein_head_without_a_gene_head_drops_the_chemical_only(annotator: NerAnnotator) -> None:
    text = "The mutation lies in the second zinc finger of the DNA-binding domain."
    assert _mentions(annotator, text, "Drug") == []
    assert "zinc finger" not in _mentions(annotator, text, "Gene")


def test_the_symbol_after_a_transporter_head_stays_the_gene_mention(annotator: NerAnnotator) -> None:
    text = "Hepatocytes show upregulation of the glucose transporter GLUT2."
    genes = _mentions(annotator, text, "Gene")
    assert "GLUT2" in genes and "glucose transporter" not in genes


def test_chemicals_stay_where_no_protein_head_follows(annotator: NerAnnotator) -> None:
    text = "Cisplatin resistance and caffeine effects were seen after gefitinib and dopamine were given."
    assert _mentions(annotator, text, "Drug") == ["Cisplatin", "caffeine", "gefitinib", "dopamine"]


@pytest.mark.parametrize(
    ("text", "drug"),
    [
        ("Lidocaine sodium channel block was measured.", "Lidocaine"),
        ("Memantine channel blockade protects neurons.", "Memantine"),
        ("Intrathecal baclofen pump therapy was started.", "baclofen"),
        ("Arsenic effects on DNA methylation were studied.", "Arsenic"),
    ],
)
def test_a_drug_before_a_channel_pump_or_effect_word_stays_a_drug(
    annotator: NerAnnotator, text: str, drug: str
) -> None:
    assert any(drug in d for d in _mentions(annotator, text, "Drug"))


def test_before_a_channel_only_the_ions_are_dropped(annotator: NerAnnotator) -> None:
    text = "Verapamil blocks L-type calcium channels."
    assert _mentions(annotator, text, "Drug") == ["Verapamil"]


def test_deficiency_and_effect_phrases_are_not_substances(annotator: NerAnnotator) -> None:
    text = "She had folate deficiency; the drug showed an anxiolytic effect and neuroprotective effects."
    assert _mentions(annotator, text, "Drug") == []


def test_an_abbreviation_of_a_longer_phrase_is_not_the_chemical(annotator: NerAnnotator) -> None:
    text = "Cells exposed to high glucose (HG) or doxorubicin (DOX) died; HG and DOX raised ROS."
    drugs = _mentions(annotator, text, "Drug")
    assert "HG" not in drugs
    assert drugs.count("DOX") == 2 and "glucose" in drugs


def test_amino_acids_in_a_sequence_change_are_not_chemicals(annotator: NerAnnotator) -> None:
    changes = "The substitution of glycine by arginine and the tyrosine codon at position 67 were found."
    assert _mentions(annotator, changes, "Drug") == []
    levels = "Plasma glycine and glutamate levels rose after treatment."
    assert _mentions(annotator, levels, "Drug") == ["glycine", "glutamate"]


def test_the_component_runs_after_the_rules_and_before_the_final_step() -> None:
    names = build_pipeline(use_model=False).pipe_names
    assert names.index("neurolit_outcomes") < names.index(COMPONENT) < names.index("neurolit_entities")


def test_word_lists_come_from_the_configuration() -> None:
    words = ContextWords.from_settings(context_settings())
    assert {"receptor", "symporter"} <= words.gene_heads <= words.protein_heads
    assert "finger" in words.protein_heads and "finger" not in words.gene_heads
    assert "deficiency" in words.deficiency_words and "tyrosine" in words.amino_acids


def test_the_drug_table_has_no_protein_complexes_or_effect_names() -> None:
    """Built by scripts/build_lexicons.py: MeSH multiprotein complexes/glycoproteins and "... effect" synonyms."""
    lexicon = load_lexicon(use_stoplist=False)
    for name in (
        "proteasome",
        "complex III",
        "glycoprotein Ib",
        "anxiolytic effect",
        "neuroprotective effects",
    ):
        assert not [e for e in lexicon.lookup(name) if e.label == "Drug"], name
    assert [e for e in lexicon.lookup("gefitinib") if e.label == "Drug"]
