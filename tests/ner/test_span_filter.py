from __future__ import annotations

import json

import pytest

from neurolit.errors import ConfigError, ModelError
from neurolit.ner.combine import CombinationPolicy, Decision, Item, combine
from neurolit.ner.model import configured_span_filter
from neurolit.ner.span_filter import (
    FEATURES,
    SpanFilter,
    filter_additions,
    load_span_filter,
    occurrences,
    span_features,
)

TEXT = "Cells were treated with XR-17 (XR17). XR-17 blocked the kinase; untreated cells and XR-17 differ."


def find(name: str, nth: int = 0) -> tuple[int, int]:
    return occurrences(TEXT, name)[nth]


def test_occurrences_are_whole_words() -> None:
    assert occurrences("cine in medicine; cine.", "cine") == [(0, 4), (18, 22)]
    assert occurrences("abc", "  ") == []
    # letters of any script count as word characters: "TNF" does not occur inside "TNFα" or "αTNF"
    assert occurrences("TNFα, αTNF and TNF.", "TNF") == [(15, 18)]


def test_features_of_a_repeated_code_tagged_once() -> None:
    s, e = find("XR-17")
    span = Item(s, e, "Drug")
    f = span_features(TEXT, span, rules=[], model=[span])
    assert set(f) == set(FEATURES)
    assert f["drug"] == 1.0 and f["has_digit"] == 1.0 and f["all_upper"] == 1.0
    assert f["model_repeats"] == 0.0
    assert f["untagged_repeats"] > 0  # two more occurrences nobody tagged
    assert f["partial_word"] == 0.0


def test_features_see_the_other_model_spans_and_rules() -> None:
    first, second = (Item(*find("XR-17", i), "Drug") for i in (0, 1))
    other = Item(*find("XR17"), "Gene")
    f = span_features(TEXT, first, rules=[Item(*find("XR-17", 2), "Drug")], model=[first, second, other])
    assert f["model_repeats"] > 0 and f["rules_same_name"] == 1.0
    assert f["untagged_repeats"] == 0.0
    g = span_features(TEXT, other, rules=[], model=[other])
    assert g["in_parentheses"] == 1.0


def test_partial_word_spans_are_flagged() -> None:
    start = TEXT.index("untreated") + 2
    f = span_features(TEXT, Item(start, start + 7, "Drug"), rules=[], model=[])
    assert f["partial_word"] == 1.0


def test_filter_drops_rejected_additions_and_keeps_rules() -> None:
    rules = [Item(*find("kinase"), "Gene")]
    code = Item(*find("XR-17"), "Drug")
    model = [code, Item(*find("kinase"), "Gene")]
    decisions = combine(rules, model, CombinationPolicy.uniform("union"))
    reject_all = SpanFilter({}, bias=-5.0)
    out = filter_additions(TEXT, rules, model, decisions, reject_all, propagate=True)
    assert [(d.start, d.end, d.label, d.rule) for d in out] == [(*find("kinase"), "Gene", 0)]


def test_kept_additions_propagate_to_untaken_occurrences() -> None:
    code = Item(*find("XR-17", 0), "Drug")
    blocked = Item(*find("XR-17", 2), "Gene")  # a rules mention already covers the third occurrence
    decisions = combine([blocked], [code], CombinationPolicy.uniform("union"))
    keep_all = SpanFilter({}, bias=5.0)
    out = filter_additions(TEXT, [blocked], [code], decisions, keep_all, propagate=True)
    assert [(d.start, d.end, d.label) for d in out] == [
        (*find("XR-17", 0), "Drug"),
        (*find("XR-17", 1), "Drug"),
        (*find("XR-17", 2), "Gene"),
    ]
    assert out[1].model == 0 and out[1].rule is None
    unpropagated = filter_additions(TEXT, [blocked], [code], decisions, None, propagate=False)
    assert len(unpropagated) == 2


def test_filter_probability_and_threshold() -> None:
    f = SpanFilter({"drug": 2.0}, bias=-1.0, threshold=0.6)
    assert f.probability({"drug": 1.0}) == pytest.approx(1 / (1 + pow(2.718281828459045, -1.0)))
    assert f.accepts({"drug": 1.0}) and not f.accepts({"drug": 0.0})
    assert SpanFilter({}, bias=-800.0).probability({}) == pytest.approx(0.0)


def test_packaged_filter_loads_with_every_feature() -> None:
    f = load_span_filter(0.5)
    assert set(f.weights) == set(FEATURES)
    assert "strict_p_r_f1" in f.meta


def test_malformed_or_unknown_filters_are_model_errors() -> None:
    with pytest.raises(ModelError, match="malformed"):
        load_span_filter(0.5, "{}")
    with pytest.raises(ModelError, match="unknown features"):
        load_span_filter(0.5, json.dumps({"weights": {"colour": 1.0}, "bias": 0.0}))


def test_configured_filter_settings() -> None:
    assert configured_span_filter({"span_filter": False}) is None
    assert configured_span_filter({"span_filter": True, "span_filter_threshold": 0.7}).threshold == 0.7  # type: ignore[union-attr]
    with pytest.raises(ConfigError, match="between 0 and 1"):
        configured_span_filter({"span_filter": True, "span_filter_threshold": 1.5})


def test_decisions_without_model_source_pass_untouched() -> None:
    decisions = [Decision(0, 5, "Gene", rule=0), Decision(6, 9, "Drug", rule=1, model=0)]
    assert filter_additions(TEXT, [], [], decisions, SpanFilter({}, bias=-5.0)) == decisions


def test_combine_spans_filters_and_propagates_on_a_doc() -> None:
    import spacy

    from neurolit.ner.model import combine_spans
    from neurolit.ner.pipeline import build_pipeline

    build_pipeline(use_model=False)  # registers the span extension the combined spans carry
    doc = spacy.blank("en")(TEXT)
    model = [Item(*find("XR-17"), "Drug")]
    policy = CombinationPolicy.uniform("union")
    kept = combine_spans(doc, [], model, policy, span_filter=SpanFilter({}, bias=5.0), propagate=True)
    assert [(s.start_char, s.end_char, s.label_) for s in kept] == [
        (*find("XR-17", i), "Drug") for i in range(3)
    ]
    assert all(s._.nl["source"] == "model" for s in kept)
    assert combine_spans(doc, [], model, policy, span_filter=SpanFilter({}, bias=-5.0)) == []


def test_fitting_script_collects_and_scores_the_model_additions() -> None:
    """scripts/fit_span_filter.py: which model spans are training rows (additions, not near a "?" gold span),
    their labels (an exact gold match), and the strict counts of the combined output with and without a filter."""
    import importlib.util

    from neurolit.train.evaluate import DocumentPredictions
    from tests.conftest import PROJECT_ROOT

    spec = importlib.util.spec_from_file_location(
        "fit_span_filter", PROJECT_ROOT / "scripts/fit_span_filter.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    code, second, third = (Item(*find("XR-17", i), "Drug") for i in range(3))
    kinase = Item(TEXT.index("kinase"), TEXT.index("kinase") + 6, "Gene")
    cells = Item(0, 5, "Drug")  # a model addition over a span of a type mapped to "?"
    preds = DocumentPredictions(
        gold=(code, second, third),
        rules=(code,),
        model={"g": (code, second, kinase, cells)},
        tokens=20,
        read_tokens={"g": 20},
        text=TEXT,
    )
    docs = [(TEXT, preds.gold, preds, (Item(0, 5, "?"),))]
    policy = CombinationPolicy.uniform("union")
    x, y, groups, kinds = script.dataset(docs, "g", policy)  # the second XR-17 (right) and "kinase" (wrong)
    assert x.shape == (2, len(FEATURES)) and list(y) == [1.0, 0.0] and list(groups) == [0, 0]
    assert kinds == ["Drug", "Gene"]
    assert script.kept(x, y, kinds, SpanFilter({}, bias=5.0)) == {"Drug": [1, 1, 0, 0], "Gene": [0, 0, 1, 1]}
    assert script.kept(x, y, kinds, SpanFilter({}, bias=-5.0)) == {"Drug": [1, 0, 0, 0], "Gene": [0, 0, 1, 0]}
    unfiltered = script.score(docs, "g", policy, [None], ["Drug", "Gene"], False)
    assert (unfiltered["Drug"].tp, unfiltered["Drug"].fp, unfiltered["Drug"].fn) == (2, 1, 1)
    assert (unfiltered["Gene"].tp, unfiltered["Gene"].fp) == (0, 1)
    rejecting = script.score(docs, "g", policy, [SpanFilter({}, bias=-5.0)], ["Drug", "Gene"], False)
    assert (rejecting["Drug"].tp, rejecting["Drug"].fp, rejecting["Gene"].fp) == (1, 0, 0)
    propagated = script.score(docs, "g", policy, [SpanFilter({}, bias=5.0)], ["Drug"], True)
    assert (propagated["Drug"].tp, propagated["Drug"].fn) == (3, 0)  # the third XR-17 copied from the second
