"""Fit the filter of the NER model's additions (neurolit/resources/ner_span_filter.json).

    python scripts/fit_span_filter.py [--data ../shared/data] [--fit CORPUS:FILE ...] [--eval CORPUS:FILE]
        [--gate uncovered±4] [--labels Gene Drug] [--write]

The rules pipeline and the model run once per file (the model on the text the gate selects); every model span the
``union`` policy would add (no rules mention overlaps it) is labelled correct when a gold mention has exactly its
offsets and label. Only additions of labels the corpus annotates count, and additions overlapping a span of a
type the registry maps to "?" (gene families, non-standard references) are left out. An L2-regularised logistic
regression over the features of `neurolit.ner.span_filter` is fitted.

The weights are fitted on the --fit files (default GNormPlus test for genes and NLM-Chem test for chemicals: held
out of the model's training and not scored anywhere else), so BioRED dev (--eval) is held out from the fit as
well as from training. For comparison the script also reports, on the --eval file, a filter fitted on that file
with grouped 5-fold cross-validation by document (out-of-fold) and in-sample. `--write` stores the --fit weights
with these figures.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from neurolit.formats.pubtator import read_pubtator
from neurolit.logistic import fit_logistic
from neurolit.metrics import Counts
from neurolit.ner.combine import CombinationPolicy, Decision, Item, combine
from neurolit.ner.span_filter import FEATURES, SpanFilter, combined, is_addition, span_features
from neurolit.train.evaluate import DocumentPredictions, Score, default_gates, gold_items, predict
from neurolit.train.labels import UNKNOWN, load_registry

# A document: its text, gold items, the predictions, and gold spans of "?" types.
Doc = tuple[str, tuple[Item, ...], DocumentPredictions, tuple[Item, ...]]
OUT = Path(__file__).resolve().parent.parent / "neurolit" / "resources" / "ner_span_filter.json"
FOLDS = 5


def additions(doc: DocumentPredictions, gate: str, policy: CombinationPolicy) -> list[Decision]:
    return [d for d in combine(list(doc.rules), list(doc.model[gate]), policy) if is_addition(d)]


def dataset(
    docs: Sequence[Doc], gate: str, policy: CombinationPolicy
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Feature rows, labels (exact gold match), document index and entity label of every model addition."""
    rows: list[list[float]] = []
    ys: list[float] = []
    groups: list[int] = []
    kinds: list[str] = []
    for index, (text, gold, doc, ambiguous) in enumerate(docs):
        gold_keys = {(g.start, g.end, g.label) for g in gold}
        for d in additions(doc, gate, policy):
            item = Item(d.start, d.end, d.label)
            if any(item.overlaps(a) for a in ambiguous):
                continue
            feats = span_features(text, item, doc.rules, doc.model[gate])
            rows.append([feats[name] for name in FEATURES])
            ys.append(float((d.start, d.end, d.label) in gold_keys))
            groups.append(index)
            kinds.append(d.label)
    return np.array(rows), np.array(ys), np.array(groups), kinds


def kept(x: np.ndarray, y: np.ndarray, kinds: Sequence[str], span_filter: SpanFilter) -> dict[str, list[int]]:
    """Per label: [correct additions, of them kept, wrong additions, of them kept] under `span_filter`."""
    out: dict[str, list[int]] = {}
    for row, correct, kind in zip(x, y, kinds, strict=True):
        counts = out.setdefault(kind, [0, 0, 0, 0])
        at = 0 if correct else 2
        counts[at] += 1
        counts[at + 1] += span_filter.accepts(dict(zip(FEATURES, map(float, row), strict=True)))
    return out


def score(
    docs: Sequence[Doc],
    gate: str,
    policy: CombinationPolicy,
    filters: Sequence[SpanFilter | None],
    labels: Sequence[str],
    propagate: bool,
) -> dict[str, Counts]:
    """Strict counts per label of the combined output, document i filtered by filters[i]."""
    score = Score()
    for (text, gold, doc, _), span_filter in zip(docs, filters, strict=True):
        final = combined(text, doc.rules, doc.model[gate], policy, span_filter, propagate=propagate)
        score.add(gold, [Item(d.start, d.end, d.label) for d in final], labels)
    return {label: score.strict.get(label, Counts()) for label in labels}


def to_filter(weights: np.ndarray, bias: float, threshold: float) -> SpanFilter:
    return SpanFilter({name: float(w) for name, w in zip(FEATURES, weights, strict=True)}, bias, threshold)


def ambiguous_spans(path: Path, corpus: str) -> list[list[Item]]:
    """Per document, the gold spans of types mapped to "?" (neither entity nor O)."""
    spec = load_registry().get(corpus)
    return [
        [Item(a.start, a.end, "?") for a in doc.annotations if spec.map_type(a.type) == UNKNOWN]
        for doc in read_pubtator(path)
    ]


def load_docs(data: Path, source: str, gate: str) -> list[Doc]:
    """Gold, ambiguous spans and predictions of every document of CORPUS:FILE (FILE under data/corpora)."""
    corpus, _, name = source.partition(":")
    path = data / "corpora" / name
    gold = gold_items(path, corpus, load_registry())
    preds = predict(gold, {gate: default_gates()[gate]})
    ambiguous = ambiguous_spans(path, corpus)
    return [
        (text, items, p, tuple(amb)) for (_, text, items), p, amb in zip(gold, preds, ambiguous, strict=True)
    ]


def annotated(source: str, labels: Sequence[str]) -> list[str]:
    spec = load_registry().get(source.partition(":")[0])
    return [label for label in labels if label in spec.annotates]


def out_of_fold(
    x: np.ndarray, y: np.ndarray, groups: np.ndarray, n_docs: int, args: argparse.Namespace
) -> list[SpanFilter | None]:
    """Per document, the filter fitted on the other folds (documents assigned to FOLDS folds round-robin)."""
    fold_of = np.arange(n_docs) % FOLDS
    filters: list[SpanFilter | None] = [None] * n_docs
    for fold in range(FOLDS):
        weights, bias = fit_logistic(x[fold_of[groups] != fold], y[fold_of[groups] != fold], args.l2)
        for i in np.flatnonzero(fold_of == fold):
            filters[i] = to_filter(weights, bias, args.threshold)
    return filters


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument(
        "--fit",
        nargs="+",
        default=["gnormplus:gnormplus/GNormPlus_Test.PubTator", "nlm-chem:nlm-chem/NLMchem_Test.PubTator"],
    )
    parser.add_argument("--eval", default="biored:biored/Dev.PubTator")
    parser.add_argument("--gate", default="uncovered±4")
    parser.add_argument("--labels", nargs="+", default=["Gene", "Drug"])
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()

    xs, ys = [], []
    for source in args.fit:
        labels = annotated(source, args.labels)
        x, y, _, _ = dataset(
            load_docs(args.data, source, args.gate), args.gate, CombinationPolicy.uniform("union", labels)
        )
        print(f"fit {source} ({' '.join(labels)}): {len(y)} additions, {int(y.sum())} correct")
        xs.append(x)
        ys.append(y)
    weights, bias = fit_logistic(np.vstack(xs), np.concatenate(ys), args.l2)
    fitted = to_filter(weights, bias, args.threshold)

    docs = load_docs(args.data, args.eval, args.gate)
    labels = annotated(args.eval, args.labels)
    policy = CombinationPolicy.uniform("union", labels)
    x, y, groups, kinds = dataset(docs, args.gate, policy)
    own = to_filter(*fit_logistic(x, y, args.l2), args.threshold)
    none: list[SpanFilter | None] = [None] * len(docs)
    oof = out_of_fold(x, y, groups, len(docs), args)
    systems = {
        "union, no filter": score(docs, args.gate, policy, none, labels, False),
        "union + propagation, no filter": score(docs, args.gate, policy, none, labels, True),
        "filter fitted on --fit (held out)": score(
            docs, args.gate, policy, [fitted] * len(docs), labels, False
        ),
        "filter + propagation (held out)": score(docs, args.gate, policy, [fitted] * len(docs), labels, True),
        "own-fit filter + prop., out-of-fold": score(docs, args.gate, policy, oof, labels, True),
        "own-fit filter + prop., in-sample": score(docs, args.gate, policy, [own] * len(docs), labels, True),
    }
    report = {
        name: {
            label: [round(c.precision, 3), round(c.recall, 3), round(c.f1, 3)] for label, c in counts.items()
        }
        for name, counts in systems.items()
    }
    print(f"eval {args.eval}: {len(y)} additions, {int(y.sum())} correct")
    for label, (right, right_kept, wrong, wrong_kept) in sorted(kept(x, y, kinds, fitted).items()):
        print(
            f"  the held-out filter keeps {label}: {right_kept} of {right} correct, {wrong_kept} of {wrong} wrong"
        )
    for name, counts in systems.items():
        cells = "  ".join(
            f"{label} {c.precision:.3f}/{c.recall:.3f}/{c.f1:.3f} (TP {c.tp} FP {c.fp} FN {c.fn})"
            for label, c in counts.items()
        )
        print(f"{name:38s} {cells}")
    for name, w in zip(FEATURES, weights, strict=True):
        print(f"  {name:20s} {w:+.3f}")
    print(f"  {'bias':20s} {bias:+.3f}")
    if args.write:
        data = {
            "weights": {name: round(float(w), 4) for name, w in zip(FEATURES, weights, strict=True)},
            "bias": round(bias, 4),
            "fitted_on": args.fit,
            "gate": args.gate,
            "l2": args.l2,
            "additions": int(sum(len(v) for v in ys)),
            "correct": int(sum(v.sum() for v in ys)),
            "evaluated_on": args.eval,
            "strict_p_r_f1": report,
        }
        OUT.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
