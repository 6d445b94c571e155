"""Curated exports: the evidence schema plus decision columns (CSV), and a CIViC-style evidence TSV.

Every cell written for a spreadsheet goes through `neutralise`: a cell starting with = + - @ (or a tab or
carriage return) is prefixed with an apostrophe, so a spreadsheet shows it as text and never evaluates it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from neurolit.errors import InputError
from neurolit.evidence.schema import COLUMNS, triple_to_row
from neurolit.files import atomic_path
from neurolit.review.model import STATUS_FILTERS, ReviewItem
from neurolit.review.service import QueueFilter, ReviewService

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
FORMATS: tuple[str, ...] = ("csv", "civic-tsv")

DECISION_COLUMNS: tuple[str, ...] = (
    "review_status",
    "review_corrected_fields",
    "review_reason",
    "review_note",
    "review_curator",
    "review_revision",
    "review_decided_at",
    "review_needs_rereview",
)

CIVIC_COLUMNS: tuple[str, ...] = (
    "molecular_profile",
    "gene",
    "variant",
    "disease",
    "doid",
    "therapies",
    "therapy_interaction_type",
    "evidence_type",
    "evidence_direction",
    "evidence_level",
    "significance",
    "evidence_statement",
    "citation_id",
    "source_type",
    "citation",
    "evidence_status",
    "neurolit_triple_id",
    "curator",
    "curated_at",
    "curator_note",
)

_CIVIC_SIGNIFICANCE = {
    "sensitivity": "Sensitivity/Response",
    "resistance": "Resistance",
    "reduced_sensitivity": "Reduced Sensitivity",
    "adverse_response": "Adverse Response",
}
_CIVIC_DIRECTION = {"supports": "Supports", "does_not_support": "Does Not Support"}


def neutralise(value: object) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def restore(value: str) -> str:
    """Undo `neutralise` on a cell read back from a sheet."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def write_rows(
    path: Path, columns: Sequence[str], rows: Iterable[dict[str, object]], *, delimiter: str = ","
) -> int:
    """Write neutralised rows through a temporary file and a rename; returns the row count."""
    count = 0
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([neutralise(row.get(column, "")) for column in columns])
            count += 1
    return count


def civic_variant(variant: str) -> str:
    """A CIViC-like variant name from a normalized one (p.F1174L → F1174L)."""
    category, _, rest = variant.partition(":")
    if rest and category.isupper():
        if category == "FUSION":
            return f"{rest} Fusion"
        if category == "EXON":
            return "Exon " + rest.replace("del", " Deletion").replace("ins", " Insertion").replace(
                "skipping", " Skipping"
            )
        return rest[:1].upper() + rest[1:]
    if variant.startswith("p."):
        return variant[2:]
    return variant[:1].upper() + variant[1:] if variant.islower() else variant


@dataclass(frozen=True, slots=True)
class ExportResult:
    rows: int
    left_out_for_rereview: int


def selected_items(service: ReviewService, status: str) -> tuple[list[ReviewItem], int]:
    """Items with that status, ordered by PMID; decided ones whose evidence changed are left out."""
    if status not in STATUS_FILTERS:
        raise InputError(f"status {status!r} is not one of {', '.join(STATUS_FILTERS)}")
    items = service.items(QueueFilter(status=status, sort="pmid"))
    if status in {"accepted", "corrected", "rejected", "decided"}:
        kept = [item for item in items if not item.needs_rereview]
        return kept, len(items) - len(kept)
    return items, 0


def curated_row(item: ReviewItem) -> dict[str, object]:
    row = triple_to_row(item.effective)
    row["triple_id"] = item.triple_id  # the machine's id, so the decision ties back to its triple
    machine = item.machine
    row["review_status"] = item.status_label
    row["review_corrected_fields"] = "; ".join(
        f"{name}: {getattr(machine, name)} → {value}" for name, value in item.state.corrections
    )
    row["review_reason"] = item.state.reason
    row["review_note"] = item.state.note
    row["review_curator"] = item.state.curator
    row["review_revision"] = item.state.revision
    row["review_decided_at"] = item.state.updated_at
    row["review_needs_rereview"] = item.needs_rereview
    return row


def civic_row(item: ReviewItem) -> dict[str, object]:
    triple = item.effective
    variant = civic_variant(triple.variant)
    drugs = [part.strip() for part in triple.drug.replace(" + ", "+").split("+") if part.strip()]
    citation = ", ".join(part for part in (triple.journal, str(triple.year or "")) if part)
    return {
        "molecular_profile": f"{triple.gene} {variant}",
        "gene": triple.gene,
        "variant": variant,
        "disease": triple.disease,
        "doid": triple.disease_id.removeprefix("DOID:") if triple.disease_id.startswith("DOID:") else "",
        "therapies": ",".join(drug[:1].upper() + drug[1:] for drug in drugs),
        "therapy_interaction_type": "Combination" if len(drugs) > 1 else "",
        "evidence_type": "Predictive",
        "evidence_direction": _CIVIC_DIRECTION[triple.direction],
        "evidence_level": "",  # CIViC's A–E level is the curator's call; neurolit does not guess it
        "significance": _CIVIC_SIGNIFICANCE[triple.significance],
        "evidence_statement": triple.evidence,
        "citation_id": triple.pmid,
        "source_type": "PubMed",
        "citation": f"{triple.title} ({citation})" if citation else triple.title,
        "evidence_status": "submitted",
        "neurolit_triple_id": item.triple_id,
        "curator": item.state.curator,
        "curated_at": item.state.updated_at,
        "curator_note": item.state.note,
    }


def export_curated(
    service: ReviewService, out: Path, *, status: str = "accepted", fmt: str = "csv"
) -> ExportResult:
    """Write the triples with that review status: `csv` (evidence schema + decisions) or `civic-tsv`."""
    if fmt not in FORMATS:
        raise InputError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    if fmt == "civic-tsv" and status != "accepted":
        raise InputError("the CIViC-style TSV holds accepted evidence only; use --status accepted")
    items, left_out = selected_items(service, status)
    if fmt == "civic-tsv":
        count = write_rows(out, CIVIC_COLUMNS, (civic_row(item) for item in items), delimiter="\t")
    else:
        count = write_rows(out, (*COLUMNS, *DECISION_COLUMNS), (curated_row(item) for item in items))
    return ExportResult(count, left_out)
