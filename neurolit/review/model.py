"""Review records and validation: decision states, decision requests, corrections and the evidence hash.

A decision never changes the machine's triple: it is kept apart (see `neurolit.review.store`) and overlays it.
The fields a curator may correct are `CORRECTABLE`; a corrected triple keeps the machine's `triple_id`, so the
decision follows the triple across re-extractions.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

from neurolit.errors import InputError, ReviewError
from neurolit.records import DIRECTIONS, SIGNIFICANCES, Triple

Status = Literal["pending", "accepted", "rejected"]
STATUSES: tuple[Status, ...] = ("pending", "accepted", "rejected")

Action = Literal["accept", "reject", "correct", "note"]
ACTIONS: tuple[Action, ...] = ("accept", "reject", "correct", "note")
VERDICT_ACTIONS: frozenset[str] = frozenset({"accept", "reject", "correct"})

# Status filters of the queue and the exports: the three stored statuses plus derived views.
STATUS_FILTERS: tuple[str, ...] = (
    "all",
    "pending",
    "accepted",
    "corrected",
    "rejected",
    "rereview",
    "decided",
)

SOURCES: tuple[str, ...] = ("web", "bulk", "sheet", "api")

CORRECTABLE: tuple[str, ...] = ("gene", "variant", "drug", "significance", "direction")

_CURATOR = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$")
_CORPUS = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_TRIPLE_ID = re.compile(r"^T[0-9a-f]{15}$")
_GENE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.@/:-]{0,39}$")
_DRUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 +,()/.'\-]{0,119}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def evidence_hash(triple: Triple) -> str:
    """A fingerprint of what the curator read: the PMID and the evidence sentence (whitespace-normalized)."""
    sentence = " ".join(triple.evidence.split())
    return hashlib.sha256(f"{triple.pmid}\x1f{sentence}".encode()).hexdigest()[:16]


def validate_curator(name: str) -> str:
    value = name.strip()
    if not _CURATOR.match(value):
        raise ReviewError(
            f"curator name {name!r} is not valid: use 1–64 letters, digits, spaces, '.', '_', '@' "
            "or '-', starting with a letter or digit"
        )
    return value


def validate_corpus(name: str) -> str:
    if not _CORPUS.match(name):
        raise InputError(
            f"invalid corpus name {name!r}: use letters, digits, '.', '_' or '-' (at most 100 "
            "characters, not starting with a punctuation mark)"
        )
    return name


def validate_triple_id(value: str) -> str:
    if not _TRIPLE_ID.match(value):
        raise ReviewError(
            f"{value!r} is not a triple id (expected 'T' and 15 hex digits, as in the evidence table)"
        )
    return value


def validate_text(value: str, *, field: str, limit: int, required: bool = False) -> str:
    """Free text (reasons, notes): no control characters, at most `limit` characters."""
    text = value.strip()
    if required and not text:
        raise ReviewError(f"{field} is required")
    if len(text) > limit:
        raise ReviewError(f"{field} is {len(text)} characters long; at most {limit} are allowed")
    if _CONTROL.search(text):
        raise ReviewError(f"{field} contains control characters; remove them")
    return text


def validate_field(field: str, value: str) -> str:
    """Validate one corrected value of a triple field; the message names the field and what is allowed."""
    text = value.strip()
    if field not in CORRECTABLE:
        raise ReviewError(f"{field!r} cannot be corrected; correctable fields: {', '.join(CORRECTABLE)}")
    if not text:
        raise ReviewError(f"{field} must not be empty")
    if field == "significance" and text not in SIGNIFICANCES:
        raise ReviewError(f"significance {text!r} is not one of {', '.join(SIGNIFICANCES)}")
    if field == "direction" and text not in DIRECTIONS:
        raise ReviewError(f"direction {text!r} is not one of {', '.join(DIRECTIONS)}")
    if field == "gene" and not _GENE.match(text):
        raise ReviewError(
            f"gene {text!r} is not a gene symbol: 1–40 letters, digits, '-', '.', '@', '/' or ':'"
        )
    if field == "drug" and not _DRUG.match(text):
        raise ReviewError(
            f"drug {text!r} is not a drug name: 1–120 letters, digits, spaces and + , ( ) / . ' -"
        )
    if field == "variant" and (len(text) > 100 or _CONTROL.search(text) or "\n" in text or "\t" in text):
        raise ReviewError(f"variant {text[:40]!r} must be one line of at most 100 characters")
    return text


@dataclass(frozen=True, slots=True)
class DecisionState:
    """The current decision about one triple (revision 0 = never decided)."""

    triple_id: str
    revision: int = 0
    status: Status = "pending"
    corrections: tuple[tuple[str, str], ...] = ()
    reason: str = ""
    note: str = ""
    curator: str = ""
    evidence_hash: str = ""
    updated_at: str = ""

    @property
    def corrected(self) -> bool:
        return bool(self.corrections)

    def as_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "corrections": dict(self.corrections),
            "reason": self.reason,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class DecisionRequest:
    """What a curator asks for: an action against the revision and evidence they saw."""

    triple_id: str
    action: Action
    curator: str
    base_revision: int
    evidence_hash: str
    fields: tuple[tuple[str, str], ...] = ()  # for "correct": the full set of values the curator wants
    reason: str = ""
    note: str | None = None  # None: leave the note unchanged
    source: str = "web"


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One row of the queue: the machine triple, its decision and the values after corrections."""

    triple_id: str
    machine: Triple
    state: DecisionState
    evidence_hash: str

    @property
    def effective(self) -> Triple:
        return apply_corrections(self.machine, self.state.corrections)

    @property
    def needs_rereview(self) -> bool:
        """Decided against an evidence sentence that has since changed."""
        return self.state.status != "pending" and self.state.evidence_hash != self.evidence_hash

    @property
    def status_label(self) -> str:
        if self.state.status == "accepted" and self.state.corrected:
            return "corrected"
        return self.state.status

    def matches_status(self, wanted: str) -> bool:
        if wanted == "all":
            return True
        if wanted == "rereview":
            return self.needs_rereview
        if wanted == "decided":
            return self.state.status != "pending"
        if wanted == "corrected":
            return self.state.status == "accepted" and self.state.corrected
        return self.state.status == wanted


def apply_corrections(triple: Triple, corrections: tuple[tuple[str, str], ...]) -> Triple:
    if not corrections:
        return triple
    return replace(triple, **dict(corrections))  # type: ignore[arg-type]


def diff_corrections(machine: Triple, wanted: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The validated corrections that turn the machine's values into `wanted` (unchanged fields dropped)."""
    unknown = sorted(set(wanted) - set(CORRECTABLE))
    if unknown:
        raise ReviewError(
            f"cannot correct {', '.join(unknown)}; correctable fields: {', '.join(CORRECTABLE)}"
        )
    result: list[tuple[str, str]] = []
    for field in CORRECTABLE:
        if field not in wanted:
            continue
        value = validate_field(field, wanted[field])
        if value != getattr(machine, field):
            result.append((field, value))
    return tuple(result)


def verdict_category(state: Mapping[str, object]) -> str:
    """accept / correct / reject, from a logged after-state (used by the agreement report)."""
    if state.get("status") == "rejected":
        return "reject"
    return "correct" if state.get("corrections") else "accept"


@dataclass(frozen=True, slots=True)
class Limits:
    """Lengths allowed for free text (from the [review] configuration section)."""

    reason_chars: int = 500
    note_chars: int = 2000


class NoChangeError(ReviewError):
    """The request would leave the decision exactly as it is."""


def next_state(
    current: DecisionState, request: DecisionRequest, machine: Triple, limits: Limits
) -> DecisionState:
    """The state a valid request leads to (revision, curator and time are set by the store).

    Raises ReviewError with a message for the curator when the request is invalid or changes nothing.
    """
    if request.action not in ACTIONS:
        raise ReviewError(f"unknown action {request.action!r}; use one of {', '.join(ACTIONS)}")
    note = current.note
    if request.note is not None:
        note = validate_text(request.note, field="note", limit=limits.note_chars)
    if request.action == "accept":
        new = replace(current, status="accepted", reason="", note=note)
    elif request.action == "reject":
        reason = validate_text(
            request.reason, field="a reason for rejecting", limit=limits.reason_chars, required=True
        )
        new = replace(current, status="rejected", reason=reason, note=note)
    elif request.action == "correct":
        if not request.fields:
            raise ReviewError(
                "a correction needs at least one field (gene, variant, drug, significance, direction)"
            )
        corrections = diff_corrections(machine, dict(request.fields))
        new = replace(current, status="accepted", reason="", corrections=corrections, note=note)
        if new.corrections == current.corrections and current.status == "accepted" and note == current.note:
            raise NoChangeError("the correction changes nothing: every field already has that value")
    else:
        if request.note is None:
            raise ReviewError("a note action needs the note text")
        new = replace(current, note=note)
        if note == current.note:
            raise NoChangeError("the note is unchanged")
    return new
