"""Measure the model against the rules: rules-only, model-only and combined (per policy and gate), per label,
strict and overlapping spans, on a gold PubTator file whose types are mapped through the corpus registry.

The rules pipeline and the model each run once; every policy/gate variant is then combined from the same
predictions, so the comparison isolates the combination choices.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from neurolit.errors import InputError
from neurolit.formats.pubtator import read_pubtator
from neurolit.metrics import Counts
from neurolit.ner.combine import CombinationPolicy, Item, Mode
from neurolit.ner.span_filter import SpanFilter, combined
from neurolit.train.labels import CorpusRegistry, load_registry

if TYPE_CHECKING:
    from neurolit.ner.model import Gate


RAW = "all, unfiltered"


@dataclass
class Score:
    """Per-label strict and overlap counts of one system."""

    strict: dict[str, Counts] = field(default_factory=dict)
    overlap: dict[str, Counts] = field(default_factory=dict)

    def add(self, gold: Sequence[Item], pred: Sequence[Item], labels: Iterable[str]) -> None:
        for label in labels:
            g = {(i.start, i.end) for i in gold if i.label == label}
            p = {(i.start, i.end) for i in pred if i.label == label}
            s = self.strict.setdefault(label, Counts())
            s.tp += len(g & p)
            s.fp += len(p - g)
            s.fn += len(g - p)
            o = self.overlap.setdefault(label, Counts())
            o.tp += sum(1 for a in g if any(a[0] < b[1] and b[0] < a[1] for b in p))
            o.fn += sum(1 for a in g if not any(a[0] < b[1] and b[0] < a[1] for b in p))
            o.fp += sum(1 for b in p if not any(a[0] < b[1] and b[0] < a[1] for a in g))


@dataclass(frozen=True)
class DocumentPredictions:
    gold: tuple[Item, ...]
    rules: tuple[Item, ...]
    model: Mapping[str, tuple[Item, ...]]  # gate name → model spans read under that gate
    tokens: int
    read_tokens: Mapping[str, int]  # gate name → tokens the model read
    text: str  # the document's text (the span filter's features read it)


def gold_items(path: Path, corpus: str, registry: CorpusRegistry) -> list[tuple[str, str, tuple[Item, ...]]]:
    """(pmid, text, gold items mapped to our labels) for each document of a PubTator file."""
    spec = registry.get(corpus)
    out = []
    for doc in read_pubtator(path):
        items = []
        for ann in doc.annotations:
            label = spec.map_type(ann.type)
            if label and label in registry.labels:
                items.append(Item(ann.start, ann.end, label))
        out.append((doc.pmid, doc.text, tuple(items)))
    return out


def default_gates() -> dict[str, Gate]:
    """The gate variants compared: every sentence, candidate sentences, uncovered candidates (± windows)."""
    from neurolit.ner.model import Gate, model_settings

    settings = dict(model_settings())
    return {
        "all": Gate.from_settings({**settings, "gate": "all"}),
        "candidates": Gate.from_settings({**settings, "gate": "candidates"}),
        "uncovered": Gate.from_settings({**settings, "gate": "uncovered", "gate_window": 0}),
        "uncovered±8": Gate.from_settings({**settings, "gate": "uncovered", "gate_window": 8}),
        "uncovered±4": Gate.from_settings({**settings, "gate": "uncovered", "gate_window": 4}),
    }


def predict(
    gold: Sequence[tuple[str, str, tuple[Item, ...]]],
    gates: Mapping[str, Gate],
    model_path: Path | None = None,
) -> list[DocumentPredictions]:
    """Run the rules pipeline (no model) once, and the model on the text each gate selects."""
    from neurolit.ner.model import filter_model_spans, load_model, model_stop_keys, predict_spans
    from neurolit.ner.pipeline import _rules, build_pipeline, doc_text

    rules_nlp = build_pipeline(use_model=False)
    model = load_model(model_path)
    stop_keys = model_stop_keys()
    out: list[DocumentPredictions] = []
    for (_, _, items), doc in zip(gold, rules_nlp.pipe(t for _, t, _ in gold), strict=True):
        mentions = [m for m in (doc._.mentions or []) if not m.is_class]
        rules_spans = _rules(doc)
        text = doc_text(doc)
        per_gate: dict[str, tuple[Item, ...]] = {}
        read: dict[str, int] = {}
        for name, gate in gates.items():
            regions = gate.regions(doc, rules_spans)
            found = predict_spans(model, [text[s:e] for s, e in regions])
            spans = [
                (s + a, s + b, lab) for (s, _), ents in zip(regions, found, strict=True) for a, b, lab in ents
            ]
            per_gate[name] = tuple(
                Item(a, b, lab) for a, b, lab in filter_model_spans(text, spans, stop_keys)
            )
            if name == "all":  # the model's own output, before the pipeline's stoplist
                per_gate[RAW] = tuple(Item(a, b, lab) for a, b, lab in spans)
            read[name] = sum(
                len(span)
                for s, e in regions
                if (span := doc.char_span(s, e, alignment_mode="expand")) is not None
            )
        out.append(
            DocumentPredictions(
                items,
                tuple(Item(m.start, m.end, m.label) for m in mentions),
                per_gate,
                len(doc),
                read,
                text,
            )
        )
    return out


def score_system(
    preds: Sequence[DocumentPredictions],
    labels: Sequence[str],
    gate: str | None,
    policy: CombinationPolicy | None,
    span_filter: SpanFilter | None = None,
    propagate: bool = False,
) -> Score:
    """Score one system: gate None = rules only; else the model spans read under `gate`, combined by `policy`,
    the model's additions filtered by `span_filter` (when given) and propagated (when `propagate`)."""
    score = Score()
    for doc in preds:
        if gate is None or policy is None:
            pred = list(doc.rules)
        else:
            decisions = combined(
                doc.text, doc.rules, doc.model[gate], policy, span_filter, propagate=propagate
            )
            pred = [Item(d.start, d.end, d.label) for d in decisions]
        score.add(doc.gold, pred, labels)
    return score


def evaluate_model(
    gold_path: Path,
    corpus: str = "biored",
    model_path: Path | None = None,
    registry: CorpusRegistry | None = None,
    configured: tuple[str, Mapping[str, Mode]] | None = None,
    span_filter: SpanFilter | None = None,
    propagate: bool = False,
) -> tuple[dict[str, Score], dict[str, float]]:
    """Scores of every system on `gold_path`, and the fraction of tokens the model reads under each gate.

    `configured` = (gate name, per-label modes) of the configured pipeline, scored as "configured" with
    `span_filter` (the filter of the model's additions, or None) and `propagate`.
    """
    if not gold_path.is_file():
        raise InputError(f"gold file {gold_path} does not exist")
    registry = registry or load_registry()
    labels = [label for label in registry.labels if label in registry.get(corpus).annotates]
    gold = gold_items(gold_path, corpus, registry)
    gates = default_gates()
    preds = predict(gold, gates, model_path)
    union = CombinationPolicy.uniform("union", labels)
    systems: dict[str, Score] = {
        "rules only": score_system(preds, labels, None, None),
        "model only (all sentences, no stoplist)": score_system(
            preds, labels, RAW, CombinationPolicy.uniform("model", labels)
        ),
    }
    for name in gates:
        systems[f"union, gate {name}"] = score_system(preds, labels, name, union)
    systems["model_boundaries, gate all"] = score_system(
        preds, labels, "all", CombinationPolicy.uniform("model_boundaries", labels)
    )
    if configured is not None and configured[0] in gates:
        gate, modes = configured
        systems[f"configured without span filter (gate {gate})"] = score_system(
            preds, labels, gate, CombinationPolicy(dict(modes))
        )
        systems[f"configured (gate {gate})"] = score_system(
            preds, labels, gate, CombinationPolicy(dict(modes)), span_filter, propagate
        )
    tokens = sum(p.tokens for p in preds)
    stats = {"documents": float(len(preds))}
    for name in gates:
        stats[f"read:{name}"] = sum(p.read_tokens[name] for p in preds) / tokens if tokens else 0.0
    return systems, stats


def format_table(systems: Mapping[str, Score], labels: Sequence[str], kind: str = "strict") -> str:
    """A Markdown table: one row per system, P/R/F1 per label."""
    head = "| system | " + " | ".join(f"{label} P / R / F1" for label in labels) + " |"
    rule = "|---|" + "---|" * len(labels)
    rows = [head, rule]
    for name, score in systems.items():
        table = score.strict if kind == "strict" else score.overlap
        cells = []
        for label in labels:
            c = table.get(label, Counts())
            cells.append(f"{c.precision:.3f} / {c.recall:.3f} / **{c.f1:.3f}**")
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(rows)
