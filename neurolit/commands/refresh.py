"""Commands of the refresh stage: `refresh`, `schedule`, and the `mirror` group (sync, status).

`neurolit refresh` exits with a status a scheduler can act on (neurolit.refresh.exitcodes): 0 ok, 1 needs a
person, 3 another run holds the lock, 4 temporary failure (retry later), 5 some corpora failed.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from neurolit.commands.apps import app, mirror_app
from neurolit.errors import FetchError, InputError, LockedError, NeurolitError
from neurolit.refresh.exitcodes import EXIT_ERROR, EXIT_LOCKED, EXIT_OK, EXIT_PARTIAL, EXIT_TEMPORARY

console = Console(stderr=True)


def _exit_code_for(exc: NeurolitError) -> int:
    if isinstance(exc, LockedError):
        return EXIT_LOCKED
    if isinstance(exc, FetchError):
        return EXIT_TEMPORARY
    return EXIT_ERROR


def combine_exit_codes(codes: list[int]) -> int:
    """One status for several corpora: all ok → 0; some ok → 5; none ok → 3 if all locked, 4 if all
    temporary or locked, else 1."""
    if all(code == EXIT_OK for code in codes):
        return EXIT_OK
    if any(code == EXIT_OK for code in codes):
        return EXIT_PARTIAL
    if all(code == EXIT_LOCKED for code in codes):
        return EXIT_LOCKED
    if all(code in (EXIT_LOCKED, EXIT_TEMPORARY) for code in codes):
        return EXIT_TEMPORARY
    return EXIT_ERROR


@app.command("refresh")
def refresh_command(
    names: Annotated[list[str] | None, typer.Argument(help="Corpora to refresh.", show_default=False)] = None,
    all_corpora: Annotated[
        bool, typer.Option("--all", help="Refresh every corpus that has a saved query.")
    ] = False,
    no_model: Annotated[
        bool, typer.Option("--no-model", help="Rules-only NER (no statistical model).")
    ] = False,
) -> None:
    """Bring corpora and their evidence tables up to date (for cron/systemd; see `neurolit schedule`).

    Fetches what is new or revised for each corpus's saved query since its watermark, applies deletions,
    re-extracts only changed records into $NEUROLIT_HOME/evidence/<corpus>.csv, then moves the watermark.
    Curator decisions are kept.

    Exit status: 0 ok; 1 needs attention (config, unknown corpus, no saved query); 3 another run holds the
    lock (nothing done); 4 temporary failure (network/E-utilities; retry later, nothing lost); 5 some of
    several corpora failed.
    """
    from neurolit.config import load_config
    from neurolit.refresh.extraction import Extractor
    from neurolit.refresh.run import refresh_corpus

    config = load_config()
    targets = list(names or [])
    if all_corpora:
        if targets:
            raise InputError("give corpus names or --all, not both")
        from neurolit.fetch.store import CorpusStore

        targets = [info.name for info in CorpusStore.list_corpora(config.home) if info.query]
        if not targets:
            console.print("no corpus with a saved query to refresh")
            raise typer.Exit(EXIT_OK)
    if not targets:
        raise InputError("name the corpora to refresh, or pass --all")
    extractor = Extractor(use_model=not no_model)
    codes: list[int] = []
    for name in targets:
        try:
            result = refresh_corpus(
                name, config=config, extractor=extractor, progress=lambda m: console.print(escape(m))
            )
        except NeurolitError as exc:
            code = _exit_code_for(exc)
            codes.append(code)
            label = {EXIT_LOCKED: "skipped", EXIT_TEMPORARY: "temporary failure"}.get(code, "error")
            console.print(f"[bold red]{label}:[/] {escape(name)}: {escape(str(exc))}", highlight=False)
            continue
        codes.append(EXIT_OK)
        typer.echo(
            f"{result.corpus}: {result.fetched} fetched ({result.inserted} new, {result.updated} revised), "
            f"{result.removed} removed, {result.extracted} re-extracted, {result.triples} triples → "
            f"{result.evidence_path}; watermark {result.watermark}"
        )
    code = combine_exit_codes(codes)
    if code != EXIT_OK:
        raise typer.Exit(code)


class ScheduleFormat(StrEnum):
    cron = "cron"
    systemd = "systemd"


@app.command("schedule")
def schedule_command(
    print_format: Annotated[
        ScheduleFormat, typer.Option("--print", help="Print a crontab line or systemd service + timer units.")
    ],
    names: Annotated[
        list[str] | None, typer.Argument(help="Corpora to refresh (default: --all).", show_default=False)
    ] = None,
    at: Annotated[
        str | None, typer.Option(help="Daily time HH:MM (default: the schedule_time setting).")
    ] = None,
    log_file: Annotated[
        Path | None, typer.Option(help="cron: append output here (default $NEUROLIT_HOME/refresh.log).")
    ] = None,
) -> None:
    """Print ready-to-install schedule entries for a daily `neurolit refresh`."""
    from neurolit.config import load_config
    from neurolit.refresh.schedule import ScheduleSpec, find_executable, render

    config = load_config()
    spec = ScheduleSpec(
        corpora=tuple(names or ()),
        at=at or str(config.section("refresh").get("schedule_time", "03:17")),
        home=config.home.resolve(),
        executable=find_executable(),
        log_file=(log_file or config.home / "refresh.log").resolve(),
    )
    typer.echo(render(print_format.value, spec), nl=False)


@mirror_app.command("sync")
def mirror_sync_command(
    baseline: Annotated[bool, typer.Option("--baseline", help="Sync the baseline files.")] = False,
    updates: Annotated[bool, typer.Option("--updates", help="Sync the daily update files.")] = False,
    limit: Annotated[int | None, typer.Option(help="Sync at most N files (a trial run).", min=1)] = None,
) -> None:
    """Download, MD5-verify and ingest PubMed baseline/update files into the local mirror, each once.

    Neither flag = both. Resumes after interruption. File server: the base_url setting (NCBI's by default).
    Exit status as for refresh: 3 another sync is running, 4 download/server failure (re-run to resume).
    """
    from neurolit.mirror.sync import sync_mirror

    both = not baseline and not updates
    try:
        report = sync_mirror(
            baseline=baseline or both,
            updates=updates or both,
            limit=limit,
            progress=lambda message: console.print(escape(message)),
        )
    except (LockedError, FetchError) as exc:  # 3: another sync runs; 4: temporary, re-run resumes
        console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(_exit_code_for(exc)) from None
    typer.echo(
        f"{report.listed} files listed, {len(report.ingested)} ingested ({report.articles} records, "
        f"{report.deletions} deletions), {len(report.skipped)} already ingested, "
        f"{report.rejected_downloads} download(s) rejected by MD5"
    )


@mirror_app.command("status")
def mirror_status_command() -> None:
    """List the mirror's files (tab-separated): kind, file, ingested, records, deletions, MD5 rejections."""
    from neurolit.mirror.sync import mirror_status

    rows = mirror_status()
    if not rows:
        typer.echo("the mirror is empty; run `neurolit mirror sync`")
        return
    typer.echo("kind\tfile\tingested\trecords\tdeletions\tmd5_rejections")
    for row in rows:
        ingested = "yes" if row["ingested"] else "no"
        fields = (row["kind"], row["name"], ingested, row["articles"], row["deletions"], row["rejected"])
        typer.echo("\t".join(str(field) for field in fields))
