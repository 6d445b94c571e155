"""read_articles: every INPUT form the commands accept, and clear errors for the rest."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

import neurolit
from neurolit.errors import InputError, ParseError
from neurolit.fetch.ingest import ingest_files
from neurolit.formats.pubtator import PubTatorDocument, write_pubtator
from neurolit.io import read_articles
from tests.conftest import PROJECT_ROOT, shared_path

DEMO = PROJECT_ROOT / "corpora" / "demo" / "34210658.xml"


def test_bundled_demo_corpus_by_name(neurolit_home: Path) -> None:
    (article,) = list(neurolit.read_articles("demo"))
    assert article.pmid == "34210658" and "lorlatinib" in article.abstract


def test_a_store_takes_precedence_over_the_bundled_folder(neurolit_home: Path) -> None:
    update = shared_path("pubmed", "pubmed-xml-files", "medline16n0902.xml.gz")
    ingest_files([update, DEMO], "demo")
    pmids = [a.pmid for a in read_articles("demo")]
    assert len(pmids) == 605 and pmids[-1] == "34210658"
    store_file = neurolit_home / "corpora" / "demo.sqlite"
    assert [a.pmid for a in read_articles(store_file)] == pmids


def test_pubmed_xml_gz_jsonl_and_pubtator(tmp_path: Path) -> None:
    update = shared_path("pubmed", "pubmed-xml-files", "medline16n0902.xml.gz")
    articles = list(read_articles(update))
    assert len(articles) == 604  # the DeleteCitation is not an article

    lines = tmp_path / "docs.jsonl"
    lines.write_text(
        json.dumps({"pmid": 1, "title": "T one", "abstract": "A one", "journal": "J", "year": "2020"})
        + "\n\n"
        + json.dumps({"pmid": "2", "title": "T two"})
        + "\n",
        encoding="utf-8",
    )
    one, two = read_articles(lines)
    assert (one.pmid, one.abstract, one.journal, one.year) == ("1", "A one", "J", 2020)
    assert (two.pmid, two.abstract, two.year) == ("2", "", None)
    zipped = tmp_path / "docs.jsonl.gz"
    zipped.write_bytes(gzip.compress(lines.read_bytes()))
    assert list(read_articles(zipped)) == [one, two]

    pubtator = tmp_path / "docs.pubtator"
    with pubtator.open("w", encoding="utf-8") as out:
        write_pubtator([PubTatorDocument(a.pmid, a.title, a.abstract) for a in articles[:3]], out)
    assert [(a.pmid, a.title, a.abstract) for a in read_articles(pubtator)] == [
        (a.pmid, a.title, a.abstract) for a in articles[:3]
    ]


def test_export_jsonl_reads_back_every_field(tmp_path: Path) -> None:
    from neurolit.fetch.store import article_to_dict

    articles = list(read_articles(shared_path("pubmed", "eutils", "biopython", "pubmed4.xml")))
    path = tmp_path / "full.jsonl"
    path.write_text("".join(json.dumps(article_to_dict(a)) + "\n" for a in articles), encoding="utf-8")
    assert list(read_articles(path)) == articles


def test_errors_say_what_is_accepted(neurolit_home: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"neither a file nor a corpus.*\.pubtator"):
        read_articles("no-such-corpus")
    with pytest.raises(InputError, match="does not exist"):
        read_articles(tmp_path / "absent.xml")
    with pytest.raises(InputError, match="is a folder"):
        read_articles(tmp_path)
    odd = tmp_path / "table.csv"
    odd.write_text("pmid,title\n1,x\n", encoding="utf-8")
    with pytest.raises(InputError, match="cannot tell the format"):
        read_articles(odd)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"pmid": "1", "title": "ok"}\n{"title": "no pmid"}\n', encoding="utf-8")
    with pytest.raises(ParseError, match=r"bad\.jsonl:2"):
        list(read_articles(bad))
    surrogate = tmp_path / "surrogate.jsonl"  # a JSON escape of half a UTF-16 pair is not text
    surrogate.write_text(
        '{"pmid": "1", "title": "ok"}\n{"pmid": "2", "title": "a \\ud800 b"}\n', encoding="utf-8"
    )
    with pytest.raises(ParseError, match=r"surrogate\.jsonl:2.*lone surrogate"):
        list(read_articles(surrogate))
    html = shared_path("pubmed", "eutils", "biopython", "pubmed3.html")
    copy = tmp_path / "pubmed3.xml"
    copy.write_bytes(html.read_bytes())
    with pytest.raises(ParseError, match=r"pubmed3\.xml"):
        list(read_articles(copy))
