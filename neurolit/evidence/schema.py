"""The one schema of the evidence table (see README "Evidence table"). Bump SCHEMA_VERSION on any change.

A row is a `neurolit.records.Triple`; this module maps between the two and defines the stable triple_id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from neurolit.errors import InputError
from neurolit.records import DIRECTIONS, SIGNIFICANCES, Direction, Significance, Triple

SCHEMA_VERSION = "1.0"

# Column order of the per-PMID table written by `neurolit extract`.
COLUMNS: tuple[str, ...] = (
    "triple_id",
    "pmid",
    "gene",
    "gene_id",
    "variant",
    "variant_type",
    "drug",
    "drug_id",
    "disease",
    "disease_id",
    "significance",
    "direction",
    "response",
    "confidence",
    "evidence",
    "evidence_start",
    "evidence_end",
    "title",
    "year",
    "journal",
    "extractor_version",
    "known_in_civic",
    "civic_evidence_ids",
    "schema_version",
)

REQUIRED: tuple[str, ...] = ("pmid", "gene", "variant", "drug", "significance", "direction")


def triple_key(
    pmid: str, gene: str, variant: str, drug: str, significance: str, direction: str
) -> tuple[str, ...]:
    """The identity of a row: one row per (pmid, gene, variant, drug, significance, direction)."""
    return (
        pmid.strip(),
        gene.strip().upper(),
        variant.strip(),
        drug.strip().lower(),
        significance,
        direction,
    )


def triple_id(triple: Triple) -> str:
    """A stable identifier: the same assertion from the same paper keeps its id across re-extractions."""
    key = triple_key(
        triple.pmid, triple.gene, triple.variant, triple.drug, triple.significance, triple.direction
    )
    return "T" + hashlib.sha1("\x1f".join(key).encode("utf-8")).hexdigest()[:15]


def triple_to_row(triple: Triple) -> dict[str, Any]:
    return {
        "triple_id": triple_id(triple),
        "pmid": triple.pmid,
        "gene": triple.gene,
        "gene_id": triple.gene_id,
        "variant": triple.variant,
        "variant_type": triple.variant_type,
        "drug": triple.drug,
        "drug_id": triple.drug_id,
        "disease": triple.disease,
        "disease_id": triple.disease_id,
        "significance": triple.significance,
        "direction": triple.direction,
        "response": triple.response,
        "confidence": round(float(triple.confidence), 4),
        "evidence": triple.evidence,
        "evidence_start": triple.evidence_start,
        "evidence_end": triple.evidence_end,
        "title": triple.title,
        "year": "" if triple.year is None else triple.year,
        "journal": triple.journal,
        "extractor_version": triple.extractor_version,
        "known_in_civic": triple.known_in_civic,
        "civic_evidence_ids": ";".join(triple.civic_evidence_ids),
        "schema_version": SCHEMA_VERSION,
    }


def _text(row: Mapping[str, Any], key: str) -> str:
    value = row.get(key, "")
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN from an empty CSV cell
        return ""
    return str(value).strip()


def row_to_triple(row: Mapping[str, Any], *, where: str = "") -> Triple:
    """Validate one table row and build its Triple. Raises InputError naming the row and the bad field."""
    prefix = f"{where}: " if where else ""
    missing = [key for key in REQUIRED if not _text(row, key)]
    if missing:
        raise InputError(f"{prefix}missing required column value(s): {', '.join(missing)}")
    significance = _text(row, "significance")
    if significance not in SIGNIFICANCES:
        raise InputError(f"{prefix}significance {significance!r} is not one of {', '.join(SIGNIFICANCES)}")
    direction = _text(row, "direction")
    if direction not in DIRECTIONS:
        raise InputError(f"{prefix}direction {direction!r} is not one of {', '.join(DIRECTIONS)}")
    sig: Significance = significance  # type: ignore[assignment]
    dirn: Direction = direction  # type: ignore[assignment]
    try:
        confidence = float(_text(row, "confidence") or 0.0)
        start = int(float(_text(row, "evidence_start") or 0))
        end = int(float(_text(row, "evidence_end") or 0))
        year_text = _text(row, "year")
        year = int(float(year_text)) if year_text else None
    except ValueError as exc:
        raise InputError(
            f"{prefix}a numeric column (confidence, evidence_start/end, year) is not a number: {exc}"
        ) from exc
    civic = _text(row, "known_in_civic").lower() in {"true", "1", "yes"}
    civic_ids = tuple(part for part in _text(row, "civic_evidence_ids").split(";") if part)
    return Triple(
        pmid=_text(row, "pmid"),
        gene=_text(row, "gene"),
        variant=_text(row, "variant"),
        drug=_text(row, "drug"),
        significance=sig,
        direction=dirn,
        gene_id=_text(row, "gene_id"),
        variant_type=_text(row, "variant_type"),
        drug_id=_text(row, "drug_id"),
        disease=_text(row, "disease"),
        disease_id=_text(row, "disease_id"),
        response=_text(row, "response"),
        confidence=confidence,
        evidence=_text(row, "evidence"),
        evidence_start=start,
        evidence_end=end,
        title=_text(row, "title"),
        year=year,
        journal=_text(row, "journal"),
        extractor_version=_text(row, "extractor_version"),
        known_in_civic=civic,
        civic_evidence_ids=civic_ids,
    )
