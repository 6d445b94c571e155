"""neurolit.ner.rules: the rules on plain records, text first, give exactly what the spaCy pipeline gives."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neurolit.errors import InputError
from neurolit.ner.annotate import NerAnnotator
from neurolit.ner.pipeline import SPANS_KEY, STATE_KEY, _rules, make_doc, rules_doc, rules_stages
from neurolit.ner.rules import RulesDoc, run_rules
from neurolit.records import Article
from tests.conftest import shared_path

# Words that reach every token rule of neurolit.ner.context and the alignment corner cases: chemicals, protein
# heads, link words and subtypes, effect/deficiency words, class adjectives, amino acids and residue words.
_WORDS = (
    "dopamine", "glucose", "sodium", "calcium", "lidocaine", "gefitinib", "glycine", "tyrosine", "arginine",
    "folate", "zinc", "caffeine", "histamine", "glutamate", "Ca(2+)", "Na+", "NaCl", "crizotinib",
    "receptor", "receptors", "channel", "channels", "transporter", "transporter-1", "finger", "symporter",
    "co", "type", "subtype", "L", "D2", "H", "3", "NMDA", "1A", "5-HT", "GLUT2",
    "effect", "effects", "activity", "deficiency", "deficient", "property",
    "anxiolytic", "neuroprotective", "anti-arrhythmic", "anticholinesterase",
    "codon", "position", "by", "to", "instead", "substitution", "a", "the", "and", "of", "patients", "levels",
    "EGFR", "ALK", "F1174L", "mutation", "was", "high", "HG", "(HG)", "DOX", "doxorubicin", "(DOX)",
    "-", "/", "(", ")", "[", "]", ",", ".", ";", ":", "'s",
)  # fmt: skip
_SEPARATORS = (" ", " ", " ", "", "-", "/", "  ", "\n", " \n", "\t", "\u00a0", " (", ") ")


def _mentions(annotator: NerAnnotator, text: str) -> list[Any]:
    return annotator.annotate_text(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(st.sampled_from(_WORDS), st.sampled_from(_SEPARATORS)),
        min_size=1,
        max_size=24,
    )
)
def test_text_first_equals_the_spacy_pipeline_on_generated_text(
    annotator: NerAnnotator, spacy_annotator: NerAnnotator, pieces: list[tuple[str, str]]
) -> None:
    text = "".join(word + sep for word, sep in pieces)
    assert _mentions(annotator, text) == _mentions(spacy_annotator, text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\n",
        "Blockade of dopamine D2 receptors and the glycine transporter-1 inhibitor.",
        "Verapamil blocks L-type calcium channels; lidocaine sodium channel block.",
        "She had folate deficiency; the drug showed an anxiolytic effect and neuroprotective effects.",
        "Cells exposed to high glucose (HG) or doxorubicin (DOX) died; HG and DOX raised ROS.",
        "The substitution of glycine by arginine and the tyrosine codon at position 67 were found.",
        "  dopamine\n\nreceptor   blockade\t(glucose)  transporter GLUT2 ",
        "EGFR L858R\u00a0gefitinib\u2009resistance; BRAF(V600E) vemurafenib.",
        "<script>alert('x')</script> ALK F1174L & crizotinib",
        "dopamine qqq receptor " * 3000,  # a head after every chemical, each out of reach (was quadratic)
        "dopamine/" * 3000,  # one long run of chemicals (was quadratic)
        "glycine-tyrosine-" * 2000 + "codon",
    ],
)
def test_text_first_equals_the_spacy_pipeline_on_hand_picked_text(
    annotator: NerAnnotator, spacy_annotator: NerAnnotator, text: str
) -> None:
    assert _mentions(annotator, text) == _mentions(spacy_annotator, text)


def test_text_first_equals_the_spacy_pipeline_on_real_abstracts(
    annotator: NerAnnotator, spacy_annotator: NerAnnotator
) -> None:
    from neurolit.formats.pubtator import read_pubtator

    source = shared_path() / "corpora" / "biored" / "Dev.PubTator"
    if not source.is_file():
        pytest.skip(f"{source} is not present")
    articles = [d.to_article() for d in itertools.islice(read_pubtator(source), 120)]
    first = list(annotator.annotate_documents(articles))
    second = list(spacy_annotator.annotate_documents(articles))
    assert [d.mentions for d in first] == [d.mentions for d in second]
    assert [d.sentences for d in first] == [d.sentences for d in second]
    assert sum(len(d.mentions) for d in first) > 1000


@pytest.mark.parametrize(
    ("text", "tokenized"),
    [
        ("ALK F1174L neuroblastoma did not respond to crizotinib.", False),
        ("Gefitinib and erlotinib were given to EGFR-mutant patients.", False),
        ("A deletion in the sodium/iodide symporter was found.", True),  # a head within reach of a chemical
        ("Dopamine levels rose in the patients; receptor numbers fell.", False),  # a word stops the walk
        ("She had folate deficiency.", True),
    ],
)
def test_the_text_is_tokenized_only_where_a_token_rule_can_apply(
    annotator: NerAnnotator, text: str, tokenized: bool
) -> None:
    stages = rules_stages(annotator.nlp)
    assert stages is not None
    seen: list[str] = []
    rules = run_rules(stages, text, lambda t: seen.append(t) or annotator.nlp.tokenizer(t))
    assert seen == ([text] if tokenized else [])
    assert rules.mentions() == annotator.annotate_text(text)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("EGFR-mutant", 0, 4),
        ("gefitinib's effect", 0, 9),
        ("a  b", 1, 3),
        ("a  b", 2, 3),
        ("x \n y", 1, 4),
        ("(crizotinib)", 1, 11),
        ("p.D157fsX158", 2, 6),
        ("codons: p.D157fsX158", 8, 9),
    ],
)
def test_alignment_is_spacys_char_span_expand(
    annotator: NerAnnotator, text: str, start: int, end: int
) -> None:
    doc = annotator.nlp.make_doc(text)
    span = doc.char_span(start, end, alignment_mode="expand")
    rules = RulesDoc(text, annotator.nlp.tokenizer)
    assert rules.valid(start, end) == (span is not None and len(span) > 0)
    assert rules.span_text(start, end) == (span.text if span is not None else "")


def test_the_spacy_pipeline_makes_the_rules_spans_once(annotator: NerAnnotator) -> None:
    nlp = annotator.nlp
    doc = make_doc(nlp, "ALK F1174L neuroblastoma did not respond to crizotinib.")
    for name in nlp.pipe_names[:-1]:
        doc = nlp.get_pipe(name)(doc)
    spans = _rules(doc)
    assert [s.text for s in spans] == [s.text for s in doc.spans["rules"]]
    assert {"ALK", "F1174L", "crizotinib"} <= {s.text for s in spans}
    with pytest.raises(RuntimeError, match="before the statistical model"):
        rules_doc(doc)  # a rules component after the spans were handed over
    doc = nlp.get_pipe("neurolit_entities")(doc)
    assert STATE_KEY not in doc.user_data and SPANS_KEY not in doc.user_data  # no cycle through the doc left
    assert [m.text for m in doc._.mentions] == [m.text for m in annotator.annotate_text(doc.text)]


def test_a_text_longer_than_the_limit_is_refused_with_what_to_do(
    annotator: NerAnnotator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(annotator.nlp, "max_length", 40)
    with pytest.raises(InputError, match="max_length"):
        annotator.annotate_text("x" * 41)
    with pytest.raises(InputError):
        list(annotator.annotate_documents([Article(pmid="1", title="", abstract="y" * 41)]))


def test_a_pipeline_with_a_model_runs_through_spacy(tmp_path: Path) -> None:
    from neurolit.ner.pipeline import build_pipeline

    nlp = build_pipeline(use_model=False)
    assert rules_stages(nlp) is not None
    nlp.add_pipe("sentencizer", before="neurolit_entities")  # anything that is not a rules stage
    assert rules_stages(nlp) is None
    assert not NerAnnotator(nlp).text_first


def test_a_lone_surrogate_is_refused_the_same_way_on_both_paths(
    annotator: NerAnnotator, spacy_annotator: NerAnnotator
) -> None:
    for text in ("dopamine \ud800 levels", "A deletion in the sodium/iodide symporter \udfff"):
        for way in (annotator, spacy_annotator):
            with pytest.raises(InputError, match="lone surrogate"):
                way.annotate_text(text)
