"""`neurolit annotate` and `neurolit eval ner`: thin wrappers over neurolit.ner."""

from __future__ import annotations

from pathlib import Path

import typer

from neurolit.commands.apps import app, eval_app


@app.command("annotate")
def annotate_command(
    input: str = typer.Argument(
        ..., help="Corpus name, .pubtator, .xml[.gz], .jsonl or corpus .sqlite file."
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Output file: .pubtator or .jsonl (every attribute)."),
    no_model: bool = typer.Option(False, "--no-model", help="Rules only, even when a trained model exists."),
    model: Path | None = typer.Option(
        None, "--model", help="A trained NER model folder (default: packaged)."
    ),
) -> None:
    """Tag genes, variants, drugs, diseases and outcomes, normalized, and write them with exact offsets."""
    from neurolit.api import read_articles
    from neurolit.files import atomic_path
    from neurolit.ner.annotate import annotate_documents
    from neurolit.ner.output import output_format, write_annotated

    fmt = output_format(out)
    with atomic_path(out) as tmp, tmp.open("w", encoding="utf-8") as handle:
        count = write_annotated(
            annotate_documents(read_articles(input), use_model=not no_model, model_path=model), handle, fmt
        )
    typer.echo(f"annotated {count} documents → {out}")


@eval_app.command("ner")
def eval_ner_command(
    gold: Path = typer.Option(
        ..., "--gold", help="Gold PubTator file (BioRED, tmVar3, BC5CDR, NLM-Gene, ...)."
    ),
    corpus_type: str | None = typer.Option(
        None,
        "--corpus-type",
        help="biored|tmvar3|bc5cdr|nlm-gene|gnormplus|ncbi-disease (default: guessed from the file name).",
    ),
    errors: bool = typer.Option(False, "--errors", help="Also list every false positive/negative."),
    no_model: bool = typer.Option(False, "--no-model", help="Evaluate the rules only."),
    limit: int | None = typer.Option(None, "--limit", help="Score only the first N documents."),
) -> None:
    """Strict and overlapping span P/R/F1 per type, and gene normalization accuracy, against a gold corpus."""
    from neurolit.errors import InputError
    from neurolit.ner.evaluate import evaluate_ner, format_report

    if not gold.is_file():
        raise InputError(f"gold file {gold} does not exist")
    report = evaluate_ner(gold, corpus_type=corpus_type, errors=errors, use_model=not no_model, limit=limit)
    if errors:
        for line in report.errors:
            typer.echo(line)
    typer.echo(format_report(report))
