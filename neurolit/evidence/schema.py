"""The one schema of the evidence table (see README "Evidence table"). Bump SCHEMA_VERSION on any change."""

from __future__ import annotations

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
