"""`neurolit annotate` and `neurolit eval ner` on real PubTator files written to a temporary folder."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from neurolit.cli import app
from neurolit.formats.pubtator import read_pubtator
from tests.conftest import shared_path

runner = CliRunner()

TITLE = "Lorlatinib in ALK F1174L neuroblastoma"
ABSTRACT = "A relapsed EML4-ALK non-small-cell lung cancer had no response to crizotinib (PF-02341066)."


def _input(tmp_path: Path) -> Path:
    path = tmp_path / "in.pubtator"
    path.write_text(f"1|t|{TITLE}\n1|a|{ABSTRACT}\n\n2|t|Empty abstract\n2|a|\n\n", encoding="utf-8")
    return path


def test_annotate_writes_valid_pubtator(tmp_path: Path, neurolit_home: Path) -> None:
    out = tmp_path / "out" / "x.pubtator"
    result = runner.invoke(app, ["annotate", str(_input(tmp_path)), "--out", str(out), "--no-model"])
    assert result.exit_code == 0, result.output
    docs = list(read_pubtator(out, validate_offsets=True))
    assert [d.pmid for d in docs] == ["1", "2"]
    anns = {(a.text, a.type, a.identifier) for a in docs[0].annotations}
    assert ("ALK", "Gene", "238") in anns and ("F1174L", "Variant", "p.F1174L") in anns
    assert (
        "PF-02341066",
        "Drug",
        next(a.identifier for a in docs[0].annotations if a.text == "crizotinib"),
    ) in anns
    assert {a.type for a in docs[0].annotations} <= {"Gene", "Variant", "Drug", "Disease", "Outcome"}


def test_annotate_writes_jsonl_with_all_attributes(tmp_path: Path, neurolit_home: Path) -> None:
    out = tmp_path / "x.jsonl"
    result = runner.invoke(app, ["annotate", str(_input(tmp_path)), "--out", str(out), "--no-model"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    text = rows[0]["title"] + "\n" + rows[0]["abstract"]
    variant = next(m for m in rows[0]["mentions"] if m["text"] == "F1174L")
    assert variant["gene"] == "ALK" and variant["variant_type"] == "substitution"
    assert all(text[m["start"] : m["end"]] == m["text"] for m in rows[0]["mentions"])
    assert rows[0]["sentences"][0] == [0, len(TITLE)]


def test_annotate_rejects_unknown_output_suffix(tmp_path: Path, neurolit_home: Path) -> None:
    result = runner.invoke(app, ["annotate", str(_input(tmp_path)), "--out", str(tmp_path / "x.csv")])
    assert result.exit_code != 0
    assert "pubtator or *.jsonl" in str(result.exception)


def test_eval_ner_on_biored_sample(tmp_path: Path) -> None:
    gold = shared_path("corpora", "biored", "Dev.PubTator")
    result = runner.invoke(
        app, ["eval", "ner", "--gold", str(gold), "--no-model", "--limit", "5", "--errors"]
    )
    assert result.exit_code == 0, result.output
    assert "corpus type: biored   documents: 5" in result.output
    for label in ("Gene", "Drug", "Disease", "Variant"):
        assert f"{label:<8} strict" in result.output
    assert "gene normalization:" in result.output
