"""Commands of the fetch stage: `fetch`, `ingest`, and the `corpus` group (list, show, search, export).

Thin wrappers over neurolit.fetch; imports of the stage happen inside the commands so `--help` stays instant.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from neurolit.commands.apps import app, corpus_app
from neurolit.errors import InputError

if TYPE_CHECKING:
    from neurolit.records import Article

console = Console(stderr=True, soft_wrap=True)


class DateType(StrEnum):
    edat = "edat"
    mdat = "mdat"
    pdat = "pdat"


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    pubtator = "pubtator"
    csv = "csv"


@app.command("fetch")
def fetch_command(
    query: Annotated[str, typer.Option("--query", "-q", help="PubMed query, e.g. 'ALK AND neuroblastoma'.")],
    corpus: Annotated[str, typer.Option("--corpus", "-c", help="Corpus name (created if needed).")],
    max_records: Annotated[int | None, typer.Option("--max", help="Fetch at most N records.", min=1)] = None,
    since: Annotated[str | None, typer.Option(help="Only records dated on/after YYYY[/MM[/DD]].")] = None,
    until: Annotated[str | None, typer.Option(help="Only records dated on/before YYYY[/MM[/DD]].")] = None,
    datetype: Annotated[
        DateType, typer.Option(help="Date used by --since/--until: entry, modification, publication.")
    ] = DateType.edat,
    refetch: Annotated[
        bool,
        typer.Option(
            "--refetch", help="Fetch records already in the corpus again (to pick up revised versions)."
        ),
    ] = False,
    source: Annotated[
        str,
        typer.Option(
            "--source", help="eutils (PubMed over HTTPS) or mirror (the local mirror's index; no network)."
        ),
    ] = "eutils",
) -> None:
    """Fetch a PubMed query through E-utilities into a corpus store (resumable: re-run after a failure)."""
    if source == "mirror":
        from neurolit.mirror.query import fetch_from_mirror

        if since or until:
            raise InputError("--since/--until need E-utilities; the mirror answers the query as a whole")
        mirrored = fetch_from_mirror(query, corpus, max_records=max_records)
        console.print(
            f"corpus [bold]{escape(mirrored.corpus)}[/]: {mirrored.found} found in the local mirror "
            f"({mirrored.inserted} new, {mirrored.updated} updated, {mirrored.unchanged} unchanged)",
            highlight=False,
        )
        return
    if source != "eutils":
        raise InputError(f"unknown --source {source!r}: use eutils or mirror")
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from neurolit.fetch.run import fetch_query

    with Progress(
        TextColumn("[bold]fetch"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("fetch", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        report = fetch_query(
            query,
            corpus,
            max_records=max_records,
            since=since,
            until=until,
            datetype=datetype.value,
            skip_existing=not refetch,
            progress=progress,
        )
    console.print(
        f"corpus [bold]{escape(report.corpus)}[/]: {report.found} found, {report.fetched} fetched "
        f"({report.inserted} new, {report.updated} updated, {report.unchanged} unchanged), "
        f"{report.skipped} already stored, {report.segments} date segment(s), run {report.run_id}",
        highlight=False,
    )
    if report.capped:
        console.print(
            f"stopped at --max {max_records}; re-run without --max to fetch the rest", highlight=False
        )
    if report.missing:
        console.print(
            f"[yellow]warning:[/] {len(report.missing)} PMIDs listed by esearch were not returned by "
            f"efetch: {', '.join(report.missing[:10])}",
            highlight=False,
        )


@app.command("ingest")
def ingest_command(
    files: Annotated[
        list[Path],
        typer.Argument(help="PubMed XML (.xml, .xml.gz), MEDLINE (.txt, .nbib), .jsonl or .pubtator files."),
    ],
    corpus: Annotated[str, typer.Option("--corpus", "-c", help="Corpus name (created if needed).")],
    skip_ingested: Annotated[
        bool,
        typer.Option("--skip-ingested", help="Skip files already ingested completely (same name and size)."),
    ] = False,
) -> None:
    """Load local files into a corpus store, applying PubMed DeleteCitation entries (one file, one commit)."""
    from neurolit.fetch.ingest import ingest_files

    def progress(path: Path, records: int) -> None:
        console.print(f"  {escape(str(path))}: {records} records", highlight=False)

    report = ingest_files(files, corpus, skip_ingested=skip_ingested, progress=progress)
    console.print(
        f"corpus [bold]{escape(report.corpus)}[/]: {report.files} file(s), {report.records} records "
        f"({report.inserted} new, {report.updated} updated, {report.unchanged} unchanged), {report.deleted} "
        f"deleted, {report.skipped_files} file(s) skipped",
        highlight=False,
    )


@corpus_app.command("list")
def corpus_list() -> None:
    """List the corpus stores under NEUROLIT_HOME."""
    from neurolit.config import load_config
    from neurolit.fetch.store import CorpusStore

    home = load_config().home
    infos = CorpusStore.list_corpora(home)
    if not infos:
        console.print(
            f"no corpora in {CorpusStore.corpora_dir(home)}; create one with `neurolit fetch` or "
            "`neurolit ingest`",
            highlight=False,
        )
        return
    table = Table("corpus", "articles", "query", "watermark", "last run")
    for info in infos:
        last = (
            f"{info.last_run.kind} {info.last_run.status} {info.last_run.started_at}" if info.last_run else ""
        )
        table.add_row(info.name, str(info.articles), info.query, info.watermark, last)
    Console().print(table)


@corpus_app.command("show")
def corpus_show(
    name: Annotated[str, typer.Argument(help="Corpus name or .sqlite path.")],
    pmid: Annotated[str | None, typer.Option(help="Print one stored record as JSON.")] = None,
    runs: Annotated[int, typer.Option(help="How many recent runs to list.")] = 5,
) -> None:
    """Show a corpus: size, saved query, watermark and recent runs (or one record with --pmid)."""
    from neurolit.fetch.store import CorpusStore, article_to_dict

    with CorpusStore.open(name) as store:
        if pmid is not None:
            article = store.get(pmid)
            if article is None:
                raise InputError(f"PMID {pmid} is not in corpus {name!r}")
            print(json.dumps(article_to_dict(article), ensure_ascii=False, indent=2))
            return
        print(f"corpus     {store.name}  ({store.path})")
        print(f"articles   {store.count()}")
        print(f"query      {store.get_query() or '-'}  ({store.get_datetype()})")
        print(f"watermark  {store.get_watermark() or '-'}")
        print("runs")
        columns = (
            "id",
            "kind",
            "status",
            "started_at",
            "ended_at",
            "found",
            "fetched",
            "inserted",
            "updated",
            "unchanged",
            "skipped",
            "deleted",
            "error",
        )
        print("  " + "\t".join(columns))
        for run in store.runs(limit=runs):
            print("  " + "\t".join("" if getattr(run, c) is None else str(getattr(run, c)) for c in columns))


@corpus_app.command("search")
def corpus_search(
    name: Annotated[str, typer.Argument(help="Corpus name or .sqlite path.")],
    query: Annotated[str, typer.Argument(help="Full-text query (SQLite FTS5): 'ALK AND crizotinib'.")],
    limit: Annotated[int, typer.Option(help="Maximum hits.", min=1)] = 20,
) -> None:
    """Search a corpus offline over title, abstract and MeSH (best matches first)."""
    from neurolit.fetch.store import CorpusStore

    with CorpusStore.open(name) as store:
        hits = store.search(query, limit=limit)
    for hit in hits:
        print(f"{hit.pmid}\t{hit.year or ''}\t{hit.title}\t{hit.snippet}")
    console.print(f"{len(hits)} hit(s)", highlight=False)


def _export(articles: Iterable[Article], fmt: ExportFormat, out: TextIO) -> int:
    from neurolit.fetch.store import article_to_dict
    from neurolit.formats.pubtator import PubTatorDocument, format_document

    count = 0
    writer = None
    if fmt is ExportFormat.csv:
        writer = csv.writer(out)
        writer.writerow(
            [
                "pmid",
                "title",
                "abstract",
                "journal",
                "journal_iso",
                "year",
                "pub_date",
                "doi",
                "pmcid",
                "authors",
                "mesh",
                "keywords",
                "publication_types",
                "language",
                "version",
                "date_revised",
            ]
        )
    for article in articles:
        if fmt is ExportFormat.jsonl:
            out.write(json.dumps(article_to_dict(article), ensure_ascii=False) + "\n")
        elif fmt is ExportFormat.pubtator:
            out.write(format_document(PubTatorDocument(article.pmid, article.title, article.abstract)))
        elif writer is not None:
            writer.writerow(
                [
                    article.pmid,
                    article.title,
                    article.abstract,
                    article.journal,
                    article.journal_iso,
                    article.year or "",
                    article.pub_date,
                    article.doi,
                    article.pmcid,
                    "; ".join(a.display_name for a in article.authors),
                    "; ".join(m.descriptor for m in article.mesh),
                    "; ".join(article.keywords),
                    "; ".join(article.publication_types),
                    article.language,
                    article.version,
                    article.date_revised,
                ]
            )
        count += 1
    return count


@corpus_app.command("export")
def corpus_export(
    name: Annotated[str, typer.Argument(help="Corpus name, .sqlite path, or any INPUT file.")],
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="Output format.")] = ExportFormat.jsonl,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output file (default: standard output).")
    ] = None,
) -> None:
    """Export a corpus as JSON lines (every field), PubTator (title and abstract) or CSV."""
    from neurolit.io import read_articles

    articles = read_articles(name)
    if out is None:
        count = _export(articles, fmt, sys.stdout)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8", newline="") as handle:
            count = _export(articles, fmt, handle)
    console.print(
        f"{count} article(s) exported" + (f" to {escape(str(out))}" if out else ""), highlight=False
    )
