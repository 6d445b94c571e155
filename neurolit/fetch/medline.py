"""MEDLINE-format exports (PubMed's "Save → Format: PubMed", .txt or .nbib) read with Bio.Medline.

MEDLINE format carries no MeSH unique identifiers and does not tie affiliations to authors unambiguously, so
`MeshHeading.ui` is empty and affiliations are attached only to the author they follow when that is certain
(one author), otherwise left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from neurolit.errors import ParseError
from neurolit.records import AbstractSection, Article, Author, MeshHeading

_DOI = re.compile(r"(10\.\S+) \[doi\]")
_YEAR = re.compile(r"\b(1[6-9]\d\d|2\d\d\d)\b")
_LABEL = re.compile(r"(?:(?<=^)|(?<=\. ))([A-Z][A-Z &/,-]{2,40}): ")


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _sections(abstract: str) -> tuple[AbstractSection, ...]:
    """Split 'BACKGROUND: ... METHODS: ...' into labelled sections (PubMed writes structured abstracts so)."""
    if not abstract:
        return ()
    marks = list(_LABEL.finditer(abstract))
    if not marks or marks[0].start() != 0:
        return (AbstractSection(label="", text=abstract),)
    sections = []
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(abstract)
        sections.append(AbstractSection(label=mark.group(1), text=abstract[mark.end() : end].strip()))
    return tuple(sections)


def _mesh(term: str) -> MeshHeading:
    parts = term.split("/")
    major = any(p.startswith("*") for p in parts)
    return MeshHeading(
        ui="",
        descriptor=parts[0].lstrip("*"),
        major_topic=major,
        qualifiers=tuple(p.lstrip("*") for p in parts[1:]),
    )


def _date(value: str) -> str:
    value = value.strip()[:8]
    if len(value) == 8 and value.isdigit():
        return f"{value[:4]}-{value[4:6]}-{value[6:]}"
    return ""


def medline_to_article(record: dict[str, Any]) -> Article:
    pmid = str(record.get("PMID", "")).strip()
    if not pmid:
        raise ValueError("MEDLINE record without a PMID line")
    full_names = _as_list(record.get("FAU"))
    short_names = _as_list(record.get("AU"))
    affiliations = _as_list(record.get("AD"))
    authors = []
    for i, short in enumerate(short_names):
        last, _, initials = short.rpartition(" ")
        fore = ""
        if i < len(full_names):
            full_last, _, fore = full_names[i].partition(", ")
            last = full_last or last
        authors.append(
            Author(
                last_name=last or short,
                fore_name=fore,
                initials=initials,
                affiliations=tuple(affiliations) if len(short_names) == 1 else (),
            )
        )
    for collective in _as_list(record.get("CN")):
        authors.append(Author(collective_name=collective))
    doi = pmcid = ""
    for aid in _as_list(record.get("AID")) + _as_list(record.get("LID")):
        # Bio.Medline joins repeated single-valued lines (two LID lines) with a space.
        match = _DOI.search(aid)
        if match and not doi:
            doi = match.group(1)
    pmc = str(record.get("PMC", "")).strip()
    if pmc:
        pmcid = pmc
    abstract = " ".join(str(record.get("AB", "")).split())
    shown = " ".join(str(record.get("DP", "")).split())
    year_match = _YEAR.search(shown)
    return Article(
        pmid=pmid,
        title=" ".join(str(record.get("TI", "")).split()),
        abstract=abstract,
        abstract_sections=_sections(abstract),
        journal=str(record.get("JT", "")),
        journal_iso=str(record.get("TA", "")),
        year=int(year_match.group(1)) if year_match else None,
        pub_date=shown,
        authors=tuple(authors),
        doi=doi,
        pmcid=pmcid,
        mesh=tuple(_mesh(t) for t in _as_list(record.get("MH"))),
        keywords=tuple(_as_list(record.get("OT"))),
        publication_types=tuple(_as_list(record.get("PT"))),
        language=(_as_list(record.get("LA")) or [""])[0],
        date_revised=_date(str(record.get("LR", ""))),
    )


def iter_medline(path: str | Path) -> Iterator[Article]:
    """Stream Articles from a MEDLINE-format file; ParseError names the file and the record number."""
    from Bio import Medline

    name = str(path)
    if not Path(path).is_file():
        raise ParseError("cannot open MEDLINE file: no such file", source=name)
    with Path(path).open(encoding="utf-8-sig") as handle:
        count = 0
        for count, record in enumerate(Medline.parse(handle), start=1):
            try:
                yield medline_to_article(record)
            except ValueError as exc:
                raise ParseError(f"record {count}: {exc}", source=name) from exc
        if count == 0:
            raise ParseError(
                "no MEDLINE records found (expected lines such as 'PMID- 34210658'); export from "
                "PubMed with Save → Format: PubMed",
                source=name,
            )
