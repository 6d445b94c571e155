from __future__ import annotations

import io
from itertools import islice
from pathlib import Path

import pytest

from neurolit.errors import ParseError
from neurolit.formats.pubtator import PubTatorAnnotation, PubTatorDocument, read_pubtator, write_pubtator
from tests.conftest import shared_path


def test_real_biored_offsets_match_text() -> None:
    path = shared_path("corpora", "biored", "Dev.PubTator")
    docs = list(read_pubtator(path, validate_offsets=True))
    assert len(docs) == 100
    assert all(doc.annotations for doc in docs)
    assert any(doc.relations for doc in docs)


def test_real_tmvar_reads() -> None:
    folder = shared_path("corpora", "tmvar3")
    files = sorted(p for p in folder.iterdir() if "pubtator" in p.name.lower())
    if not files:
        pytest.skip("no PubTator file in tmvar3")
    docs = list(islice(read_pubtator(files[0]), 20))
    assert docs and all(doc.pmid for doc in docs)


def test_round_trip_keeps_offsets(tmp_path: Path) -> None:
    title = "ALK F1174L neuroblastoma"
    abstract = "No response to crizotinib;\tthen a complete response to lorlatinib."
    text = f"{title}\n{abstract}"
    start = text.index("lorlatinib")
    doc = PubTatorDocument(
        "34210658",
        title,
        abstract,
        (PubTatorAnnotation(start, start + 10, "lorlatinib", "Drug", "MeSH:C000614233"),),
    )
    buffer = io.StringIO()
    assert write_pubtator([doc], buffer) == 1
    (again,) = list(read_pubtator(io.StringIO(buffer.getvalue()), validate_offsets=True))
    assert again.annotations == doc.annotations
    assert again.text[start : start + 10] == "lorlatinib"


def test_offset_mismatch_is_a_parse_error() -> None:
    bad = "1|t|Title\n1|a|Abstract text\n1\t0\t5\tWrong\tGene\t238\n\n"
    with pytest.raises(ParseError, match="does not match"):
        list(read_pubtator(io.StringIO(bad), validate_offsets=True))


def test_stray_line_names_the_line() -> None:
    bad = "1|t|Title\n1|a|Abstract\n2\t0\t5\tTitle\tGene\t1\n"
    with pytest.raises(ParseError, match=":3"):
        list(read_pubtator(io.StringIO(bad)))
