"""Ingest of local files: one transaction per file, deletions applied, failed files leave nothing behind."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from neurolit.errors import InputError, ParseError
from neurolit.fetch.ingest import ingest_files
from neurolit.fetch.store import CorpusStore
from tests.conftest import PROJECT_ROOT, shared_path

DEMO = PROJECT_ROOT / "corpora" / "demo" / "34210658.xml"


def test_update_file_with_deletion(neurolit_home: Path, tmp_path: Path) -> None:
    update = shared_path("pubmed", "pubmed-xml-files", "medline16n0902.xml.gz")
    # The record the update file deletes, stored earlier (as an earlier baseline would have).
    earlier = tmp_path / "earlier.jsonl"
    earlier.write_text(
        json.dumps({"pmid": "26432306", "title": "to be deleted", "abstract": ""}) + "\n", encoding="utf-8"
    )
    first = ingest_files([earlier], "upd")
    assert first.inserted == 1
    report = ingest_files([update, DEMO], "upd")
    assert (report.files, report.records, report.inserted, report.deleted) == (2, 605, 605, 1)
    with CorpusStore.open("upd") as store:
        assert store.count() == 605 and "26432306" not in store
        assert store.ingested_files() == {
            "earlier.jsonl": earlier.stat().st_size,
            update.name: update.stat().st_size,
            DEMO.name: DEMO.stat().st_size,
        }
        run = store.runs()[0]
        assert (run.kind, run.status, run.inserted, run.deleted) == ("ingest", "completed", 605, 1)
    again = ingest_files([update], "upd")
    assert (again.inserted, again.unchanged) == (0, 604)
    skipped = ingest_files([update, DEMO], "upd", skip_ingested=True)
    assert (skipped.files, skipped.skipped_files) == (0, 2)


def test_a_truncated_file_commits_nothing_of_itself(neurolit_home: Path, tmp_path: Path) -> None:
    raw = gzip.decompress(shared_path("pubmed", "pubmed-xml-files", "medline16n0902.xml.gz").read_bytes())
    cut = tmp_path / "medline16n0903.xml.gz"
    cut.write_bytes(gzip.compress(raw[: len(raw) * 3 // 4]))
    with pytest.raises(ParseError, match=r"medline16n0903\.xml\.gz:\d+"):
        ingest_files([DEMO, cut], "cut")
    with CorpusStore.open("cut") as store:
        assert store.pmids() == {"34210658"}  # the good file before it stays
        assert cut.name not in store.ingested_files()
        run = store.runs()[0]
        assert run.status == "failed" and "medline16n0903" in run.error


def test_medline_export_is_ingested(neurolit_home: Path, tmp_path: Path) -> None:
    export = tmp_path / "pubmed-export.nbib"
    export.write_text(
        "PMID- 34210658\n"
        "OWN - NLM\n"
        "STAT- MEDLINE\n"
        "LR  - 20220418\n"
        "IS  - 2373-2873 (Electronic)\n"
        "VI  - 7\n"
        "IP  - 4\n"
        "DP  - 2021 Aug\n"
        "TI  - Exceptional response to the ALK and ROS1 inhibitor lorlatinib and subsequent\n"
        "      mechanism of resistance in relapsed ALK F1174L-mutated neuroblastoma.\n"
        "LID - a006064 [pii]\n"
        "LID - 10.1101/mcs.a006064 [doi]\n"
        "AB  - BACKGROUND: Treatment of high-risk neuroblastoma typically incorporates\n"
        "      chemotherapy. RESULTS: A complete response to lorlatinib.\n"
        "FAU - Liu, Tingting\n"
        "AU  - Liu T\n"
        "FAU - Ladle, Brian H\n"
        "AU  - Ladle BH\n"
        "LA  - eng\n"
        "PT  - Case Reports\n"
        "PT  - Journal Article\n"
        "TA  - Cold Spring Harb Mol Case Stud\n"
        "JT  - Cold Spring Harbor molecular case studies\n"
        "MH  - Anaplastic Lymphoma Kinase/*genetics\n"
        "MH  - Humans\n"
        "OT  - neuroblastoma\n"
        "PMC - PMC8327880\n"
        "\n"
        "PMID- 1\n"
        "TI  - A second record.\n",
        encoding="utf-8",
    )
    report = ingest_files([export], "med")
    assert report.inserted == 2
    with CorpusStore.open("med") as store:
        article = store.get("34210658")
    assert article is not None
    assert article.title.startswith("Exceptional response") and "subsequent mechanism" in article.title
    assert article.doi == "10.1101/mcs.a006064" and article.pmcid == "PMC8327880"
    assert article.year == 2021 and article.pub_date == "2021 Aug" and article.date_revised == "2022-04-18"
    assert [s.label for s in article.abstract_sections] == ["BACKGROUND", "RESULTS"]
    assert [(a.last_name, a.fore_name, a.initials) for a in article.authors] == [
        ("Liu", "Tingting", "T"),
        ("Ladle", "Brian H", "BH"),
    ]
    assert article.mesh[0].descriptor == "Anaplastic Lymphoma Kinase" and article.mesh[0].major_topic
    assert article.mesh[0].qualifiers == ("genetics",) and not article.mesh[1].major_topic
    assert article.keywords == ("neuroblastoma",) and article.language == "eng"


def test_bad_arguments(neurolit_home: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no files"):
        ingest_files([], "x")
    with pytest.raises(InputError, match="not a file"):
        ingest_files([tmp_path / "absent.xml"], "x")
    odd = tmp_path / "notes.docx"
    odd.write_text("hello", encoding="utf-8")
    with pytest.raises(InputError, match="cannot tell the format"):
        ingest_files([odd], "x")
    not_medline = tmp_path / "notes.txt"
    not_medline.write_text("just some notes\nnothing else\n", encoding="utf-8")
    with pytest.raises(ParseError, match=r"notes\.txt"):
        ingest_files([not_medline], "x")
