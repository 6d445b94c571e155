"""Check the outcome cues against curators' evidence sentences (../shared/data/gold-triples-dev).

No corpus annotates response/resistance cue spans, but every gold triple carries the sentence the curators took
as evidence, its significance (sensitivity, resistance, reduced_sensitivity, adverse_response) and direction
(supports, does_not_support). For each evidence sentence we ask:

- covered: does ``find_outcomes`` find any cue in it?
- agrees: is there a cue whose polarity is the gold significance, not negated when the gold direction is
  "supports", negated (or a no_response cue under "does_not_support" with the opposite polarity) otherwise?

Run: ``python -m neurolit.ner.outcome_eval --triples-dir ../shared/data/gold-triples-dev [--errors 20]``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from neurolit.errors import InputError
from neurolit.ner.outcomes import OutcomeMatch, find_outcomes

_POLARITY_OF_SIGNIFICANCE = {
    "sensitivity": "sensitivity",
    "resistance": "resistance",
    "reduced_sensitivity": "reduced_sensitivity",
    "adverse_response": "adverse",
}


@dataclass(frozen=True, slots=True)
class CueAgreement:
    sentences: int
    covered: int
    agrees: int
    disagreements: tuple[str, ...] = ()

    def summary(self) -> str:
        n = self.sentences or 1
        return (
            f"evidence sentences {self.sentences}: with a cue {self.covered} ({self.covered / n:.3f}), "
            f"cue polarity and negation agree with the gold significance and direction {self.agrees} "
            f"({self.agrees / n:.3f})"
        )


def cue_agrees(cues: Sequence[OutcomeMatch], significance: str, direction: str) -> bool:
    """True when one cue carries the gold significance with the gold direction."""
    wanted = _POLARITY_OF_SIGNIFICANCE.get(significance, significance)
    for cue in cues:
        if direction == "supports" and cue.polarity == wanted and not cue.negated:
            return True
        if direction == "does_not_support" and cue.polarity == wanted and cue.negated:
            return True
    return False


def evaluate_outcome_cues(triples_path: str | Path, *, max_errors: int = 0) -> CueAgreement:
    path = Path(triples_path)
    if path.is_dir():
        path = path / "triples_dev.jsonl"
    if not path.is_file():
        raise InputError(f"{path} does not exist; pass the gold-triples folder or its triples_dev.jsonl")
    sentences = covered = agrees = 0
    errors: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        triple = json.loads(line)
        evidence, significance = triple.get("evidence"), triple.get("response")
        if not evidence or not significance:
            continue
        sentences += 1
        cues = find_outcomes(evidence)
        covered += bool(cues)
        if cue_agrees(cues, significance, triple.get("direction") or "supports"):
            agrees += 1
        elif len(errors) < max_errors:
            found = (
                ", ".join(f"{c.text!r}:{c.polarity}{'(neg)' if c.negated else ''}" for c in cues) or "no cue"
            )
            errors.append(
                f"{triple.get('pmid')} {significance}/{triple.get('direction')}: {found} | {evidence}"
            )
    return CueAgreement(sentences, covered, agrees, tuple(errors))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m neurolit.ner.outcome_eval", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--triples-dir", required=True, help="gold-triples folder (or its triples_dev.jsonl)")
    parser.add_argument("--errors", type=int, default=0, help="print up to N sentences where no cue agrees")
    args = parser.parse_args(argv)
    try:
        result = evaluate_outcome_cues(args.triples_dir, max_errors=args.errors)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(result.summary())
    for line in result.disagreements:
        print(line)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
