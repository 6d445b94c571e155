"""Relation extraction on annotated real sentences: the linguistic phenomena of issue 5 / TRIPLES.md."""

from __future__ import annotations

import pytest

from neurolit.relations.extract import RelationExtractor
from tests.relations.builders import document, drug, gene, keys, variant
from tests.relations.founding_case import founding_document


@pytest.fixture(scope="module")
def extractor() -> RelationExtractor:
    return RelationExtractor()


def test_founding_case_gives_exactly_the_five_design_triples(extractor: RelationExtractor) -> None:
    triples = extractor.extract(founding_document())
    assert keys(triples) == {
        ("ALK", "F1174L", "crizotinib", "resistance", "supports"),
        ("ALK", "F1174L", "lorlatinib", "sensitivity", "supports"),
        ("NRAS", "Q61K", "lorlatinib", "resistance", "supports"),
        ("CDK4", "amplification", "lorlatinib", "resistance", "supports"),
        ("FGFR1", "amplification", "lorlatinib", "resistance", "supports"),
    }
    responses = {(t.gene, t.drug): t.response for t in triples}
    assert responses[("ALK", "crizotinib")] == "no_response"
    assert responses[("ALK", "lorlatinib")] == "complete_response"
    assert responses[("NRAS", "lorlatinib")] == "acquired_resistance"
    for triple in triples:
        assert (
            triple.evidence == founding_document().text[triple.evidence_start : triple.evidence_end].strip()
        )
        assert 0.5 <= triple.confidence <= 1.0


def test_two_drugs_in_one_sentence_take_their_own_outcomes(extractor: RelationExtractor) -> None:
    text = "The BRAF V600E-mutant tumour progressed on vemurafenib but responded to dabrafenib."
    doc = document(
        "",
        text,
        [
            gene("BRAF"),
            variant("V600E", "p.V600E", "BRAF", "substitution"),
            drug("vemurafenib"),
            drug("dabrafenib"),
        ],
    )
    assert keys(extractor.extract(doc)) == {
        ("BRAF", "V600E", "vemurafenib", "resistance", "supports"),
        ("BRAF", "V600E", "dabrafenib", "sensitivity", "supports"),
    }


def test_refuted_association_does_not_support(extractor: RelationExtractor) -> None:
    text = "KRAS mutation was not associated with resistance to erlotinib in this cohort."
    doc = document(
        "",
        text,
        [gene("KRAS"), variant("mutation", "GENERIC:mutation", "KRAS", "generic"), drug("erlotinib")],
    )
    assert keys(extractor.extract(doc)) == {
        ("KRAS", "mutation", "erlotinib", "resistance", "does_not_support")
    }


def test_no_response_is_resistance_that_supports(extractor: RelationExtractor) -> None:
    text = "No patient with HER2 mutation showed response to gefitinib."
    doc = document(
        "",
        text,
        [
            gene("HER2", "ERBB2"),
            variant("mutation", "GENERIC:mutation", "ERBB2", "generic"),
            drug("gefitinib"),
        ],
    )
    triples = extractor.extract(doc)
    assert keys(triples) == {("ERBB2", "mutation", "gefitinib", "resistance", "supports")}
    assert triples[0].response == "no_response"


def test_gene_status_phrases_and_combinations(extractor: RelationExtractor) -> None:
    text = (
        "Dabrafenib plus trametinib showed substantial antitumour activity in patients with ALK-rearranged "
        "or EGFR-mutant tumours."
    )
    doc = document("", text, [drug("Dabrafenib"), drug("trametinib"), gene("ALK"), gene("EGFR")])
    assert keys(extractor.extract(doc)) == {
        ("ALK", "fusion", "dabrafenib + trametinib", "sensitivity", "supports"),
        ("EGFR", "mutation", "dabrafenib + trametinib", "sensitivity", "supports"),
    }


def test_drug_class_alone_is_not_a_triple_but_resolves_to_a_named_drug(extractor: RelationExtractor) -> None:
    text = "EGFR mutations predict sensitivity to EGFR tyrosine kinase inhibitors."
    doc = document(
        "",
        text,
        [
            gene("EGFR"),
            variant("mutations", "GENERIC:mutation", "EGFR", "generic"),
            drug("EGFR tyrosine kinase inhibitors", is_class=True),
        ],
    )
    assert extractor.extract(doc) == []
    text = "EGFR mutations predict sensitivity to the EGFR tyrosine kinase inhibitor gefitinib."
    doc = document(
        "",
        text,
        [
            gene("EGFR"),
            variant("mutations", "GENERIC:mutation", "EGFR", "generic"),
            drug("EGFR tyrosine kinase inhibitor", is_class=True),
            drug("gefitinib"),
        ],
    )
    assert keys(extractor.extract(doc)) == {("EGFR", "mutation", "gefitinib", "sensitivity", "supports")}


def test_enrolment_and_aims_state_no_outcome(extractor: RelationExtractor) -> None:
    text = "To evaluate the efficacy of osimertinib in patients with EGFR T790M-positive lung cancer."
    doc = document(
        "", text, [drug("osimertinib"), gene("EGFR"), variant("T790M", "p.T790M", "EGFR", "substitution")]
    )
    assert extractor.candidates(doc) == []
    text = "Patients with EGFR T790M-positive lung cancer were randomized to osimertinib or chemotherapy."
    doc = document(
        "", text, [gene("EGFR"), variant("T790M", "p.T790M", "EGFR", "substitution"), drug("osimertinib")]
    )
    assert extractor.candidates(doc) == []


def test_acquired_resistance_across_sentences(extractor: RelationExtractor) -> None:
    abstract = (
        "The patient had a partial response to osimertinib. Disease progressed after 10 months. "
        "A MET amplification emerged at the time of progression."
    )
    doc = document(
        "",
        abstract,
        [drug("osimertinib"), gene("MET"), variant("amplification", "CNV:amplification", "MET", "cnv")],
    )
    triples = extractor.extract(doc)
    assert keys(triples) == {("MET", "amplification", "osimertinib", "resistance", "supports")}
    assert triples[0].response == "acquired_resistance"
    assert triples[0].evidence.startswith("The patient had a partial response")


def test_hedging_is_recorded_and_never_raises_confidence(extractor: RelationExtractor) -> None:
    plain = "EGFR L858R tumours responded to erlotinib."
    hedged = "EGFR L858R tumours may have responded to erlotinib."
    specs = [gene("EGFR"), variant("L858R", "p.L858R", "EGFR", "substitution"), drug("erlotinib")]
    sure = extractor.candidates(document("", plain, specs))[0]
    unsure = extractor.candidates(document("", hedged, specs))[0]
    assert dict(unsure.features)["hedged"] == "1" and dict(sure.features)["hedged"] == "0"
    assert unsure.confidence <= sure.confidence
    assert sure.significance == unsure.significance == "sensitivity"


def test_threshold_is_configuration(extractor: RelationExtractor) -> None:
    doc = founding_document()
    everything = extractor.extract(doc, min_confidence=0.0)
    assert len(everything) >= len(extractor.extract(doc))
    assert extractor.extract(doc, min_confidence=1.0) == []
