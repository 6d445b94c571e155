"""Response cues in a sentence: what happened to carriers treated with a drug, in which direction.

A cue is a phrase such as "complete response", "acquired resistance", "no response", "longer progression-free
survival" or "gefitinib-sensitive". Each cue carries the significance class it implies (sensitivity,
resistance,
reduced_sensitivity, adverse_response), the finer clinical response class, and a strength (strong cues
state an
outcome; weak ones such as "efficacy" or "recommended" only imply one).

Sentence-level modifiers are found separately: refutation ("was not associated with", "no differential
benefit")
turns a statement into one that does not support the association; hedging ("may", "potential") lowers
confidence;
aims and methods ("To evaluate the efficacy of ...") state no outcome at all.

Outcome mentions from the NER stage (label "Outcome") are merged in by `neurolit.relations.extract`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from neurolit.ner.outcomes import folded, top_level_alternation
from neurolit.records import Significance


@dataclass(frozen=True, slots=True)
class Cue:
    """A response phrase at [start, end) of the document text."""

    start: int
    end: int
    text: str
    significance: Significance
    response: str
    strength: float  # 1.0 states an outcome; lower values only imply one
    negated: bool = False


@dataclass(frozen=True, slots=True)
class _Pattern:
    regex: re.Pattern[str]
    significance: Significance
    response: str
    strength: float


DESCRIPTOR = "descriptor"
NEUTRAL_MEASURES = frozenset({"response"})
_PREDICTS = re.compile(r"\bpredict\w*\s+(?:of\s+)?(?:the\s+)?(?:[\w-]+\s+){0,2}$", re.IGNORECASE)


def _p(pattern: str, significance: Significance, response: str, strength: float = 1.0) -> _Pattern:
    return _Pattern(re.compile(pattern, re.IGNORECASE), significance, response, strength)


# Order matters only for overlaps: earlier, longer patterns win over later, shorter ones.
_PATTERNS: tuple[_Pattern, ...] = (
    # Descriptors, not outcomes: they block the words they contain from being read as cues.
    _p(
        r"\bresistan(?:ce|t)[\s-]+(?:mutations?|mechanisms?|alleles?|variants?|genes?)\b",
        "resistance",
        DESCRIPTOR,
        0.0,
    ),
    # "Response Evaluation Criteria in Solid Tumors" (RECIST) names a yardstick, not an outcome.
    _p(r"\bresponse\s+evaluation\s+criteria\b|\bRECIST\b", "sensitivity", DESCRIPTOR, 0.0),
    _p(
        r"\b(?:against|overcom\w*|circumvent\w*|revers\w*|target\w*)\s+(?:[\w-]+\s+){0,2}?resistan\w*",
        "sensitivity",
        "overcomes_resistance",
        0.8,
    ),
    # Negated responses are resistance that supports ("no response to crizotinib").
    _p(
        r"\b(?:showed|had|with|achieved|observed|was|were)?\s*no\s+(?:objective\s+|clinical\s+|radiographic\s+|"
        r"partial\s+|complete\s+|tumou?r\s+)?(?:response|responses|responders|benefit|activity)\b",
        "resistance",
        "no_response",
    ),
    _p(
        r"\b(?:did\s+not|didn't|failed\s+to|unable\s+to|does\s+not|do\s+not)\s+(?:respond|benefit)\w*",
        "resistance",
        "no_response",
    ),
    _p(
        r"\bnone\b[^.;]{0,60}?\b(?:responded|response|responses|benefit(?:ed)?)\b",
        "resistance",
        "no_response",
    ),
    _p(
        r"\bno\s+(?:patients?|tumou?rs?|cases?)\b(?:[^.;]|\.\d){0,120}?\b(?:responded|respond|response|responses)\b",
        "resistance",
        "no_response",
    ),
    _p(r"\bnon-?respon(?:se|der|ders|sive|siveness)\b", "resistance", "no_response"),
    _p(
        r"\black\s+of\s+(?:efficacy|benefit|response|activity|clinical\s+benefit)\b",
        "resistance",
        "no_response",
    ),
    _p(r"\b(?:ineffective|insensitive|insensitivity|unresponsive)\b", "resistance", "no_response"),
    _p(r"\bdetrimental\b", "resistance", "progressive_disease"),
    # Reduced sensitivity, stated explicitly.
    _p(
        r"\b(?:reduced|decreased|lower|diminished|weaker)\s+(?:sensitivity|response|efficacy|responsiveness)\b",
        "reduced_sensitivity",
        "reduced_sensitivity",
    ),
    _p(r"\bless\s+(?:sensitive|responsive|effective)\b", "reduced_sensitivity", "reduced_sensitivity"),
    # Resistance.
    _p(r"\bacquired\s+(?:\w+\s+){0,2}?(?:resistance|resistant)\b", "resistance", "acquired_resistance"),
    _p(r"\bsecondary\s+resistance\b", "resistance", "acquired_resistance"),
    _p(
        r"\b(?:emerg\w+|acquisition|acquired)\b[^.;]{0,40}?\bat\s+(?:the\s+time\s+of\s+)?(?:relapse|progression)\b",
        "resistance",
        "acquired_resistance",
        0.8,
    ),
    _p(
        r"\b(?:at|after|upon|on)\s+(?:the\s+time\s+of\s+)?(?:relapse|disease\s+progression|progression)\b",
        "resistance",
        "acquired_resistance",
        0.6,
    ),
    _p(r"\bprimary\s+resistance\b", "resistance", "primary_resistance"),
    _p(r"\b(?:intrinsic|de\s+novo|innate)\s+resistance\b", "resistance", "primary_resistance"),
    _p(r"\bresistan(?:ce|t|ces)\b", "resistance", "resistance"),
    _p(r"\brefractory\b", "resistance", "resistance", 0.6),
    _p(r"\bprogressi(?:ve\s+disease|on\s+on)\b", "resistance", "progressive_disease"),
    _p(r"\bprogressed\s+(?:on|during|while|under)\b", "resistance", "progressive_disease"),
    _p(
        r"\b(?:showed|had|with|developed|experienced)\s+(?:disease\s+)?progression\s+(?:after|following|during|"
        r"under|while\s+on)\b",
        "resistance",
        "progressive_disease",
        0.8,
    ),
    _p(
        r"\bshorter\s+(?:\w+\s+){0,3}?(?:survival|pfs|os|ttp|time[\s-]to[\s-]progression|duration)\b",
        "resistance",
        "poor_outcome",
        0.9,
    ),
    _p(
        r"\b(?:poor|poorer|worse|inferior)\s+(?:\w+\s+){0,2}?(?:response|responses|outcomes?|survival|pfs|os|"
        r"efficacy)\b",
        "resistance",
        "poor_outcome",
        0.9,
    ),
    # Sensitivity: clinical response classes first.
    _p(r"\bcomplete\s+(?:response|remission|metabolic\s+response)s?\b", "sensitivity", "complete_response"),
    _p(r"\bpartial\s+(?:response|remission)s?\b", "sensitivity", "partial_response"),
    _p(r"\bstable\s+disease\b", "sensitivity", "stable_disease", 0.8),
    _p(
        r"\b(?:exceptional|dramatic|durable|remarkable|excellent|rapid|marked|good|objective|clinical|"
        r"radiographic|intracranial|sustained|significant|major)\s+(?:\w+\s+){0,1}?(?:response|responses|"
        r"benefit|activity|efficacy)\b",
        "sensitivity",
        "response",
    ),
    _p(
        r"\b(?:higher|better|improved|increased|greater|superior|high)\s+(?:\w+\s+){0,2}?(?:response|responses|"
        r"outcomes?|survival|efficacy|benefit|control|pfs|os|orrs?|rrs?|dcrs?|rates?)\b",
        "sensitivity",
        "improved_outcome",
    ),
    _p(
        r"\b(?:longer|prolonged|extended|improved)\s+(?:\w+\s+){0,3}?(?:survival|pfs|os|ttp|time\s+to\s+"
        r"progression|duration)\b",
        "sensitivity",
        "improved_outcome",
    ),
    _p(r"\b(?:objective\s+)?response\s+rates?\b", "sensitivity", "response", 0.7),
    _p(
        r"\bassociated\s+with\s+(?:\w+\s+){0,2}?(?:rr|orr|pfs|response|responses|benefit|outcomes?|survival)\b",
        "sensitivity",
        "response",
        0.8,
    ),
    _p(
        r"\b(?:median\s+)?(?:progression[\s-]free|overall)\s+survival\b|\b(?:RR|ORR|DCR|PFS)s?\b",
        "sensitivity",
        "response",
        0.4,
    ),
    _p(
        r"\b(?:disease\s+control|tumou?r\s+(?:regression|shrinkage|control)|regression|shrinkage)\b",
        "sensitivity",
        "response",
        0.8,
    ),
    # Superiority and effect modification: the drug works better in carriers ("superiority of X in patients
    # with ...", "a significant interaction between EGFR mutation and treatment"); refuted, they state that it
    # does not ("was not proven", "no heterogeneity across ... EGFR mutation").
    _p(r"\bsuperiority\b|\bsuperior\s+(?:to|over)\b", "sensitivity", "improved_outcome", 0.8),
    _p(
        r"\b(?:heterogeneity|interaction|differential\s+(?:benefit|effect|efficacy)|predictive\s+value)\b",
        "sensitivity",
        "predictive",
        0.6,
    ),
    _p(r"\brespon(?:ded|ding|se|ses|ders?|sive|siveness)\b", "sensitivity", "response", 0.9),
    _p(r"\bsensitiv(?:e|ity)\b", "sensitivity", "sensitivity", 0.9),
    _p(r"\bsensitizing\b", "sensitivity", "sensitivity", 0.5),
    _p(r"\bbenefit(?:s|ed|ted)?\b", "sensitivity", "benefit", 0.9),
    _p(r"\b(?:effective|efficacious|efficacy)\b", "sensitivity", "efficacy", 0.7),
    _p(
        r"\b(?:impressive|promising|encouraging|favou?rable|excellent|remarkable)\s+(?:\w+\s+)?(?:results|outcomes?|"
        r"efficacy|activity|responses?|survival)\b",
        "sensitivity",
        "response",
        0.8,
    ),
    _p(
        r"\b(?:antitumou?r|anti-tumou?r|clinical|potent|preclinical|meaningful)\s+activity\b",
        "sensitivity",
        "activity",
        0.8,
    ),
    _p(r"\bactive\s+(?:agent|drug|treatment|therapy|against)\b", "sensitivity", "activity", 0.8),
    # "confirm the activity of targeted therapy in ...": a drug's activity, not an enzyme's ("kinase activity of").
    _p(r"(?<!kinase\s)\bactivity\s+of\b", "sensitivity", "activity", 0.7),
    _p(r"\b(?:inhibit(?:ed|s|ion)|suppress(?:ed|es|ion)|blocked)\b", "sensitivity", "inhibition", 0.5),
    _p(
        r"\b(?:recommended|standard\s+(?:[\w-]+\s+){0,2}?(?:of\s+care|treatment|therapy|therapies|option)|approv(?:al|ed)|indicated\s+(?:for|in)|"
        r"should\s+be\s+(?:considered|treated|offered))\b",
        "sensitivity",
        "recommended",
        0.6,
    ),
    _p(
        r"\bpredict(?:or|ive|s|ed)?\s+(?:of\s+)?(?:\w+\s+){0,2}?(?:efficacy|sensitivity|benefit|response)\b",
        "sensitivity",
        "predictive",
        0.9,
    ),
    # Adverse responses attributed to the drug in carriers.
    _p(
        r"\b(?:toxicity|toxicities|hepatotoxicity|adverse\s+(?:events?|reactions?|effects?))\b",
        "adverse_response",
        "adverse_event",
        0.3,
    ),
)

# Phrases that refute an association: the statement becomes does_not_support.
_REFUTATION = re.compile(
    r"\b(?:not|never)\s+(?:\w+\s+){0,2}?(?:associated|correlated|predictive|prognostic|proven|related|linked|"
    r"significant(?:ly)?\s+(?:different|associated|correlated|improved|longer|better)|confirmed|superior|"
    r"predict\w*|correlate\w*|differ\w*)\b"
    r"|\bno\s+(?:\w+\s+){0,2}?(?:association|correlation|difference|differences|differential|heterogeneity|"
    r"interaction|relationship|relation|predictive\s+value|evidence\s+of\s+(?:a\s+)?(?:differential|association|"
    r"benefit))\b"
    r"|\bdid\s+not\s+(?:\w+\s+){0,1}?(?:predict|correlate|differ|affect|influence|improve|prolong|show|"
    r"demonstrate|translate)\w*"
    r"|\b(?:similar|comparable)\s+(?:\w+\s+){0,3}?(?:in|between|across|among|regardless)\b[^.;]{0,40}?\b(?:arms?|"
    r"groups?|cohorts?|subgroups?|regardless|irrespective|treatments|regimens)\b"
    r"|\bwas\s+not\s+proven\b|\bfailed\s+to\s+(?:show|demonstrate|predict|improve|prolong)\b"
    r"|\b(?:did|does|do)\s+not\s+(?:find|observe|detect|see|show|reveal|identify)\s+(?:any\s+|a\s+)?"
    r"(?:statistically\s+)?(?:significant\s+|clear\s+)?(?:association|correlation|relationship|difference|benefit)",
    re.IGNORECASE,
)

_HEDGE = re.compile(
    r"\b(?:may|might|could|potential(?:ly)?|possibl[ey]|suggest(?:s|ed|ing)?|appear(?:s|ed)?|likely|unlikely|"
    r"promise|promising|hypothes\w+|tended|trend|speculat\w+|presumabl[ey]|putative)\b",
    re.IGNORECASE,
)

# Aims, designs and methods state no outcome, even when they name one ("to evaluate the efficacy of ...").
_AIM = re.compile(
    r"^\s*(?:(?:purpose|objectives?|aims?|background|methods?|patients\s+and\s+methods|design|"
    r"experimental\s+design)\s*:\s*)?(?:to\s+(?:evaluate|assess|investigate|determine|compare|explore|examine|"
    r"test|identify|clarify|characteri[sz]e|analy[sz]e)|we\s+(?:evaluated|assessed|investigated|examined|"
    r"conducted|performed|designed|aimed|sought|explored|analy[sz]ed|studied|compared)|this\s+(?:study|trial)\s+"
    r"(?:was\s+designed|aimed|evaluated|investigated|assessed|examined)|the\s+(?:aim|objective|purpose|goal)\s+of|"
    r"we\s+(?:did|conducted|performed|undertook|initiated|designed)\s+(?:a|an|this)\s+(?:[\w-]+\s+){0,4}?"
    r"(?:trial|study|analysis|review)\s+(?:to|that\s+(?:evaluated|assessed|investigated)))\b",
    re.IGNORECASE,
)

# No claim: the text says a conclusion cannot be drawn, or asks whether.
_NO_CLAIM = re.compile(
    r"\b(?:prevents?|precludes?|preclude)\s+(?:any\s+)?(?:firm\s+|definitive\s+)?conclusions?"
    r"|\bconclusions?\s+(?:cannot|could\s+not|can\s+not)\s+be\s+drawn|\binsufficient\s+(?:data|evidence)"
    r"|\bremains?\s+(?:unclear|unknown|to\s+be\s+(?:determined|established))"
    r"|\b(?:examined|evaluated|assessed|investigated|studied|explored|determine[sd]?|asked)\s+whether\b",
    re.IGNORECASE,
)

# Enrolment or treatment assignment only: no outcome.
_ENROLMENT = re.compile(
    r"\b(?:were|was)\s+(?:randomi[sz]ed|randomly\s+assigned|enrolled|eligible|included|treated)\b"
    r"|\b(?:randomi[sz]ed|enrolled|eligible)\s+(?:patients|to)\b",
    re.IGNORECASE,
)


_PARENTHETICAL = re.compile(r"\([^()]*\d[^()]*\)|\[[^\[\]]*\d[^\[\]]*\]")


def mask_statistics(text: str) -> str:
    """Parentheticals holding numbers ("(zero of 18; 95% CI, 0% to 19%)") blanked out, offsets kept."""
    return _PARENTHETICAL.sub(lambda m: " " * len(m.group(0)), text)


def statistics_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the parentheticals `mask_statistics` blanks out: no cue is read inside them."""
    stop = len(text) if end is None else end
    return [(start + m.start(), start + m.end()) for m in _PARENTHETICAL.finditer(text[start:stop])]


_DESIGN = re.compile(
    r"\b(?:study|trial)\s*(?:\([A-Z0-9][\w-]*\)\s*)?(?:compared|compares|evaluated|evaluates|assessed|assesses|"
    r"investigated|investigates|examined|examines|randomi[sz]ed|was\s+designed\s+to)\b",
    re.IGNORECASE,
)


def find_cues(
    text: str, start: int = 0, end: int | None = None, blocked: list[tuple[int, int]] | None = None
) -> list[Cue]:
    """Response cues in text[start:end], non-overlapping, earliest pattern wins an overlap. `blocked` receives
    every span a pattern read (cues, descriptors, neutral measures), so other cue sources can defer to it."""
    stop = len(text) if end is None else end
    segment = mask_statistics(text[start:stop])
    # ASCII text (nearly all): case-sensitive patterns over the lower-cased segment, the same matches faster
    ascii_ = segment.isascii()
    scanned = segment.lower() if ascii_ else segment
    folded_patterns = _folded_patterns()
    taken: list[tuple[int, int]] = []
    cues: list[Cue] = []
    for index in _gate_words().candidates(scanned) if ascii_ else range(len(_PATTERNS)):
        pattern = _PATTERNS[index]
        matches = folded_patterns[index].finditer(scanned) if ascii_ else pattern.regex.finditer(scanned)
        for match in matches:
            a, b = match.start(), match.end()
            # Leading words of the pattern ("showed no response") are context, not the cue; trim whitespace.
            while a < b and segment[a].isspace():
                a += 1
            if any(a < tb and ta < b for ta, tb in taken):
                continue
            taken.append((a, b))
            if blocked is not None:
                blocked.append((start + a, start + b))
            if pattern.response == DESCRIPTOR:
                continue
            # "can predict RR and PFS", "prediction of responsiveness": a measure with no direction.
            if (
                pattern.response in NEUTRAL_MEASURES
                and pattern.strength < 1.0
                and _PREDICTS.search(segment, 0, a)
            ):
                continue
            cues.append(
                Cue(
                    start + a,
                    start + b,
                    segment[a:b],
                    pattern.significance,
                    pattern.response,
                    pattern.strength,
                    negated=pattern.response == "no_response",
                )
            )
    cues.sort(key=lambda cue: cue.start)
    return cues


class _Folded:
    """A cue pattern for lower-cased ASCII text (see `neurolit.ner.outcomes.folded`). One that starts with
    ``\\b`` and has no top-level alternation is searched without it, the boundary tested in Python: the regex
    engine can then skip ahead to the pattern's first characters, which a leading ``\\b`` prevents (2x faster);
    the matches are the same as those of the whole pattern."""

    __slots__ = ("body", "regex")

    def __init__(self, pattern: str) -> None:
        self.regex: re.Pattern[str]
        self.body: re.Pattern[str] | None = None
        try:
            self.regex = folded(pattern)
            if pattern.startswith("\\b") and not top_level_alternation(pattern):
                self.body = folded(pattern[2:])
        except ValueError:  # a pattern lower-casing would change: case-insensitive, as written
            self.regex = re.compile(pattern, re.IGNORECASE)

    def finditer(self, text: str) -> list[re.Match[str]]:
        body = self.body
        if body is None:
            return list(self.regex.finditer(text))
        out: list[re.Match[str]] = []
        pos = 0
        while (m := body.search(text, pos)) is not None:
            at = m.start()
            if not _boundary(text, at):
                pos = at + 1
                continue
            if m.end() == at:  # an empty match: leave finditer's rules for those to finditer
                return list(self.regex.finditer(text))
            out.append(m)
            pos = m.end()
        return out


def _boundary(text: str, at: int) -> bool:
    """``\\b`` at `at` in ASCII text."""
    before = at > 0 and (text[at - 1].isalnum() or text[at - 1] == "_")
    after = at < len(text) and (text[at].isalnum() or text[at] == "_")
    return before != after


@cache
def _folded_patterns() -> tuple[_Folded, ...]:
    return tuple(_Folded(p.regex.pattern) for p in _PATTERNS)


@dataclass(frozen=True, slots=True)
class _GateWords:
    """Which cue patterns can match a lower-cased ASCII text, from the words their matches must contain. Each
    required word set of each pattern is one bit; a text sets the bits of the words it holds, and a pattern can
    match only when all its bits are set (ints instead of sets: the test runs for every sentence)."""

    needs: tuple[int, ...]  # per pattern, the bits of its word sets (0: requires nothing)
    word_bits: Mapping[str, int]  # word -> the bits of the sets holding it
    runs: re.Pattern[str]  # maximal runs of the characters the words are made of

    def candidates(self, text: str) -> list[int]:
        """Indices, in order, of the patterns whose required words all occur in `text`: only those can match.
        A word lies inside one run of the characters words are made of: the bits of each distinct run, cached,
        are all there is (a handful of runs per sentence instead of a search per word)."""
        bits = 0
        for run in set(self.runs.findall(text)):
            bits |= _run_bits(run)
        return [i for i, need in enumerate(self.needs) if bits & need == need]


_GATE_PREFIX = 3  # gate words are looked up by their first (up to) three characters


@cache
def _gate_words() -> _GateWords:
    # A set holding a one-letter word ("t" of "resistan(?:ce|t)") gates nothing: it is not looked for.
    per_pattern = [
        [c for c in required_words(f.regex.pattern, f.regex.flags) if min(map(len, c)) > 1]
        for f in _folded_patterns()
    ]
    needs: list[int] = []
    word_bits: dict[str, int] = {}
    bit = 0
    for clauses in per_pattern:
        need = 0
        for clause in clauses:
            need |= 1 << bit
            for word in clause:
                word_bits[word] = word_bits.get(word, 0) | 1 << bit
            bit += 1
        needs.append(need)
    chars = "".join(re.escape(c) for c in sorted(set("".join(word_bits))))
    return _GateWords(tuple(needs), word_bits, re.compile(f"[{chars}]+"))


@lru_cache(maxsize=65536)
def _run_bits(run: str) -> int:
    """The bits of the gate words inside `run`."""
    by_prefix = _words_by_prefix()
    word_bits = _gate_words().word_bits
    bits = 0
    for i in range(len(run)):
        for size in range(2, _GATE_PREFIX + 1):
            for word in by_prefix.get(run[i : i + size], ()):
                if run.startswith(word, i):
                    bits |= word_bits[word]
    return bits


@cache
def _words_by_prefix() -> dict[str, tuple[str, ...]]:
    """Gate words by their first three characters (or the whole word when shorter): a run is looked up at each
    position, not searched once per word."""
    grouped: dict[str, list[str]] = {}
    for word in _gate_words().word_bits:
        grouped.setdefault(word[:_GATE_PREFIX], []).append(word)
    return {prefix: tuple(words) for prefix, words in grouped.items()}


def required_words(pattern: str, flags: int = 0) -> tuple[frozenset[str], ...]:
    """Lower-cased literal words the matches of `pattern` must contain: every match contains, for each set
    returned, one of its words (case-insensitively). Read from the parsed pattern: a literal run outside any
    optional part is required, an alternation requires one word of each branch; lookarounds and optional parts
    require nothing. Empty when nothing is known (the pattern is then always searched)."""
    try:  # the parser `re` compiles with (CPython 3.11+)
        from re import _constants, _parser  # type: ignore[attr-defined]
    except ImportError:  # another implementation: nothing is known, every pattern is searched
        return ()
    try:
        parsed = _parser.parse(pattern, flags)
        clauses = _clauses_of(list(parsed), _constants)
    except (re.error, AttributeError, TypeError, ValueError, IndexError):
        # a private parser whose opcodes or argument shapes changed: nothing is known, the pattern is searched
        return ()
    return tuple(frozenset(w.lower() for w in clause) for clause in clauses)


def _clauses_of(items: list[Any], constants: Any) -> list[frozenset[str]]:
    """Required word sets of a sequence of parsed items (see `required_words`); `constants` names the opcodes."""
    clauses: list[frozenset[str]] = []
    run: list[str] = []
    for op, arg in items:
        if op is constants.LITERAL:
            run.append(chr(arg))
            continue
        if run:
            clauses.append(frozenset({"".join(run)}))
            run = []
        if op is constants.SUBPATTERN:
            clauses.extend(_clauses_of(list(arg[3]), constants))
        elif op in (constants.MAX_REPEAT, constants.MIN_REPEAT, constants.POSSESSIVE_REPEAT):
            if arg[0] >= 1:
                clauses.extend(_clauses_of(list(arg[2]), constants))
        elif op is constants.BRANCH:
            branch = _branch_clause([_clauses_of(list(b), constants) for b in arg[1]])
            if branch:
                clauses.append(branch)
    if run:
        clauses.append(frozenset({"".join(run)}))
    return clauses


def _branch_clause(branches: list[list[frozenset[str]]]) -> frozenset[str]:
    """One word set for an alternation: the most selective set of each branch, joined; empty when a branch
    requires nothing."""
    if not branches or not all(branches):
        return frozenset()
    return frozenset().union(*(max(b, key=lambda c: (min(map(len, c)), -len(c))) for b in branches))


def refutation_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of phrases that refute an association ("was not associated with")."""
    stop = len(text) if end is None else end
    return [(start + m.start(), start + m.end()) for m in _REFUTATION.finditer(text[start:stop])]


def hedge_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    stop = len(text) if end is None else end
    return [(start + m.start(), start + m.end()) for m in _HEDGE.finditer(text[start:stop])]


def is_aim_or_method(sentence: str) -> bool:
    """True for sentences stating an aim or a method rather than a result."""
    return _AIM.search(sentence) is not None or _DESIGN.search(sentence) is not None


def no_claim_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Phrases declining to conclude ("prevents firm conclusions", "examined whether", "insufficient data")."""
    stop = len(text) if end is None else end
    return [(start + m.start(), start + m.end()) for m in _NO_CLAIM.finditer(text[start:stop])]


def is_enrolment_only(sentence: str) -> bool:
    """True when the sentence reports enrolment or assignment (no outcome cue may be trusted on its own)."""
    return _ENROLMENT.search(sentence) is not None
