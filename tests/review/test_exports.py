"""Curated exports: the evidence schema plus decision columns, and the CIViC-style TSV."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from neurolit.errors import InputError
from neurolit.evidence.schema import COLUMNS
from neurolit.evidence.table import read_evidence, write_evidence
from neurolit.review.exports import DECISION_COLUMNS, civic_variant, export_curated, neutralise, restore
from neurolit.review.model import Action, DecisionRequest
from tests.review.conftest import ReviewEnv, all_triples, ids, re_extract


def decide(env: ReviewEnv, name: str, action: Action, **extra: Any) -> None:
    item = env.service.get(ids()[name])
    env.service.decide(
        DecisionRequest(
            item.triple_id,
            action,
            "alice",
            item.state.revision,
            item.evidence_hash,
            **extra,
        )
    )


def rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def test_neutralise() -> None:
    for cell in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1"):
        assert neutralise(cell) == "'" + cell and restore(neutralise(cell)) == cell
    assert neutralise("ALK") == "ALK" and restore("'quoted") == "'quoted"


def test_accepted_export_has_corrected_values_and_decision_columns(
    review_env: ReviewEnv, tmp_path: Path
) -> None:
    decide(review_env, "crizotinib", "accept", note="primary resistance")
    fields = (
        ("gene", "FGFR1"),
        ("variant", "CNV:amplification"),
        ("drug", "lorlatinib"),
        ("significance", "reduced_sensitivity"),
        ("direction", "supports"),
    )
    decide(review_env, "fgfr1", "correct", fields=fields)
    decide(review_env, "cdk4", "reject", reason="not linked")
    out = tmp_path / "curated.csv"
    result = export_curated(review_env.service, out, status="accepted")
    assert result.rows == 2
    table = rows(out)
    assert list(table[0]) == [*COLUMNS, *DECISION_COLUMNS]
    by_id = {row["triple_id"]: row for row in table}
    assert set(by_id) == {ids()["crizotinib"], ids()["fgfr1"]}  # machine ids, even when corrected
    fgfr1 = by_id[ids()["fgfr1"]]
    assert fgfr1["significance"] == "reduced_sensitivity" and fgfr1["review_status"] == "corrected"
    assert fgfr1["review_corrected_fields"] == "significance: resistance → reduced_sensitivity"
    assert by_id[ids()["crizotinib"]]["review_note"] == "primary resistance"
    assert by_id[ids()["crizotinib"]]["review_curator"] == "alice"
    assert len(read_evidence(out)) == 2  # still a valid evidence table
    rejected = tmp_path / "rejected.csv"
    export_curated(review_env.service, rejected, status="rejected")
    assert [row["review_reason"] for row in rows(rejected)] == ["not linked"]


def test_decisions_with_changed_evidence_are_left_out(review_env: ReviewEnv, tmp_path: Path) -> None:
    decide(review_env, "nras", "accept")
    decide(review_env, "crizotinib", "accept")
    re_extract(review_env.evidence, "NRAS Q61K emerged at relapse on lorlatinib.")
    result = export_curated(review_env.service, tmp_path / "c.csv", status="accepted")
    assert (result.rows, result.left_out_for_rereview) == (1, 1)
    assert export_curated(review_env.service, tmp_path / "r.csv", status="rereview").rows == 1


def test_formula_injection_in_machine_output_is_neutralised(review_env: ReviewEnv, tmp_path: Path) -> None:
    hostile = [
        replace(t, evidence="=cmd|' /C calc'!A0 " + t.evidence) if t.pmid == "11111111" else t
        for t in all_triples()
    ]
    write_evidence(hostile, review_env.evidence)
    decide(review_env, "hostile", "accept")
    out = tmp_path / "curated.csv"
    export_curated(review_env.service, out)
    [row] = rows(out)
    assert row["evidence"].startswith("'=cmd")
    for path, delimiter in ((out, ","),):
        assert not any(
            cell.startswith(("=", "+", "-", "@")) for r in rows(path, delimiter) for cell in r.values()
        )


def test_civic_tsv(review_env: ReviewEnv, tmp_path: Path) -> None:
    decide(review_env, "crizotinib", "accept")
    decide(review_env, "cdk4", "accept")
    out = tmp_path / "civic.tsv"
    assert export_curated(review_env.service, out, fmt="civic-tsv").rows == 2
    table = {row["molecular_profile"]: row for row in rows(out, "\t")}
    assert set(table) == {"ALK F1174L", "CDK4 Amplification"}
    alk = table["ALK F1174L"]
    assert (alk["therapies"], alk["evidence_type"], alk["evidence_direction"], alk["significance"]) == (
        "Crizotinib",
        "Predictive",
        "Supports",
        "Resistance",
    )
    assert alk["citation_id"] == "34210658" and alk["source_type"] == "PubMed"
    assert alk["neurolit_triple_id"] == ids()["crizotinib"] and alk["curator"] == "alice"
    with pytest.raises(InputError, match="accepted evidence only"):
        export_curated(review_env.service, out, status="rejected", fmt="civic-tsv")
    with pytest.raises(InputError, match="format 'xlsx'"):
        export_curated(review_env.service, out, fmt="xlsx")


def test_civic_variant_names() -> None:
    assert civic_variant("p.F1174L") == "F1174L"
    assert civic_variant("CNV:amplification") == "Amplification"
    assert civic_variant("FUSION:EML4::ALK") == "EML4::ALK Fusion"
    assert civic_variant("EXON:19del") == "Exon 19 Deletion"
    assert civic_variant("mutation") == "Mutation"
