"""AnnotatedDocuments from real sentences: mentions located with str.find, as the NER stage marks them."""

from __future__ import annotations

from typing import Any

from neurolit.records import AnnotatedDocument, Article, Mention

GENE_IDS = {
    "EGFR": "1956",
    "KRAS": "3845",
    "ALK": "238",
    "BRAF": "673",
    "ERBB2": "2064",
    "MET": "4233",
    "ROS1": "6098",
    "CDK4": "1019",
    "FGFR1": "2260",
    "NRAS": "4893",
}


def gene(
    surface: str, symbol: str | None = None, occurrence: int = 0
) -> tuple[str, str, int, dict[str, Any]]:
    symbol = symbol or surface
    return (surface, "Gene", occurrence, {"norm_id": GENE_IDS.get(symbol, ""), "norm_name": symbol})


def variant(
    surface: str, norm_id: str, gene_symbol: str, variant_type: str, occurrence: int = 0
) -> tuple[str, str, int, dict[str, Any]]:
    return (
        surface,
        "Variant",
        occurrence,
        {
            "norm_id": norm_id,
            "gene": gene_symbol,
            "gene_id": GENE_IDS.get(gene_symbol, ""),
            "variant_type": variant_type,
        },
    )


def drug(
    surface: str, occurrence: int = 0, *, is_class: bool = False
) -> tuple[str, str, int, dict[str, Any]]:
    return (
        surface,
        "Drug",
        occurrence,
        {
            "norm_name": "" if is_class else surface.lower(),
            "is_class": is_class,
            "norm_id": "" if is_class else f"TEST:{surface.lower()}",
        },
    )


def document(
    title: str, abstract: str, specs: list[tuple[str, str, int, dict[str, Any]]], pmid: str = "1"
) -> AnnotatedDocument:
    article = Article(pmid=pmid, title=title, abstract=abstract)
    text = article.text
    mentions = []
    for surface, label, occurrence, attrs in specs:
        start = -1
        for _ in range(occurrence + 1):
            start = text.find(surface, start + 1)
        if start < 0:
            raise ValueError(f"{surface!r} (occurrence {occurrence}) is not in the text")
        mentions.append(Mention(start, start + len(surface), surface, label, **attrs))  # type: ignore[arg-type]
    return AnnotatedDocument(article, tuple(sorted(mentions, key=lambda m: (m.start, m.end))))


def keys(triples: list[Any]) -> set[tuple[str, str, str, str, str]]:
    return {(t.gene, t.variant, t.drug, t.significance, t.direction) for t in triples}
