"""The fast scans of the variant grammar, the outcome cues, the relation cues, the lexicon tokens and the
abbreviation short forms find exactly what the plain regular expressions find: case-folded patterns over
lower-cased ASCII text, rules searched without their leading lookbehind (tested in Python at each hit), one
alternation without named groups, a split instead of a token scan, str.find instead of a per-document pattern."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neurolit.ner import lexicon, outcomes, pipeline, sentences, variants
from neurolit.ner.outcomes import find_outcomes, folded, prefix_guard, top_level_alternation
from neurolit.ner.text import match_tokens
from neurolit.ner.variant_grammar import RULES
from neurolit.relations import cues

# Pieces of the shapes the patterns look for, in mixed case, glued by separators the patterns care about.
_PIECES = [
    "EGFR",
    "egfr",
    "Exon 19 Deletion",
    "exon19del",
    "del19",
    "c.2573T>G",
    "C.35delG",
    "g.203A>C",
    "IVS8+4A>G",
    "G-308A",
    "p.V600E",
    "V600E",
    "BRAFV600E",
    "G12C/D/V",
    "G12/G13",
    "codon 12",
    "Codon 13,",
    "R213*",
    "L858R",
    "E746_A750del",
    "157delMTTTVP",
    "T790M",
    "amplification",
    "Copy Number Gain",
    "homozygous deletion",
    "loss",
    "Overexpression",
    "WILD-TYPE",
    "wt",
    "Mutation-Positive",
    "mutated",
    "Alterations",
    "EML4-ALK",
    "ALK-positive",
    "KRAS positive",
    "Rearrangement",
    "fusion genes",
    "translocation",
    "Complete Response",
    "no response",
    "did NOT respond",
    "Resistance",
    "acquired resistance",
    "progression-free survival",
    "PFS was longer",
    "OS benefit",
    "side effects",
    "Toxicity",
    "IC50",
    "Sensitive",
    "response rate",
    "non-responders",
    "lack of efficacy",
    "Superior to",
    "activity of",
    "kinase activity of",
    "RECIST",
    "Stable Disease",
    "relapsed",
    "none of the patients responded",
    "-",
    "_",
    "/",
    "(",
    ")",
    ",",
    ".",
    ";",
    " ",
    " ",
    " ",
    "\n",
    "x",
    "1",
    "99",
    "Δ32",
    "arginine 150 proline",
]
_TEXTS = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)
# With pieces outside ASCII, which take the plain (not folded) patterns.
_ANY_TEXTS = st.lists(
    st.sampled_from([*_PIECES, "İİ", "TNF-α", "–", "\u00a0", "·", "ⅷ", "non-small-cell lung cancers"]),
    max_size=40,
).map("".join)


def test_folded_refuses_patterns_that_change_meaning() -> None:
    for pattern in (r"\S+", r"\bA\B", r"(?P<a>x)(?P=a)", "[A-z]"):
        with pytest.raises(ValueError):
            folded(pattern)
    assert folded(r"(?i)(?P<Ab>Exon)\s\d").pattern == r"(?P<ab>exon)\s\d"


def test_top_level_alternation() -> None:
    assert top_level_alternation(r"\ba|\bb")
    assert not top_level_alternation(r"\b(?:a|b)c")
    assert not top_level_alternation(r"[|]x\|y")
    assert not top_level_alternation(r"[]|]x")


@settings(max_examples=150, deadline=None)
@given(_TEXTS)
def test_folded_patterns_match_the_ignorecase_ones(text: str) -> None:
    patterns = [outcomes._CUE_PATTERN, outcomes._GATE] + [r.pattern for r in RULES if r.pattern.flags & re.I]
    patterns += [p.regex for p in cues._PATTERNS]
    for pattern in patterns:
        expected = [(m.span(), m.lastgroup) for m in pattern.finditer(text)]
        assert [(m.span(), m.lastgroup) for m in folded(pattern.pattern).finditer(text.lower())] == expected


@settings(max_examples=150, deadline=None)
@given(_TEXTS, st.integers(0, 30), st.integers(0, 400))
def test_variant_rule_scans_match_finditer(text: str, lo: int, length: int) -> None:
    lo = min(lo, len(text))
    hi = min(len(text), lo + length)
    for rule, scanner in zip(RULES, variants._scanners(), strict=True):
        expected = [(m.span(), m.groupdict()) for m in rule.pattern.finditer(text, lo, hi)]
        found = variants._scan(rule, scanner, text, text.lower(), text.isascii(), lo, hi)
        assert [(m.span(), m.groupdict()) for m in found] == expected, rule.name


@settings(max_examples=150, deadline=None)
@given(_TEXTS)
def test_cue_scans_match_finditer(text: str) -> None:
    for pattern, fast in zip(cues._PATTERNS, cues._folded_patterns(), strict=True):
        expected = [m.span() for m in pattern.regex.finditer(text)]
        assert [m.span() for m in fast.finditer(text.lower())] == expected, pattern.regex.pattern


def test_non_ascii_text_takes_the_plain_patterns() -> None:
    # "İ" lower-cases to two characters: offsets must still be those of the text itself.
    text = "İİ EGFR T790M confers Resistance; Complete Response to osimertinib"
    found = [(o.text, o.response) for o in find_outcomes(text)]
    assert ("Resistance", "resistance") in found and ("Complete Response", "complete_response") in found
    assert [v.text for v in variants.find_variants(text)] == ["T790M"]


@settings(max_examples=150, deadline=None)
@given(_ANY_TEXTS)
def test_outcome_cue_scan_matches_the_grouped_pattern(text: str) -> None:
    for subject in (text, text + "é"):  # the folded scan of ASCII text and the plain one of any other
        expected = [
            (m.start(), m.end(), int((m.lastgroup or "c0")[1:]))
            for m in outcomes._CUE_PATTERN.finditer(subject)
        ]
        if not outcomes._GATE.search(subject):
            expected = []
        assert outcomes._cue_spans(subject) == expected


@settings(max_examples=150, deadline=None)
@given(_ANY_TEXTS)
def test_lexicon_scan_finds_the_match_tokens(text: str) -> None:
    for subject in (text, text + "é"):
        tokens, ends = lexicon._scan(subject)
        assert [(end - len(token), end) for token, end in zip(tokens, ends, strict=True)] == [
            (start, end) for start, end, _ in match_tokens(subject)
        ]
        assert all(subject[end - len(token) : end] == token for token, end in zip(tokens, ends, strict=True))


@settings(max_examples=150, deadline=None)
@given(
    _TEXTS, st.lists(st.sampled_from(["EGFR", "ALK", "PFS", "OS", "R", "1", "exon19del", "N/A"]), max_size=4)
)
def test_short_form_occurrences_match_one_alternation(text: str, shorts: list[str]) -> None:
    defined = list(dict.fromkeys(shorts))
    if not defined:
        return
    pattern = re.compile(
        r"(?<![\w-])("
        + "|".join(re.escape(k) for k in sorted(defined, key=len, reverse=True))
        + r")(?![\w-])"
    )
    expected = [(m.start(), m.end(), m.group(1)) for m in pattern.finditer(text)]
    assert pipeline._occurrences(text, defined) == expected


def test_prefix_guard_names_the_first_characters() -> None:
    assert prefix_guard("abc|abd") == "(?=(?:a(?:b[cd])))"
    assert prefix_guard(r"no\s(?:response|benefit)|non-?respon") == "(?=(?:n(?:o)))"  # "no" is all they share
    # a class, an empty match or inline flags at the start: no guard
    for pattern in (r"\w+", "a*", "(?i:ab)", r"[^a]b", ""):
        assert prefix_guard(pattern) == ""


@settings(max_examples=150, deadline=None)
@given(_TEXTS)
def test_prefix_guard_never_changes_the_matches(text: str) -> None:
    for pattern in (
        r"(?:x|ab)?(?:resist|respon)\w*|no\s(?:response|benefit)|(?:P?FS|OS)\b",
        r"[a-c]{2}d|(?:de|re){1,2}sist|e(?=g)",
    ):
        guarded = re.compile(prefix_guard(pattern, re.IGNORECASE) + f"(?:{pattern})", re.IGNORECASE)
        plain = re.compile(pattern, re.IGNORECASE)
        assert [m.span() for m in guarded.finditer(text)] == [m.span() for m in plain.finditer(text)]


@settings(max_examples=150, deadline=None)
@given(_ANY_TEXTS)
def test_parentheses_match_the_pattern_with_optional_space(text: str) -> None:
    for subject in (text, text.replace("(", " ( ").replace(")", "(x) (EGFR)")):
        expected = [
            (m.start(), m.start(1), m.end(1)) for m in re.finditer(r"\s?\(([^()\s][^()]{0,14})\)", subject)
        ]
        assert pipeline._parentheses(subject) == expected


@settings(max_examples=150, deadline=None)
@given(_ANY_TEXTS)
def test_sentence_boundary_scan_matches_the_plain_pattern(text: str) -> None:
    plain = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9\u0391-\u03a9])|\n+")
    for subject in (text, text.replace(" ", ". ").replace(",", "!\n\n").replace(")", ".) ")):
        assert [m.span() for m in sentences._BOUNDARY.finditer(subject)] == [
            m.span() for m in plain.finditer(subject)
        ]


@settings(max_examples=150, deadline=None)
@given(
    _ANY_TEXTS, st.sampled_from(["", "see www.Example.ORG/x ", "HTTPS://a.b", "bmj.Com.", "x.iOS", "a.info"])
)
def test_url_gate_matches_the_ignorecase_pattern(text: str, address: str) -> None:
    for subject in (text, address + text, text.replace("(", "." + address)):
        assert pipeline._url_gate(subject) == (pipeline._URL_GATE.search(subject) is not None)


@settings(max_examples=200, deadline=None)
@given(_TEXTS, st.sampled_from(["", "But ", "; however, ", "whereas", "awhile ", "but.", ": ", "-but "]))
def test_clause_break_scan_matches_the_folded_pattern(text: str, piece: str) -> None:
    plain = folded(outcomes._CLAUSE_BREAK.pattern)
    for subject in (text.lower(), (piece + text + piece).lower(), text.replace(" ", piece).lower()):
        assert [m.span() for m in outcomes._CLAUSE_BREAK_SCAN.finditer(subject)] == [
            m.span() for m in plain.finditer(subject)
        ]
