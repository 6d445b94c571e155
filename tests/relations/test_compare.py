"""The TRIPLES.md comparison: normalization and P/R/F1 at pair, triple and full level."""

from __future__ import annotations

import pytest

from neurolit.records import Triple
from neurolit.relations.compare import compare, key, normalize_drug, normalize_variant


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ("p.F1174L", "F1174L"),
        ("p.Gly12Cys", "G12C"),
        ("Thr790Met", "T790M"),
        ("exon 19 deletion", "exon19del"),
        ("exon19del", "exon19del"),
        ("EXON:19del", "exon19del"),
        ("exon 20 insertion", "exon20ins"),
        ("exon 14 skipping", "exon14skipping"),
        ("EML4-ALK fusion", "fusion"),
        ("FUSION:EML4::ALK", "fusion"),
        ("rearrangement", "fusion"),
        ("translocation", "fusion"),
        ("CNV:amplification", "amplification"),
        ("copy number gain", "amplification"),
        ("GENERIC:mutation", "mutation"),
        ("mutant", "mutation"),
        ("wild-type", "wild-type"),
    ],
)
def test_variant_normalization(variant: str, expected: str) -> None:
    assert normalize_variant(variant) == expected


def test_drugs_lower_cased_codes_mapped_combinations_as_sets() -> None:
    assert normalize_drug("Dabrafenib + Trametinib") == normalize_drug("trametinib plus dabrafenib")
    assert normalize_drug("PF-06463922", {"pf06463922": "lorlatinib"}) == "lorlatinib"


def _triple(**values: str) -> Triple:
    base = {
        "pmid": "1",
        "gene": "EGFR",
        "variant": "T790M",
        "drug": "osimertinib",
        "significance": "sensitivity",
        "direction": "supports",
    }
    base.update(values)
    return Triple(**base)  # type: ignore[arg-type]


def test_levels_and_confusion() -> None:
    gold = [
        {
            "pmid": "1",
            "gene": "EGFR",
            "variant": "p.Thr790Met",
            "drug": "Osimertinib",
            "response": "sensitivity",
            "direction": "supports",
        },
        {
            "pmid": "1",
            "gene": "KRAS",
            "variant": "mutation",
            "drug": "erlotinib",
            "response": "resistance",
            "direction": "supports",
        },
        {"pmid": "2", "none": True},
    ]
    predicted = [
        _triple(),
        _triple(gene="KRAS", variant="GENERIC:mutation", drug="erlotinib"),
        _triple(gene="ALK", variant="fusion", drug="crizotinib"),
    ]
    result = compare(predicted, gold)  # type: ignore[arg-type]
    assert (result.scores["pair"].tp, result.scores["pair"].fp, result.scores["pair"].fn) == (2, 1, 0)
    assert (result.scores["triple"].tp, result.scores["triple"].fp) == (2, 1)
    assert (result.scores["full"].tp, result.scores["full"].fp, result.scores["full"].fn) == (1, 2, 1)
    assert result.confusion == {("sensitivity", "sensitivity"): 1, ("resistance", "sensitivity"): 1}
    assert (result.direction_right, result.direction_total) == (1, 2)
    assert result.scores["full"].precision == pytest.approx(1 / 3)
    assert key(predicted[0], "full") == ("1", "EGFR", "osimertinib", "T790M", "sensitivity", "supports")
