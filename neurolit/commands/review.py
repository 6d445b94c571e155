"""Commands of the review stage: `review` (serve the app), `review export|import|agreement`, and `export`.

Thin wrappers over neurolit.review; Flask, pandas and the stage are imported inside the commands.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from neurolit.commands.apps import app

console = Console(stderr=True)
out = Console()

review_app = typer.Typer(
    help="Curator review: serve the web app (no subcommand), or round-trip a sheet, or report agreement.",
    invoke_without_command=True,
)
app.add_typer(review_app, name="review")

CorpusOption = Annotated[
    str,
    typer.Option(
        "--corpus", "-c", help="Corpus name (its decisions live in $NEUROLIT_HOME/review/<corpus>.sqlite)."
    ),
]
EvidenceOption = Annotated[
    Path | None,
    typer.Option(
        "--evidence", help="Evidence table to review (default: $NEUROLIT_HOME/evidence/<corpus>.csv)."
    ),
]


class StatusChoice(StrEnum):
    accepted = "accepted"
    corrected = "corrected"
    rejected = "rejected"
    pending = "pending"
    rereview = "rereview"
    decided = "decided"
    all = "all"


class ExportFormat(StrEnum):
    csv = "csv"
    civic_tsv = "civic-tsv"


@review_app.callback()
def review_command(
    ctx: typer.Context,
    corpus: Annotated[str | None, typer.Option("--corpus", "-c", help="Corpus to review.")] = None,
    evidence: EvidenceOption = None,
    host: Annotated[
        str | None,
        typer.Option(
            help="Address to bind (default 127.0.0.1, config review.host). Other addresses need a token."
        ),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(help="Port (default 8765, config review.port; 0 = any free port).", min=0, max=65535),
    ] = None,
    curator: Annotated[
        str | None, typer.Option(help="Your curator name (recorded with every decision).")
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(help="Access token required from every client (or set NEUROLIT_REVIEW_TOKEN)."),
    ] = None,
) -> None:
    """Serve the review web app for a corpus: `neurolit review --corpus NAME`."""
    if ctx.invoked_subcommand is not None:
        return
    if corpus is None:
        raise typer.BadParameter(
            "give --corpus NAME (or a subcommand: export, import, agreement)", param_hint="--corpus"
        )
    from neurolit.config import load_config
    from neurolit.review.app import create_app
    from neurolit.review.server import ReviewServer, is_loopback, open_review, resolve_token, review_settings

    config = load_config()
    _limits, page_size = review_settings(config)
    section = config.section("review")
    bind = host or str(section.get("host", "127.0.0.1"))
    access = resolve_token(bind, token)
    service = open_review(corpus, evidence=evidence, config=config)
    flask_app = create_app(
        service, token=access, curator=curator, page_size=page_size, loopback_only=is_loopback(bind)
    )
    server = ReviewServer(flask_app, bind, int(section.get("port", 8765)) if port is None else port)
    address = server.url + (f"/?token={access}" if access else "/")
    console.print(
        f"reviewing [bold]{escape(corpus)}[/] ({len(service.triples())} triples from "
        f"{escape(str(service.evidence_path))}); decisions in {escape(str(service.store.path))}"
    )
    console.print(f"open {escape(address)}   (Ctrl-C stops the server)", highlight=False)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        console.print("stopped")


@review_app.command("export")
def review_export_command(
    corpus: CorpusOption,
    out_path: Annotated[Path, typer.Option("--out", "-o", help="Sheet to write (CSV).")],
    evidence: EvidenceOption = None,
    status: Annotated[
        StatusChoice, typer.Option(help="Only triples with this review status.")
    ] = StatusChoice.all,
) -> None:
    """Write the review queue as a CSV sheet to fill in (decision, corrections, reason, note)."""
    from neurolit.review.server import open_review
    from neurolit.review.service import QueueFilter
    from neurolit.review.sheets import export_sheet

    service = open_review(corpus, evidence=evidence)
    count = export_sheet(service, out_path, QueueFilter(status=status.value, sort="pmid"))
    console.print(
        f"wrote {count} row(s) to {escape(str(out_path))}; fill the decision column "
        "(accept/reject/correct), then `neurolit review import`"
    )


@review_app.command("import")
def review_import_command(
    sheet: Annotated[Path, typer.Argument(help="A sheet written by `neurolit review export`.")],
    corpus: CorpusOption,
    evidence: EvidenceOption = None,
    curator: Annotated[str | None, typer.Option(help="Curator for rows whose curator cell is empty.")] = None,
) -> None:
    """Validate a filled sheet and apply its decisions (none when any row is invalid)."""
    from neurolit.errors import ReviewError
    from neurolit.review.server import open_review
    from neurolit.review.sheets import import_sheet

    service = open_review(corpus, evidence=evidence)
    report = import_sheet(service, sheet, curator=curator)
    for problem in report.rejected:
        console.print(f"[red]rejected[/] {escape(str(problem))}", highlight=False)
    for problem in report.conflicts:
        console.print(f"[yellow]conflict[/] {escape(str(problem))}", highlight=False)
    if not report.ok:
        raise ReviewError(
            f"{len(report.rejected)} of {report.rows} row(s) rejected; nothing was applied. Fix "
            "the rows listed above and import again"
        )
    console.print(
        f"{report.rows} row(s): {report.applied} applied, {report.skipped} without a decision, "
        f"{len(report.conflicts)} conflict(s) logged but not applied (export a fresh sheet to see them)"
    )


@review_app.command("agreement")
def review_agreement_command(
    corpus: CorpusOption,
    curators: Annotated[
        str | None, typer.Option(help="Two curators, comma-separated (default: every pair).")
    ] = None,
) -> None:
    """Agreement between curators on the triples both decided: counts and Cohen's kappa."""
    from neurolit.config import load_config
    from neurolit.errors import InputError
    from neurolit.review.agreement import CATEGORIES, agreement_report
    from neurolit.review.store import DecisionStore, review_store_path

    home = load_config().home
    path = review_store_path(corpus, home)
    if not path.is_file():
        raise InputError(f"no decisions for corpus {corpus!r} yet ({path}); review with `neurolit review`")
    pair: tuple[str, str] | None = None
    if curators:
        names = [name.strip() for name in curators.split(",") if name.strip()]
        if len(names) != 2:
            raise InputError("--curators takes exactly two names, e.g. --curators alice,bob")
        pair = (names[0], names[1])
    report = agreement_report(DecisionStore(path).log(), pair)
    counts = ", ".join(f"{name}: {count}" for name, count in report.curators.items()) or "none"
    out.print(f"triples with a verdict per curator: {escape(counts)}", highlight=False)
    if not report.pairs:
        out.print("no triple has verdicts from two curators yet")
    for result in report.pairs:
        kappa = "n/a" if result.kappa is None else f"{result.kappa:.3f}"
        observed = "n/a" if result.observed is None else f"{100 * result.observed:.1f}%"
        out.print(
            f"{escape(result.curator_a)} × {escape(result.curator_b)}: {result.n} shared, "
            f"{result.agreed} agreed ({observed}), Cohen's kappa {kappa}",
            highlight=False,
        )
        table = Table(f"{result.curator_a} ↓ / {result.curator_b} →", *CATEGORIES)
        for category, row in zip(CATEGORIES, result.table, strict=True):
            table.add_row(category, *(str(cell) for cell in row))
        out.print(table)
        for tid, va, vb in result.disagreements:
            out.print(f"  disagree {tid}: {va} vs {vb}", highlight=False)


@app.command("export")
def export_command(
    corpus: CorpusOption,
    out_path: Annotated[Path, typer.Option("--out", "-o", help="File to write.")],
    status: Annotated[StatusChoice, typer.Option(help="Review status to export.")] = StatusChoice.accepted,
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            help="csv: the evidence schema plus decision columns; civic-tsv: CIViC-style evidence items.",
        ),
    ] = ExportFormat.csv,
    evidence: EvidenceOption = None,
) -> None:
    """Export curated triples: `neurolit export --corpus NAME --status accepted --out curated.csv`."""
    from neurolit.review.exports import export_curated
    from neurolit.review.server import open_review

    service = open_review(corpus, evidence=evidence)
    result = export_curated(service, out_path, status=status.value, fmt=fmt.value)
    console.print(f"wrote {result.rows} {status.value} triple(s) to {escape(str(out_path))}")
    if result.left_out_for_rereview:
        console.print(
            f"[yellow]{result.left_out_for_rereview} decided triple(s) left out: their evidence changed "
            "since the decision (review them with --status rereview)[/]"
        )
