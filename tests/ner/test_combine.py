from __future__ import annotations

import pytest

from neurolit.errors import ConfigError
from neurolit.ner.combine import CombinationPolicy, Item, combine

RULES = [Item(0, 3, "Gene"), Item(4, 10, "Variant"), Item(20, 30, "Disease")]


def spans(decisions: list) -> list[tuple[int, int, str, int | None, int | None]]:  # type: ignore[type-arg]
    return [(d.start, d.end, d.label, d.rule, d.model) for d in decisions]


def test_union_adds_only_non_overlapping_model_spans() -> None:
    model = [Item(0, 3, "Gene"), Item(4, 10, "Gene"), Item(12, 18, "Drug"), Item(18, 35, "Disease")]
    out = combine(RULES, model, CombinationPolicy.uniform("union"))
    assert spans(out) == [
        (0, 3, "Gene", 0, None),
        (4, 10, "Variant", 1, None),
        (12, 18, "Drug", None, 2),
        (20, 30, "Disease", 2, None),
    ]


def test_rules_mode_ignores_the_model_for_that_label() -> None:
    policy = CombinationPolicy({"Gene": "union", "Drug": "rules"})
    out = combine([], [Item(0, 3, "Gene"), Item(5, 9, "Drug")], policy)
    assert spans(out) == [(0, 3, "Gene", None, 0)]


def test_model_mode_replaces_the_rules_of_that_label() -> None:
    policy = CombinationPolicy({"Gene": "model", "Variant": "rules", "Disease": "rules"})
    model = [Item(0, 2, "Gene"), Item(5, 8, "Gene")]
    out = combine(RULES, model, policy)
    # The model gene overlapping a kept rules Variant loses; the rules gene (0, 3) is gone.
    assert spans(out) == [(0, 2, "Gene", None, 0), (4, 10, "Variant", 1, None), (20, 30, "Disease", 2, None)]


def test_model_boundaries_keeps_rule_attributes_with_model_offsets() -> None:
    policy = CombinationPolicy.uniform("model_boundaries")
    rules = [Item(10, 16, "Disease"), Item(17, 23, "Disease")]
    model = [Item(4, 23, "Disease")]
    out = combine(rules, model, policy)
    assert spans(out) == [(4, 23, "Disease", 0, 0)]


def test_model_boundaries_never_crosses_labels() -> None:
    policy = CombinationPolicy.uniform("model_boundaries")
    out = combine([Item(0, 4, "Gene")], [Item(0, 10, "Drug")], policy)
    assert spans(out) == [(0, 4, "Gene", 0, None)]


def test_outcome_and_unlisted_labels_stay_rules_only() -> None:
    policy = CombinationPolicy.uniform("union")
    out = combine([Item(0, 8, "Outcome")], [Item(10, 14, "Outcome")], policy)
    assert spans(out) == [(0, 8, "Outcome", 0, None)]


def test_policy_from_config_validates_modes() -> None:
    assert CombinationPolicy.from_config({"Gene": "union"}).mode("Gene") == "union"
    with pytest.raises(ConfigError, match="choose one of"):
        CombinationPolicy.from_config({"Gene": "vote"})
