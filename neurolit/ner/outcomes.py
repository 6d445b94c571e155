"""Outcome cues: response and resistance language, with the finer response class, polarity, negation, hedging.

Pure functions over text (no spaCy). ``find_outcomes(text)`` returns non-overlapping cues in one regex pass.

Inventory (response class → polarity; examples):

- complete_response → sensitivity: "complete response", "complete remission", "complete metabolic response"
- partial_response → sensitivity: "partial response", "partial remission"
- stable_disease → neutral: "stable disease", "disease stabilization"
- progressive_disease → resistance: "progressive disease", "disease progression", "progressed on",
  "progression on/after/during"
- no_response → resistance: "no response", "did not respond", "failed to respond", "non-responders",
  "refractory", "lack of response/benefit/efficacy", "unresponsive", "insensitive", "no clinical benefit"
- primary_resistance → resistance: "primary/intrinsic/innate/de novo resistance"
- acquired_resistance → resistance: "acquired (lorlatinib) resistance", "secondary resistance", "resistance
  emerged", "emergence of resistance", "developed resistance", "mechanism(s) of resistance", "relapsed",
  "relapse", "at the time of relapse", "recurrence"
- resistance → resistance: "resistance", "resistant", "cross-resistance"; resistance_mutation → resistance:
  "resistance" in "the T790M resistance mutation" (the span is the word "resistance" alone)
- survival_benefit → sensitivity: "longer/prolonged/improved progression-free (overall) survival", "PFS/OS
  benefit", "longer PFS", "improvement in PFS"; shorter_survival → resistance: "shorter/worse/poorer ... survival";
  worse_outcome → resistance: "poorer outcomes"
- reduced_sensitivity → reduced_sensitivity: "reduced/decreased/lower/diminished sensitivity", "less
  sensitive", "higher/increased IC50", "reduced response"
- sensitivity → sensitivity: "sensitivity", "sensitive", "sensitized", "responded", "response rate",
  "objective response", "tumor shrinkage/regression", "inhibition of (cell) growth/proliferation/viability",
  "reduced viability", "lower/decreased IC50", "clinical benefit", "efficacy", "effective", "durable/exceptional
  response", "responsiveness", "benefited", "antitumor/clinical activity", "disease control", "ORR"
- adverse_response → adverse: "toxicity", "adverse events/reactions", "side effects", "hepatotoxicity"

A cue is ``negated`` when the same sentence puts a negation just before it ("no evidence of resistance",
"was not associated with resistance", "failed to induce a response", "did not show sensitivity") or just
after it ("resistance was not observed"); negations that are part of the cue itself ("no response",
"did not respond") do not count, and a denied response ("none had an objective response", "No patient with
HER2 mutation showed response", "failed to induce a response") is reported as no_response (resistance), not as a
negated sensitivity cue. A cue is ``hedged`` when the clause before it carries "may", "might",
"could", "potential", "possible", "suggest", "putative", "likely" or "hypothesized".
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

_UPPER_ESCAPE = re.compile(r"\\[A-Z]|\(\?P=|[A-Z]-[a-z]")


def folded(pattern: str) -> re.Pattern[str]:
    """`pattern`, written for re.IGNORECASE, as a case-sensitive pattern over ASCII text lower-cased by
    str.lower(). On ASCII text the two find the same matches at the same offsets (lower-casing ASCII keeps
    lengths and the \\w/\\d/\\s classes), and the case-sensitive one runs 2-3x faster: the engine compares
    characters without folding them. Callers use the original pattern for non-ASCII text."""
    if _UPPER_ESCAPE.search(pattern):  # \S, \W, \B, \D, (?P=name), [A-z]: lower-casing changes them
        raise ValueError(f"pattern cannot be folded to lower case: {pattern[:60]!r}")
    lowered = pattern.lower().replace("(?p<", "(?P<")
    # a leading global (?i) goes: the point is a case-sensitive pattern (inline (?i:...) groups stay)
    return re.compile(lowered.removeprefix("(?i)"))


def top_level_alternation(pattern: str) -> bool:
    """Whether `pattern` has a ``|`` outside every group and character class."""
    depth, i, in_class = 0, 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if pattern.startswith("]", i + 1) or pattern.startswith("^]", i + 1):
                i += 1 + (pattern[i + 1] == "^")
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            return True
        i += 1
    return False


def prefix_guard(pattern: str, flags: int = 0, length: int = 3) -> str:
    """A lookahead for the first `length` characters any match of `pattern` can start with, such as
    "(?=(?:c(?:o[mn])|p(?:a[r])))", or "" when that cannot be told (a match may start with a class such as
    \\s, or be empty).

    Put before an alternation it lets the regex engine reject most positions with a few character tests
    instead of trying every alternative there; it never changes what the pattern matches. Worked out from the
    parsed pattern (the standard library's re._parser); any construct it does not know gives no guard.
    """
    try:
        parsed = importlib.import_module("re._parser").parse(pattern, flags)
        prefixes = {prefix for prefix, _ in _prefixes(parsed, length)}
    except (ImportError, AttributeError, TypeError, ValueError, re.error):
        return ""
    if "" in prefixes:
        return ""
    return f"(?={_trie(prefixes)})"


_Prefix = tuple[str, bool]  # (characters, whether what follows in the sequence may extend them)


def _prefixes(items: Any, length: int) -> set[_Prefix]:
    """The possible starts (up to `length` characters) of a parsed sequence."""
    current: set[_Prefix] = {("", True)}
    for op, av in items:
        extended: set[_Prefix] = set()
        for prefix, open_ in current:
            if not open_ or len(prefix) >= length:
                extended.add((prefix, False))
                continue
            extended.update(
                (prefix + more, still) for more, still in _item_prefixes(op, av, length - len(prefix))
            )
        current = extended
    return current


def _item_prefixes(op: Any, av: Any, length: int) -> set[_Prefix]:
    c = importlib.import_module("re._constants")
    if op is c.LITERAL:
        return {(chr(av), True)}
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return {("", True)}  # zero width: ignoring it only widens the guard
    if op is c.SUBPATTERN and not av[1] and not av[2]:  # no inline flags
        return _prefixes(av[3], length)
    if op is c.BRANCH:
        return set().union(*(_prefixes(alternative, length) for alternative in av[1]))
    if op in (c.MAX_REPEAT, c.MIN_REPEAT):
        low, high, sub = av
        once = {(prefix, still and high == 1) for prefix, still in _prefixes(sub, length)}
        return once | {("", True)} if low == 0 else once
    if op is c.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is c.LITERAL:
                chars.add(chr(value))
            elif kind is c.RANGE and value[1] - value[0] < 64:
                chars.update(chr(code) for code in range(value[0], value[1] + 1))
            else:
                return {("", False)}
        return {(ch, True) for ch in chars}
    return {("", False)}


def _trie(strings: set[str]) -> str:
    """A regex for the (non-empty) strings, factored on their first characters."""
    if "" in strings:
        return ""
    tails: dict[str, set[str]] = {}
    for text in strings:
        tails.setdefault(text[0], set()).add(text[1:])
    if all(rest == {""} for rest in tails.values()):
        return "[" + "".join(re.escape(ch) for ch in sorted(tails)) + "]"
    return "(?:" + "|".join(re.escape(ch) + _trie(rest) for ch, rest in sorted(tails.items())) + ")"


@dataclass(frozen=True, slots=True)
class OutcomeMatch:
    start: int
    end: int
    text: str
    response: str
    polarity: str
    negated: bool = False
    hedged: bool = False


_W = r"(?:[\w-]+\s){0,2}"  # up to two intervening words ("acquired lorlatinib resistance")
_SURV = (
    r"(?:median\s)?(?:(?:progression[\s-]free|overall|disease[\s-]free|event[\s-]free|relapse[\s-]free)"
    r"\ssurvival|time\sto\s(?:tumou?r\s)?progression|TTP)"
)

# (pattern, response, polarity); earlier entries win ties of equal length.
_CUES: tuple[tuple[str, str, str], ...] = (
    (
        r"complete\s(?:clinical\s|radiologic(?:al)?\s|metabolic\s|patho(?:logic(?:al)?)?\s|cytogenetic\s|"
        r"molecular\s)?(?:response|remission)s?",
        "complete_response",
        "sensitivity",
    ),
    (
        r"partial\s(?:clinical\s|radiologic(?:al)?\s|metabolic\s)?(?:response|remission)s?",
        "partial_response",
        "sensitivity",
    ),
    (r"stable\sdisease|disease\sstabili[sz]ation", "stable_disease", "neutral"),
    (
        r"progressive\sdisease|disease\sprogression|progress(?:ed|ing)\s(?:on|after|while|during|under)|"
        r"progression\s(?:on|after|during|under|while)",
        "progressive_disease",
        "resistance",
    ),
    (
        r"(?:no|without)\s(?:clinical\s|objective\s|radiologic(?:al)?\s|tumou?r\s|significant\s)?"
        r"(?:response|benefit)s?|did\snot\s(?:respond|benefit)|failed\sto\s(?:respond|benefit)|"
        r"non-?respon(?:se|ders?|sive(?:ness)?)|unresponsive(?:ness)?|refractory|"
        r"lack\sof\s(?:clinical\s)?(?:response|benefit|efficacy|activity)|insensitiv(?:e|ity)",
        "no_response",
        "resistance",
    ),
    (
        r"(?:primary|intrinsic|innate|de\snovo)\s" + _W + r"resistan(?:ce|t)",
        "primary_resistance",
        "resistance",
    ),
    (
        r"(?:acquired|secondary)\s" + _W + r"resistan(?:ce|t)|resistance\s(?:emerged|emerging|developed)|"
        r"emergence\sof\s" + _W + r"resistance|develop(?:ed|s|ing)?\s" + _W + r"resistance|"
        r"mechanisms?\sof\s(?:acquired\s)?" + _W + r"resistance|resistance\smechanisms?|"
        r"(?:at\s)?the\stime\sof\s(?:relapse|progression|recurrence)|relapsed|relapses?|recurrences?",
        "acquired_resistance",
        "resistance",
    ),
    # "the T790M resistance mutation": the variant is described as conferring resistance (no outcome observed)
    (
        r"resistan(?:ce|t)(?=\s(?:mutations?|mutants?|variants?|alleles?)\b)",
        "resistance_mutation",
        "resistance",
    ),
    (r"(?:cross-)?resistan(?:ce|t)", "resistance", "resistance"),
    (
        r"(?:longer|prolonged|improved|better|increased|superior|extended)\s"
        + _SURV
        + r"|"
        + _SURV
        + r"\s(?:\([A-Z]{2,3}\)\s)?(?:was|were)\s(?:significantly\s)?(?:longer|prolonged|improved)|"
        r"(?:PFS|OS)\s(?:was|were)\s(?:significantly\s)?(?:longer|prolonged|improved)|"
        r"(?:longer|prolonged|improved|better|superior)\s(?:median\s)?(?:PFS|OS|DFS|EFS)|"
        r"(?:PFS|OS|survival)\sbenefit|"
        r"(?:improve[sd]?|improvement\sin|prolong(?:ed|s|ing)?|extend(?:ed|s)?)\s(?:the\s)?(?:median\s)?"
        r"(?:progression[\s-]free\ssurvival|overall\ssurvival|PFS|OS)",
        "survival_benefit",
        "sensitivity",
    ),
    (
        r"(?:shorter|worse|poorer|reduced|decreased|inferior)\s" + _SURV + r"|"
        r"(?:shorter|worse|poorer|inferior)\s(?:median\s)?(?:PFS|OS|DFS|EFS)",
        "shorter_survival",
        "resistance",
    ),
    (
        r"(?:poor|poorer|worse|inferior)\s(?:clinical\s)?outcomes?|detrimental\sto\s(?:the\s)?(?:\w+\s)?"
        r"(?:survival|OS|PFS|outcomes?)",
        "worse_outcome",
        "resistance",
    ),
    (
        r"(?:reduced|decreased|lower|diminished|impaired|attenuated|weaker)\s(?:drug\s)?"
        r"(?:sensitivity|response|responsiveness|efficacy)|less\s(?:sensitive|responsive)|"
        r"(?:higher|increased|elevated)\sIC50s?",
        "reduced_sensitivity",
        "reduced_sensitivity",
    ),
    (
        r"(?:hyper)?sensitiv(?:ity|e)|sensiti[sz](?:ed|es|ing|ation)|respond(?:ed|s|ing)?|responsive(?:ness)?|"
        r"(?:anti-?tumou?r|clinical|preclinical|potent|significant|promising|marked)\sactivity|"
        r"disease\scontrol|effective(?:ness)?|ORR|active\sagents?|(?:is|are|was|were)\s(?:highly\s)?active|"
        r"(?:is|are|be)\s(?:strongly\s)?recommended|"
        r"(?:overall\s|objective\s)?response\srates?|objective\sresponses?|(?:durable|exceptional|dramatic|"
        r"marked|rapid|sustained|clinical|radiologic(?:al)?|tumou?r)\sresponses?|responses?|"
        r"tumou?r\s(?:shrinkage|regression)|inhibit(?:ed|ion\sof|s)\s(?:the\s)?(?:cell\s|tumou?r\s)?"
        r"(?:growth|proliferation|viability)|(?:reduced|decreased)\s(?:cell\s)?viability|"
        r"(?:lower|decreased|reduced)\sIC50s?|clinical\sbenefit|benefit(?:ed|ted)?|efficacy|efficacious",
        "sensitivity",
        "sensitivity",
    ),
    (
        r"(?:hepato|cardio|neuro|nephro|skin\s|dose-limiting\s|severe\s)?toxicit(?:y|ies)|"
        r"adverse\s(?:drug\s)?(?:events?|reactions?|effects?)|side\seffects?",
        "adverse_response",
        "adverse",
    ),
)

# The cues as one alternation: at each position the earlier (more specific) class wins, and scanning left to
# right lets a longer cue that starts earlier ("no response", "reduced sensitivity") take its words first.
# `_cue_spans` finds exactly its matches and groups, faster (checked in tests/ner/test_fast_scanning.py).
_CUE_PATTERN = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(f"(?P<c{i}>{pattern})" for i, (pattern, _, _) in enumerate(_CUES))
    + r")(?![\w-])",
    re.IGNORECASE,
)
# The scanning form of _CUE_PATTERN: the same alternatives in the same order, without the named groups, behind a
# guard on their first letters (`_GUARD_LENGTH`) (`prefix_guard`): most word starts are rejected by a few character tests
# (2.5x faster). The class of a match is the first class that matches at its start, with the same end: what the
# named groups of _CUE_PATTERN decide.
_CUE_ALTERNATIVES = "|".join(pattern for pattern, _, _ in _CUES)


# Letters the scan's guard tests before trying the alternatives: 5 rather than 3 rejects more word starts early
# (scan 0.057 → 0.050 ms per abstract; longer guards gain nothing more).
_GUARD_LENGTH = 5


def _cue_patterns(flags: int, fold: bool) -> tuple[re.Pattern[str], tuple[re.Pattern[str], ...]]:
    """The scanning pattern and the per-class patterns, case-insensitive or folded (see `folded`)."""
    alternatives = folded(_CUE_ALTERNATIVES).pattern if fold else _CUE_ALTERNATIVES
    guard = prefix_guard(alternatives, flags, _GUARD_LENGTH)
    scan = re.compile(rf"(?<![\w-]){guard}(?:{alternatives})(?![\w-])", flags)
    classes = [rf"(?:{pattern})(?![\w-])" for pattern, _, _ in _CUES]
    return scan, tuple(folded(c) if fold else re.compile(c, flags) for c in classes)


_GATE = re.compile(
    r"respon|remission|stable|progress|benefit|refractory|sensitiv|resist|relaps|recurren|surviv|PFS|IC50|"
    r"shrink|regress|inhibit|viabil|efficac|toxic|adverse|side\seffect|activ|effective|outcome|control|ORR|"
    r"TTP|detriment|recommend",
    re.IGNORECASE,
)
_NEGATION_BEFORE = re.compile(
    r"(?:\b(?:no|not|never|without|neither|nor|none|cannot)\b|\bn't\b|\black\sof\b|\babsence\sof\b|"
    r"\bfailed\sto\b|\bunable\sto\b|\brule[sd]?\sout\b)(?:\s+[\w()-]+){0,6}\s*$",
    re.IGNORECASE,
)
# "No patient (zero of 18) whose tumor harbored a KRAS mutation responded": a quantifier denying the subject
_NO_SUBJECT_BEFORE = re.compile(
    r"\b(?:no|none\sof(?:\sthe)?|not\sa\ssingle)\s(?:\w+\s){0,2}(?:patients?|tumou?rs?|cases?|subjects?|"
    r"one|cell\slines?|models?)\b[^.;:]*$",
    re.IGNORECASE,
)
_NEGATION_AFTER = re.compile(
    r"(?:\s+[\w-]+){0,4}?\s*(?:was|were|is|are|has\sbeen|have\sbeen)\s+(?:not|never)\s+(?:observed|seen|detected|found|"
    r"associated|noted|evident|present)",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"\b(?:may|might|could|potential(?:ly)?|possibl[ey]|suggest(?:s|ed|ing|ive)?|putative|likely|"
    r"presumabl[ey]|hypothesi[sz]ed?|perhaps|appear(?:s|ed)?\sto)\b",
    re.IGNORECASE,
)
_RESPONSE_WORD = re.compile(r"(?:\w+\s)?respon", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[.;!?:]\s|\bbut\b|\bwhereas\b|\bwhile\b|\bhowever\b", re.IGNORECASE)
_WINDOW = 160


def find_outcomes(text: str) -> list[OutcomeMatch]:
    """Outcome cues in `text`, left to right, with exact offsets, negation and hedging."""
    out: list[OutcomeMatch] = []
    cues = _cue_spans(text)
    if not cues:
        return out
    scanned, context = text, _CONTEXT_PATTERNS
    if text.isascii():  # the same matches, faster: see `folded`
        scanned, context = text.lower(), _folded_context()
    negation_before, negation_after, no_subject, response_word, hedge, clause_break = context
    for start, end, index in cues:
        _, response, polarity = _CUES[index]
        before = _clause_before(scanned, start, clause_break)
        negated = (
            bool(negation_before.search(before))
            or bool(negation_after.match(scanned, end, end + 60))
            or (response == "sensitivity" and bool(no_subject.search(before)))
        )
        if response == "no_response" and negated:
            negated = False  # "no response" carries its own negation; "not refractory" is rare and ambiguous
        elif negated and response == "sensitivity" and response_word.match(scanned, start, end):
            # "none had an objective response", "No patient ... responded": a response denied is no response
            response, polarity, negated = "no_response", "resistance", False
        hedged = bool(hedge.search(before))
        out.append(OutcomeMatch(start, end, text[start:end], response, polarity, negated, hedged))
    return out


def _cue_spans(text: str) -> list[tuple[int, int, int]]:
    """(start, end, index into _CUES) of the cues of `text`: the matches of _CUE_PATTERN and their groups."""
    if not text:
        return []
    gate, (scan, classes) = _GATE, _plain_patterns()
    if text.isascii():  # the same matches, faster: see `folded`
        gate, scan, classes = _folded_patterns()
        text = text.lower()
    if not gate.search(text):
        return []
    spans: list[tuple[int, int, int]] = []
    for m in scan.finditer(text):
        start = m.start()
        for index, pattern in enumerate(classes):
            found = pattern.match(text, start)
            if found is not None:
                spans.append((start, found.end(), index))
                break
    return spans


@cache
def _plain_patterns() -> tuple[re.Pattern[str], tuple[re.Pattern[str], ...]]:
    return _cue_patterns(re.IGNORECASE, fold=False)


@cache
def _folded_patterns() -> tuple[re.Pattern[str], re.Pattern[str], tuple[re.Pattern[str], ...]]:
    return folded(_GATE.pattern), *_cue_patterns(0, fold=True)


# The patterns around a cue (negation, hedging, clause breaks), in the order `find_outcomes` unpacks them.
_CONTEXT_PATTERNS: tuple[re.Pattern[str], ...] = (
    _NEGATION_BEFORE,
    _NEGATION_AFTER,
    _NO_SUBJECT_BEFORE,
    _RESPONSE_WORD,
    _HEDGE,
    _CLAUSE_BREAK,
)


# _CLAUSE_BREAK folded, written to start with one character class so that the regex engine skips ahead to the
# next candidate itself (3x faster): the word boundary before "but" etc. becomes a lookbehind after its first
# letter. Same matches and ends on lower-cased text (tests/ner/test_fast_scanning.py).
_CLAUSE_BREAK_SCAN = re.compile(
    r"[.;!?:bwh](?:(?<=[.;!?:])\s|(?<!\w.)(?:(?<=b)ut|(?<=w)hereas|(?<=w)hile|(?<=h)owever)\b)"
)


@cache
def _folded_context() -> tuple[re.Pattern[str], ...]:
    # the last context pattern is the clause break, which has its own scanning form
    return (*(folded(pattern.pattern) for pattern in _CONTEXT_PATTERNS[:-1]), _CLAUSE_BREAK_SCAN)


def _clause_before(text: str, start: int, clause_break: re.Pattern[str] = _CLAUSE_BREAK) -> str:
    window = _PARENTHESES.sub(" ", text[max(0, start - _WINDOW) : start])  # "(zero of 18; 95% CI, ...)"
    breaks = list(clause_break.finditer(window))
    return window[breaks[-1].end() :] if breaks else window


_PARENTHESES = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
