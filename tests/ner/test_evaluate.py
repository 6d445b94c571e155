from __future__ import annotations

from neurolit.formats.pubtator import PubTatorAnnotation, PubTatorDocument
from neurolit.ner.evaluate import NerReport, format_report, score_document
from neurolit.records import AnnotatedDocument, Article, Mention


def test_strict_overlap_and_normalization_counts() -> None:
    text = "ALK and ROS1 with F1174L amplification"
    gold = PubTatorDocument(
        "1",
        text,
        "",
        (
            PubTatorAnnotation(0, 3, "ALK", "GeneOrGeneProduct", "238"),
            PubTatorAnnotation(8, 12, "ROS1", "GeneOrGeneProduct", "6098"),
            PubTatorAnnotation(18, 24, "F1174L", "SequenceVariant", "p|SUB|F|1174|L"),
        ),
    )
    predicted = AnnotatedDocument(
        Article("1", text),
        (
            Mention(0, 3, "ALK", "Gene", norm_id="238"),
            Mention(8, 11, "ROS", "Gene", norm_id="6098"),
            Mention(18, 24, "F1174L", "Variant", norm_id="p.F1174L", variant_type="substitution"),
            Mention(25, 38, "amplification", "Variant", norm_id="CNV:amplification", variant_type="cnv"),
            Mention(0, 3, "ALK", "Drug", is_class=True),
        ),
    )
    report = NerReport("biored")
    score_document(gold, predicted, report, errors=True)
    gene_strict, gene_overlap = report.strict["Gene"], report.overlap["Gene"]
    assert (gene_strict.tp, gene_strict.fp, gene_strict.fn) == (1, 1, 1)
    assert (gene_overlap.tp, gene_overlap.fp, gene_overlap.fn) == (2, 0, 0)
    # gene-level events are not sequence variants in BioRED; drug classes are not chemicals
    assert (report.strict["Variant"].tp, report.strict["Variant"].fp) == (1, 0)
    assert report.strict["Drug"].fp == 0
    assert report.gene_norm_accuracy == 1.0 and report.gene_norm_matched == 1
    assert any(line.startswith("1\tFN\tGene\t8\t12") for line in report.errors)
    assert "Gene     strict    0.500  0.500  0.500" in format_report(report)
