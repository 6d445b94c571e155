"""Review test fixtures: real evidence tables (write_evidence), decision stores and a real corpus store.

The triples are the founding case report's (ALK F1174L neuroblastoma; see DESIGN.md), plus one hostile record
whose title and evidence sentence carry markup that must never execute.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from neurolit.evidence.schema import triple_id
from neurolit.evidence.table import write_evidence
from neurolit.records import Article, Significance, Triple
from neurolit.review.service import ReviewService
from neurolit.review.store import DecisionStore

CORPUS = "alknb"
PMID = "34210658"
HOSTILE_PMID = "11111111"
TITLE = (
    "Exceptional response to the ALK and ROS1 inhibitor lorlatinib and subsequent mechanism of resistance "
    "in relapsed ALK F1174L-mutated neuroblastoma"
)
S_CRIZOTINIB = (
    "We describe a patient with relapsed ALK F1174L-mutated neuroblastoma who showed no response to the "
    "ALK inhibitor crizotinib but had a complete response to lorlatinib."
)
S_RELAPSE = (
    "Sequencing at relapse pointed toward acquired lorlatinib resistance: amplification of CDK4 and FGFR1 "
    "and a NRAS Q61K mutation."
)
ABSTRACT = (
    f"ALK mutations drive a subset of neuroblastomas. {S_CRIZOTINIB} The disease relapsed after 13 months. "
    f"{S_RELAPSE}"
)
HOSTILE_TITLE = 'BRAF V600E <script>window.__xss = "title"</script> melanoma'
HOSTILE_SENTENCE = "BRAF V600E melanoma responded to vemurafenib <img src=x onerror=\"window.__xss='img'\">."


def _offsets(sentence: str) -> tuple[int, int]:
    start = len(TITLE) + 1 + ABSTRACT.index(sentence)
    return start, start + len(sentence)


def _founding(
    gene: str,
    variant: str,
    drug: str,
    significance: Significance,
    response: str,
    confidence: float,
    evidence: str,
    start: int,
) -> Triple:
    return Triple(
        pmid=PMID,
        gene=gene,
        variant=variant,
        drug=drug,
        significance=significance,
        direction="supports",
        response=response,
        confidence=confidence,
        evidence=evidence,
        evidence_start=start,
        evidence_end=start + len(evidence),
        title=TITLE,
        journal="Cold Spring Harb Mol Case Stud",
        year=2021,
        disease="neuroblastoma",
        variant_type="cnv" if variant.startswith("CNV:") else "substitution",
        extractor_version="test",
    )


def founding_triples(*, relapse_sentence: str = S_RELAPSE) -> list[Triple]:
    """The five triples DESIGN.md lists for the founding case report."""
    c_start, _ = _offsets(S_CRIZOTINIB)
    r_start = len(TITLE) + 1 + ABSTRACT.index(S_RELAPSE)
    return [
        _founding("ALK", "p.F1174L", "crizotinib", "resistance", "no_response", 0.91, S_CRIZOTINIB, c_start),
        _founding(
            "ALK", "p.F1174L", "lorlatinib", "sensitivity", "complete_response", 0.88, S_CRIZOTINIB, c_start
        ),
        _founding(
            "NRAS",
            "p.Q61K",
            "lorlatinib",
            "resistance",
            "acquired_resistance",
            0.64,
            relapse_sentence,
            r_start,
        ),
        _founding(
            "CDK4",
            "CNV:amplification",
            "lorlatinib",
            "resistance",
            "acquired_resistance",
            0.55,
            relapse_sentence,
            r_start,
        ),
        _founding(
            "FGFR1",
            "CNV:amplification",
            "lorlatinib",
            "resistance",
            "acquired_resistance",
            0.42,
            relapse_sentence,
            r_start,
        ),
    ]


def hostile_triple() -> Triple:
    return Triple(
        pmid=HOSTILE_PMID,
        gene="BRAF",
        variant="p.V600E",
        drug="vemurafenib",
        significance="sensitivity",
        direction="supports",
        response="partial_response",
        confidence=0.77,
        evidence=HOSTILE_SENTENCE,
        evidence_start=0,
        evidence_end=len(HOSTILE_SENTENCE),
        title=HOSTILE_TITLE,
        journal='J <b onmouseover="x()">Onc</b>',
        year=2020,
        extractor_version="test",
    )


def all_triples() -> list[Triple]:
    return [*founding_triples(), hostile_triple()]


def ids() -> dict[str, str]:
    """Short names → triple ids of the fixture triples."""
    names = ["crizotinib", "lorlatinib", "nras", "cdk4", "fgfr1"]
    result = {name: triple_id(t) for name, t in zip(names, founding_triples(), strict=True)}
    result["hostile"] = triple_id(hostile_triple())
    return result


def re_extract(path: Path, new_relapse_sentence: str) -> None:
    """Re-write the evidence table as a new extraction would: the relapse sentence changed."""
    triples = [*founding_triples(relapse_sentence=new_relapse_sentence), hostile_triple()]
    write_evidence(triples, path)


@dataclass
class ReviewEnv:
    home: Path
    evidence: Path
    store: DecisionStore
    service: ReviewService


def write_corpus_store(home: Path) -> None:
    from neurolit.fetch.store import CorpusStore

    article = Article(
        pmid=PMID,
        title=TITLE,
        abstract=ABSTRACT,
        journal="Cold Spring Harbor Molecular Case Studies",
        year=2021,
    )
    hostile = Article(
        pmid=HOSTILE_PMID,
        title=HOSTILE_TITLE,
        abstract=f"Background <script>window.__xss='abstract'</script>. {HOSTILE_SENTENCE}",
        journal="J Onc",
        year=2020,
    )
    with CorpusStore.open(CORPUS, home=home, create=True) as store, store.transaction():
        store.upsert_articles([article, hostile])


@pytest.fixture()
def review_env(neurolit_home: Path) -> ReviewEnv:
    """An evidence table at $NEUROLIT_HOME/evidence/alknb.csv, a corpus store, an empty decision store."""
    from neurolit.review.context import corpus_articles

    evidence = neurolit_home / "evidence" / f"{CORPUS}.csv"
    write_evidence(all_triples(), evidence)
    write_corpus_store(neurolit_home)
    store = DecisionStore.for_corpus(CORPUS, home=neurolit_home)
    service = ReviewService(CORPUS, evidence, store, corpus_articles(CORPUS, neurolit_home))
    return ReviewEnv(neurolit_home, evidence, store, service)
