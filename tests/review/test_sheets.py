"""Spreadsheet round trip: export, fill in, import with validation of every row."""

from __future__ import annotations

import csv
from pathlib import Path

from neurolit.review.sheets import export_sheet, import_sheet
from tests.review.conftest import ReviewEnv, ids, re_extract


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def by_id(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {row["triple_id"]: row for row in rows}


def test_round_trip_applies_accept_reject_correct_and_note(review_env: ReviewEnv, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    assert export_sheet(review_env.service, sheet) == 6
    rows = read(sheet)
    row = by_id(rows)
    row[ids()["crizotinib"]]["decision"] = "accept"
    row[ids()["cdk4"]].update(decision="reject", reason="amplification not linked to the drug")
    row[ids()["fgfr1"]]["significance"] = "reduced_sensitivity"  # an edited cell is a correction
    row[ids()["nras"]]["note"] = "check the supplement"
    write(sheet, rows)
    report = import_sheet(review_env.service, sheet, curator="bob")
    assert report.ok and (report.rows, report.applied, report.skipped) == (6, 4, 2)
    states = review_env.store.states()
    assert states[ids()["crizotinib"]].status == "accepted"
    assert states[ids()["cdk4"]].reason == "amplification not linked to the drug"
    assert states[ids()["fgfr1"]].corrections == (("significance", "reduced_sensitivity"),)
    assert states[ids()["nras"]].status == "pending" and states[ids()["nras"]].note == "check the supplement"
    assert {entry.source for entry in review_env.store.log()} == {"sheet"}
    assert {entry.curator for entry in review_env.store.log()} == {"bob"}


def test_every_invalid_row_is_reported_and_nothing_applied(review_env: ReviewEnv, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    export_sheet(review_env.service, sheet)
    rows = read(sheet)
    row = by_id(rows)
    row[ids()["crizotinib"]]["decision"] = "accept"  # valid on its own
    row[ids()["lorlatinib"]]["decision"] = "approve"
    row[ids()["nras"]]["decision"] = "reject"  # no reason
    row[ids()["cdk4"]].update(decision="accept", direction="sideways")
    row[ids()["fgfr1"]].update(decision="accept", revision="one")
    row[ids()["hostile"]].update(decision="accept", triple_id="T0000000000000ff")
    rows.append(dict(rows[0]))  # a duplicate row
    write(sheet, rows)
    report = import_sheet(review_env.service, sheet, curator="bob")
    assert not report.ok and report.applied == 0
    messages = {problem.line: problem.message for problem in report.rejected}
    assert len(report.rejected) == 6
    assert any("decision 'approve' must be accept, reject, correct or empty" in m for m in messages.values())
    assert any("a reason for rejecting is required" in m for m in messages.values())
    assert any("direction 'sideways' is not one of" in m for m in messages.values())
    assert any("revision 'one' must be a whole number" in m for m in messages.values())
    assert any("is not in the evidence table" in m for m in messages.values())
    assert any("duplicate of line 2" in m for m in messages.values())
    assert review_env.store.log() == []


def test_rows_need_a_curator(review_env: ReviewEnv, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    export_sheet(review_env.service, sheet)
    rows = read(sheet)
    rows[0]["decision"] = "accept"
    write(sheet, rows)
    report = import_sheet(review_env.service, sheet)
    assert [p.message for p in report.rejected] == ["no curator: fill the curator column or pass --curator"]
    rows[0]["curator"] = "erin"
    write(sheet, rows)
    assert import_sheet(review_env.service, sheet).applied == 1


def test_stale_rows_are_logged_as_conflicts(review_env: ReviewEnv, tmp_path: Path) -> None:
    first, second = tmp_path / "alice.csv", tmp_path / "bob.csv"
    export_sheet(review_env.service, first)
    export_sheet(review_env.service, second)
    rows = read(first)
    by_id(rows)[ids()["nras"]]["decision"] = "accept"
    write(first, rows)
    assert import_sheet(review_env.service, first, curator="alice").applied == 1
    rows = read(second)
    by_id(rows)[ids()["nras"]].update(decision="reject", reason="resistance not shown")
    write(second, rows)
    report = import_sheet(review_env.service, second, curator="bob")
    assert report.ok and report.applied == 0
    [conflict] = report.conflicts
    assert conflict.triple_id == ids()["nras"] and "it is now revision 1" in conflict.message
    assert review_env.store.state(ids()["nras"]).status == "accepted"
    assert [(e.curator, e.applied) for e in review_env.store.log()] == [("alice", True), ("bob", False)]


def test_changed_evidence_rejects_the_row(review_env: ReviewEnv, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    export_sheet(review_env.service, sheet)
    rows = read(sheet)
    by_id(rows)[ids()["fgfr1"]]["decision"] = "accept"
    write(sheet, rows)
    re_extract(review_env.evidence, "FGFR1 was amplified at relapse.")
    report = import_sheet(review_env.service, sheet, curator="bob")
    [problem] = report.rejected
    assert "evidence sentence changed since this sheet was exported" in problem.message


def test_formula_cells_are_neutralised_and_round_trip(review_env: ReviewEnv, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    export_sheet(review_env.service, sheet)
    rows = read(sheet)
    row = by_id(rows)[ids()["crizotinib"]]
    row.update(decision="accept", note='\'=HYPERLINK("http://evil")')  # as a neutralised cell reads back
    write(sheet, rows)
    assert import_sheet(review_env.service, sheet, curator="bob").applied == 1
    assert review_env.store.state(ids()["crizotinib"]).note == '=HYPERLINK("http://evil")'
    export_sheet(review_env.service, sheet)
    raw = sheet.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in raw
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in read(sheet) for cell in row.values())
