"""`neurolit extract`, `neurolit run` and `neurolit eval relations`: the evidence table, measured."""

from __future__ import annotations

from pathlib import Path

import typer

from neurolit.commands import apps


@apps.app.command("extract")
def extract_command(
    input: str = typer.Argument(
        ..., help="Corpus name, .pubtator, .xml[.gz], .jsonl or corpus .sqlite file."
    ),
    out: Path = typer.Option(..., "--out", "-o", help="The evidence table to write (CSV)."),
    min_confidence: float | None = typer.Option(
        None,
        "--min-confidence",
        min=0.0,
        max=1.0,
        help="Keep triples at or above this confidence (default: [relations] min_confidence).",
    ),
    collate: bool = typer.Option(
        False,
        "--collate",
        help="Write one row per gene–variant–drug–significance "
        "with counts of supporting / not-supporting PMIDs.",
    ),
    civic: Path | None = typer.Option(
        None,
        "--civic",
        help="A CIViC ClinicalEvidenceSummaries TSV (.tsv or .tsv.gz): mark triples CIViC already holds.",
    ),
    no_model: bool = typer.Option(
        False, "--no-model", help="NER rules only, even when a trained model exists."
    ),
    engine: str = typer.Option(
        "single",
        "--engine",
        help="single (one process) or dask (partitioned; INPUT may also be `mirror` "
        "or a folder of PubMed XML files).",
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="dask: address of a running scheduler (default: a LocalCluster)."
    ),
    workers: int | None = typer.Option(None, "--workers", min=1, help="dask: LocalCluster workers."),
    parquet: Path | None = typer.Option(
        None, "--parquet", help="dask: folder for the Parquet parts (default: <out>.parquet beside --out)."
    ),
) -> None:
    """Extract variant–drug–response triples from INPUT into an evidence table (CSV)."""
    if engine not in ("single", "dask"):
        raise typer.BadParameter("use --engine single or --engine dask", param_hint="--engine")
    if engine == "dask":
        from neurolit.refresh.extraction import Extractor
        from neurolit.scale.engine import run_dask

        dask_report = run_dask(
            [input],
            out,
            scheduler=scheduler,
            n_workers=workers,
            parquet_dir=parquet,
            civic=civic,
            collate=collate,
            extractor=Extractor(use_model=not no_model, min_confidence=min_confidence),
        )
        r = dask_report
        where = f"{r.triples} rows in {out}; Parquet parts in {r.parquet_dir}"
        typer.echo(
            f"{r.articles} documents, {r.partitions} partitions, {r.workers} worker(s), {r.seconds:.1f} s"
        )
        typer.echo(where)
        return
    from neurolit.relations.pipeline import extract_to_table

    report = extract_to_table(
        input, out, use_model=not no_model, min_confidence=min_confidence, collate=collate, civic=civic
    )
    kind = "collated rows" if report.collated else "rows"
    typer.echo(
        f"{report.documents} documents, {report.triples} triples → {report.rows} {kind} in {report.out}"
    )
    if report.latest is not None:
        typer.echo(f"latest machine table for review: {report.latest}")


@apps.app.command("run")
def run_command(
    query: str = typer.Option(..., "--query", "-q", help="PubMed query, e.g. 'ALK F1174L AND lorlatinib'."),
    corpus: str = typer.Option(..., "--corpus", "-c", help="Corpus to fetch into (created when new)."),
    out: Path = typer.Option(..., "--out", "-o", help="The evidence table to write (CSV)."),
    max_records: int | None = typer.Option(None, "--max", min=1, help="Fetch at most N records."),
    min_confidence: float | None = typer.Option(
        None, "--min-confidence", min=0.0, max=1.0, help="Keep triples at or above this confidence."
    ),
    collate: bool = typer.Option(False, "--collate", help="Write the collated view instead."),
    civic: Path | None = typer.Option(None, "--civic", help="A CIViC ClinicalEvidenceSummaries TSV."),
    no_model: bool = typer.Option(False, "--no-model", help="NER rules only."),
) -> None:
    """Fetch a PubMed query into a corpus, then extract its evidence table: fetch → NER → relations."""
    from neurolit.fetch.run import fetch_query
    from neurolit.relations.pipeline import extract_to_table

    fetched = fetch_query(query, corpus, max_records=max_records)
    typer.echo(
        f"fetched {fetched.fetched} of {fetched.found} records into corpus {corpus!r} "
        f"({fetched.inserted} new, {fetched.updated} updated, {fetched.skipped} already stored)"
    )
    report = extract_to_table(
        corpus, out, use_model=not no_model, min_confidence=min_confidence, collate=collate, civic=civic
    )
    typer.echo(f"{report.documents} documents, {report.triples} triples → {report.rows} rows in {report.out}")
    if report.latest is not None:
        typer.echo(f"latest machine table for review: {report.latest}")


def _pct(value: float) -> str:
    return f"{value:.3f}"


@apps.eval_app.command("relations")
def eval_relations_command(
    gold_dir: Path | None = typer.Option(
        None,
        "--gold-dir",
        help="Curator gold folder (abstracts_*.jsonl + "
        "triples_*.jsonl), e.g. ../shared/data/"
        "gold-triples-dev.",
    ),
    corpus_type: str = typer.Option("gold", "--corpus-type", help="gold | biored | peng | civicmine"),
    path: Path | None = typer.Option(
        None,
        "--path",
        help="BioRED PubTator file (biored), the peng-nary folder / tar.xz (peng) or the civicmine folder.",
    ),
    min_confidence: float | None = typer.Option(
        None, "--min-confidence", min=0.0, max=1.0, help="Threshold (default: [relations] min_confidence)."
    ),
    no_model: bool = typer.Option(False, "--no-model", help="NER rules only (gold, civicmine)."),
    errors: bool = typer.Option(False, "--errors", help="List false positives and negatives (gold)."),
    limit: int | None = typer.Option(
        None, "--limit", min=1, help="Score only the first N instances (peng, civicmine)."
    ),
) -> None:
    """Precision / recall / F1 of relation extraction and the confusion of significance classes."""
    from neurolit.errors import InputError
    from neurolit.relations import evaluate

    kind = corpus_type.lower()
    if kind == "gold":
        if gold_dir is None:
            raise InputError(
                "--gold-dir is required with --corpus-type gold "
                "(e.g. --gold-dir ../shared/data/gold-triples-dev)"
            )
        report = evaluate.evaluate_gold(gold_dir, use_model=not no_model, min_confidence=min_confidence)
        typer.echo(
            f"{report.documents} documents, {report.gold_triples} gold triples, "
            f"{len(report.predicted)} emitted at confidence ≥ {report.threshold}"
        )
        typer.echo("level    P      R      F1     tp  fp  fn")
        for level, score in report.comparison.scores.items():
            typer.echo(
                f"{level:<8} {_pct(score.precision)}  {_pct(score.recall)}  {_pct(score.f1)}  "
                f"{score.tp:>3} {score.fp:>3} {score.fn:>3}"
            )
        comp = report.comparison
        accuracy = comp.direction_right / comp.direction_total if comp.direction_total else 0.0
        typer.echo(
            f"direction (sensitivity vs resistance, supports vs not) right when the triple is right: "
            f"{comp.direction_right}/{comp.direction_total} = {_pct(accuracy)}"
        )
        typer.echo("significance confusion (gold → predicted):")
        for (gold, predicted), count in sorted(comp.confusion.items()):
            typer.echo(f"  {gold:<20} → {predicted:<20} {count}")
        typer.echo("reliability (confidence bin: candidates, correct at full level):")
        for low, high, total, correct in report.reliability:
            share = correct / total if total else 0.0
            typer.echo(f"  [{low:.1f}, {high:.1f})  {total:>4}  {correct:>4}  {_pct(share)}")
        if errors:
            typer.echo("false positives:")
            for key in comp.false_positives:
                typer.echo("  " + " | ".join(key))
            typer.echo("false negatives:")
            for key in comp.false_negatives:
                typer.echo("  " + " | ".join(key))
    elif kind == "biored":
        if path is None:
            raise InputError("--path is required with --corpus-type biored (a BioRED .PubTator file)")
        pairs = evaluate.evaluate_biored(path, min_confidence=min_confidence)
        typer.echo(
            f"{pairs.documents} documents, {pairs.gold_pairs} gold variant–chemical pairs, "
            f"{pairs.predicted_pairs} predicted, {pairs.correct} correct"
        )
        typer.echo(f"P {_pct(pairs.precision)}  R {_pct(pairs.recall)}  F1 {_pct(pairs.f1)}")
    elif kind == "peng":
        if path is None:
            raise InputError(
                "--path is required with --corpus-type peng (the peng-nary folder or its tar.xz)"
            )
        labels = evaluate.evaluate_peng(path, min_confidence=min_confidence, limit=limit)
        typer.echo(f"{labels.instances} instances (drug–gene–mutation, labels mapped to ours)")
        p, r, f = labels.positive()
        typer.echo(f"relation (any response) P {_pct(p)}  R {_pct(r)}  F1 {_pct(f)}")
        for label in ("sensitivity", "resistance"):
            p, r, f = labels.score(label)
            typer.echo(f"{label:<12} P {_pct(p)}  R {_pct(r)}  F1 {_pct(f)}")
        typer.echo(f"direction right when both call a relation: {_pct(labels.direction_accuracy)}")
        typer.echo("confusion (gold → predicted):")
        for (gold, predicted), count in sorted(labels.confusion.items()):
            typer.echo(f"  {gold:<12} → {predicted:<12} {count}")
    elif kind == "civicmine":
        if path is None:
            raise InputError("--path is required with --corpus-type civicmine (the civicmine folder)")
        sentences = evaluate.evaluate_civicmine(
            path, use_model=not no_model, min_confidence=min_confidence, limit=limit
        )
        typer.echo(
            f"{sentences.sentences} sentences, {sentences.gold_sentences} with a Predictive relation naming a "
            f"drug, {sentences.predicted_sentences} with an emitted triple"
        )
        for name, (p, r, f) in (
            ("sentence", sentences.sentence_scores()),
            ("drug", sentences.drug_scores()),
        ):
            typer.echo(f"{name:<8} level  P {_pct(p)}  R {_pct(r)}  F1 {_pct(f)}")
    else:
        raise InputError(f"unknown --corpus-type {corpus_type!r}; use gold, biored, peng or civicmine")
