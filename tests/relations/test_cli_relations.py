"""`neurolit extract` end to end on the bundled demo (NER + relations + table), and `eval relations`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from neurolit.cli import app
from tests.conftest import shared_path

runner = CliRunner()

FIVE = {
    ("ALK", "F1174L", "crizotinib", "resistance", "supports"),
    ("ALK", "F1174L", "lorlatinib", "sensitivity", "supports"),
    ("NRAS", "Q61K", "lorlatinib", "resistance", "supports"),
    ("CDK4", "amplification", "lorlatinib", "resistance", "supports"),
    ("FGFR1", "amplification", "lorlatinib", "resistance", "supports"),
}


def _rows(path: Path) -> set[tuple[str, ...]]:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return {tuple(row) for row in frame[["gene", "variant", "drug", "significance", "direction"]].to_numpy()}


def test_extract_demo_gives_exactly_the_founding_triples(neurolit_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "evidence.csv"
    result = runner.invoke(app, ["extract", "demo", "--out", str(out), "--no-model"])
    assert result.exit_code == 0, result.output
    assert _rows(out) == FIVE
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert set(frame["pmid"]) == {"34210658"}
    assert (
        dict(zip(frame["drug"] + "/" + frame["gene"], frame["response"], strict=True))["crizotinib/ALK"]
        == "no_response"
    )
    # A corpus name also keeps the latest machine table where the review stage reads it.
    assert _rows(neurolit_home / "evidence" / "demo.csv") == FIVE


def test_extract_collated_with_civic_marks(neurolit_home: Path, tmp_path: Path) -> None:
    civic = shared_path("civic", "civic_ClinicalEvidenceSummaries_nightly_accepted_2026-05.tsv.gz")
    out = tmp_path / "collated.csv"
    result = runner.invoke(
        app, ["extract", "demo", "--out", str(out), "--collate", "--civic", str(civic), "--no-model"]
    )
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(frame) == 5 and set(frame["n_supporting"]) == {"1"}
    known = frame[frame["known_in_civic"] == "True"]
    assert set(zip(known["gene"], known["drug"], strict=True)) == {
        ("ALK", "crizotinib"),
        ("ALK", "lorlatinib"),
    }


def test_extract_threshold_and_errors(neurolit_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "none.csv"
    result = runner.invoke(
        app, ["extract", "demo", "--out", str(out), "--min-confidence", "1.0", "--no-model"]
    )
    assert result.exit_code == 0, result.output
    assert _rows(out) == set()
    from neurolit.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["extract", str(tmp_path / "missing.jsonl"), "--out", str(out)])
    assert exit_info.value.code == 1


@pytest.mark.slow
def test_eval_relations_on_curator_gold(neurolit_home: Path) -> None:
    gold = shared_path("gold-triples-dev")
    result = runner.invoke(app, ["eval", "relations", "--gold-dir", str(gold), "--no-model"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line.split() for line in result.output.splitlines() if line.strip()}
    precision, recall = float(lines["full"][1]), float(lines["full"][2])
    # Regression floor under the measured dev numbers (docs/evaluation.md).
    assert precision >= 0.88 and recall >= 0.75, result.output
    assert "significance confusion" in result.output


def test_eval_relations_on_peng_and_biored(neurolit_home: Path) -> None:
    peng = shared_path("corpora", "peng-nary")
    result = runner.invoke(
        app, ["eval", "relations", "--corpus-type", "peng", "--path", str(peng), "--limit", "300"]
    )
    assert result.exit_code == 0, result.output
    assert "300 instances" in result.output and "confusion" in result.output
    biored = shared_path("corpora", "biored", "Dev.PubTator")
    result = runner.invoke(app, ["eval", "relations", "--corpus-type", "biored", "--path", str(biored)])
    assert result.exit_code == 0, result.output
    assert "100 documents" in result.output


def test_run_fetches_then_extracts(
    neurolit_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.fetch.eutils_server import EutilsServer, load_records

    records = load_records(shared_path())
    config = tmp_path / "config.toml"
    config.write_text(
        "[fetch]\nrequests_per_second_without_key = 50.0\nmax_retries = 2\nbackoff_base_seconds = 0.01\n"
        "backoff_max_seconds = 0.05\ntimeout_seconds = 5.0\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("NEUROLIT_CONFIG", str(config))
    out = tmp_path / "run.csv"
    with EutilsServer(records) as server:
        monkeypatch.setenv("NEUROLIT_EUTILS_URL", server.url)
        result = runner.invoke(
            app, ["run", "--query", "17942999[pmid]", "--corpus", "loop", "--out", str(out), "--no-model"]
        )
    assert result.exit_code == 0, result.output
    assert "fetched 1 of 1" in result.output and "1 documents" in result.output
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(frame.columns)[:3] == ["triple_id", "pmid", "gene"]
    assert (neurolit_home / "evidence" / "loop.csv").is_file()
