"""Fit the relation confidence model (neurolit/resources/relations_confidence.json) on curator gold triples.

    python scripts/fit_relation_confidence.py --gold-dir ../shared/data/gold-triples-dev [--no-model]

Every candidate triple the rules produce (at any confidence) is labelled correct when its full-level key
(TRIPLES.md) is in the gold; an L2-regularised logistic regression over the interpretable features is fitted.
Grouped 5-fold cross-validation by PMID gives out-of-fold probabilities: their reliability per bin and the
precision/recall at the configured threshold are written into the JSON (and reported in docs/evaluation.md),
so the numbers are not measured on the documents the weights were fitted on.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from neurolit.logistic import fit_logistic
from neurolit.records import Triple
from neurolit.relations.compare import key
from neurolit.relations.confidence import ConfidenceModel
from neurolit.relations.evaluate import load_gold_dir
from neurolit.relations.extract import RelationExtractor

OUT = Path(__file__).resolve().parent.parent / "neurolit" / "resources" / "relations_confidence.json"
BINS = (0.0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001)


# Linguistic priors: the sign a feature's weight may take. A weight fitted against its sign is fixed at 0 (the
# dev set is small; a hedge or a guessed link must never raise confidence because dev happened to reward it).
SIGNS = {
    "bound": 1,
    "cue_strength": 1,
    "relapse_link": 1,
    "section_conclusion": 1,
    "drug_focus": 1,
    "gene_focus": 1,
    "aim": -1,
    "hedged": -1,
    "enrolment": -1,
    "drug_inherited": -1,
    "variant_inherited": -1,
    "gene_inferred": -1,
    "distance": -1,
    "ambiguous_pairing": -1,
    "section_background": -1,
    "synthesized": -1,
    "drug_list": -1,
    "var_clause_differs": -1,
    "refuted": -1,
    "class_resolved": -1,
    "variant_anaphor": -1,
    "section_methods": -1,
    "position": 1,
    "cue_weak": -1,
}


# The linguistic prior the fit starts from and is pulled towards (MAP with a Gaussian prior): how much each
# phenomenon should matter before any data is seen.
PRIOR = {
    "bound": 1.0,
    "cue_strength": 1.5,
    "relapse_link": 0.5,
    "section_conclusion": 0.3,
    "drug_focus": 0.5,
    "gene_focus": 0.5,
    "aim": -3.0,
    "hedged": -0.4,
    "enrolment": -1.0,
    "drug_inherited": -1.0,
    "variant_inherited": -1.2,
    "gene_inferred": -0.7,
    "distance": -0.5,
    "ambiguous_pairing": -0.7,
    "section_background": -0.5,
    "synthesized": -0.2,
    "drug_list": -0.5,
    "var_clause_differs": -0.3,
    "refuted": -0.2,
    "title": 0.0,
    "anaphor_link": 0.0,
    "class_resolved": -0.5,
    "variant_anaphor": -0.7,
    "section_methods": -0.7,
    "position": 0.3,
    "cue_weak": -1.0,
}


def fit_constrained(
    x: np.ndarray, y: np.ndarray, names: Sequence[str], l2: float
) -> tuple[dict[str, float], float]:
    """Fit, fix every weight that takes the wrong sign at 0, refit the others, until none does."""
    active = list(range(len(names)))
    while True:
        prior = np.array([PRIOR.get(names[i], 0.0) for i in active])
        weights, bias = fit_logistic(x[:, active], y, l2, prior)
        wrong = [i for i, w in zip(active, weights, strict=True) if SIGNS.get(names[i], 0) * w < 0]
        if not wrong:
            result = dict.fromkeys(names, 0.0)
            result.update({names[i]: float(w) for i, w in zip(active, weights, strict=True)})
            return result, bias
        active = [i for i in active if i not in wrong]


def reliability(probabilities: Sequence[float], labels: Sequence[int]) -> list[dict[str, float]]:
    rows = []
    for low, high in itertools.pairwise(BINS):
        inside = [(p, y) for p, y in zip(probabilities, labels, strict=True) if low <= p < high]
        rows.append(
            {
                "low": low,
                "high": min(high, 1.0),
                "candidates": len(inside),
                "mean_confidence": round(sum(p for p, _ in inside) / len(inside), 3) if inside else 0.0,
                "precision": round(sum(y for _, y in inside) / len(inside), 3) if inside else 0.0,
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold-dir", required=True, type=Path)
    parser.add_argument("--no-model", action="store_true")
    parser.add_argument("--l2", type=float, default=2.0)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()

    from neurolit.ner.annotate import annotate_documents

    gold = load_gold_dir(args.gold_dir)
    gold_keys = {key(row, "full") for row in gold.rows if not row.get("none")}
    extractor = RelationExtractor()
    threshold = extractor.settings.min_confidence
    candidates: list[Triple] = []
    for doc in annotate_documents(gold.articles, use_model=not args.no_model):
        candidates.extend(extractor.candidates(doc))
    names = sorted({name for t in candidates for name, _ in t.features})
    x = np.array([[float(dict(t.features).get(n, "0")) for n in names] for t in candidates])
    y = np.array([int(key(t, "full") in gold_keys) for t in candidates], dtype=float)
    pmids = sorted({t.pmid for t in candidates})
    fold_of = {pmid: i % args.folds for i, pmid in enumerate(pmids)}
    out_of_fold = np.zeros(len(candidates))
    for fold in range(args.folds):
        train = np.array([fold_of[t.pmid] != fold for t in candidates])
        fold_weights, bias = fit_constrained(x[train], y[train], names, args.l2)
        model = ConfidenceModel(fold_weights, bias)
        for i in np.where(~train)[0]:
            out_of_fold[i] = model.probability(dict(zip(names, x[i].tolist(), strict=True)))
    emitted = out_of_fold >= threshold
    tp = int((emitted & (y == 1)).sum())
    gold_total = len(gold_keys)
    curve = []
    for cut in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        chosen = out_of_fold >= cut
        correct = int((chosen & (y == 1)).sum())
        curve.append(
            {
                "threshold": cut,
                "emitted": int(chosen.sum()),
                "correct": correct,
                "precision": round(correct / max(int(chosen.sum()), 1), 3),
                "recall_of_gold": round(correct / max(gold_total, 1), 3),
            }
        )
    cv = {
        "threshold_curve": curve,
        "threshold": threshold,
        "emitted": int(emitted.sum()),
        "correct": tp,
        "precision_of_candidates_emitted": round(tp / max(int(emitted.sum()), 1), 3),
        "brier": round(float(np.mean((out_of_fold - y) ** 2)), 4),
        "reliability": reliability(out_of_fold.tolist(), y.astype(int).tolist()),
    }
    weights, bias = fit_constrained(x, y, names, args.l2)
    data = {
        "description": "Logistic confidence over interpretable candidate features, fitted by "
        "scripts/fit_relation_confidence.py on the curator dev set (gold-triples-dev).",
        "fitted_on": {
            "documents": len(gold.articles),
            "candidates": len(candidates),
            "positives": int(y.sum()),
            "l2": args.l2,
            "use_model": not args.no_model,
        },
        "bias": round(bias, 4),
        "weights": {n: round(w, 4) for n, w in weights.items()},
        "signs": {n: SIGNS.get(n, 0) for n in names},
        "cross_validation": cv,
    }
    OUT.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in data.items() if k != "description"}, indent=1))
    if math.isnan(bias):
        raise SystemExit("the fit diverged")


if __name__ == "__main__":
    main()
