"""Behaviour kept by the ingest speed-ups: whitespace normalization shortcuts, root checks from "end" events,
ASCII-escaped record JSON, and the garbage collector paused only while a file is ingested."""

from __future__ import annotations

import gc
import gzip
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neurolit.errors import ParseError
from neurolit.fetch.ingest import ingest_file, ingest_files
from neurolit.fetch.pubmed_xml import parse_pubmed_xml
from neurolit.fetch.store import CorpusStore
from neurolit.records import AbstractSection, Article, Author, MeshHeading
from tests.conftest import shared_path


def _document(title: str, abstract_xml: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><PubmedArticleSet><PubmedArticle><MedlineCitation>'
        '<PMID Version="1">42</PMID><Article><ArticleTitle>'
        f"{escape(title)}</ArticleTitle><Abstract>{abstract_xml}</Abstract></Article>"
        "</MedlineCitation></PubmedArticle></PubmedArticleSet>"
    ).encode()


# Text as XML carries it: spaces, tabs, newlines, carriage returns, no-break and thin spaces, accents.
_MESSY = st.text(alphabet=st.sampled_from(list("ab cXY.,;\t\n\r\xa0\u2009é")), max_size=300)
# Long already-normal ASCII text: the shortcut that returns the text unchanged.
_NORMAL = st.lists(
    st.text(alphabet="abcdeXYZ()-.,%0123", min_size=1, max_size=12), min_size=1, max_size=60
).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(title=st.one_of(_MESSY, _NORMAL), section=st.one_of(_MESSY, _NORMAL))
def test_whitespace_is_collapsed_exactly_like_str_split(title: str, section: str) -> None:
    (article,) = parse_pubmed_xml(_document(title, f"<AbstractText>{escape(section)}</AbstractText>"))
    assert isinstance(article, Article)
    # XML turns \r and \r\n into \n; str.split treats all three alike, so the expectation needs no care.
    assert article.title == " ".join(title.split())
    assert article.abstract_sections[0].text == " ".join(section.split())


def test_markup_inside_long_text_keeps_its_words_and_spaces() -> None:
    words = "lorem ipsum dolor sit amet consectetur adipiscing elit " * 3
    xml = f"<AbstractText>{words}<i>in vivo</i> <sup>2</sup> and  <b>bold</b>\n text</AbstractText>"
    (article,) = parse_pubmed_xml(_document("t", xml))
    assert isinstance(article, Article)
    assert article.abstract == words + "in vivo 2 and bold text"


def test_root_checks_with_end_events_only() -> None:
    bare = b'<PubmedArticle><MedlineCitation><PMID Version="1">1</PMID></MedlineCitation></PubmedArticle>'
    with pytest.raises(ParseError, match="<PubmedArticle> where a PubmedArticleSet"):
        parse_pubmed_xml(bare)
    with pytest.raises(ParseError, match="no PubmedArticleSet"):
        parse_pubmed_xml(b"<eFetchResult><ERROR>Empty id list</ERROR></eFetchResult>")
    assert parse_pubmed_xml(b"<PubmedArticleSet></PubmedArticleSet>") == []
    legacy = b'<MedlineCitationSet><MedlineCitation><PMID Version="2">7</PMID></MedlineCitation></MedlineCitationSet>'
    assert [(r.pmid, getattr(r, "version", None)) for r in parse_pubmed_xml(legacy)] == [("7", 2)]


def test_non_ascii_and_astral_text_round_trips(tmp_path: Path) -> None:
    article = Article(
        pmid="99",
        title="Lösung für Ärzte: 𝛼-Synuclein",
        abstract="Résumé 𝛽 ≥ 5 µg",
        abstract_sections=(AbstractSection("RÉSUMÉ", "Résumé 𝛽 ≥ 5 µg", "BACKGROUND"),),
        authors=(Author("Müller", "Zoë", "Z", "", ("Université de Paris, 𝔸 lab",)),),
        mesh=(MeshHeading("D000001", "Ärzte", True, ("ß",)),),
        keywords=("naïve", "日本語"),
    )
    with CorpusStore.open(tmp_path / "u.sqlite", create=True) as store:
        store.upsert_articles([article])
        assert store.get("99") == article
        assert [hit.pmid for hit in store.search("losung AND synuclein")] == ["99"]


def test_gc_is_restored_after_an_ingest_even_a_failed_one(tmp_path: Path) -> None:
    raw = gzip.decompress(shared_path("pubmed", "pubmed-xml-files", "medline16n0902.xml.gz").read_bytes())
    cut = tmp_path / "cut.xml"
    cut.write_bytes(raw[: len(raw) // 3])
    assert gc.isenabled()
    with pytest.raises(ParseError):
        ingest_files([cut], tmp_path / "c.sqlite")
    assert gc.isenabled()
    with CorpusStore.open(tmp_path / "c.sqlite") as store:
        assert store.count() == 0  # the file's transaction rolled back
        gc.disable()
        try:
            whole = tmp_path / "whole.xml"
            whole.write_bytes(raw)
            counts, records, _ = ingest_file(store, whole)
            assert not gc.isenabled()  # a caller's choice is left as it was
        finally:
            gc.enable()
        assert counts.inserted == records == store.count() > 600
