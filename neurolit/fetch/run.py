"""Fetch a PubMed query into a corpus store, batch by batch, resumably.

Each efetch batch is stored in one transaction, so a fetch that fails or is killed midway keeps every batch
already stored. Re-running the same command resumes: esearch lists the PMIDs of every date segment, PMIDs
already in the corpus are skipped, and only the rest are posted to the history server (epost) and fetched.
`skip_existing=False` re-fetches them (to pick up revised records; upserts keep the newest version).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from neurolit.config import load_config
from neurolit.errors import InputError
from neurolit.fetch.eutils import PUBMED_EARLIEST, EutilsClient, Segment, format_date, parse_date
from neurolit.fetch.store import CorpusStore, UpsertCounts
from neurolit.records import Article

Progress = Callable[[int, int], None]  # (records handled so far, records expected)


@dataclass(frozen=True, slots=True)
class FetchReport:
    corpus: str
    run_id: int
    found: int  # records matching the query (and dates)
    fetched: int  # records received in this run
    inserted: int
    updated: int
    unchanged: int
    skipped: int  # already stored, not fetched again
    segments: int  # date segments the query was split into
    capped: bool  # --max stopped the run before every record was fetched
    missing: tuple[str, ...] = field(default=())  # PMIDs listed by esearch that efetch did not return


def fetch_query(
    query: str,
    corpus: str | Path,
    *,
    max_records: int | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    datetype: str | None = None,
    skip_existing: bool = True,
    client: EutilsClient | None = None,
    home: Path | None = None,
    batch_size: int | None = None,
    progress: Progress | None = None,
) -> FetchReport:
    """Fetch every PubMed record matching `query` (optionally within [since, until] by `datetype`: edat =
    entry date, mdat = modification date, pdat = publication date) into corpus `corpus`.

    Saves the query as the corpus definition when the corpus has none, and after a complete, uncapped run of
    that saved query without `until`, sets the corpus watermark to the run's start date.
    """
    if not query.strip():
        raise InputError("the query is empty; give a PubMed query such as 'ALK AND neuroblastoma'")
    if max_records is not None and max_records < 1:
        raise InputError("--max must be a positive number of records")
    config = load_config()
    section = config.section("fetch")
    datetype = datetype or str(section.get("datetype", "edat"))
    batch = int(batch_size or section["batch_size"])
    own_client = client is None
    client = client or EutilsClient.from_config(config)
    mindate, maxdate = parse_date(since), parse_date(until)
    started = date.today()
    params = {
        "max": max_records,
        "since": format_date(mindate) if mindate else None,
        "until": format_date(maxdate) if maxdate else None,
        "datetype": datetype,
        "skip_existing": skip_existing,
    }
    store = CorpusStore.open(corpus, home=home or config.home, create=True)
    try:
        store.lock()
        run_id = store.start_run("fetch", query=query, params=params)
        if not store.get_query():
            store.set_query(query, datetype=datetype)
        try:
            report = _fetch(
                client,
                store,
                run_id,
                query,
                mindate,
                maxdate,
                datetype,
                max_records,
                skip_existing,
                batch,
                progress,
            )
        except BaseException as exc:
            status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
            store.finish_run(run_id, status=status, error=str(exc) or type(exc).__name__)
            raise
        store.finish_run(run_id, status="completed")
        if store.get_query() == query and not report.capped and maxdate is None and not report.missing:
            store.set_watermark(format_date(started))
        return report
    finally:
        store.close()
        if own_client:
            client.close()


def _fetch(
    client: EutilsClient,
    store: CorpusStore,
    run_id: int,
    query: str,
    mindate: date | None,
    maxdate: date | None,
    datetype: str,
    max_records: int | None,
    skip_existing: bool,
    batch: int,
    progress: Progress | None,
) -> FetchReport:
    segments = deque(client.plan_segments(query, mindate=mindate, maxdate=maxdate, datetype=datetype))
    found = sum(s.count for s in segments)
    store.update_run(run_id, found=found)
    stored = store.pmids() if skip_existing else set()
    totals = UpsertCounts()
    fetched = skipped = done = 0
    missing: list[str] = []
    capped = False
    n_segments = 0
    while segments:
        segment = segments.popleft()
        result = client.esearch(
            query, mindate=segment.mindate, maxdate=segment.maxdate, datetype=datetype, retmax=client.window
        )
        if result.count > client.window:
            # Records arrived since planning: split this segment again rather than cut it.
            low = segment.mindate or PUBMED_EARLIEST
            high = segment.maxdate or date.today()
            segments.extendleft(
                reversed(client.plan_segments(query, mindate=low, maxdate=high, datetype=datetype))
            )
            continue
        n_segments += 1
        ids = list(dict.fromkeys(result.ids))
        todo = [pmid for pmid in ids if pmid not in stored]
        skipped += len(ids) - len(todo)
        done += len(ids) - len(todo)
        store.update_run(run_id, skipped=len(ids) - len(todo))
        if max_records is not None:
            room = max_records - fetched
            if len(todo) > room:
                todo, capped = todo[:room], True
        if todo:
            if len(todo) == len(ids):
                webenv, query_key = result.webenv, result.query_key
            else:
                webenv, query_key = client.epost(todo)
            for start in range(0, len(todo), batch):
                expected = todo[start : start + batch]
                records = client.efetch(
                    webenv=webenv, query_key=query_key, retstart=start, retmax=len(expected)
                )
                articles = [r for r in records if isinstance(r, Article)]
                with store.transaction():
                    counts = store.upsert_articles(articles, run_id=run_id)
                    store.update_run(
                        run_id,
                        fetched=len(articles),
                        inserted=counts.inserted,
                        updated=counts.updated,
                        unchanged=counts.unchanged,
                    )
                totals += counts
                fetched += len(articles)
                received = {a.pmid for a in articles}
                missing.extend(p for p in expected if p not in received)
                stored.update(received)
                done += len(expected)
                if progress is not None:
                    progress(done, found)
        if capped:
            break
    return FetchReport(
        corpus=store.name,
        run_id=run_id,
        found=found,
        fetched=fetched,
        inserted=totals.inserted,
        updated=totals.updated,
        unchanged=totals.unchanged,
        skipped=skipped,
        segments=n_segments,
        capped=capped,
        missing=tuple(missing),
    )


__all__ = ["FetchReport", "Segment", "fetch_query"]
