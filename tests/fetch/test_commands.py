"""The fetch, ingest and corpus commands through the real CLI entry point."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from neurolit.cli import main
from neurolit.formats.pubtator import read_pubtator
from tests.conftest import PROJECT_ROOT, shared_path
from tests.fetch.eutils_server import EutilsServer

DEMO = PROJECT_ROOT / "corpora" / "demo" / "34210658.xml"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    captured = capsys.readouterr()
    code = exit_info.value.code
    # rich wraps long lines at the terminal width: compare messages with whitespace normalised.
    return (code if isinstance(code, int) else 1), captured.out, " ".join(captured.err.split())


def test_fetch_then_corpus_commands(
    fetch_env: Path, eutils_server: EutilsServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(["fetch", "--query", "all[sb]", "--corpus", "mixed", "--max", "120"], capsys)
    assert code == 0, err
    assert "120 fetched" in err and "--max 120" in err
    code, _, err = run(["fetch", "--query", "all[sb]", "--corpus", "mixed"], capsys)
    assert code == 0 and "120 already stored" in err
    assert set(eutils_server.deliveries.values()) == {1}

    code, out, _ = run(["corpus", "list"], capsys)
    assert code == 0 and "mixed" in out and str(len(eutils_server.pmids)) in out
    code, out, _ = run(["corpus", "show", "mixed"], capsys)
    assert code == 0 and "all[sb]" in out and "completed" in out
    code, out, _ = run(["corpus", "show", "mixed", "--pmid", "27797938"], capsys)
    assert json.loads(out)["doi"] == "10.1136/gutjnl-2016-312510"
    code, out, err = run(["corpus", "search", "mixed", "telomere AND pancreatic"], capsys)
    assert code == 0 and out.split("\t")[0] == "27797938"

    jsonl, pubtator, table = tmp_path / "c.jsonl", tmp_path / "c.pubtator", tmp_path / "c.csv"
    for fmt, path in (("jsonl", jsonl), ("pubtator", pubtator), ("csv", table)):
        code, _, err = run(["corpus", "export", "mixed", "--format", fmt, "--out", str(path)], capsys)
        assert code == 0 and f"{len(eutils_server.pmids)} article(s)" in err
    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert {r["pmid"] for r in records} == eutils_server.pmids
    docs = list(read_pubtator(pubtator))
    assert {d.pmid for d in docs} == eutils_server.pmids
    with table.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["pmid"] for r in rows} == eutils_server.pmids
    gut = next(r for r in rows if r["pmid"] == "27797938")
    assert gut["doi"] == "10.1136/gutjnl-2016-312510" and gut["year"] == "2017" and "Bao Y" in gut["authors"]


def test_ingest_and_export_to_stdout(neurolit_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    update = shared_path("pubmed", "pubmed-xml-files", "medline16n0902.xml.gz")
    code, _, err = run(["ingest", str(update), str(DEMO), "--corpus", "local"], capsys)
    assert code == 0 and "605 records" in err and "605 new" in err
    code, out, _ = run(["corpus", "search", "local", "ALK AND crizotinib"], capsys)
    assert {line.split("\t")[0] for line in out.splitlines()} == {"34210658", "21933749"}
    code, out, _ = run(["corpus", "export", "demo", "--format", "pubtator"], capsys)
    assert out.startswith("34210658|t|Exceptional response")


def test_errors_exit_1_with_a_message(
    neurolit_home: Path, fetch_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["corpus", "show", "nothing-here"], capsys)
    assert code == 1 and "no corpus 'nothing-here'" in err
    code, _, err = run(["fetch", "--query", "qqxyzzy", "--corpus", "bad"], capsys)
    assert code == 1 and "phrase(s) not found: qqxyzzy" in err
    code, _, err = run(["corpus", "search", "bad", "AND AND"], capsys)
    assert code == 1 and "FTS5" in err
    code, _, err = run(["fetch", "--query", "x", "--corpus", "bad", "--since", "yesterday"], capsys)
    assert code == 1 and "YYYY" in err


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- section: fetch -->")[1].split("<!-- /section: fetch -->")[0]
    for command in (
        "neurolit fetch",
        "neurolit ingest",
        "neurolit corpus list",
        "neurolit corpus show",
        "neurolit corpus search",
        "neurolit corpus export",
        "NEUROLIT_HOME",
        "--since",
        "--max",
    ):
        assert command in section, command
