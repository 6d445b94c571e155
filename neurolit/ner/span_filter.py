"""Which of the model's additions to keep, and document-level consistency for the kept ones.

Under the ``union`` policy the model may add spans no rules mention overlaps. About half of those additions
were wrong on BioRED dev, so each one is scored by a logistic model over interpretable features computed from
the document alone (never from gold): the span's shape, its length, whether the model tagged the same string
elsewhere in the abstract with the same label or another, whether the rules tagged that name elsewhere with
the same label, whether it is cut out of a word, whether it is written in parentheses, how many of its other
occurrences nobody tagged. Additions scoring below [ner_model] span_filter_threshold are dropped.

Optionally ([ner_model] propagate) a kept addition is copied to the other occurrences of the same string that no
kept mention overlaps (document-level consistency, as BioRED's guidelines tag a name everywhere it denotes the
entity). Measured, it gains nothing on BioRED dev, so it is off by default.

The weights live in `neurolit/resources/ner_span_filter.json`, fitted by `scripts/fit_span_filter.py` on GNormPlus
test (genes) and NLM-Chem test (chemicals), corpora held out of the model's training and scored nowhere else,
so BioRED dev is held out from the fit (figures in docs/evaluation.md, "NER model").
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from neurolit.errors import ModelError
from neurolit.logistic import linear_score, read_weights, sigmoid
from neurolit.ner.combine import CombinationPolicy, Decision, Item, combine

RESOURCE = "ner_span_filter.json"
FEATURES = (
    "drug",
    "log_chars",
    "multi_token",
    "short",
    "has_digit",
    "all_upper",
    "all_lower",
    "partial_word",
    "model_repeats",
    "model_other_label",
    "rules_same_name",
    "in_parentheses",
    "untagged_repeats",
)


@dataclass(frozen=True)
class SpanFilter:
    """A logistic model over `FEATURES`; `threshold` on its probability."""

    weights: Mapping[str, float]
    bias: float
    threshold: float = 0.5
    meta: Mapping[str, object] = field(default_factory=dict)

    def probability(self, features: Mapping[str, float]) -> float:
        return sigmoid(linear_score(self.weights, self.bias, features))

    def accepts(self, features: Mapping[str, float]) -> bool:
        return self.probability(features) >= self.threshold


def load_span_filter(threshold: float, text: str | None = None) -> SpanFilter:
    """The packaged filter (or one given as JSON text) with the configured threshold."""
    stored = read_weights(
        RESOURCE,
        text,
        what="the NER span filter",
        missing_hint="run scripts/fit_span_filter.py or set [ner_model] span_filter = false",
        refit_hint="re-create it with scripts/fit_span_filter.py",
    )
    weights, bias = stored.weights, stored.bias
    unknown = set(weights) - set(FEATURES)
    if unknown:
        raise ModelError(f"the NER span filter has unknown features: {', '.join(sorted(unknown))}")
    return SpanFilter(weights, bias, threshold, stored.meta)


# ------------------------------------------------------------------------------------------- features
def occurrences(text: str, name: str) -> list[tuple[int, int]]:
    """Where `name` occurs in `text` as a whole word (no letter or digit, of any script, right before or after:
    "TNF" does not occur in "TNFα")."""
    if not name.strip():
        return []
    pattern = re.compile(rf"(?<![^\W_]){re.escape(name)}(?![^\W_])")
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def _shape(name: str) -> dict[str, float]:
    letters = [c for c in name if c.isalpha()]
    return {
        "log_chars": math.log(max(len(name), 1)),
        "multi_token": float(len(name.split()) > 1),
        "short": float(len(name) <= 2),
        "has_digit": float(any(c.isdigit() for c in name)),
        "all_upper": float(bool(letters) and all(c.isupper() for c in letters)),
        "all_lower": float(bool(letters) and all(c.islower() for c in letters)),
    }


def _partial_word(text: str, start: int, end: int) -> bool:
    """The span is cut out of a longer word ("cine" of "medicine", "SP-" before a digit)."""
    before = start > 0 and text[start - 1].isalnum()
    after = end < len(text) and text[end].isalnum()
    return before or after or not text[end - 1].isalnum()


def rule_keys(text: str, rules: Sequence[Item]) -> frozenset[tuple[str, str]]:
    """(normalized name, label) of every rules mention: computed once per document, not per addition."""
    from neurolit.ner.text import normalize_key

    return frozenset((normalize_key(text[r.start : r.end]), r.label) for r in rules)


def span_features(
    text: str,
    span: Item,
    rules: Sequence[Item],
    model: Sequence[Item],
    keys: frozenset[tuple[str, str]] | None = None,
) -> dict[str, float]:
    """The filter's features of one model addition in `text` (rules and model: all spans of the document;
    `keys`: `rule_keys(text, rules)` when the caller has it)."""
    from neurolit.ner.text import normalize_key

    name = text[span.start : span.end]
    key = normalize_key(name)
    keys = rule_keys(text, rules) if keys is None else keys
    found = occurrences(text, name)
    same = sum(1 for m in model if m.label == span.label and text[m.start : m.end] == name)
    other = sum(1 for m in model if m.label != span.label and text[m.start : m.end] == name)
    covered = sum(1 for s, e in found if any(s < x.end and x.start < e for x in (*rules, *model)))
    features = {
        "drug": float(span.label == "Drug"),
        **_shape(name),
        "partial_word": float(_partial_word(text, span.start, span.end)),
        "model_repeats": math.log1p(max(same - 1, 0)),
        "model_other_label": float(other > 0),
        "rules_same_name": float((key, span.label) in keys),
        "in_parentheses": float(
            any(s > 0 and text[s - 1] == "(" and e < len(text) and text[e] == ")" for s, e in found)
        ),
        "untagged_repeats": math.log1p(max(len(found) - covered, 0)),
    }
    return features


# ------------------------------------------------------------------------------------------- applying
def is_addition(decision: Decision) -> bool:
    """A decision taken from the model alone (no rules mention)."""
    return decision.rule is None and decision.model is not None


def combined(
    text: str,
    rules: Sequence[Item],
    model: Sequence[Item],
    policy: CombinationPolicy,
    span_filter: SpanFilter | None = None,
    *,
    propagate: bool = False,
) -> list[Decision]:
    """Rules and model spans combined per `policy`, the model's additions then filtered by `span_filter` and
    propagated when `propagate` (`filter_additions`; skipped when neither is asked for)."""
    decisions = combine(list(rules), list(model), policy)
    if span_filter is None and not propagate:
        return decisions
    return filter_additions(text, rules, model, decisions, span_filter, propagate=propagate)


def filter_additions(
    text: str,
    rules: Sequence[Item],
    model: Sequence[Item],
    decisions: Sequence[Decision],
    span_filter: SpanFilter | None,
    *,
    propagate: bool = False,
) -> list[Decision]:
    """The combined decisions without the model's rejected additions; with `propagate`, the kept ones are also
    copied to the other untaken occurrences of their string.

    An addition is a decision taken from the model alone (no rules mention). With no filter every addition
    is kept.
    """
    kept: list[Decision] = []
    added: list[Decision] = []
    keys: frozenset[tuple[str, str]] | None = None
    for d in decisions:
        if not is_addition(d):
            kept.append(d)
            continue
        if span_filter is None:
            added.append(d)
            continue
        keys = rule_keys(text, rules) if keys is None else keys
        if span_filter.accepts(span_features(text, Item(d.start, d.end, d.label), rules, model, keys)):
            added.append(d)
    out = kept + added
    if propagate:
        out.extend(_propagated(text, added, out))
    out.sort(key=lambda d: (d.start, d.end, d.label))
    return out


def _propagated(text: str, added: Sequence[Decision], taken: Sequence[Decision]) -> list[Decision]:
    """Copies of the kept additions at the other, untaken occurrences of the same string."""
    occupied = [(d.start, d.end) for d in taken]
    extra: list[Decision] = []
    done: set[tuple[str, str]] = set()
    for d in added:
        name = text[d.start : d.end]
        if (name, d.label) in done:
            continue
        done.add((name, d.label))
        for s, e in occurrences(text, name):
            if any(s < b and a < e for a, b in occupied):
                continue
            extra.append(Decision(s, e, d.label, model=d.model))
            occupied.append((s, e))
    return extra
