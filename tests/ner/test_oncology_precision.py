"""Error classes found on real oncology abstracts: gene spellings, section labels, chemicals that are not drugs."""

from __future__ import annotations

import pytest

from neurolit.ner.annotate import NerAnnotator
from neurolit.ner.lexicon import load_lexicon


@pytest.mark.parametrize(
    ("text", "symbol", "gene_id"),
    [
        ("K-ras", "KRAS", "3845"),
        ("H-ras", "HRAS", "3265"),
        ("N-ras", "NRAS", "4893"),
        ("c-Met", "MET", "4233"),
        ("c-MET", "MET", "4233"),
        ("c-Kit", "KIT", "3815"),
        ("HER-2", "ERBB2", "2064"),
        ("erbB2", "ERBB2", "2064"),
        ("ROS-1", "ROS1", "6098"),
        ("c-ros", "ROS1", "6098"),
        ("Her2", "ERBB2", "2064"),
        ("B-Raf", "BRAF", "673"),
    ],
)
def test_gene_spellings_normalize_to_the_human_symbol(
    annotator: NerAnnotator, text: str, symbol: str, gene_id: str
) -> None:
    sentence = f"Tumors with {text} alterations were studied."
    genes = [m for m in annotator.annotate_text(sentence) if m.label == "Gene"]
    assert [(m.text, m.norm_name, m.norm_id) for m in genes] == [(text, symbol, gene_id)]
    assert genes[0].hgnc_id.startswith("HGNC:")


def test_structured_abstract_labels_are_not_fusion_partners(annotator: NerAnnotator) -> None:
    text = "RESULTS: EGFR mutations were frequent. Background: ALK-positive tumors. EML4-ALK and KIF5B:RET fusions."
    fusions = [m.norm_id for m in annotator.annotate_text(text) if m.variant_type == "fusion"]
    assert not any("RESULTS" in f or "Background" in f for f in fusions)
    assert "FUSION:EML4::ALK" in fusions and "FUSION:KIF5B::RET" in fusions


def test_chemicals_that_are_not_drugs(annotator: NerAnnotator) -> None:
    text = (
        "Gefitinib binds the tyrosine kinase domain at the ATP-binding site; tyrosine kinase inhibitors were "
        "given to 12 patients with SCC. Smoking status, alanine aminotransferase increase and formalin-fixed "
        "samples were recorded (http://group.bmj.com/rights)."
    )
    drugs = [m for m in annotator.annotate_text(text) if m.label == "Drug"]
    names = {m.text for m in drugs}
    assert "Gefitinib" in names and "tyrosine kinase inhibitors" in names
    assert not names & {
        "tyrosine",
        "ATP",
        "SCC",
        "Smoking",
        "alanine",
        "alanine aminotransferase",
        "formalin",
    }
    assert not any(m.text.lower() == "com" for m in drugs)


def test_drug_ids_are_the_drugs_own_not_a_shared_class_descriptor(annotator: NerAnnotator) -> None:
    mentions = annotator.annotate_text("Crizotinib, gefitinib, docetaxel and paclitaxel were compared.")
    ids = {m.text: m.norm_id for m in mentions if m.label == "Drug"}
    assert len(ids) == 4 and len(set(ids.values())) == 4  # no pharmacological-class MeSH ID shared by all
    assert ids["gefitinib"] == "DrugBank:DB00317"


def test_trial_acronym_after_a_drug_is_not_its_abbreviation(annotator: NerAnnotator) -> None:
    text = "Gefitinib (IMPRESS) trial. In IMPRESS, crizotinib (PF-02341066) and PF-02341066 again."
    mentions = annotator.annotate_text(text)
    assert not [m for m in mentions if m.text == "IMPRESS"]
    codes = [m for m in mentions if m.text == "PF-02341066"]
    assert len(codes) == 2 and {m.norm_name for m in codes} == {"Crizotinib"}


def test_multi_token_and_plural_matches_survive_the_pair_prefilter() -> None:
    lexicon = load_lexicon()
    text = "Non-small cell lung cancers and neuroblastomas; epidermal growth factor receptor."
    got = {(text[m.start : m.end], m.entry.label) for m in lexicon.match(text)}
    assert ("Non-small cell lung cancers", "Disease") in got
    assert ("neuroblastomas", "Disease") in got
    assert ("epidermal growth factor receptor", "Gene") in got


def test_clinical_text_that_is_not_a_gene(annotator: NerAnnotator) -> None:
    text = (
        "Dabrafenib in patients with BRAF(V600E)-positive NSCLC. Test turnaround time (TAT) was short. "
        "The fusion inv(2)(p21;p23) was found; p21 was lost. ECOG PS 2 to 4. Median PFS was 6.3 months. "
        "The MEK inhibitor selumetinib."
    )
    mentions = annotator.annotate_text(text)
    genes = [(m.text, m.norm_id) for m in mentions if m.label == "Gene"]
    assert ("BRAF", "673") in genes and not [g for g in genes if g[0] in ("V600E", "TAT", "p23", "6.3")]
    assert [g for g in genes if g[0] == "p21"] == [("p21", "1026")]  # the protein, not the chromosome band
    assert not [g for g in genes if g[0].startswith("PS")]
    assert [m.norm_id for m in mentions if m.text == "V600E"] == ["p.V600E"]
