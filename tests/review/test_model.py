"""Decision rules and validation (pure functions)."""

from __future__ import annotations

from typing import Any

import pytest

from neurolit.errors import ReviewError
from neurolit.review.model import (
    Action,
    DecisionRequest,
    DecisionState,
    Limits,
    evidence_hash,
    next_state,
    validate_field,
)
from tests.review.conftest import founding_triples


def test_evidence_hash_ignores_whitespace_but_not_words() -> None:
    triple = founding_triples()[0]
    from dataclasses import replace

    assert evidence_hash(triple) == evidence_hash(
        replace(triple, evidence="  " + triple.evidence.replace(" ", "\n "))
    )
    assert evidence_hash(triple) != evidence_hash(replace(triple, evidence=triple.evidence + " Indeed."))
    assert evidence_hash(triple) != evidence_hash(replace(triple, pmid="1"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("gene", "", "gene must not be empty"),
        ("gene", "AL K", "not a gene symbol"),
        ("drug", "=HYPERLINK(1)", "not a drug name"),
        ("variant", "x" * 101, "at most 100 characters"),
        ("significance", "Resistance", "is not one of sensitivity"),
        ("direction", "refutes", "is not one of supports, does_not_support"),
        ("disease", "NSCLC", "cannot be corrected"),
    ],
)
def test_field_validation_messages(field: str, value: str, message: str) -> None:
    with pytest.raises(ReviewError, match=message):
        validate_field(field, value)


def test_valid_corrections_pass() -> None:
    assert validate_field("gene", " EML4-ALK ") == "EML4-ALK"
    assert validate_field("drug", "dabrafenib + trametinib") == "dabrafenib + trametinib"
    assert validate_field("variant", "c.3522C>A") == "c.3522C>A"


def test_transitions() -> None:
    machine = founding_triples()[0]
    state = DecisionState(triple_id="T" + "0" * 15)
    limits = Limits(reason_chars=10, note_chars=20)

    def request(action: Action, **extra: Any) -> DecisionRequest:
        return DecisionRequest(state.triple_id, action, "alice", 0, "h", **extra)

    rejected = next_state(state, request("reject", reason="duplicate"), machine, limits)
    assert rejected.status == "rejected" and rejected.reason == "duplicate"
    with pytest.raises(ReviewError, match="at most 10 are allowed"):
        next_state(state, request("reject", reason="far too long a reason"), machine, limits)
    with pytest.raises(ReviewError, match="control characters"):
        next_state(state, request("note", note="bell\x07"), machine, limits)
    accepted = next_state(rejected, request("accept"), machine, limits)
    assert accepted.status == "accepted" and accepted.reason == ""
    corrected = next_state(
        state, request("correct", fields=(("drug", "lorlatinib"), ("gene", "ALK"))), machine, limits
    )
    assert corrected.corrections == (("drug", "lorlatinib"),)  # unchanged fields are not corrections
    back = next_state(corrected, request("correct", fields=(("drug", "crizotinib"),)), machine, limits)
    assert back.corrections == () and back.status == "accepted"
    with pytest.raises(ReviewError, match="unknown action"):
        next_state(state, request("approve"), machine, limits)  # type: ignore[arg-type]
