"""Evidence table: write/read round trip, the collated view, and CIViC marking from the real CIViC TSV."""

from __future__ import annotations

import gzip
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from neurolit.errors import InputError
from neurolit.evidence.civic import load_civic, mark_civic
from neurolit.evidence.collate import COLLATED_COLUMNS, write_collated
from neurolit.evidence.schema import COLUMNS, SCHEMA_VERSION, triple_id
from neurolit.evidence.table import read_evidence, write_evidence
from neurolit.records import Triple
from tests.conftest import shared_path


def _triple(
    pmid: str,
    drug: str = "crizotinib",
    significance: str = "resistance",
    direction: str = "supports",
    confidence: float = 0.8,
) -> Triple:
    return Triple(
        pmid=pmid,
        gene="ALK",
        variant="F1174L",
        drug=drug,
        significance=significance,  # type: ignore[arg-type]
        direction=direction,
        gene_id="238",
        variant_type="substitution",
        response="no_response",  # type: ignore[arg-type]
        confidence=confidence,
        evidence="no response to crizotinib",
        evidence_start=3,
        evidence_end=29,
        title="A case",
        year=2021,
        journal="J",
    )


def test_round_trip_and_stable_ids(tmp_path: Path) -> None:
    triples = [
        _triple("1"),
        _triple("1", confidence=0.9),
        _triple("2", drug="lorlatinib", significance="sensitivity"),
    ]
    out = tmp_path / "evidence.csv"
    assert write_evidence(triples, out) == 2  # the duplicate row keeps its best confidence
    frame = pd.read_csv(out, dtype=str)
    assert tuple(frame.columns) == COLUMNS
    assert set(frame["schema_version"]) == {SCHEMA_VERSION}
    back = read_evidence(out)
    assert {t.pmid: t.confidence for t in back} == {"1": 0.9, "2": 0.8}
    assert triple_id(back[0]) == triple_id(_triple("1"))


def test_collated_view_counts_supporting_and_not_supporting_pmids(tmp_path: Path) -> None:
    triples = [
        _triple("1"),
        _triple("2"),
        _triple("3", direction="does_not_support"),
        _triple("4", drug="lorlatinib", significance="sensitivity"),
    ]
    out = tmp_path / "collated.csv"
    assert write_collated(triples, out) == 2
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert tuple(frame.columns) == COLLATED_COLUMNS
    first = frame.iloc[0]
    assert (first["drug"], first["n_supporting"], first["n_not_supporting"]) == ("crizotinib", "2", "1")
    assert first["supporting_pmids"] == "1;2" and first["not_supporting_pmids"] == "3"


def _civic_file() -> Path:
    return shared_path("civic", "civic_ClinicalEvidenceSummaries_nightly_accepted_2026-05.tsv.gz")


def test_civic_marks_triples_it_holds_and_changes_nothing_else() -> None:
    index = load_civic(_civic_file())
    assert len(index) > 1000
    known = _triple("34210658")
    unknown = replace(_triple("34210658"), gene="CDK4", variant="amplification", drug="lorlatinib")
    marked = list(mark_civic([known, unknown], index))
    assert marked[0].known_in_civic and marked[0].civic_evidence_ids
    assert not marked[1].known_in_civic and marked[1].civic_evidence_ids == ()
    assert replace(marked[0], known_in_civic=False, civic_evidence_ids=()) == known
    assert len(marked) == 2


def test_civic_file_errors_name_the_problem(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        load_civic(tmp_path / "missing.tsv")
    wrong = tmp_path / "wrong.tsv.gz"
    wrong.write_bytes(gzip.compress(b"a\tb\n1\t2\n"))
    with pytest.raises(InputError, match="not a CIViC"):
        load_civic(wrong)


def test_readme_documents_the_commands_and_every_column() -> None:
    from tests.conftest import PROJECT_ROOT

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- section: relations -->")[1].split("<!-- /section: relations -->")[0]
    for needle in (
        "neurolit extract",
        "neurolit run",
        "neurolit eval relations",
        "--collate",
        "--civic",
        "--min-confidence",
        "--no-model",
        f"schema version {SCHEMA_VERSION}",
        "min_confidence",
    ):
        assert needle in section, needle
    for column in (*COLUMNS, *COLLATED_COLUMNS):
        assert f"`{column}`" in section or column in section, column
