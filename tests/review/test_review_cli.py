"""The review commands: serve, export/import a sheet, agreement, and the top-level curated export."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from typer.testing import CliRunner

from neurolit.cli import app, main
from tests.review.conftest import CORPUS, ReviewEnv, ids

runner = CliRunner()


def flat(text: str) -> str:
    """Console output without the line wrapping rich adds."""
    return " ".join(text.split())


def fill(sheet: Path, decisions: dict[str, dict[str, str]]) -> None:
    with sheet.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row.update(decisions.get(row["triple_id"], {}))
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_sheet_round_trip_agreement_and_export(review_env: ReviewEnv, tmp_path: Path) -> None:
    alice, bob = tmp_path / "alice.csv", tmp_path / "bob.csv"
    for sheet in (alice, bob):
        result = runner.invoke(app, ["review", "export", "--corpus", CORPUS, "--out", str(sheet)])
        assert result.exit_code == 0, result.output
        assert "wrote 6 row(s)" in flat(result.output)
    fill(
        alice,
        {
            ids()["crizotinib"]: {"decision": "accept"},
            ids()["cdk4"]: {"decision": "reject", "reason": "not linked"},
        },
    )
    result = runner.invoke(app, ["review", "import", str(alice), "--corpus", CORPUS, "--curator", "alice"])
    assert result.exit_code == 0, result.output
    assert "6 row(s): 2 applied, 4 without a decision, 0 conflict(s)" in flat(result.output)
    # bob filled his sheet independently: his verdicts are logged as conflicts and count for agreement
    fill(bob, {ids()["crizotinib"]: {"decision": "accept"}, ids()["cdk4"]: {"decision": "accept"}})
    result = runner.invoke(app, ["review", "import", str(bob), "--corpus", CORPUS, "--curator", "bob"])
    assert result.exit_code == 0 and "2 conflict(s)" in flat(result.output)
    result = runner.invoke(app, ["review", "agreement", "--corpus", CORPUS])
    assert result.exit_code == 0, result.output
    assert "alice: 2, bob: 2" in flat(result.output)
    assert "alice × bob: 2 shared, 1 agreed (50.0%), Cohen's kappa 0.000" in flat(result.output)
    out = tmp_path / "curated.csv"
    result = runner.invoke(app, ["export", "--corpus", CORPUS, "--status", "accepted", "--out", str(out)])
    assert result.exit_code == 0 and "wrote 1 accepted triple(s)" in flat(result.output)
    with out.open(encoding="utf-8") as handle:
        [row] = list(csv.DictReader(handle))
    assert row["triple_id"] == ids()["crizotinib"] and row["review_curator"] == "alice"
    tsv = tmp_path / "civic.tsv"
    result = runner.invoke(app, ["export", "--corpus", CORPUS, "--out", str(tsv), "--format", "civic-tsv"])
    assert result.exit_code == 0 and tsv.read_text(encoding="utf-8").count("\n") == 2


def test_invalid_sheet_fails_and_lists_rows(
    review_env: ReviewEnv, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "sheet.csv"
    runner.invoke(app, ["review", "export", "--corpus", CORPUS, "--out", str(sheet)])
    fill(sheet, {ids()["nras"]: {"decision": "reject"}, ids()["fgfr1"]: {"decision": "maybe"}})
    with pytest.raises(SystemExit) as exit_info:
        main(["review", "import", str(sheet), "--corpus", CORPUS, "--curator", "alice"])
    assert exit_info.value.code == 1
    err = flat(capsys.readouterr().err)
    assert "a reason for rejecting is required" in err and "decision 'maybe'" in err
    assert "2 of 6 row(s) rejected; nothing was applied" in err
    assert review_env.store.log() == []


def test_non_loopback_host_needs_a_token(
    review_env: ReviewEnv, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEUROLIT_REVIEW_TOKEN", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        main(["review", "--corpus", CORPUS, "--host", "0.0.0.0"])
    assert exit_info.value.code == 1
    assert "pass --token T or set NEUROLIT_REVIEW_TOKEN" in flat(capsys.readouterr().err)


def test_missing_evidence_table(neurolit_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["export", "--corpus", "empty", "--out", str(neurolit_home / "x.csv")])
    assert "run `neurolit extract empty` first" in flat(capsys.readouterr().err)


def test_review_command_serves_until_stopped(review_env: ReviewEnv) -> None:
    env = {**os.environ, "NEUROLIT_HOME": str(review_env.home)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from neurolit.cli import main; main()",
            "review",
            "--corpus",
            CORPUS,
            "--port",
            "0",
            "--curator",
            "alice",
        ],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stderr is not None
        address = ""
        for _ in range(10):
            line = process.stderr.readline()
            match = re.search(r"open (http://127\.0\.0\.1:\d+/)", line)
            if match:
                address = match.group(1)
                break
        assert address, "the command prints the address it serves"
        page = requests.get(address, timeout=10)
        assert page.status_code == 200 and "6 triple(s) match" in page.text and 'value="alice"' in page.text
    finally:
        process.terminate()
        process.wait(timeout=10)
