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


def test_ions_salts_and_element_symbols_are_chemicals(annotator: NerAnnotator) -> None:
    text = (
        "Intracellular Ca(2+) and Na+ rose after calcium chloride (CaCl(2))-induced injury and ZnSO(4); "
        "blood Pb and Li levels; K(+) efflux. Otilonium bromide and ketamine hydrochloride were given."
    )
    drugs = {(m.text, m.norm_name) for m in annotator.annotate_text(text) if m.label == "Drug"}
    for formula in ("Ca(2+)", "Na+", "CaCl(2)", "ZnSO(4)", "Pb", "Li", "K(+)"):
        assert formula in {t for t, _ in drugs}, formula
    assert ("Pb", "lead") in drugs  # an element without a dictionary entry is named after the element
    assert ("Otilonium bromide", "Otilonium") in drugs  # the salt is the drug, normalized to the drug
    assert ("ketamine hydrochloride", "Ketamine") in drugs


def test_element_like_words_genes_and_ion_channels_are_not_formulas(annotator: NerAnnotator) -> None:
    text = (
        "In mice, As shown, blood pressure was 120 mm Hg. CHK1, SOCS1 and KCa3.1 were expressed. "
        "L-type Ca(2+) channels and CCl4-induced fibrosis."
    )
    mentions = annotator.annotate_text(text)
    drugs = [m.text for m in mentions if m.label == "Drug"]
    assert not {"In", "As", "Hg", "CHK1", "SOCS1", "KCa3", "Ca(2+)"} & set(drugs)
    assert "CCl4" in drugs  # carbon tetrachloride, not the chemokine CCL4
    assert {"CHK1", "SOCS1", "KCa3.1"} <= {m.text for m in mentions if m.label == "Gene"}


def test_variant_or_clone_in_brackets_after_a_symbol_is_not_its_abbreviation(annotator: NerAnnotator) -> None:
    text = (
        "Kras(G12D)-induced immortalization needs Sag; Kras(G12D) activity. NF1 (1322T) and 1322T cells. "
        "Tumors in Apc (Min/+) mice."
    )
    mentions = annotator.annotate_text(text)
    assert not [m for m in mentions if m.label == "Gene" and m.text in ("G12D", "1322T", "Min/+")]
    assert [m.norm_id for m in mentions if m.text == "G12D"] == ["p.G12D", "p.G12D"]


def test_gene_named_disease_abbreviation_keeps_the_gene_in_gene_context(annotator: NerAnnotator) -> None:
    text = (
        "Niemann-Pick disease, type C1 (Npc1), is caused by mutations in Npc1 gene. "
        "Npc1 mutant mice and Npc1(-/-) cells; Npc1 patients were studied."
    )
    got = [(m.start, m.label) for m in annotator.annotate_text(text) if m.text == "Npc1"]
    labels = [label for _, label in sorted(got)]
    assert labels == ["Disease", "Gene", "Gene", "Gene", "Disease"]


def test_nucleic_acid_classes_are_not_drugs(annotator: NerAnnotator) -> None:
    text = "MicroRNA and complementary DNA (cDNA) libraries, DNA probes and recombinant DNA were used with gefitinib."
    drugs = [m.text for m in annotator.annotate_text(text) if m.label == "Drug"]
    assert drugs == ["gefitinib"]
