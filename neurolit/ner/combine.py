"""The combination policy of rules mentions and model spans: explicit, per label, and measured.

Per label, one mode (configured in [ner_model] policy, see resources/defaults.toml):

- ``rules``: keep the rules mentions of that label; ignore the model's.
- ``model``: keep the model's spans of that label; drop the rules mentions (an ablation, for measuring).
- ``union``: keep every rules mention, and add a model span when it overlaps no kept rules mention
  (of any label). The rules win every conflict: they carry normalization and curated ambiguity filters.
- ``model_boundaries``: as ``union``, but where a model span overlaps rules mentions of the same label the
  model's offsets are kept (long disease phrases, gene names the lexicon cut short) with the attributes of
  the first overlapping rules mention.

Model spans that overlap rules mentions of another label are always dropped, whatever the mode.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from neurolit.errors import ConfigError

Mode = Literal["rules", "model", "union", "model_boundaries"]
MODES: tuple[Mode, ...] = ("rules", "model", "union", "model_boundaries")


@dataclass(frozen=True, slots=True)
class Item:
    """What the policy needs to know of a mention or span: offsets and label."""

    start: int
    end: int
    label: str

    def overlaps(self, other: Item) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True, slots=True)
class Decision:
    """One combined mention: taken from rules[rule] and/or model[model] (indices), with final offsets.

    ``rule`` is set when the rules mention's attributes are kept; ``model`` when the offsets come from the model.
    """

    start: int
    end: int
    label: str
    rule: int | None = None
    model: int | None = None


@dataclass(frozen=True)
class CombinationPolicy:
    modes: Mapping[str, Mode] = field(default_factory=dict)
    default: Mode = "rules"

    def mode(self, label: str) -> Mode:
        return self.modes.get(label, self.default)

    @classmethod
    def from_config(cls, policy: Mapping[str, str]) -> CombinationPolicy:
        modes: dict[str, Mode] = {}
        for label, mode in policy.items():
            if mode not in MODES:
                raise ConfigError(f"[ner_model] policy.{label} = {mode!r}; choose one of {', '.join(MODES)}")
            modes[label] = mode  # type: ignore[assignment]
        return cls(modes)

    @classmethod
    def uniform(
        cls, mode: Mode, labels: Sequence[str] = ("Gene", "Drug", "Disease", "Variant")
    ) -> CombinationPolicy:
        """The same mode for the given labels; every other label (Outcome) stays rules-only."""
        return cls({label: mode for label in labels})


def combine(rules: Sequence[Item], model: Sequence[Item], policy: CombinationPolicy) -> list[Decision]:
    """Apply the policy; the result is sorted by (start, end, label)."""
    decisions: list[Decision] = []
    kept_rules: list[tuple[int, Item]] = []
    replaced: set[int] = set()
    for i, rule in enumerate(rules):
        if policy.mode(rule.label) != "model":
            kept_rules.append((i, rule))
    for j, span in enumerate(model):
        mode = policy.mode(span.label)
        if mode == "rules":
            continue
        overlapping = [(i, r) for i, r in kept_rules if r.overlaps(span)]
        if mode == "model":
            if not any(r.label != span.label for _, r in overlapping):
                decisions.append(Decision(span.start, span.end, span.label, model=j))
            continue
        if not overlapping:
            decisions.append(Decision(span.start, span.end, span.label, model=j))
            continue
        if mode == "model_boundaries" and all(r.label == span.label for _, r in overlapping):
            first = min(i for i, _ in overlapping)
            if first in replaced:
                continue
            decisions.append(Decision(span.start, span.end, span.label, rule=first, model=j))
            replaced.update(i for i, _ in overlapping)
    for i, rule in kept_rules:
        if i not in replaced:
            decisions.append(Decision(rule.start, rule.end, rule.label, rule=i))
    decisions.sort(key=lambda d: (d.start, d.end, d.label))
    return decisions


T = TypeVar("T")


def dedupe_items(items: Sequence[Item]) -> list[Item]:
    """Items in order without exact repeats (same offsets and label)."""
    seen: set[tuple[int, int, str]] = set()
    out: list[Item] = []
    for item in items:
        key = (item.start, item.end, item.label)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out
