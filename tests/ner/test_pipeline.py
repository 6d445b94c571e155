"""The rules pipeline end to end: the founding case report, and offsets that survive bad input."""

from __future__ import annotations

import pytest

from neurolit.ner.annotate import NerAnnotator
from neurolit.records import Article, Mention
from tests.conftest import SEEDS


def _seed_article() -> Article:
    files = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not files:
        pytest.skip(f"the founding case report is not present in {SEEDS}")
    blocks = [b.strip() for b in files[0].read_text(encoding="utf-8").split("\n\n") if b.strip()]
    title = blocks[0]
    abstract = max(blocks[1:], key=len)
    return Article(pmid="34210658", title=title, abstract=abstract)


def _find(mentions: list[Mention], text: str, label: str) -> list[Mention]:
    return [m for m in mentions if m.text == text and m.label == label]


def test_founding_case_entities_are_found_and_normalized(annotator: NerAnnotator) -> None:
    article = _seed_article()
    doc = next(annotator.annotate_documents([article]))
    mentions = list(doc.mentions)
    for m in mentions:
        assert article.text[m.start : m.end] == m.text
    genes = {m.text: m.norm_id for m in mentions if m.label == "Gene"}
    assert {
        "ALK": "238",
        "ROS1": "6098",
        "CDK4": "1019",
        "FGFR1": "2260",
        "NRAS": "4893",
    }.items() <= genes.items()
    drugs = {m.text: m.norm_name for m in mentions if m.label == "Drug" and not m.is_class}
    assert drugs["crizotinib"] == "Crizotinib" and drugs["lorlatinib"] == "Lorlatinib"
    classes = {m.text for m in mentions if m.label == "Drug" and m.is_class}
    assert {"ALK inhibitors", "ALK inhibitor", "ALK/ROS1 inhibitor"} <= classes
    diseases = {m.text: m.norm_id for m in mentions if m.label == "Disease"}
    assert diseases["neuroblastoma"] == "DOID:769"
    assert diseases["non-small-cell lung cancer"] == "DOID:3908"
    assert diseases["anaplastic large cell lymphoma"] == "DOID:0050744"
    f1174l = _find(mentions, "F1174L", "Variant")
    assert f1174l and all(m.norm_id == "p.F1174L" and m.gene == "ALK" and m.gene_id == "238" for m in f1174l)
    q61k = _find(mentions, "Q61K", "Variant")
    assert [(m.norm_id, m.gene) for m in q61k] == [("p.Q61K", "NRAS")]
    amplified = {m.gene for m in _find(mentions, "amplification", "Variant")}
    assert amplified == {"CDK4", "FGFR1"}
    assert any(m.norm_id == "GENERIC:mutation" and m.gene == "ALK" for m in mentions if m.label == "Variant")
    # sentences cover the text in order and never cut a mention
    assert doc.sentences[0][0] == 0 and len(doc.sentences) >= 9
    for m in mentions:
        assert any(s <= m.start and m.end <= e for s, e in doc.sentences), m


def test_founding_case_outcomes(annotator: NerAnnotator) -> None:
    pytest.importorskip("neurolit.ner.outcomes")
    article = _seed_article()
    outcomes = [m for m in annotator.annotate_text(article.text) if m.label == "Outcome"]
    texts = " | ".join(m.text.lower() for m in outcomes)
    for cue in ("no response", "complete response", "relapsed", "resistance"):
        assert cue in texts, texts
    responses = {m.response for m in outcomes}
    assert "complete_response" in responses


def test_abbreviation_definitions_resolve_short_forms(annotator: NerAnnotator) -> None:
    text = (
        "Children with acute lymphoblastic leukemia (ALL) were treated. ALL relapsed in 5 of them. "
        "Mutations in anaplastic lymphoma kinase (ALK) were found."
    )
    mentions = annotator.annotate_text(text)
    all_mentions = [m for m in mentions if m.text == "ALL"]
    assert len(all_mentions) == 2 and {m.label for m in all_mentions} == {"Disease"}
    assert {m.source for m in all_mentions} == {"abbreviation"}
    assert [(m.label, m.norm_id) for m in mentions if m.text == "anaplastic lymphoma kinase"] == [
        ("Gene", "238")
    ]


def test_fusions_codes_and_classes(annotator: NerAnnotator) -> None:
    text = "EML4-ALK lung cancer responded to PF-06463922 but not to EGFR-TKIs; HER2 and p53 were normal."
    mentions = annotator.annotate_text(text)
    got = {(m.text, m.label, m.norm_id) for m in mentions}
    assert ("EML4", "Gene", "27436") in got and ("ALK", "Gene", "238") in got
    assert ("HER2", "Gene", "2064") in got and ("p53", "Gene", "7157") in got
    assert any(m.text == "PF-06463922" and m.norm_name == "Lorlatinib" for m in mentions)
    assert any(m.text == "EGFR-TKIs" and m.is_class and m.norm_id == "CLASS:EGFR TKI" for m in mentions)
    assert any(m.label == "Variant" and m.norm_id == "FUSION:EML4::ALK" for m in mentions)


def _assert_offsets(text: str, mentions: list[Mention]) -> None:
    for m in mentions:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text


def test_empty_and_whitespace_text(annotator: NerAnnotator) -> None:
    assert annotator.annotate_text("") == []
    assert annotator.annotate_text(" \n\u00a0 ") == []
    doc = next(annotator.annotate_documents([Article(pmid="1", title="")]))
    assert doc.mentions == () and doc.sentences == ()


def test_markup_unicode_dashes_greek_and_nbsp_keep_offsets(annotator: NerAnnotator) -> None:
    text = (
        "<i>BRAF</i>\u00a0V600E–mutant melanoma <math><mi>α</mi></math> treated with "
        "dabrafenib\u00a0+\u00a0trametinib; TNF‑α and ERK1/2; non‑small‑cell lung cancer &amp; "
        "EGFR\u2009L858R."
    )
    mentions = annotator.annotate_text(text)
    _assert_offsets(text, mentions)
    got = {(m.text, m.label) for m in mentions}
    assert {
        ("BRAF", "Gene"),
        ("V600E", "Variant"),
        ("melanoma", "Disease"),
        ("dabrafenib", "Drug"),
        ("trametinib", "Drug"),
        ("non‑small‑cell lung cancer", "Disease"),
        ("L858R", "Variant"),
    } <= got
    assert next(m for m in mentions if m.text == "L858R").gene == "EGFR"  # across a thin space


@pytest.mark.slow
def test_two_megabyte_abstract(annotator: NerAnnotator) -> None:
    unit = "ALK F1174L neuroblastoma did not respond to crizotinib (IC50 3.2 µM). "
    text = unit * (2_000_000 // len(unit))
    mentions = annotator.annotate_text(text)
    _assert_offsets(text, mentions)
    assert sum(1 for m in mentions if m.label == "Drug") == text.count("crizotinib")


def test_rules_spans_follow_every_change_of_the_group(annotator: NerAnnotator) -> None:
    from neurolit.ner.pipeline import RULES_KEY, _rules, add_spans, get_nl, make_doc

    doc = make_doc(annotator.nlp, "EGFR and ALK in lung cancer.")
    assert doc.user_data and _rules(doc) == []
    made = add_spans(doc, [(0, 4, "Gene", {"norm_id": "1956"}), (9, 12, "Gene", {"norm_id": "238"})])
    assert [s.text for s in _rules(doc)] == ["EGFR", "ALK"] == [s.text for s in doc.spans[RULES_KEY]]
    assert [get_nl(s) for s in made if s is not None] == [
        {"start": 0, "end": 4, "norm_id": "1956", "source": "rules"},
        {"start": 9, "end": 12, "norm_id": "238", "source": "rules"},
    ]
    # written around the helpers: appended to the group, or the group replaced
    doc.spans[RULES_KEY].append(doc.char_span(16, 27, label="Disease"))
    assert [s.text for s in _rules(doc)] == ["EGFR", "ALK", "lung cancer"]
    doc.spans[RULES_KEY] = [doc[0:1]]
    assert [s.text for s in _rules(doc)] == ["EGFR"]
    assert add_spans(doc, [(5, 8, "Gene", {"norm_id": "x"})]) != [None]
    assert [s.text for s in _rules(doc)] == ["EGFR", "and"]
    ids = [s.id for s in _rules(doc)]
    assert len(set(ids)) == len(ids)


def test_annotate_text_and_a_pipeline_call_agree(annotator: NerAnnotator) -> None:
    text = "Crizotinib (PF-02341066) in ALK-positive non-small-cell lung cancers; EGFR L858R."
    assert annotator.annotate_text(text) == list(annotator.nlp(text)._.mentions)


def test_an_annotated_doc_is_freed_without_the_garbage_collector(annotator: NerAnnotator) -> None:
    import gc
    import weakref

    enabled = gc.isenabled()
    gc.disable()
    try:
        doc = annotator.nlp("EGFR L858R in non-small cell lung cancer (NSCLC); NSCLC responded to erlotinib.")
        assert doc._.mentions
        ref = weakref.ref(doc)
        del doc
        assert ref() is None  # no reference cycle through doc.user_data
    finally:
        if enabled:
            gc.enable()


def test_span_mention_keeps_only_mention_fields(annotator: NerAnnotator) -> None:
    from neurolit.ner.pipeline import add_spans, get_nl, make_doc, set_nl, span_mention

    text = "EGFR and gefitinib"
    doc = make_doc(annotator.nlp, text)
    span = add_spans(doc, [(0, 4, "Gene", {"norm_id": "1956"})])[0]  # kb_id "1956"
    assert span is not None
    set_nl(span, {"start": 0, "end": 4, "norm_name": "EGFR", "hgnc_id": "HGNC:3236"})
    plain = span_mention(text, span)
    set_nl(span, {**get_nl(span), "model_score": 0.5})  # a key that is no Mention field is left out
    assert (
        span_mention(text, span)
        == plain
        == Mention(0, 4, "EGFR", "Gene", norm_id="1956", norm_name="EGFR", hgnc_id="HGNC:3236")
    )
