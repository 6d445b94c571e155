"""Frozen records passed between stages. Stages exchange these, never each other's internals.

Offsets convention: every character offset in a Mention or Triple is relative to `Article.text`, which is
``title + "\\n" + abstract`` (the PubTator convention: the abstract starts at ``len(title) + 1``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

EntityLabel = Literal["Gene", "Variant", "Drug", "Disease", "Outcome"]
ENTITY_LABELS: tuple[EntityLabel, ...] = ("Gene", "Variant", "Drug", "Disease", "Outcome")

Significance = Literal["sensitivity", "resistance", "reduced_sensitivity", "adverse_response"]
SIGNIFICANCES: tuple[Significance, ...] = (
    "sensitivity",
    "resistance",
    "reduced_sensitivity",
    "adverse_response",
)

Direction = Literal["supports", "does_not_support"]
DIRECTIONS: tuple[Direction, ...] = ("supports", "does_not_support")

TITLE_SEPARATOR = "\n"


def document_text(title: str, abstract: str) -> str:
    """The text every offset refers to: title, one separator character, abstract."""
    return f"{title}{TITLE_SEPARATOR}{abstract}" if abstract else title


@dataclass(frozen=True, slots=True)
class Author:
    last_name: str = ""
    fore_name: str = ""
    initials: str = ""
    collective_name: str = ""
    affiliations: tuple[str, ...] = ()

    @property
    def display_name(self) -> str:
        if self.collective_name:
            return self.collective_name
        return f"{self.last_name} {self.initials}".strip()


@dataclass(frozen=True, slots=True)
class MeshHeading:
    ui: str
    descriptor: str
    major_topic: bool = False
    qualifiers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AbstractSection:
    """One structured-abstract section; label is empty for unstructured abstracts."""

    label: str
    text: str
    nlm_category: str = ""


@dataclass(frozen=True, slots=True)
class Article:
    """One PubMed record (a MedlineCitation/PubmedArticle, a PubTator or JSONL document)."""

    pmid: str
    title: str
    abstract: str = ""
    version: int = 1
    abstract_sections: tuple[AbstractSection, ...] = ()
    journal: str = ""
    journal_iso: str = ""
    year: int | None = None
    pub_date: str = ""
    authors: tuple[Author, ...] = ()
    doi: str = ""
    pmcid: str = ""
    mesh: tuple[MeshHeading, ...] = ()
    keywords: tuple[str, ...] = ()
    publication_types: tuple[str, ...] = ()
    language: str = ""
    date_revised: str = ""

    @property
    def text(self) -> str:
        return document_text(self.title, self.abstract)


@dataclass(frozen=True, slots=True)
class Deletion:
    """A DeleteCitation entry from a PubMed update file: the record must be removed from every store."""

    pmid: str


@dataclass(frozen=True, slots=True)
class Mention:
    """An entity mention with exact offsets into Article.text and its normalization.

    norm_id follows the PubTator output conventions in the README (Gene: NCBI Gene ID; Drug: MeSH:/DrugBank:/
    NCIt:/CHEMBL; Disease: DOID:/MeSH:/OncoTree; Variant: p.F1174L, c.3522C>A, rs…, EXON:19del, CNV:amplification,
    FUSION:EML4::ALK, GENERIC:mutation, EXPR:overexpression).
    """

    start: int
    end: int
    text: str
    label: EntityLabel
    norm_id: str = ""
    norm_name: str = ""
    source: str = "rules"  # rules | model | abbreviation
    score: float = 1.0
    # Gene
    hgnc_id: str = ""
    # Variant
    variant_type: str = (
        ""  # substitution, dna_change, snp, indel, exon, cnv, fusion, generic, expression, wildtype
    )
    gene: str = ""  # linked gene symbol, when the text links one
    gene_id: str = ""
    # Drug
    is_class: bool = False  # "ALK inhibitor", "EGFR TKIs"
    # Outcome
    response: str = ""  # complete_response, partial_response, no_response, acquired_resistance, ...
    polarity: str = ""  # sensitivity | resistance | neutral
    negated: bool = False
    hedged: bool = False


@dataclass(frozen=True, slots=True)
class AnnotatedDocument:
    """An article with its sentences (character spans) and mentions."""

    article: Article
    mentions: tuple[Mention, ...] = ()
    sentences: tuple[tuple[int, int], ...] = ()

    @property
    def pmid(self) -> str:
        return self.article.pmid

    @property
    def text(self) -> str:
        return self.article.text


@dataclass(frozen=True, slots=True)
class Triple:
    """One variant–drug–response assertion with its evidence; one row of the evidence table."""

    pmid: str
    gene: str
    variant: str
    drug: str
    significance: Significance
    direction: Direction
    gene_id: str = ""
    variant_type: str = ""
    drug_id: str = ""
    disease: str = ""
    disease_id: str = ""
    response: str = ""
    confidence: float = 0.0
    evidence: str = ""
    evidence_start: int = 0
    evidence_end: int = 0
    title: str = ""
    year: int | None = None
    journal: str = ""
    extractor_version: str = ""
    known_in_civic: bool = False
    civic_evidence_ids: tuple[str, ...] = ()
    features: tuple[tuple[str, str], ...] = field(default=(), compare=False)
