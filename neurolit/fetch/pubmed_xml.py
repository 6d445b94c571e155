"""Streaming parser for PubMed XML: efetch ``PubmedArticleSet``, baseline/update files and legacy
``MedlineCitationSet``.

`iter_pubmed_xml(source)` yields `Article` records and `Deletion` records (from ``DeleteCitation``) in
document order, keeping memory flat (lxml ``iterparse`` with each record cleared once read). Malformed or
truncated XML raises `ParseError` naming the file, line and column; a file whose root is not a PubMed set (an
HTML page, an E-utilities ``<ERROR>`` reply) raises `ParseError` too, never yields an empty result.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from neurolit.errors import ParseError
from neurolit.records import AbstractSection, Article, Author, Deletion, MeshHeading

PubmedRecord = Article | Deletion

ROOT_TAGS = frozenset({"PubmedArticleSet", "MedlineCitationSet", "PubmedBookArticleSet"})
_RECORD_TAGS = ("PubmedArticle", "MedlineCitation", "DeleteCitation", "PubmedBookArticle")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
    )
}
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_YEAR = re.compile(r"\b(1[6-9]\d\d|2\d\d\d)\b")
_PMC = re.compile(r"PMC\d+")
_MATH_TOKENS = frozenset({"mi", "mn", "mo", "mtext", "ms"})
_MATHML_NS = "{http://www.w3.org/1998/Math/MathML}"


def _is_math(tag: Any) -> bool:
    return isinstance(tag, str) and (tag.startswith(_MATHML_NS) or tag in ("math", "mml:math"))


def _gather(el: Any, parts: list[str], in_math: bool) -> None:
    math = in_math or _is_math(el.tag)
    text = el.text
    if math and isinstance(el.tag, str):
        local = el.tag.rpartition("}")[2].rpartition(":")[2]
        if local == "mspace":
            parts.append(" ")
        elif local in _MATH_TOKENS and text:
            parts.append(text)  # token content, even a lone space in <mtext> </mtext>
            text = None
    if text and not (math and text.isspace()):
        parts.append(text)
    for child in el:
        _gather(child, parts, math)
        tail = child.tail
        if tail and not (math and tail.isspace()):
            parts.append(tail)


def _normalize(text: str) -> str:
    """`text` with runs of whitespace collapsed to one space and no leading or trailing space.

    Long ASCII texts (abstracts) that are already normal are returned as they are: a few memchr scans
    instead of splitting into hundreds of words. XML 1.0 text holds no ASCII control characters other than
    tab, newline and carriage return, so for ASCII these checks cover every character `str.split` splits on.
    """
    if (
        len(text) > 64
        and text.isascii()
        and "  " not in text
        and "\n" not in text
        and "\t" not in text
        and "\r" not in text
        and text[0] != " "
        and text[-1] != " "
    ):
        return text
    return " ".join(text.split())


def flatten_text(el: Any) -> str:
    """All text inside `el` (inline markup such as <i>, <sup>, <b> and MathML dropped, its words kept),
    with runs of whitespace collapsed to one space."""
    if el is None:
        return ""
    if len(el) == 0:  # a leaf (most calls): _normalize inlined
        text = el.text
        if not text:
            return ""
        if len(text) <= 64 or not text.isascii():
            return " ".join(text.split())
        return _normalize(text)
    parts: list[str] = []
    _gather(el, parts, False)
    return _normalize("".join(parts))


def _child_text(el: Any, path: str) -> str:
    found = el.find(path)
    return flatten_text(found) if found is not None else ""


def _date(el: Any) -> str:
    """A <Year>/<Month>/<Day> element as YYYY-MM-DD (or YYYY-MM, YYYY), '' if absent."""
    if el is None:
        return ""
    year = month = day = None
    for child in el:  # one pass over the children: cheaper than three path lookups
        tag = child.tag
        if tag == "Year":
            year = year if year is not None else child.text
        elif tag == "Month":
            month = month if month is not None else child.text
        elif tag == "Day":
            day = day if day is not None else child.text
    if not year:
        return ""
    out = year.strip()
    month = month.strip() if month else ""
    if month:
        number = int(month) if month.isdigit() else _MONTHS.get(month[:3].lower(), 0)
        if number:
            out += f"-{number:02d}"
            day = day.strip() if day else ""
            if day.isdigit():
                out += f"-{int(day):02d}"
    return out


def _first_texts(el: Any) -> dict[str, str]:
    """The text of the first child element of each tag (one pass over the children)."""
    texts: dict[str, str] = {}
    for child in el:
        tag = child.tag
        if tag not in texts:
            texts[tag] = child.text or ""
    return texts


def _pub_date(article: Any, pub: Any = None) -> tuple[str, int | None]:
    """Publication date as PubMed displays it ('2021 Aug', '2008 Jul-Aug') and its year. `pub` is the
    <PubDate> element when the caller already has it (else it is looked up under `article`)."""
    if pub is None:
        pub = article.find("Journal/JournalIssue/PubDate")
        if pub is None:
            pub = article.find("Book/PubDate")
    shown = ""
    if pub is not None:
        texts = _first_texts(pub)
        medline = texts.get("MedlineDate")
        if medline:
            shown = " ".join(medline.split())
        else:
            month = (texts.get("Season") or texts.get("Month") or "").strip()
            if month.isdigit() and 1 <= int(month) <= 12:
                month = _MONTH_NAMES[int(month) - 1]
            parts = (texts.get("Year"), month, texts.get("Day"))
            shown = " ".join(p.strip() for p in parts if p and p.strip())
    match = _YEAR.search(shown)
    if match is None:
        # No journal-issue date: fall back to the electronic publication date.
        electronic = _date(article.find("ArticleDate"))
        if electronic:
            return shown or electronic, int(electronic[:4])
        return shown, None
    return shown, int(match.group(1))


def _strip(text: str | None) -> str:
    return text.strip() if text else ""


def _authors(author_list: Any) -> tuple[Author, ...]:
    """Authors of an <AuthorList> (invalid entries, ValidYN="N", skipped). One pass over the children: this
    runs for every author of every record, so it avoids path lookups."""
    authors: list[Author] = []
    for au in author_list:
        if au.tag != "Author" or au.get("ValidYN") == "N":
            continue
        last = fore = initials = collective = ""
        affiliations: list[str] = []
        for child in au:
            tag = child.tag
            if tag == "LastName":
                text = child.text
                last = text.strip() if text else ""
            elif tag == "ForeName" or tag == "FirstName":
                text = child.text
                fore = text.strip() if text else ""
            elif tag == "Initials":
                text = child.text
                initials = text.strip() if text else ""
            elif tag == "AffiliationInfo":
                for info in child:
                    if info.tag == "Affiliation":
                        text = flatten_text(info)
                        if text:
                            affiliations.append(text)
            elif tag == "Affiliation":  # legacy DTDs
                text = flatten_text(child)
                if text:
                    affiliations.append(text)
            elif tag == "CollectiveName":
                collective = flatten_text(child)
        authors.append(Author(last, fore, initials, collective, tuple(affiliations)))
    return tuple(authors)


def _mesh(mesh_list: Any) -> tuple[MeshHeading, ...]:
    headings: list[MeshHeading] = []
    for mh in mesh_list:
        descriptor = None
        qualifiers: list[str] = []
        major = False
        for child in mh:
            if child.tag == "DescriptorName":
                descriptor = child
                major = major or child.get("MajorTopicYN") == "Y"
            elif child.tag == "QualifierName":
                qualifiers.append(flatten_text(child))
                major = major or child.get("MajorTopicYN") == "Y"
        if descriptor is not None:
            headings.append(
                MeshHeading(descriptor.get("UI", ""), flatten_text(descriptor), major, tuple(qualifiers))
            )
    return tuple(headings)


def _abstract(abstract: Any) -> tuple[tuple[AbstractSection, ...], str]:
    if abstract is None:
        return (), ""
    sections = tuple(
        AbstractSection(
            label=_strip(at.get("Label")),
            text=flatten_text(at),
            nlm_category=at.get("NlmCategory") or "",
        )
        for at in abstract
        if at.tag == "AbstractText"
    )
    joined = " ".join(f"{s.label}: {s.text}" if s.label else s.text for s in sections if s.text or s.label)
    return sections, joined


def _article_ids(container: Any) -> tuple[str, str]:
    doi = pmcid = ""
    if container is not None:
        for id_list in container:
            if id_list.tag != "ArticleIdList":
                continue
            for aid in id_list:
                if aid.tag != "ArticleId":
                    continue
                kind = aid.get("IdType")
                if kind == "doi" and not doi:
                    doi = _strip(aid.text)
                elif kind == "pmc" and not pmcid:
                    pmcid = _strip(aid.text)
    return doi, pmcid


def _citation_to_article(citation: Any, pubmed_data: Any) -> Article:
    pmid_el = article = date_revised = mesh_list = None
    keywords: list[str] = []
    other_ids: list[str] = []
    for child in citation:
        tag = child.tag
        if tag == "PMID":
            pmid_el = child
        elif tag == "Article":
            article = child
        elif tag == "MeshHeadingList":
            mesh_list = child
        elif tag == "KeywordList":
            keywords.extend(k for k in (flatten_text(x) for x in child) if k)
        elif tag == "DateRevised":
            date_revised = child
        elif tag == "OtherID":
            other_ids.append(child.text or "")
    if pmid_el is None or not _strip(pmid_el.text):
        raise ValueError("MedlineCitation without a PMID")
    pmid = _strip(pmid_el.text)
    version_text = pmid_el.get("Version") or "1"
    version = int(version_text) if version_text.isdigit() else 1
    doi, pmcid = _article_ids(pubmed_data)
    if not pmcid:
        for other in other_ids:
            match = _PMC.search(other)
            if match:
                pmcid = match.group(0)
                break
    if article is None:
        return Article(pmid=pmid, title="", version=version, date_revised=_date(date_revised))
    title = vernacular = journal = journal_iso = language = ""
    abstract_el = authors_el = pub_date_el = None
    publication_types: list[str] = []
    for child in article:
        tag = child.tag
        if tag == "ArticleTitle":
            title = flatten_text(child)
        elif tag == "Abstract":
            abstract_el = child
        elif tag == "AuthorList":
            authors_el = child
        elif tag == "Journal":
            for part in child:
                ptag = part.tag
                if ptag == "Title":
                    journal = flatten_text(part)
                elif ptag == "ISOAbbreviation":
                    journal_iso = flatten_text(part)
                elif ptag == "JournalIssue" and pub_date_el is None:
                    for issue_part in part:
                        if issue_part.tag == "PubDate":
                            pub_date_el = issue_part
                            break
        elif tag == "Language":
            language = language or _strip(child.text)
        elif tag == "PublicationTypeList":
            publication_types.extend(flatten_text(p) for p in child)
        elif tag == "ELocationID":
            if not doi and child.get("EIdType") == "doi":
                doi = _strip(child.text)
        elif tag == "VernacularTitle":
            vernacular = flatten_text(child)
    sections, abstract = _abstract(abstract_el)
    pub_date, year = _pub_date(article, pub_date_el)
    return Article(
        pmid=pmid,
        title=title or vernacular,
        abstract=abstract,
        version=version,
        abstract_sections=sections,
        journal=journal,
        journal_iso=journal_iso,
        year=year,
        pub_date=pub_date,
        authors=_authors(authors_el) if authors_el is not None else (),
        doi=doi,
        pmcid=pmcid,
        mesh=_mesh(mesh_list) if mesh_list is not None else (),
        keywords=tuple(keywords),
        publication_types=tuple(publication_types),
        language=language,
        date_revised=_date(date_revised),
    )


def _book_to_article(book_article: Any) -> Article:
    doc = book_article.find("BookDocument")
    if doc is None or doc.find("PMID") is None:
        raise ValueError("PubmedBookArticle without a BookDocument/PMID")
    pmid_el = doc.find("PMID")
    sections, abstract = _abstract(doc.find("Abstract"))
    pub_date, year = _pub_date(doc)
    doi, pmcid = _article_ids(book_article.find("PubmedBookData"))
    title = _child_text(doc, "ArticleTitle") or _child_text(doc, "Book/BookTitle")
    return Article(
        pmid=(pmid_el.text or "").strip(),
        title=title,
        abstract=abstract,
        version=int(pmid_el.get("Version") or 1),
        abstract_sections=sections,
        journal=_child_text(doc, "Book/Publisher/PublisherName"),
        year=year,
        pub_date=pub_date,
        authors=_authors(doc.find("AuthorList")) if doc.find("AuthorList") is not None else (),
        doi=doi,
        pmcid=pmcid,
        keywords=tuple(k for k in (flatten_text(x) for x in doc.iterfind("KeywordList/Keyword")) if k),
        publication_types=tuple(flatten_text(p) for p in doc.iterfind("PublicationType")),
        language=(doc.findtext("Language") or "").strip(),
        date_revised=_date(doc.find("DateRevised")),
    )


def _open_binary(source: str | Path | IO[bytes]) -> tuple[IO[bytes], str, bool]:
    if isinstance(source, str | Path):
        path = Path(source)
        try:
            raw = path.open("rb")
        except OSError as exc:
            raise ParseError(f"cannot open PubMed XML file: {exc.strerror}", source=str(path)) from exc
        head = raw.read(2)
        raw.seek(0)
        if head == b"\x1f\x8b":
            return gzip.GzipFile(fileobj=raw, mode="rb"), str(path), True  # type: ignore[return-value]
        return raw, str(path), True
    return source, getattr(source, "name", "<stream>"), False


def _check_root(el: Any, name: str) -> None:
    """Raise ParseError unless the outermost PubMed element around `el` (the first record or set to end) is a
    PubmedArticleSet/MedlineCitationSet/PubmedBookArticleSet."""
    top = el
    ancestor = el.getparent()
    while ancestor is not None:
        if ancestor.tag in ROOT_TAGS or ancestor.tag in _RECORD_TAGS:
            top = ancestor
        ancestor = ancestor.getparent()
    if top.tag not in ROOT_TAGS:
        raise ParseError(
            f"<{top.tag}> where a PubmedArticleSet or MedlineCitationSet root was expected",
            source=name,
            line=top.sourceline,
        )


def iter_pubmed_xml(source: str | Path | IO[bytes] | bytes) -> Iterator[PubmedRecord]:
    """Stream `Article` and `Deletion` records from PubMed XML (a path, .gz path, binary stream or bytes).

    Raises ParseError naming the source and position on malformed or truncated XML, and when the document is
    not a PubmedArticleSet/MedlineCitationSet (e.g. an HTML page or an E-utilities error reply).
    """
    from lxml import etree

    if isinstance(source, bytes):
        source = io.BytesIO(source)
    handle, name, owned = _open_binary(source)
    root_seen = False
    try:
        # "end" events only (one per record): the root is checked at the first of them, from its ancestors.
        events = etree.iterparse(
            handle,
            events=("end",),
            tag=(*ROOT_TAGS, *_RECORD_TAGS),
            resolve_entities=False,
            huge_tree=True,
            remove_comments=True,
        )
        for _event, el in events:
            tag = el.tag
            if not root_seen:
                _check_root(el, name)
                root_seen = True
            if tag in ROOT_TAGS:
                continue
            parent = el.getparent()
            if tag == "MedlineCitation" and parent is not None and parent.tag == "PubmedArticle":
                continue  # handled with its PubmedArticle
            try:
                if tag == "DeleteCitation":
                    for pmid in el.iterfind("PMID"):
                        if pmid.text and pmid.text.strip():
                            yield Deletion(pmid=pmid.text.strip())
                elif tag == "PubmedArticle":
                    citation = el.find("MedlineCitation")
                    if citation is None:
                        raise ValueError("PubmedArticle without a MedlineCitation")
                    yield _citation_to_article(citation, el.find("PubmedData"))
                elif tag == "MedlineCitation":
                    yield _citation_to_article(el, None)
                else:
                    yield _book_to_article(el)
            except ValueError as exc:
                raise ParseError(str(exc), source=name, line=el.sourceline) from exc
            el.clear()
            if parent is not None:
                while el.getprevious() is not None:
                    del parent[0]
        if not root_seen:
            raise ParseError(
                "no PubmedArticleSet or MedlineCitationSet element found; is this PubMed XML "
                "(efetch retmode=xml, or a baseline/update file)?",
                source=name,
            )
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (None, None)
        raise ParseError(
            f"malformed or truncated XML ({exc.msg})", source=name, line=line, column=column
        ) from exc
    except (OSError, EOFError, zlib.error) as exc:
        raise ParseError(f"cannot read the file ({exc}); it may be truncated", source=name) from exc
    finally:
        if owned:
            handle.close()


def parse_pubmed_xml(source: str | Path | IO[bytes] | bytes) -> list[PubmedRecord]:
    """All records of a PubMed XML document at once (for small replies such as one efetch batch)."""
    return list(iter_pubmed_xml(source))
