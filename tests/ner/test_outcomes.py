"""Outcome cues: response class, polarity, negation and hedging on sentences written for these tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from neurolit.errors import InputError
from neurolit.ner.outcome_eval import cue_agrees, evaluate_outcome_cues, main
from neurolit.ner.outcomes import OutcomeMatch, find_outcomes
from tests.conftest import SEEDS, shared_path


def cues(text: str) -> list[tuple[str, str, str, bool, bool]]:
    return [(o.text, o.response, o.polarity, o.negated, o.hedged) for o in find_outcomes(text)]


@pytest.mark.parametrize(
    ("sentence", "cue", "response", "polarity"),
    [
        (
            "She had a complete response to lorlatinib.",
            "complete response",
            "complete_response",
            "sensitivity",
        ),
        ("A complete remission lasted 13 months.", "complete remission", "complete_response", "sensitivity"),
        ("Two patients achieved a partial response.", "partial response", "partial_response", "sensitivity"),
        ("The best response was stable disease.", "stable disease", "stable_disease", "neutral"),
        (
            "Imaging showed progressive disease at 8 weeks.",
            "progressive disease",
            "progressive_disease",
            "resistance",
        ),
        (
            "The tumour progressed on erlotinib after 6 months.",
            "progressed on",
            "progressive_disease",
            "resistance",
        ),
        ("There was no response to crizotinib.", "no response", "no_response", "resistance"),
        ("The patient did not respond to gefitinib.", "did not respond", "no_response", "resistance"),
        (
            "Two patients failed to respond to the combination.",
            "failed to respond",
            "no_response",
            "resistance",
        ),
        ("The disease was refractory to chemotherapy.", "refractory", "no_response", "resistance"),
        ("We saw a lack of response in exon 20 insertions.", "lack of response", "no_response", "resistance"),
        (
            "KRAS mutations confer primary resistance to cetuximab.",
            "primary resistance",
            "primary_resistance",
            "resistance",
        ),
        (
            "T790M mediates acquired resistance to gefitinib.",
            "acquired resistance",
            "acquired_resistance",
            "resistance",
        ),
        (
            "This is a mechanism of acquired lorlatinib resistance.",
            "mechanism of acquired lorlatinib resistance",
            "acquired_resistance",
            "resistance",
        ),
        (
            "Sequencing at the time of relapse found NRAS Q61K.",
            "at the time of relapse",
            "acquired_resistance",
            "resistance",
        ),
        ("Cells with G1202R were resistant to alectinib.", "resistant", "resistance", "resistance"),
        ("Carriers were sensitive to osimertinib.", "sensitive", "sensitivity", "sensitivity"),
        ("Most patients responded to dabrafenib.", "responded", "sensitivity", "sensitivity"),
        ("The objective response rate was 61%.", "objective response rate", "sensitivity", "sensitivity"),
        (
            "Treatment led to tumour shrinkage in all xenografts.",
            "tumour shrinkage",
            "sensitivity",
            "sensitivity",
        ),
        (
            "Lorlatinib caused inhibition of cell growth at 10 nM.",
            "inhibition of cell growth",
            "sensitivity",
            "sensitivity",
        ),
        ("Crizotinib gave a lower IC50 in F1174L cells.", "lower IC50", "sensitivity", "sensitivity"),
        (
            "Carriers had longer progression-free survival.",
            "longer progression-free survival",
            "survival_benefit",
            "sensitivity",
        ),
        ("There was a clear PFS benefit with erlotinib.", "PFS benefit", "survival_benefit", "sensitivity"),
        (
            "The F1174L mutant showed reduced sensitivity to crizotinib.",
            "reduced sensitivity",
            "reduced_sensitivity",
            "reduced_sensitivity",
        ),
        (
            "Exon 20 insertions are less sensitive to gefitinib.",
            "less sensitive",
            "reduced_sensitivity",
            "reduced_sensitivity",
        ),
        ("Grade 3 hepatotoxicity occurred with crizotinib.", "hepatotoxicity", "adverse_response", "adverse"),
        ("Adverse events were more frequent in carriers.", "Adverse events", "adverse_response", "adverse"),
        (
            "Afatinib showed antitumor activity in T790M models.",
            "antitumor activity",
            "sensitivity",
            "sensitivity",
        ),
        ("Erlotinib is effective for EGFR-mutant cancer.", "effective", "sensitivity", "sensitivity"),
        (
            "Afatinib gave an improvement in progression-free survival.",
            "improvement in progression-free survival",
            "survival_benefit",
            "sensitivity",
        ),
        (
            "Wild-type tumours had poorer outcomes on erlotinib.",
            "poorer outcomes",
            "worse_outcome",
            "resistance",
        ),
        ("Patients with MET exon 14 skipping may respond well.", "respond", "sensitivity", "sensitivity"),
    ],
)
def test_response_classes(sentence: str, cue: str, response: str, polarity: str) -> None:
    found = [o for o in find_outcomes(sentence) if o.text == cue]
    assert found, f"{cue!r} not found in {cues(sentence)}"
    assert (found[0].response, found[0].polarity) == (response, polarity)
    assert sentence[found[0].start : found[0].end] == cue


@pytest.mark.parametrize(
    ("sentence", "cue"),
    [
        ("There was no evidence of resistance to osimertinib.", "resistance"),
        ("KRAS mutation was not associated with resistance to erlotinib.", "resistance"),
        ("Resistance was not observed during 12 months of treatment.", "Resistance"),
        ("BRAF V600E cells did not show sensitivity to sorafenib.", "sensitivity"),
    ],
)
def test_negation(sentence: str, cue: str) -> None:
    [match] = [o for o in find_outcomes(sentence) if o.text == cue]
    assert match.negated


@pytest.mark.parametrize(
    ("sentence", "cue"),
    [
        ("The regimen failed to induce a response in ALK-positive cells.", "response"),
        ("No patient with HER2 mutation showed a response to gefitinib.", "response"),
        (
            "Of the fusion-positive patients, none had an objective response to vandetanib.",
            "objective response",
        ),
    ],
)
def test_a_denied_response_is_no_response(sentence: str, cue: str) -> None:
    [match] = [o for o in find_outcomes(sentence) if o.text == cue]
    assert (match.response, match.polarity, match.negated) == ("no_response", "resistance", False)


def test_negation_inside_the_cue_is_not_double_counted() -> None:
    [match] = find_outcomes("The patient did not respond to crizotinib.")
    assert (match.response, match.negated) == ("no_response", False)


def test_negation_does_not_cross_a_clause() -> None:
    result = cues("No toxicity was seen; the tumour responded to lorlatinib.")
    assert ("responded", "sensitivity", "sensitivity", False, False) in result


@pytest.mark.parametrize(
    "sentence",
    [
        "These data suggest that MET amplification may confer resistance to gefitinib.",
        "NRAS Q61K is a potential mechanism of resistance.",
        "HER2 amplification might be associated with sensitivity to lapatinib.",
    ],
)
def test_hedging(sentence: str) -> None:
    assert any(o.hedged for o in find_outcomes(sentence))


def test_plain_statements_are_not_hedged_or_negated() -> None:
    assert all(
        not o.hedged and not o.negated for o in find_outcomes("EGFR L858R tumours responded to erlotinib.")
    )


def test_progression_free_survival_alone_is_not_progression() -> None:
    assert find_outcomes("Progression-free survival was 10 months.") == []


def test_empty_and_irrelevant_text() -> None:
    assert find_outcomes("") == []
    assert find_outcomes("The weather in Baltimore was mild.") == []


def test_founding_case_report_outcomes() -> None:
    seed = SEEDS / "000_f6749f8b3c24dd0e.txt"
    if not seed.is_file():
        pytest.skip(f"founding case report {seed} is not present")
    text = seed.read_text(encoding="utf-8")
    found = find_outcomes(text)
    by_text = {o.text: o for o in found}
    assert by_text["no response"].response == "no_response"
    assert by_text["complete response"].response == "complete_response"
    assert by_text["at the time of relapse"].response == "acquired_resistance"
    acquired = by_text["mechanism of acquired lorlatinib resistance"]
    assert (acquired.response, acquired.hedged) == ("acquired_resistance", True)  # "a potential mechanism"
    assert by_text["refractory"].polarity == "resistance"
    for o in found:
        assert text[o.start : o.end] == o.text


def test_offsets_with_unicode() -> None:
    text = "Patients with EGFR\u00a0L858R had a complete\u00a0response; β-catenin cells were resistant."
    for o in find_outcomes(text):
        assert isinstance(o, OutcomeMatch) and text[o.start : o.end] == o.text
    assert [o.response for o in find_outcomes(text)] == ["complete_response", "resistance"]


def test_resistance_mutation_is_its_own_class() -> None:
    [cue] = find_outcomes("Afatinib inhibits the T790M resistance mutation.")
    assert (cue.text, cue.response, cue.polarity) == ("resistance", "resistance_mutation", "resistance")


def test_cue_agreement_with_curated_evidence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [
        {
            "pmid": "1",
            "response": "sensitivity",
            "direction": "supports",
            "evidence": "EGFR L858R tumours responded to erlotinib.",
        },
        {
            "pmid": "2",
            "response": "resistance",
            "direction": "supports",
            "evidence": "No patient with a KRAS mutation responded to erlotinib.",
        },
        {
            "pmid": "3",
            "response": "resistance",
            "direction": "does_not_support",
            "evidence": "KRAS mutation was not associated with resistance to erlotinib.",
        },
        {
            "pmid": "4",
            "response": "sensitivity",
            "direction": "supports",
            "evidence": "Median survival was 9 months.",
        },
        {"pmid": "5", "response": None, "direction": None, "evidence": None},
    ]
    path = tmp_path / "triples_dev.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    result = evaluate_outcome_cues(tmp_path, max_errors=5)
    assert (result.sentences, result.covered, result.agrees) == (4, 3, 3)
    assert result.disagreements == ("4 sensitivity/supports: no cue | Median survival was 9 months.",)
    assert main(["--triples-dir", str(path)]) == 0
    assert "evidence sentences 4: with a cue 3" in capsys.readouterr().out
    with pytest.raises(InputError, match="does not exist"):
        evaluate_outcome_cues(tmp_path / "missing")


def test_cue_agrees_needs_matching_direction() -> None:
    cues = find_outcomes("Resistance to gefitinib was not observed.")
    assert cue_agrees(cues, "resistance", "does_not_support")
    assert not cue_agrees(cues, "resistance", "supports")


def test_outcome_cues_on_curated_dev_evidence() -> None:
    """Regression guard for the number in docs/evaluation.md."""
    result = evaluate_outcome_cues(shared_path("gold-triples-dev", "triples_dev.jsonl"))
    assert result.sentences == 102 and result.agrees >= 75
