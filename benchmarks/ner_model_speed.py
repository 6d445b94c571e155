"""Throughput of the NER pipeline with and without the statistical model, against tokenization alone.

    nice python benchmarks/ner_model_speed.py [--data ../shared/data] [--docs 600] [--model models/neurolit-ner-0.1]

Reads real abstracts (BioRED dev + BC5CDR test) from ../shared/data, measures CPU time in one process (one
core; other jobs on a shared machine do not count), best of --rounds interleaved rounds:
tokenization only (the pipeline's own tokenizer), rules only, rules + model under the configured gate (the default) and
under the other gates, and the model alone on whole abstracts. Prints abstracts/s and the ratio to tokenization.
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from neurolit.formats.pubtator import read_pubtator


def texts_from(data: Path, n: int) -> list[str]:
    files = [data / "corpora/biored/Dev.PubTator", data / "corpora/bc5cdr/CDR_TestSet.PubTator"]
    docs = itertools.chain.from_iterable(read_pubtator(f) for f in files)
    return [d.text for d in itertools.islice(docs, n)]


def rate(run: Callable[[list[str]], Iterable[object]], texts: list[str]) -> float:
    """Abstracts per second of CPU time of this process: other jobs on a shared machine do not count."""
    for _ in run(texts[:20]):  # warm up (caches, lazy loading)
        pass
    start = time.process_time()
    for _ in run(texts):
        pass
    return len(texts) / (time.process_time() - start)


def main() -> None:
    import spacy

    from neurolit.ner.model import load_model
    from neurolit.ner.pipeline import build_pipeline

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--docs", type=int, default=600)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    spacy.require_cpu()
    texts = texts_from(args.data, args.docs)
    chars = sum(len(t) for t in texts) / len(texts)
    print(f"{len(texts)} abstracts, {chars:.0f} characters on average, one process")

    rules = build_pipeline(use_model=False)
    combined = build_pipeline(use_model=True, model_path=args.model)
    component = combined.get_pipe("neurolit_model")
    default_gate = component.gate  # type: ignore[attr-defined]
    model = load_model(args.model)

    def with_gate(mode: str, window: int) -> Callable[[list[str]], Iterable[object]]:
        gate = type(default_gate)(mode, default_gate.rule_labels, default_gate.pattern, window)

        def run(ts: list[str]) -> Iterable[object]:
            component.gate = gate  # type: ignore[attr-defined]
            return combined.pipe(ts, batch_size=64)

        return run

    systems: dict[str, Callable[[list[str]], Iterable[object]]] = {
        "tokenization only": lambda ts: (rules.make_doc(t) for t in ts),
        "rules only": lambda ts: rules.pipe(ts, batch_size=64),
        f"rules + model, gate {default_gate.mode} ±{default_gate.window} (default)": with_gate(
            default_gate.mode, default_gate.window
        ),
        "rules + model, gate uncovered": with_gate("uncovered", 0),
        "rules + model, gate candidates": with_gate("candidates", 0),
        "rules + model, gate all": with_gate("all", 0),
        "model alone (whole abstracts)": lambda ts: model.pipe(ts, batch_size=64),
    }
    results: dict[str, float] = {}
    for _ in range(args.rounds):
        for name, run in systems.items():
            results[name] = max(results.get(name, 0.0), rate(run, texts))
    base = results["tokenization only"]
    for name, value in results.items():
        print(f"{name:<42} {value:8.1f} abstracts/s   {value / base:6.3f} of tokenization")


if __name__ == "__main__":
    main()
