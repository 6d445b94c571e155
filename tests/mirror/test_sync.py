"""`neurolit mirror sync` against a loopback file server serving the real PubMed XML files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from neurolit.config import load_config
from neurolit.errors import FetchError
from neurolit.fetch.pubmed_xml import iter_pubmed_xml
from neurolit.fetch.store import CorpusStore
from neurolit.mirror.remote import parse_listing, parse_md5
from neurolit.mirror.state import MirrorState
from neurolit.mirror.sync import MirrorSettings, mirror_status, sync_mirror
from neurolit.records import Article, Deletion
from tests.mirror.conftest import DELETED_PMID
from tests.mirror.file_server import ServedFiles


def _expected_pmids(served: ServedFiles, tmp_path: Path, kinds: tuple[str, ...]) -> set[str]:
    """Replay the served files in mirror order with the real parser: what the mirror must hold afterwards."""
    pmids: set[str] = set()
    for key in sorted(k for k in served.files if not k.endswith(".md5")):
        kind = "baseline" if key.startswith("baseline/") else "updates"
        if kind not in kinds:
            continue
        path = tmp_path / key.replace("/", "_")
        path.write_bytes(served.files[key])
        for record in iter_pubmed_xml(path):
            if isinstance(record, Article):
                pmids.add(record.pmid)
            elif isinstance(record, Deletion):
                pmids.discard(record.pmid)
    return pmids


def _mirror_pmids() -> set[str]:
    settings = MirrorSettings.from_config(load_config())
    with CorpusStore.open(settings.store_path) as store:
        return store.pmids()


def _data_requests(served: ServedFiles) -> list[tuple[str, str]]:
    return [(path, rng) for path, rng in served.requests if path.endswith((".xml", ".xml.gz"))]


def test_sync_ingests_every_file_once_and_applies_the_deletion(
    mirror_home: Path, file_server: tuple[str, ServedFiles], tmp_path: Path
) -> None:
    _, served = file_server
    report = sync_mirror()
    assert report.listed == 4
    assert sorted(report.ingested) == sorted(
        k.rsplit("/", 1)[1] for k in served.files if not k.endswith(".md5")
    )
    assert report.deletions == 1
    held = _mirror_pmids()
    assert held == _expected_pmids(served, tmp_path, ("baseline", "updates"))
    assert DELETED_PMID not in held
    assert len(held) == 604 + 4 + 1  # the update file's citations, the 2024 file, the single-article file
    # downloaded files are removed after ingest by default; no partial files remain
    assert not list((mirror_home / "mirror" / "files").rglob("*.part"))

    served.requests.clear()
    again = sync_mirror()
    assert again.ingested == [] and len(again.skipped) == 4
    assert _data_requests(served) == []  # only listings and .md5 files were read
    assert _mirror_pmids() == held
    status = {row["name"]: row for row in mirror_status()}
    assert status["medline16n0902.xml.gz"]["deletions"] == 1
    assert all(row["ingested"] for row in status.values())


def test_baseline_only_then_updates(
    mirror_home: Path, file_server: tuple[str, ServedFiles], tmp_path: Path
) -> None:
    _, served = file_server
    first = sync_mirror(baseline=True, updates=False)
    assert len(first.ingested) == 3
    assert DELETED_PMID in _mirror_pmids()
    second = sync_mirror(baseline=False, updates=True)
    assert second.ingested == ["medline16n0902.xml.gz"]
    assert _mirror_pmids() == _expected_pmids(served, tmp_path, ("baseline", "updates"))


def test_corrupted_download_is_rejected_and_fetched_again(
    mirror_home: Path, file_server: tuple[str, ServedFiles]
) -> None:
    _, served = file_server
    served.corrupt_times["medline16n0902.xml.gz"] = 1
    report = sync_mirror()
    assert report.rejected_downloads == 1
    assert "medline16n0902.xml.gz" in report.ingested
    fetched = [p for p, _ in _data_requests(served) if p.endswith("medline16n0902.xml.gz")]
    assert len(fetched) == 2
    state = MirrorState(mirror_home / "mirror" / "mirror.sqlite")
    row = state.get("medline16n0902.xml.gz")
    state.close()
    assert row is not None and row.rejected == 1 and row.ingested_at is not None
    assert len(_mirror_pmids()) == 609


def test_persistently_corrupt_file_fails_without_ingesting_it(
    mirror_home: Path, file_server: tuple[str, ServedFiles]
) -> None:
    _, served = file_server
    served.corrupt_times["medline16n0902.xml.gz"] = 10
    with pytest.raises(FetchError, match="MD5 check 3 times"):
        sync_mirror(baseline=False, updates=True)
    status = {row["name"]: row for row in mirror_status()}
    assert "medline16n0902.xml.gz" not in status or not status["medline16n0902.xml.gz"]["ingested"]
    assert not list((mirror_home / "mirror" / "files").rglob("medline16n0902*"))
    served.corrupt_times.clear()
    assert sync_mirror(baseline=False, updates=True).ingested == ["medline16n0902.xml.gz"]


def test_interrupted_download_resumes_with_a_range_request(
    mirror_home: Path, file_server: tuple[str, ServedFiles]
) -> None:
    _, served = file_server
    served.drop_after["medline16n0902.xml.gz"] = 200_000
    with pytest.raises(FetchError, match="interrupted"):
        sync_mirror(baseline=False, updates=True)
    part = mirror_home / "mirror" / "files" / "updates" / "medline16n0902.xml.gz.part"
    kept = part.stat().st_size
    assert 0 < kept <= 200_000  # what arrived before the connection dropped (whole 64 KiB reads)
    served.requests.clear()
    report = sync_mirror(baseline=False, updates=True)
    assert report.ingested == ["medline16n0902.xml.gz"] and report.rejected_downloads == 0
    assert _data_requests(served) == [("/pubmed/updatefiles/medline16n0902.xml.gz", f"bytes={kept}-")]
    assert not part.exists()
    assert len(_mirror_pmids()) == 604


def test_keep_files_keeps_verified_downloads(mirror_home: Path, file_server: tuple[str, ServedFiles]) -> None:
    _, served = file_server
    config = mirror_home / "config.toml"
    config.write_text(config.read_text(encoding="utf-8") + "keep_files = true\n", encoding="utf-8")
    sync_mirror(baseline=False, updates=True)
    kept = mirror_home / "mirror" / "files" / "updates" / "medline16n0902.xml.gz"
    assert (
        hashlib.md5(kept.read_bytes()).hexdigest()
        == hashlib.md5(served.files["updatefiles/medline16n0902.xml.gz"]).hexdigest()
    )


def test_listing_and_md5_formats() -> None:
    html = (
        '<a href="../">Parent</a><a href="pubmed26n0001.xml.gz">x</a><a href="pubmed26n0001.xml.gz.md5">m</a>'
        '<a href="pubmed26n0002.xml.gz">y</a><a href="README.txt">r</a>'
    )
    files = parse_listing(html, "https://example.org/pubmed/baseline/", "baseline")
    assert [f.name for f in files] == ["pubmed26n0001.xml.gz"]  # no .md5 companion → not listed
    assert files[0].md5_url == "https://example.org/pubmed/baseline/pubmed26n0001.xml.gz.md5"
    digest = "0123456789abcdef0123456789abcdef"
    assert parse_md5(f"MD5(pubmed26n0001.xml.gz)= {digest}\n", "pubmed26n0001.xml.gz") == digest
    assert parse_md5(f"{digest.upper()}  pubmed26n0001.xml.gz\n", "pubmed26n0001.xml.gz") == digest
    with pytest.raises(FetchError, match="does not contain an MD5"):
        parse_md5("<html>502 Bad Gateway</html>", "pubmed26n0001.xml.gz")


def test_cli_sync_and_status(mirror_home: Path, file_server: tuple[str, ServedFiles]) -> None:
    from typer.testing import CliRunner

    from neurolit.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["mirror", "sync", "--updates"])
    assert result.exit_code == 0, result.output
    assert "1 ingested (604 records" in result.output
    status = runner.invoke(app, ["mirror", "status"])
    assert status.exit_code == 0 and "medline16n0902.xml.gz" in status.output
    again = runner.invoke(app, ["mirror", "sync", "--updates"])
    assert "0 ingested" in again.output and "1 already ingested" in again.output


def test_cli_exit_codes_for_schedulers(mirror_home: Path, file_server: tuple[str, ServedFiles]) -> None:
    from typer.testing import CliRunner

    from neurolit.cli import app
    from neurolit.refresh.lock import CorpusLock

    runner = CliRunner()
    with CorpusLock(mirror_home / "mirror" / "sync.lock"):
        assert runner.invoke(app, ["mirror", "sync"]).exit_code == 3  # another sync holds the lock
    config = mirror_home / "config.toml"
    config.write_text('[mirror]\nbase_url = "http://127.0.0.1:9/pubmed/"\ntimeout_seconds = 2.0\n')
    down = runner.invoke(app, ["mirror", "sync"])
    assert down.exit_code == 4 and "cannot reach" in " ".join(down.output.split())
