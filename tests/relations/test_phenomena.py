"""Linguistic mechanisms of relation extraction beyond one sentence and one drug (sentences written for these
tests): study drugs named as a coordination, drug classes standing for the named drugs, variant anaphora,
comparisons and effect modification, generic vs specific variants, which gene a single drug goes with."""

from __future__ import annotations

import pytest

from neurolit.records import Mention, Triple
from neurolit.relations.extract import RelationExtractor
from neurolit.relations.linking import LinkingSettings, link_drugs, link_variants
from tests.relations.builders import document, drug, gene, keys, variant


@pytest.fixture(scope="module")
def extractor() -> RelationExtractor:
    return RelationExtractor()


def _features(triple: Triple) -> dict[str, float]:
    return {name: float(value) for name, value in triple.features}


def test_study_drugs_named_as_a_coordination_are_inherited(extractor: RelationExtractor) -> None:
    title = "EGFR genotype and outcome of first-line erlotinib or gefitinib in lung adenocarcinoma."
    abstract = (
        "Patients received erlotinib or gefitinib until progression. "
        "Exon 19 deletions were associated with longer progression-free survival compared with L858R mutations."
    )
    doc = document(
        title,
        abstract,
        [
            gene("EGFR"),
            drug("erlotinib"),
            drug("gefitinib"),
            drug("erlotinib", 1),
            drug("gefitinib", 1),
            variant("Exon 19 deletions", "EXON:19del", "EGFR", "exon"),
            variant("L858R", "p.L858R", "EGFR", "substitution"),
        ],
    )
    found = {k: t for t in extractor.candidates(doc) for k in keys([t])}
    for name in ("erlotinib", "gefitinib"):
        deletion = found[("EGFR", "exon 19 deletion", name, "sensitivity", "supports")]
        assert _features(deletion)["drug_inherited"] == 1.0
        # The comparator of "longer ... compared with L858R" is explicitly weaker.
        assert ("EGFR", "L858R", name, "reduced_sensitivity", "supports") in found


def test_singular_class_stands_for_the_drugs_just_named(extractor: RelationExtractor) -> None:
    abstract = (
        "We collected 40 patients with BRAF-mutant lung cancer treated with vemurafenib or dabrafenib. "
        "The response rate with BRAF therapy in BRAF V600E carriers was 55%."
    )
    doc = document(
        "",
        abstract,
        [
            gene("BRAF"),
            drug("vemurafenib"),
            drug("dabrafenib"),
            drug("BRAF therapy", is_class=True),
            gene("BRAF", occurrence=2),
            variant("V600E", "p.V600E", "BRAF", "substitution"),
        ],
    )
    found = {k: t for t in extractor.candidates(doc) for k in keys([t])}
    for name in ("vemurafenib", "dabrafenib"):
        triple = found[("BRAF", "V600E", name, "sensitivity", "supports")]
        assert _features(triple)["class_resolved"] == 1.0


def test_generic_and_contrasted_classes_stand_for_no_drug(extractor: RelationExtractor) -> None:
    abstract = (
        "We report a patient with EGFR-mutant lung cancer who responded to gefitinib. "
        "EGFR inhibitors have shown efficacy in EGFR-mutant tumours. "
        "Second-generation EGFR TKIs may overcome resistance in EGFR T790M-positive disease."
    )
    doc = document(
        "",
        abstract,
        [
            gene("EGFR"),
            drug("gefitinib"),
            drug("EGFR inhibitors", is_class=True),
            gene("EGFR", occurrence=2),
            drug("EGFR TKIs", is_class=True),
            gene("EGFR", occurrence=4),
            variant("T790M", "p.T790M", "EGFR", "substitution"),
        ],
    )
    triples = extractor.candidates(doc)
    assert keys(triples) == {("EGFR", "mutation", "gefitinib", "sensitivity", "supports")}
    assert all(t.evidence.startswith("We report") for t in triples)


def test_variant_anaphor_takes_the_variants_named_last(extractor: RelationExtractor) -> None:
    abstract = (
        "Activating mutations in EGFR occur in a minority of lung adenocarcinomas. "
        "Although these mutations predict a high response rate to gefitinib (in 70% of patients), "
        "most tumours progress within a year."
    )
    doc = document(
        "",
        abstract,
        [variant("mutations", "GENERIC:mutation", "EGFR", "generic"), gene("EGFR"), drug("gefitinib")],
    )
    found = {k: t for t in extractor.candidates(doc) for k in keys([t])}
    triple = found[("EGFR", "mutation", "gefitinib", "sensitivity", "supports")]
    assert _features(triple)["variant_anaphor"] == 1.0
    assert triple.confidence >= 0.5


def test_superiority_not_proven_and_no_heterogeneity_do_not_support(extractor: RelationExtractor) -> None:
    text = "Superiority of erlotinib in patients with EGFR mutation was not proven in this trial."
    doc = document(
        "",
        text,
        [drug("erlotinib"), gene("EGFR"), variant("mutation", "GENERIC:mutation", "EGFR", "generic")],
    )
    assert keys(extractor.candidates(doc)) == {
        ("EGFR", "mutation", "erlotinib", "sensitivity", "does_not_support")
    }
    text = "There was no heterogeneity of the erlotinib effect across age, sex and EGFR mutation."
    doc = document(
        "",
        text,
        [drug("erlotinib"), gene("EGFR"), variant("mutation", "GENERIC:mutation", "EGFR", "generic")],
    )
    assert keys(extractor.candidates(doc)) == {
        ("EGFR", "mutation", "erlotinib", "sensitivity", "does_not_support")
    }


def test_one_drug_goes_with_the_gene_of_its_own_phrase(extractor: RelationExtractor) -> None:
    text = (
        "After the approval of crizotinib for ALK-rearranged lung cancer, attention has turned to "
        "ROS1-rearranged tumours."
    )
    doc = document("", text, [drug("crizotinib"), gene("ALK"), gene("ROS1")])
    assert {t.gene for t in extractor.candidates(doc)} == {"ALK"}
    # Coordinated alterations of several genes all go with the drug.
    text = "Resistance to lorlatinib emerged with amplification of CDK4 and FGFR1 and a NRAS Q61K mutation."
    doc = document(
        "",
        text,
        [
            drug("lorlatinib"),
            variant("amplification", "CNV:amplification", "CDK4", "cnv"),
            gene("CDK4"),
            gene("FGFR1"),
            gene("NRAS"),
            variant("Q61K", "p.Q61K", "NRAS", "substitution"),
        ],
    )
    assert {t.gene for t in extractor.candidates(doc)} == {"CDK4", "FGFR1", "NRAS"}


def test_specific_variant_wins_over_the_generic_in_one_coordination(extractor: RelationExtractor) -> None:
    text = "Intracranial response to osimertinib in two patients with EGFR-mutant and T790M-positive lung cancer."
    doc = document(
        "",
        text,
        [drug("osimertinib"), gene("EGFR"), variant("T790M", "p.T790M", "EGFR", "substitution")],
    )
    assert {t.variant for t in extractor.candidates(doc)} == {"T790M"}


def test_expression_is_not_an_alteration(extractor: RelationExtractor) -> None:
    text = "AKT1 overexpression was associated with resistance to gefitinib."
    doc = document(
        "",
        text,
        [
            gene("AKT1"),
            variant("overexpression", "EXPR:overexpression", "AKT1", "expression"),
            drug("gefitinib"),
        ],
    )
    assert extractor.candidates(doc) == []


def test_trial_design_and_response_criteria_state_no_outcome(extractor: RelationExtractor) -> None:
    text = (
        "The study compared gefitinib with chemotherapy in EGFR mutation-positive patients with progression "
        "(Response Evaluation Criteria in Solid Tumors 1.1) on first-line therapy."
    )
    doc = document(
        "",
        text,
        [drug("gefitinib"), gene("EGFR"), variant("mutation", "GENERIC:mutation", "EGFR", "generic")],
    )
    assert extractor.candidates(doc) == []


def test_fusion_head_noun_and_undefined_drug_short_forms() -> None:
    settings = RelationExtractor().settings.linking
    assert isinstance(settings, LinkingSettings)
    text = "A case of EML4-ALK gene mutations in squamous (AD-SCC) tumours resistant to erlotinib."
    mentions = [
        Mention(
            text.find("EML4-ALK"),
            text.find("EML4-ALK") + 8,
            "EML4-ALK",
            "Variant",
            norm_id="FUSION:EML4::ALK",
            gene="ALK",
            variant_type="fusion",
        ),
        Mention(
            text.find("mutations"),
            text.find("mutations") + 9,
            "mutations",
            "Variant",
            norm_id="GENERIC:mutation",
            gene="ALK",
            variant_type="generic",
        ),
        Mention(
            text.find("SCC"), text.find("SCC") + 3, "SCC", "Drug", norm_name="sodium copper chlorophyllin"
        ),
        Mention(
            text.find("erlotinib"), text.find("erlotinib") + 9, "erlotinib", "Drug", norm_name="erlotinib"
        ),
    ]
    variants = link_variants(text, mentions, [(0, len(text))], settings)
    assert [(v.gene, v.variant_type) for v in variants] == [("ALK", "fusion")]
    assert [d.name for d in link_drugs(text, mentions, settings)] == ["erlotinib"]


def test_cue_rules_for_progression_reporting_verbs_and_denied_findings() -> None:
    from neurolit.relations.cues import find_cues, refutation_spans

    cues = find_cues("One patient with BRAF V600E showed progression after pazopanib treatment.")
    assert [(c.significance, c.response) for c in cues] == [("resistance", "progressive_disease")]
    # "studies have indicated" reports; "indicated for" approves.
    assert find_cues("Studies have indicated that iodine intake is a risk factor.") == []
    assert [c.response for c in find_cues("Crizotinib is indicated for ALK-positive NSCLC.")] == [
        "recommended"
    ]
    text = (
        "The trial did not find any significant association between KRAS mutation and response to cetuximab."
    )
    assert refutation_spans(text)


def test_a_defined_drug_short_form_stays_a_drug() -> None:
    settings = RelationExtractor().settings.linking
    text = "All-trans retinoic acid (ATRA) induced remission; ATRA was given daily."
    start = text.rfind("ATRA")
    mentions = [Mention(start, start + 4, "ATRA", "Drug", norm_name="tretinoin")]
    assert [d.name for d in link_drugs(text, mentions, settings)] == ["tretinoin"]


def test_a_short_form_defined_as_a_disease_is_not_a_drug() -> None:
    settings = RelationExtractor().settings.linking
    text = "Unlike squamous cell carcinoma (SCC), adenocarcinoma responded to erlotinib; SCC did not."
    start = text.rfind("SCC")
    mentions = [
        Mention(7, 30, "squamous cell carcinoma", "Disease"),
        Mention(start, start + 3, "SCC", "Drug", norm_name="sodium copper chlorophyllin"),
        Mention(
            text.find("erlotinib"), text.find("erlotinib") + 9, "erlotinib", "Drug", norm_name="erlotinib"
        ),
    ]
    assert [d.name for d in link_drugs(text, mentions, settings)] == ["erlotinib"]
