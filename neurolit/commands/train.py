"""`neurolit train ner`: train the NER model from the annotated corpora in ../shared/data."""

from __future__ import annotations

from pathlib import Path

import typer

from neurolit.commands.apps import eval_app, train_app

DEFAULT_DATA = Path("../shared/data")


@train_app.command("ner")
def train_ner_command(
    config: Path = typer.Option(Path("models/configs/ner.cfg"), "--config", help="spaCy training config."),
    out: Path = typer.Option(
        ..., "--out", help="Folder for the trained model, e.g. models/neurolit-ner-0.1."
    ),
    data: Path = typer.Option(
        DEFAULT_DATA,
        "--data",
        help="The shared data folder (its corpora/ subfolder holds the training corpora).",
    ),
    sample: int | None = typer.Option(None, "--sample", help="At most N documents per corpus (and of dev)."),
    max_steps: int | None = typer.Option(None, "--max-steps", help="Stop after N optimizer steps."),
    corpus: list[str] | None = typer.Option(
        None, "--corpus", help="Train on these corpora only (repeatable; default: all)."
    ),
    version: str = typer.Option("0.1.0", "--version", help="Model version written to meta.json."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing --out folder."),
) -> None:
    """Train a spaCy tok2vec + NER model (Gene, Drug, Disease, Variant) and save it as a loadable folder."""
    from neurolit.train.trainer import train_ner

    result = train_ner(
        config,
        out,
        data / "corpora",
        sample=sample,
        max_steps=max_steps,
        corpora=corpus or None,
        version=version,
        overwrite=overwrite,
    )
    per_type = result.scores.get("ents_per_type") or {}
    typer.echo(
        f"saved {result.model_path} ({result.train_sentences} training sentences, "
        f"{result.dev_sentences} dev sentences, {result.seconds:.0f} s)"
    )
    typer.echo(f"dev ents_f {result.scores.get('ents_f', 0.0):.3f}")
    for label, score in sorted(per_type.items()):
        typer.echo(f"  {label:<8} P {score['p']:.3f}  R {score['r']:.3f}  F {score['f']:.3f}")


@eval_app.command("ner-model")
def eval_ner_model_command(
    gold: Path = typer.Option(
        Path("../shared/data/corpora/biored/Dev.PubTator"), "--gold", help="Gold PubTator file."
    ),
    corpus: str = typer.Option(
        "biored",
        "--corpus",
        help="Corpus whose type mapping applies (see neurolit/resources/ner_training_corpora.toml).",
    ),
    model: Path | None = typer.Option(None, "--model", help="Model folder (default: the shipped model)."),
    overlap: bool = typer.Option(False, "--overlap", help="Also print the overlapping-span table."),
) -> None:
    """Rules-only vs model-only vs combined (per policy and gate), per label, on a gold PubTator file."""
    from neurolit.ner.model import configured_span_filter, model_settings
    from neurolit.train.evaluate import evaluate_model, format_table
    from neurolit.train.labels import load_registry

    registry = load_registry()
    labels = [label for label in registry.labels if label in registry.get(corpus).annotates]
    settings = model_settings()
    policy = {k: v for k, v in dict(settings.get("policy", {})).items() if k in labels}
    gate = str(settings.get("gate", "candidates"))
    if gate == "uncovered" and int(settings.get("gate_window", 0)):
        gate = f"uncovered±{int(settings['gate_window'])}"
    systems, stats = evaluate_model(
        gold,
        corpus,
        model,
        registry,
        configured=(gate, policy),  # type: ignore[arg-type]
        span_filter=configured_span_filter(settings),
        propagate=bool(settings.get("propagate", False)),
    )
    read = ", ".join(f"{k[5:]} {v:.1%}" for k, v in stats.items() if k.startswith("read:"))
    typer.echo(
        f"{gold} ({int(stats['documents'])} documents); share of tokens the model reads per gate: {read}\n"
    )
    typer.echo("strict spans\n" + format_table(systems, labels, "strict"))
    if overlap:
        typer.echo("\noverlapping spans\n" + format_table(systems, labels, "overlap"))
