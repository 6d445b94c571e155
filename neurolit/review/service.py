"""The review service: the machine's evidence table joined with the decision store, filtered and sorted.

The evidence table is re-read whenever its file changes (a re-extraction while the app runs shows up on the
next page load). Decisions are keyed by the table's stable triple_id, so a triple that comes back keeps its
decision; one whose evidence sentence changed is flagged for re-review (`ReviewItem.needs_rereview`).
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path

from neurolit.errors import ConflictError, ReviewError
from neurolit.evidence.schema import triple_id
from neurolit.records import SIGNIFICANCES, Article, Triple
from neurolit.review.context import ArticleSource, EvidenceArticles
from neurolit.review.model import (
    STATUS_FILTERS,
    DecisionRequest,
    DecisionState,
    ReviewItem,
    evidence_hash,
    validate_curator,
    validate_triple_id,
)
from neurolit.review.store import Applied, DecisionStore, StaleDecisionError

SORTS: dict[str, str] = {
    "confidence_desc": "confidence, highest first",
    "confidence_asc": "confidence, lowest first",
    "pmid": "PMID",
    "gene": "gene",
    "drug": "drug",
    "status": "status",
    "updated": "latest decision first",
}


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Queue filters and sort order, validated from query parameters."""

    gene: str = ""
    drug: str = ""
    significance: str = ""
    status: str = "all"
    min_confidence: float | None = None
    max_confidence: float | None = None
    pmid: str = ""
    sort: str = "confidence_desc"

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> QueueFilter:
        """Build from request arguments; ReviewError says which parameter is wrong and what is allowed."""

        def text(name: str, limit: int = 120) -> str:
            value = str(args.get(name, "") or "").strip()
            if len(value) > limit:
                raise ReviewError(f"filter {name} is longer than {limit} characters")
            return value

        def number(name: str) -> float | None:
            value = text(name, 20)
            if not value:
                return None
            try:
                parsed = float(value)
            except ValueError:
                raise ReviewError(f"filter {name} must be a number between 0 and 1, not {value!r}") from None
            if not 0.0 <= parsed <= 1.0 or math.isnan(parsed):
                raise ReviewError(f"filter {name} must be between 0 and 1, not {value!r}")
            return parsed

        significance = text("significance")
        if significance and significance not in SIGNIFICANCES:
            raise ReviewError(
                f"significance filter {significance!r} is not one of {', '.join(SIGNIFICANCES)}"
            )
        status = text("status") or "all"
        if status not in STATUS_FILTERS:
            raise ReviewError(f"status filter {status!r} is not one of {', '.join(STATUS_FILTERS)}")
        sort = text("sort") or "confidence_desc"
        if sort not in SORTS:
            raise ReviewError(f"sort {sort!r} is not one of {', '.join(SORTS)}")
        pmid = text("pmid", 12)
        if pmid and not pmid.isdigit():
            raise ReviewError(f"PMID filter {pmid!r} must be digits only")
        return cls(
            gene=text("gene"),
            drug=text("drug"),
            significance=significance,
            status=status,
            min_confidence=number("min_confidence"),
            max_confidence=number("max_confidence"),
            pmid=pmid,
            sort=sort,
        )

    def to_args(self) -> dict[str, str]:
        """The non-default parameters, for links and hidden form fields."""
        default = QueueFilter()
        result: dict[str, str] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value != getattr(default, item.name) and value is not None:
                result[item.name] = str(value)
        return result

    def matches(self, item: ReviewItem) -> bool:
        triple = item.effective
        if self.gene and self.gene.upper() not in {triple.gene.upper(), item.machine.gene.upper()}:
            return False
        if (
            self.drug
            and self.drug.lower() not in triple.drug.lower()
            and self.drug.lower() not in item.machine.drug.lower()
        ):
            return False
        if self.significance and triple.significance != self.significance:
            return False
        if self.pmid and triple.pmid != self.pmid:
            return False
        if self.min_confidence is not None and triple.confidence < self.min_confidence:
            return False
        if self.max_confidence is not None and triple.confidence > self.max_confidence:
            return False
        return item.matches_status(self.status)


def _sort_key(sort: str, item: ReviewItem) -> tuple[object, ...]:
    triple = item.effective
    if sort == "confidence_asc":
        return (triple.confidence, triple.pmid, item.triple_id)
    if sort == "pmid":
        return (triple.pmid.zfill(12), triple.gene, triple.drug, item.triple_id)
    if sort == "gene":
        return (triple.gene.upper(), triple.variant, triple.drug, item.triple_id)
    if sort == "drug":
        return (triple.drug.lower(), triple.gene, item.triple_id)
    if sort == "status":
        return (item.status_label, -triple.confidence, item.triple_id)
    if sort == "updated":
        stamp = datetime.fromisoformat(item.state.updated_at).timestamp() if item.state.updated_at else 0.0
        return (item.state.updated_at == "", -stamp, item.triple_id)
    return (-triple.confidence, triple.pmid, item.triple_id)


def set_digest(items: list[ReviewItem]) -> str:
    """A fingerprint of a set of items as the curator saw them (ids, revisions, evidence)."""
    parts = sorted(f"{item.triple_id}:{item.state.revision}:{item.evidence_hash}" for item in items)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]


@dataclass(frozen=True, slots=True)
class BulkOutcome:
    accepted: int
    conflicts: tuple[StaleDecisionError, ...]


class ReviewService:
    """One corpus under review: its evidence table, its decision store and where its articles come from."""

    def __init__(
        self, corpus: str, evidence_path: Path, store: DecisionStore, articles: ArticleSource | None = None
    ) -> None:
        self.corpus = corpus
        self.evidence_path = evidence_path
        self.store = store
        self.articles = articles
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._triples: dict[str, Triple] = {}
        self._hashes: dict[str, str] = {}

    def triples(self) -> dict[str, Triple]:
        """The machine's triples by triple_id, re-read when the table file changes."""
        from neurolit.evidence.table import read_evidence

        stat = self.evidence_path.stat() if self.evidence_path.is_file() else None
        stamp = (stat.st_mtime_ns, stat.st_size) if stat else None
        with self._lock:
            if stamp is None or stamp != self._stamp:
                loaded = read_evidence(self.evidence_path)  # raises InputError saying how to create it
                self._triples = {triple_id(triple): triple for triple in loaded}
                self._hashes = {tid: evidence_hash(triple) for tid, triple in self._triples.items()}
                self._stamp = stamp
            return self._triples

    def _item(self, tid: str, triple: Triple, states: Mapping[str, DecisionState]) -> ReviewItem:
        digest = self._hashes.get(tid) or evidence_hash(triple)
        return ReviewItem(tid, triple, states.get(tid) or DecisionState(triple_id=tid), digest)

    def all_items(self, states: Mapping[str, DecisionState] | None = None) -> list[ReviewItem]:
        states = self.store.states() if states is None else states
        return [self._item(tid, triple, states) for tid, triple in self.triples().items()]

    def items(self, flt: QueueFilter, states: Mapping[str, DecisionState] | None = None) -> list[ReviewItem]:
        chosen = [item for item in self.all_items(states) if flt.matches(item)]
        return sorted(chosen, key=lambda item: _sort_key(flt.sort, item))

    def get(self, tid: str) -> ReviewItem:
        validate_triple_id(tid)
        triple = self.triples().get(tid)
        if triple is None:
            raise ReviewError(
                f"triple {tid} is not in the evidence table {self.evidence_path} (it may have gone "
                "in a re-extraction); go back to the queue"
            )
        return self._item(tid, triple, {tid: self.store.state(tid)})

    def article(self, triple: Triple) -> Article:
        """The article for the context view: from the corpus store, else rebuilt from the table."""
        found = self.articles.get(triple.pmid) if self.articles is not None else None
        if found is not None:
            return found
        rebuilt = EvidenceArticles(t for t in self.triples().values() if t.pmid == triple.pmid).get(
            triple.pmid
        )
        return rebuilt or Article(pmid=triple.pmid, title=triple.title, abstract=triple.evidence)

    def decide(self, request: DecisionRequest) -> Applied:
        item = self.get(request.triple_id)
        return self.store.decide(request, item.machine, item.evidence_hash)

    def bulk_accept(
        self, flt: QueueFilter, digest: str, curator: str, *, note: str | None = None
    ) -> BulkOutcome:
        """Accept every pending triple of a filtered set, if the set is still what the curator saw."""
        curator = validate_curator(curator)
        pending = [item for item in self.items(flt) if item.state.status == "pending"]
        if set_digest(pending) != digest:
            raise ConflictError(
                "the filtered set changed since you loaded the page (another curator decided, or "
                "the table was re-extracted); nothing was accepted. Reload and check it again"
            )
        requests = [
            (
                DecisionRequest(
                    item.triple_id,
                    "accept",
                    curator,
                    item.state.revision,
                    item.evidence_hash,
                    note=note,
                    source="bulk",
                ),
                item.machine,
                item.evidence_hash,
            )
            for item in pending
        ]
        results = self.store.decide_many(requests)
        conflicts = tuple(result for result in results if isinstance(result, StaleDecisionError))
        return BulkOutcome(accepted=len(results) - len(conflicts), conflicts=conflicts)

    def orphans(self, states: Mapping[str, DecisionState] | None = None) -> list[DecisionState]:
        """Decisions about triples that are no longer in the evidence table (kept, never deleted)."""
        present = self.triples()
        states = self.store.states() if states is None else states
        return [state for tid, state in sorted(states.items()) if tid not in present]

    def facets(self) -> dict[str, list[str]]:
        triples = self.triples().values()
        return {
            "gene": sorted({t.gene for t in triples}, key=str.upper),
            "drug": sorted({t.drug for t in triples}, key=str.lower),
        }
