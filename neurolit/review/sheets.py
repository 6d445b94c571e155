"""Spreadsheet round trip: export the queue as a CSV sheet, fill in decisions, import it back.

The sheet carries, per triple, the keys the import checks (triple_id, revision, evidence_hash), the context
(pmid, title, evidence, confidence, current status) and the editable cells:

- ``decision``: ``accept``, ``reject``, ``correct`` or empty;
- ``gene``, ``variant``, ``drug``, ``significance``, ``direction``: edit a value to correct it;
- ``reason`` (required to reject), ``note``, ``curator`` (else the importer's ``--curator``).

Import validates every row first. If any row is invalid, nothing is applied and every rejected row is reported
with its line number and what to fix. Otherwise all rows are applied in one transaction; a row made against a
revision that has changed since the export is logged (never lost) but not applied, and reported as a conflict.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from neurolit.errors import InputError, ReviewError
from neurolit.review.exports import restore, write_rows
from neurolit.review.model import (
    CORRECTABLE,
    DecisionRequest,
    NoChangeError,
    ReviewItem,
    next_state,
    validate_curator,
    validate_triple_id,
)
from neurolit.review.service import QueueFilter, ReviewService
from neurolit.review.store import StaleDecisionError

SHEET_COLUMNS: tuple[str, ...] = (
    "triple_id",
    "revision",
    "evidence_hash",
    "pmid",
    "status",
    "decision",
    "gene",
    "variant",
    "drug",
    "significance",
    "direction",
    "reason",
    "note",
    "curator",
    "confidence",
    "evidence",
    "title",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("triple_id", "revision", "evidence_hash", "decision", *CORRECTABLE)
DECISIONS: tuple[str, ...] = ("accept", "reject", "correct", "")


@dataclass(frozen=True, slots=True)
class RowProblem:
    line: int
    triple_id: str
    message: str

    def __str__(self) -> str:
        who = f" ({self.triple_id})" if self.triple_id else ""
        return f"line {self.line}{who}: {self.message}"


@dataclass(frozen=True, slots=True)
class ImportReport:
    rows: int
    applied: int
    skipped: int
    rejected: tuple[RowProblem, ...]  # invalid rows: nothing was applied when there is any
    conflicts: tuple[RowProblem, ...]  # logged, not applied: the triple changed since the export

    @property
    def ok(self) -> bool:
        return not self.rejected


def sheet_row(item: ReviewItem) -> dict[str, object]:
    triple = item.effective
    return {
        "triple_id": item.triple_id,
        "revision": item.state.revision,
        "evidence_hash": item.evidence_hash,
        "pmid": triple.pmid,
        "status": "rereview" if item.needs_rereview else item.status_label,
        "decision": "",
        "gene": triple.gene,
        "variant": triple.variant,
        "drug": triple.drug,
        "significance": triple.significance,
        "direction": triple.direction,
        "reason": item.state.reason,
        "note": item.state.note,
        "curator": "",
        "confidence": f"{triple.confidence:.3f}",
        "evidence": triple.evidence,
        "title": triple.title,
    }


def export_sheet(service: ReviewService, out: Path, flt: QueueFilter | None = None) -> int:
    """Write the (filtered) queue as a sheet; returns the number of rows."""
    items = service.items(flt or QueueFilter(sort="pmid"))
    return write_rows(out, SHEET_COLUMNS, (sheet_row(item) for item in items))


def _read_sheet(path: Path) -> list[tuple[int, dict[str, str]]]:
    if not path.is_file():
        raise InputError(
            f"sheet {path} does not exist; create one with `neurolit review export --out {path}`"
        )
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip() for name in reader.fieldnames or []]
            missing = [name for name in REQUIRED_COLUMNS if name not in header]
            if missing:
                raise InputError(
                    f"{path} lacks the sheet column(s) {', '.join(missing)}; export a fresh sheet "
                    "with `neurolit review export`"
                )
            rows = []
            for row in reader:
                clean = {
                    (key or "").strip(): restore((value or "") if isinstance(value, str) else "")
                    for key, value in row.items()
                }
                rows.append((reader.line_num, clean))
            return rows
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path} is not a readable UTF-8 CSV sheet: {exc}") from exc


def _request(
    service: ReviewService, row: dict[str, str], curator: str | None
) -> tuple[DecisionRequest, ReviewItem] | None:
    """The decision a row asks for (None when it asks for nothing). Raises ReviewError with the reason."""
    tid = validate_triple_id(row.get("triple_id", "").strip())
    item = service.get(tid)
    revision_text = row.get("revision", "").strip()
    if not revision_text.isdigit():
        raise ReviewError(f"revision {revision_text!r} must be a whole number (keep the exported value)")
    decision = row.get("decision", "").strip().lower()
    if decision not in DECISIONS:
        raise ReviewError(f"decision {decision!r} must be accept, reject, correct or empty")
    current = item.effective
    wanted = {name: row.get(name, "").strip() for name in CORRECTABLE}
    changed = any(wanted[name] != str(getattr(current, name)) for name in CORRECTABLE)
    note = row.get("note", "").strip() if "note" in row else None
    if note is not None and note == item.state.note:
        note = None
    if decision == "correct" and not changed:
        raise ReviewError(
            "decision is 'correct' but no field (gene, variant, drug, significance, direction) was changed"
        )
    if decision == "reject" and changed:
        raise ReviewError(
            "a rejected row must not also change fields; use accept/correct, or restore the values"
        )
    if decision in {"accept", "correct", ""} and changed:
        action = "correct"
    elif decision:
        action = decision
    elif note is not None:
        action = "note"
    else:
        return None
    if row.get("evidence_hash", "").strip() != item.evidence_hash:
        raise ReviewError(
            "the evidence sentence changed since this sheet was exported (re-extraction); export "
            "a fresh sheet and review this triple again"
        )
    name = (row.get("curator", "").strip() or curator or "").strip()
    if not name:
        raise ReviewError("no curator: fill the curator column or pass --curator")
    request = DecisionRequest(
        triple_id=tid,
        action=action,  # type: ignore[arg-type]
        curator=validate_curator(name),
        base_revision=int(revision_text),
        evidence_hash=item.evidence_hash,
        fields=tuple(wanted.items()) if action == "correct" else (),
        reason=row.get("reason", "").strip(),
        note=note,
        source="sheet",
    )
    return request, item


def import_sheet(service: ReviewService, path: Path, *, curator: str | None = None) -> ImportReport:
    """Validate every row, then apply them all (or none, when any row is invalid)."""
    rows = _read_sheet(path)
    rejected: list[RowProblem] = []
    planned: list[tuple[int, DecisionRequest, ReviewItem]] = []
    seen: dict[str, int] = {}
    skipped = 0
    for line, row in rows:
        tid = row.get("triple_id", "").strip()
        if tid in seen:
            rejected.append(RowProblem(line, tid, f"duplicate of line {seen[tid]}; keep one row per triple"))
            continue
        seen[tid] = line
        try:
            found = _request(service, row, curator)
            if found is None:
                skipped += 1
                continue
            request, item = found
            if request.base_revision == item.state.revision:
                next_state(item.state, request, item.machine, service.store.limits)  # validates the values
            planned.append((line, request, item))
        except NoChangeError:
            skipped += 1
        except ReviewError as exc:
            rejected.append(RowProblem(line, tid, str(exc)))
    if rejected:
        return ImportReport(len(rows), 0, skipped, tuple(rejected), ())
    results = service.store.decide_many(
        (request, item.machine, item.evidence_hash) for _line, request, item in planned
    )
    conflicts = [
        RowProblem(line, request.triple_id, str(result))
        for (line, request, _item), result in zip(planned, results, strict=True)
        if isinstance(result, StaleDecisionError)
    ]
    return ImportReport(len(rows), len(results) - len(conflicts), skipped, (), tuple(conflicts))
