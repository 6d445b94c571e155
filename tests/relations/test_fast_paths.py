"""The shortcuts of relation extraction skip only work that cannot find anything: the cue-pattern gate (words
every match must contain), the one-search gene-status patterns, the span-overlap index and the document and
sentence early exits."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neurolit.relations import cues, linking
from neurolit.relations.extract import RelationExtractor, _may_have_arguments
from tests.conftest import shared_path
from tests.relations.builders import document, drug, gene, variant

# Pieces of the phrases the cue and status patterns look for, in mixed case, glued by separators.
_PIECES = [
    "Complete Response",
    "partial remission",
    "no objective response",
    "did NOT respond",
    "none of the patients responded",
    "No patients had a response",
    "acquired resistance",
    "Resistance mutations",
    "resistant",
    "de novo resistance",
    "at the time of progression",
    "emergence of T790M at relapse",
    "progressed on",
    "progression-free survival",
    "PFS",
    "ORRs",
    "OS",
    "longer overall survival",
    "poorer outcome",
    "Response Evaluation Criteria",
    "RECIST",
    "response rates",
    "non-responders",
    "lack of clinical benefit",
    "superior to",
    "superiority",
    "interaction",
    "sensitizing",
    "Sensitive",
    "less effective",
    "efficacious",
    "favourable results",
    "antitumour activity",
    "kinase activity of",
    "activity of",
    "active against",
    "inhibited",
    "standard of care",
    "approved",
    "predictive of benefit",
    "adverse events",
    "Toxicity",
    "gefitinib",
    "EGFR",
    "ALK",
    "mutations in the",
    "amplification of",
    "copy number gain",
    "copy-number",
    "high",
    "wild-type",
    "WT",
    "mutant",
    "-mutated",
    "rearranged",
    "fusion",
    "positive",
    "+",
    ")",
    "(",
    "-",
    ",",
    ";",
    ".",
    " ",
    " ",
    " ",
    "\n",
    "x",
    "12",
]
_TEXTS = st.lists(st.sampled_from(_PIECES), max_size=30).map("".join)


def _matching_patterns(text: str) -> list[int]:
    """Indices of the cue patterns with a match in `text`, by the plain case-insensitive patterns."""
    return [i for i, p in enumerate(cues._PATTERNS) if p.regex.search(text) is not None]


def _assert_gate_keeps_every_match(text: str) -> None:
    scanned = text.lower()
    kept = set(cues._gate_words().candidates(scanned))
    missing = [cues._PATTERNS[i].regex.pattern for i in _matching_patterns(text) if i not in kept]
    assert not missing, (text, missing)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_the_cue_gate_keeps_every_pattern_that_matches(text: str) -> None:
    _assert_gate_keeps_every_match(text)


def test_the_cue_gate_keeps_every_pattern_that_matches_real_abstracts() -> None:
    path = shared_path("gold-triples-dev", "abstracts_dev.jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) > 50
    for row in rows:
        # The gate is used on ASCII text only: other characters become "?" (as ASCII encoding replaces them).
        text = f"{row['title']} {row['abstract']}".encode("ascii", "replace").decode("ascii")
        _assert_gate_keeps_every_match(cues.mask_statistics(text))


def test_the_cue_gate_skips_patterns_whose_words_are_absent() -> None:
    candidates = cues._gate_words().candidates("erlotinib was given to 12 patients with egfr l858r.")
    names = {cues._PATTERNS[i].response for i in candidates}
    assert "complete_response" not in names and "acquired_resistance" not in names
    assert len(candidates) < len(cues._PATTERNS) // 2


def test_find_cues_reads_cues_behind_the_gate() -> None:
    found = cues.find_cues(
        "Two patients had a complete response; one showed acquired resistance to gefitinib."
    )
    assert [(c.text, c.response) for c in found] == [
        ("complete response", "complete_response"),
        ("acquired resistance", "acquired_resistance"),
    ]


def test_required_words_of_sequences_alternations_and_optional_parts() -> None:
    assert cues.required_words(r"\bresistan(?:ce|t)\s+(?:mutations?|genes?)\b") == (
        frozenset({"resistan"}),
        frozenset({"ce", "t"}),
        frozenset({"mutation", "gene"}),
    )
    # An optional part and a lookbehind require nothing; a repeat of at least one requires its words.
    assert cues.required_words(r"(?<!kinase\s)(?:very\s+)?activity(?:\s+of)+") == (
        frozenset({"activity"}),
        frozenset({"of"}),
    )
    # A branch requiring nothing makes the alternation require nothing.
    assert cues.required_words(r"\bresponse\b|\d+") == ()
    # Case-insensitive patterns give lower-case words.
    assert cues.required_words(r"\bRECIST\b", re.IGNORECASE) == (frozenset({"recist"}),)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_one_search_for_the_status_after_a_gene_finds_the_first_pattern(text: str) -> None:
    first = next((status for pattern, status in linking._STATUS_AFTER if pattern.search(text)), None)
    matched = linking._STATUS_AFTER_ONE.match(text)
    found = None if matched is None else linking._STATUS_AFTER[int(str(matched.lastgroup)[1:])][1]
    assert found == first


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_status_before_a_gene_ends_with_a_gate_word(text: str) -> None:
    if any(pattern.search(text) for pattern, _status in linking._STATUS_BEFORE):
        assert text.rstrip().lower().endswith(linking._STATUS_BEFORE_ENDINGS)


_SPANS = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 15)).map(lambda t: (t[0], t[0] + t[1])))


@settings(max_examples=200, deadline=None)
@given(_SPANS, st.integers(0, 80), st.integers(1, 10))
def test_span_index_overlap_is_the_scan(spans: list[tuple[int, int]], start: int, length: int) -> None:
    end = start + length
    expected = any(a < end and start < b for a, b in spans)
    assert linking._SpanIndex(spans).overlaps(start, end) is expected


def test_may_contain_is_a_case_insensitive_test_on_ascii_text() -> None:
    assert linking._may_contain("Increased Gene COPY Number", "copy")
    assert not linking._may_contain("EGFR mutation", "copy")
    assert linking._may_contain("EGFR – mutation", "copy")  # non-ASCII text: the search decides


def test_documents_without_one_argument_are_skipped_before_linking() -> None:
    text = "The EGFR L858R tumour responded to EGFR TKIs."
    class_only = document(
        "",
        text,
        [gene("EGFR"), variant("L858R", "p.L858R", "EGFR", "substitution"), drug("EGFR TKIs", is_class=True)],
    )
    assert not _may_have_arguments(class_only.mentions)
    assert RelationExtractor().candidates(class_only) == []
    named = document("", "The EGFR L858R tumour responded to erlotinib.", [gene("EGFR"), drug("erlotinib")])
    assert _may_have_arguments(named.mentions)
    assert not _may_have_arguments(document("", "Erlotinib worked.", [drug("Erlotinib")]).mentions)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("EGFR-mutant tumours responded to gefitinib.", {("EGFR", "mutation", "gefitinib")}),
        ("EGFR-mutant tumours were given gefitinib.", set()),  # no cue: nothing to state
    ],
)
def test_sentences_with_both_arguments_read_their_cues(text: str, expected: set[tuple[str, ...]]) -> None:
    doc = document("", text, [gene("EGFR"), drug("gefitinib")])
    assert {(t.gene, t.variant, t.drug) for t in RelationExtractor().candidates(doc)} == expected
