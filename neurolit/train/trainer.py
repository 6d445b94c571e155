"""Train the NER model: convert the corpora, run spaCy's training loop on our config, keep the best model.

The result is a self-contained spaCy folder (tokenizer rules included) that `spacy.load` opens without
neurolit, with training metadata (corpora, counts, licences, dev scores) written into its meta.json.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neurolit.errors import InputError, ModelError
from neurolit.train.corpus import build_docbins
from neurolit.train.labels import CorpusRegistry, load_registry

CALLBACK_NAME = "neurolit.extend_tokenizer.v1"


@dataclass(frozen=True)
class TrainResult:
    model_path: Path
    seconds: float
    scores: dict[str, Any]
    train_sentences: int
    dev_sentences: int


def _register_callbacks() -> None:
    import spacy

    from neurolit.train.convert import extend_tokenizer

    if CALLBACK_NAME in spacy.registry.callbacks:
        return

    def make_callback() -> Any:
        return extend_tokenizer

    spacy.registry.callbacks.register(CALLBACK_NAME, func=make_callback)


def train_ner(
    config_path: Path,
    out: Path,
    data_root: Path,
    *,
    sample: int | None = None,
    max_steps: int | None = None,
    corpora: Sequence[str] | None = None,
    registry: CorpusRegistry | None = None,
    work_dir: Path | None = None,
    name: str | None = None,
    version: str = "0.1.0",
    overwrite: bool = False,
    rules_for_missing: bool = True,
) -> TrainResult:
    """Train a model from `config_path` on the corpora under `data_root` (../shared/data/corpora) into `out`."""
    from spacy.cli.train import train as spacy_train

    if not config_path.is_file():
        raise InputError(
            f"training config {config_path} does not exist (the default is models/configs/ner.cfg)"
        )
    if out.exists() and any(out.iterdir()) and not overwrite:
        raise InputError(f"{out} already exists; choose another --out or pass --overwrite")
    if max_steps is not None and max_steps < 1:
        raise InputError("--max-steps must be at least 1")
    if sample is not None and sample < 1:
        raise InputError("--sample must be at least 1")
    registry = registry or load_registry()
    _register_callbacks()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="neurolit-train-", dir=work_dir) as tmp:
        tmp_path = Path(tmp)
        built = build_docbins(
            registry,
            data_root,
            tmp_path / "corpus",
            corpora=corpora,
            sample=sample,
            rules_for_missing=rules_for_missing,
        )
        overrides: dict[str, Any] = {"paths.train": str(built.train_path), "paths.dev": str(built.dev_path)}
        if max_steps is not None:
            overrides["training.max_steps"] = max_steps
            overrides["training.eval_frequency"] = max(1, min(max_steps, 500))
        output = tmp_path / "output"
        spacy_train(config_path, output, overrides=overrides, use_gpu=-1)
        best = output / "model-best"
        if not best.is_dir():
            best = output / "model-last"
        if not best.is_dir():
            raise ModelError(f"spaCy training wrote no model under {output}")
        meta_path = best / "meta.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        seconds = time.perf_counter() - started
        selected = list(corpora) if corpora else list(registry.order)
        meta.update(
            {
                "name": name or out.name.replace("-", "_"),
                "version": version,
                "description": "neurolit NER: Gene, Drug, Disease, Variant (spaCy tok2vec + ner, no vectors)",
                "license": "see MODEL_CARD.md (weights trained on research corpora with differing licences)",
            }
        )
        meta["neurolit"] = {
            "corpora": {
                n: {"files": list(registry.get(n).files), "licence": registry.get(n).licence}
                for n in selected
            },
            "sample": sample,
            "rules_for_missing": rules_for_missing,
            "max_steps": max_steps,
            "train": built.train.to_dict(),
            "dev": built.dev.to_dict(),
            "train_seconds": round(seconds, 1),
        }
        meta_path.write_text(json.dumps(meta, indent=2), encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(best, out)
    return TrainResult(
        out,
        seconds,
        dict(meta.get("performance", {})),
        sum(built.train.sentences.values()),
        sum(built.dev.sentences.values()),
    )
