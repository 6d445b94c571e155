"""Highlighting: spans found by case-insensitive search of the triple's fields, cut into escaped segments."""

from __future__ import annotations

from dataclasses import replace

from neurolit.records import Article
from neurolit.review.highlight import (
    Segment,
    context_segments,
    find_spans,
    segments,
    sentence_segments,
    variant_forms,
)
from tests.review.conftest import ABSTRACT, TITLE, founding_triples


def marked(parts: list[Segment]) -> list[tuple[str, str]]:
    return [(part.text, part.kind) for part in parts if part.kind]


def test_sentence_marks_every_field() -> None:
    crizotinib = founding_triples()[0]
    assert marked(sentence_segments(crizotinib)) == [
        ("ALK", "gene"),
        ("F1174L", "variant"),
        ("no response", "outcome"),
        ("ALK", "gene"),
        ("crizotinib", "drug"),
    ]
    lorlatinib = founding_triples()[1]  # the response class picks "complete response", not the "no response"
    assert ("complete response", "outcome") in marked(sentence_segments(lorlatinib))
    assert ("response", "outcome") not in marked(sentence_segments(lorlatinib))
    parts = sentence_segments(crizotinib)
    assert "".join(part.text for part in parts) == crizotinib.evidence  # nothing lost, nothing added
    kinds = {(part.text, part.kind) for part in parts if part.kind}
    assert {
        ("ALK", "gene"),
        ("F1174L", "variant"),
        ("crizotinib", "drug"),
        ("no response", "outcome"),
    } <= kinds


def test_search_is_case_insensitive_and_bounded() -> None:
    spans = find_spans("Alk, ALKBH2 and alk-positive", [("gene", ["ALK"])])
    assert [(s, e) for s, e, _ in spans] == [(0, 3), (16, 19)]
    assert find_spans("lorlatinib", [("drug", ["LORLATINIB"])]) == [(0, 10, "drug")]


def test_normalized_variants_are_found_by_surface_forms() -> None:
    assert "amplification" in variant_forms("CNV:amplification")
    assert "exon 19 deletion" in variant_forms("EXON:19del")
    assert "EML4-ALK" in variant_forms("FUSION:EML4::ALK")
    assert "Q61K" in variant_forms("p.Q61K")


def test_segments_cover_text_exactly_with_overlaps_resolved() -> None:
    text = "NRAS Q61K mutation"
    spans = find_spans(text, [("gene", ["NRAS"]), ("variant", ["Q61K", "NRAS Q61K mutation"])])
    parts = segments(text, spans)
    assert "".join(p.text for p in parts) == text
    assert len([p for p in parts if p.kind]) == 1  # the longest match wins


def test_context_marks_the_evidence_sentence_in_the_abstract() -> None:
    cdk4 = founding_triples()[3]
    title, abstract = context_segments(Article(pmid=cdk4.pmid, title=TITLE, abstract=ABSTRACT), cdk4)
    assert "".join(p.text for p in title) == TITLE
    assert "".join(p.text for p in abstract) == ABSTRACT
    evidence = "".join(p.text for p in abstract if p.evidence)
    assert evidence == cdk4.evidence
    assert ("CDK4", "gene") in marked(abstract)
    # Offsets that do not match (another tokenisation) fall back to searching the sentence.
    shifted = replace(cdk4, evidence_start=0, evidence_end=5)
    _, abstract = context_segments(Article(pmid=cdk4.pmid, title=TITLE, abstract=ABSTRACT), shifted)
    assert "".join(p.text for p in abstract if p.evidence) == cdk4.evidence
