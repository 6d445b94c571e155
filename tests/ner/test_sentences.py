from __future__ import annotations

from neurolit.ner.sentences import sentence_spans


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def test_abstract_abbreviations_and_decimals_do_not_split() -> None:
    text = (
        "Smith et al. reported 8.5% responses (e.g. in ALK-positive cases) vs. 2.1% in Fig. 2. "
        "The median PFS was 11.1 months. No. 3 cohort relapsed!\nNext line"
    )
    assert _sentences(text) == [
        "Smith et al. reported 8.5% responses (e.g. in ALK-positive cases) vs. 2.1% in Fig. 2.",
        "The median PFS was 11.1 months.",
        "No. 3 cohort relapsed!",
        "Next line",
    ]


def test_title_line_is_its_own_sentence_and_spans_are_trimmed() -> None:
    text = "A title without a period\n  Results were good. 95% responded."
    spans = sentence_spans(text)
    assert _sentences(text) == ["A title without a period", "Results were good.", "95% responded."]
    assert all(not text[s].isspace() and not text[e - 1].isspace() for s, e in spans)


def test_empty_and_lower_case_continuation() -> None:
    assert sentence_spans("") == []
    assert _sentences("Treated with drug approx. five times. then stopped") == [
        "Treated with drug approx. five times. then stopped"
    ]
