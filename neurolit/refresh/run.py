"""`neurolit refresh`: bring a corpus and its evidence table up to date, safely and unattended.

One refresh of corpus NAME, in order:
1. take the corpus lock (`neurolit.refresh.lock`; LockedError if another run holds it);
2. re-run the saved query for records entered or modified since the watermark minus [refresh] overlap_days
   (E-utilities, datetypes from [refresh] datetypes; a first refresh fetches everything); a corpus created
   from the local mirror (`fetch --source mirror`) re-runs its query against the mirror instead;
3. apply deletions: records no longer returned by the saved query are removed ([refresh] reconcile_deletions;
   refused when it would remove more than [refresh] max_removed_fraction of the corpus and more than
   [refresh] removal_guard_min records);
4. re-extract only new and changed records (`neurolit.refresh.ledger`), drop the triples of removed ones;
5. write the evidence table `$NEUROLIT_HOME/evidence/<corpus>.csv` (atomically); curator decisions live in
   `$NEUROLIT_HOME/review/<corpus>.sqlite`, keyed by triple_id, and are never touched;
6. only then move the watermark to the date the run started, and close the run log entry (store `runs` table:
   kind 'refresh', counts, status, error).
A run killed at any point leaves the watermark where it was; the next run repeats the fetch window (upserts
are idempotent) and the ledger finds every record not yet extracted, so it ends exactly where an
uninterrupted run would have.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from neurolit.config import Config, load_config
from neurolit.errors import ConfigError, InputError, StoreError
from neurolit.refresh.extraction import Extractor, default_extractor
from neurolit.refresh.ledger import Ledger
from neurolit.refresh.lock import CorpusLock

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class RefreshSettings:
    overlap_days: int
    datetypes: tuple[str, ...]
    reconcile_deletions: bool
    max_removed_fraction: float
    removal_guard_min: int
    extract_batch_size: int

    @classmethod
    def from_config(cls, config: Config) -> RefreshSettings:
        section = config.section("refresh")
        try:
            settings = cls(
                overlap_days=int(section.get("overlap_days", 3)),
                datetypes=tuple(str(d) for d in section.get("datetypes", ("edat", "mdat"))),
                reconcile_deletions=bool(section.get("reconcile_deletions", True)),
                max_removed_fraction=float(section.get("max_removed_fraction", 0.2)),
                removal_guard_min=int(section.get("removal_guard_min", 10)),
                extract_batch_size=int(section.get("extract_batch_size", 200)),
            )
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"[refresh] has a setting of the wrong type: {exc}") from exc
        if settings.overlap_days < 0 or settings.extract_batch_size < 1:
            raise ConfigError("[refresh] overlap_days must be ≥ 0 and extract_batch_size ≥ 1")
        unknown = set(settings.datetypes) - {"edat", "mdat", "pdat"}
        if unknown or not settings.datetypes:
            raise ConfigError(
                f"[refresh] datetypes must be some of edat, mdat, pdat (got {settings.datetypes})"
            )
        return settings


@dataclass(frozen=True, slots=True)
class RefreshResult:
    """What one refresh of one corpus did."""

    corpus: str
    source: str  # eutils | mirror
    since: str  # the date searched from ('' = everything)
    watermark: str  # the new watermark
    fetched: int
    inserted: int
    updated: int
    removed: int
    extracted: int  # documents (re-)extracted
    dropped: int  # documents whose triples were dropped (removed from the corpus)
    triples: int  # rows in the evidence table
    evidence_path: Path
    stale_lock_pid: int | None = None


def evidence_path(home: Path, corpus: str) -> Path:
    """Where the latest machine evidence table of a corpus lives (shared with `extract` and review)."""
    return home / "evidence" / f"{corpus}.csv"


def refresh_corpus(
    corpus: str,
    *,
    config: Config | None = None,
    extractor: Extractor | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> RefreshResult:
    """Refresh one corpus (see the module docstring). Raises LockedError, FetchError (temporary), or another
    NeurolitError; the watermark moves only when everything succeeded."""
    from neurolit.fetch.eutils import format_date, parse_date
    from neurolit.fetch.store import CorpusStore
    from neurolit.mirror.query import MIRROR_SOURCE, SOURCE_KEY

    config = config or load_config()
    settings = RefreshSettings.from_config(config)
    started = today or date.today()
    say = progress or (lambda message: None)
    lock = CorpusLock.for_corpus(config.home, corpus)
    with lock:
        if lock.stale_holder is not None:
            log.warning("recovered a stale lock left by %s", lock.stale_holder.describe())
            say(f"recovered a stale lock left by {lock.stale_holder.describe()}")
        with CorpusStore.open(corpus, home=config.home) as store:
            query = store.get_query()
            if not query:
                raise InputError(
                    f"corpus {corpus!r} has no saved query, so it cannot be refreshed (built from files). "
                    f"Create it with `neurolit fetch --query Q --corpus {corpus}`"
                )
            source = store.get_meta(SOURCE_KEY) or "eutils"
            watermark = parse_date(store.get_watermark())
            since = watermark - timedelta(days=settings.overlap_days) if watermark else None
            run_id = store.start_run(
                "refresh",
                query=query,
                params={"since": format_date(since) if since else None, "source": source},
            )
        try:
            with Ledger.for_corpus(config.home, corpus) as ledger:
                ledger_run = ledger.start_run(run_id)
                try:
                    result = _refresh(
                        corpus,
                        query,
                        source,
                        since,
                        started,
                        settings,
                        config,
                        ledger,
                        extractor,
                        say,
                        mirror_source=source == MIRROR_SOURCE,
                    )
                except BaseException as exc:
                    ledger.finish_run(ledger_run, "failed", extracted=0, dropped=0, error=str(exc))
                    raise
                ledger.finish_run(ledger_run, "completed", extracted=result.extracted, dropped=result.dropped)
        except BaseException as exc:
            with CorpusStore.open(corpus, home=config.home) as store:
                status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
                store.finish_run(run_id, status=status, error=str(exc) or type(exc).__name__)
            raise
        with CorpusStore.open(corpus, home=config.home) as store:
            # Everything the new watermark covers is committed: the store, the ledger and the evidence table.
            store.set_watermark(result.watermark)
            store.update_run(
                run_id,
                fetched=result.fetched,
                inserted=result.inserted,
                updated=result.updated,
                deleted=result.removed,
            )
            store.finish_run(run_id, status="completed")
    return replace(result, stale_lock_pid=lock.stale_holder.pid if lock.stale_holder else None)


def _refresh(
    corpus: str,
    query: str,
    source: str,
    since: date | None,
    started: date,
    settings: RefreshSettings,
    config: Config,
    ledger: Ledger,
    extractor: Extractor | None,
    say: Progress,
    *,
    mirror_source: bool,
) -> RefreshResult:
    from neurolit.evidence.table import write_evidence
    from neurolit.fetch.eutils import format_date
    from neurolit.fetch.store import CorpusStore

    fetched = inserted = updated = removed = 0
    if mirror_source:
        from neurolit.mirror.query import fetch_from_mirror

        say(f"{corpus}: searching the local mirror")
        mirrored = fetch_from_mirror(query, corpus, config=config, remove_missing=True)
        fetched, inserted, updated, removed = (
            mirrored.found,
            mirrored.inserted,
            mirrored.updated,
            mirrored.removed,
        )
    else:
        fetched, inserted, updated = _fetch_eutils(corpus, query, since, started, settings, config, say)
        if settings.reconcile_deletions:
            removed = _reconcile(corpus, query, settings, config, say)

    extractor = extractor or default_extractor()
    with CorpusStore.open(corpus, home=config.home) as store:
        todo, gone = ledger.plan(store.iter_articles(), extractor.version)
        if gone:
            ledger.drop(gone)
        say(f"{corpus}: extracting {len(todo)} new or changed record(s), dropping {len(gone)}")
        batch = settings.extract_batch_size
        n_batches = -(-len(todo) // batch)
        for number, start in enumerate(range(0, len(todo), batch), start=1):
            articles = list(store.iter_articles(todo[start : start + batch]))
            ledger.replace(articles, extractor.run(articles), extractor.version)
            say(f"{corpus}: extraction batch {number}/{n_batches} committed")
    out = evidence_path(config.home, corpus)
    rows = write_evidence(ledger.triples(), out)
    say(f"{corpus}: evidence table written ({rows} rows)")
    return RefreshResult(
        corpus=corpus,
        source=source,
        since=format_date(since) if since else "",
        watermark=format_date(started),
        fetched=fetched,
        inserted=inserted,
        updated=updated,
        removed=removed,
        extracted=len(todo),
        dropped=len(gone),
        triples=rows,
        evidence_path=out,
    )


def _fetch_eutils(
    corpus: str,
    query: str,
    since: date | None,
    started: date,
    settings: RefreshSettings,
    config: Config,
    say: Progress,
) -> tuple[int, int, int]:
    from neurolit.fetch.run import fetch_query

    fetched = inserted = updated = 0
    if since is None:
        # First refresh: everything the query matches. Resumable (stored PMIDs are skipped on a re-run).
        say(f"{corpus}: fetching every record of the saved query")
        report = fetch_query(query, corpus, until=started, home=config.home, skip_existing=True)
        return report.fetched, report.inserted, report.updated
    for datetype in settings.datetypes:
        say(f"{corpus}: fetching records with {datetype} since {since.isoformat()}")
        # `until` keeps fetch_query from moving the watermark itself: only the finished refresh does.
        report = fetch_query(
            query,
            corpus,
            since=since,
            until=started,
            datetype=datetype,
            home=config.home,
            skip_existing=False,
        )
        fetched += report.fetched
        inserted += report.inserted
        updated += report.updated
    return fetched, inserted, updated


def _reconcile(corpus: str, query: str, settings: RefreshSettings, config: Config, say: Progress) -> int:
    """Remove stored records the saved query no longer returns (deleted or withdrawn in PubMed)."""
    from neurolit.fetch.eutils import EutilsClient
    from neurolit.fetch.store import CorpusStore

    client = EutilsClient.from_config(config)
    current: set[str] = set()
    expected = 0
    try:
        for segment in client.plan_segments(query):
            result = client.esearch(
                query,
                mindate=segment.mindate,
                maxdate=segment.maxdate,
                retmax=client.window,
                usehistory=False,
            )
            current.update(result.ids)
            expected += result.count
    finally:
        client.close()
    if len(current) < expected:
        say(
            f"{corpus}: esearch listed {len(current)} of {expected} PMIDs; deletions not reconciled this time"
        )
        return 0
    with CorpusStore.open(corpus, home=config.home) as store:
        stored = store.pmids()
        gone = sorted(stored - current)
        if not gone:
            return 0
        too_many = len(gone) > settings.max_removed_fraction * max(len(stored), 1)
        if too_many and len(gone) > settings.removal_guard_min:
            raise StoreError(
                f"refresh would remove {len(gone)} of {len(stored)} records of corpus {corpus!r} that the "
                "saved query no longer returns; refusing (raise [refresh] max_removed_fraction if intended)"
            )
        say(f"{corpus}: removing {len(gone)} record(s) no longer returned by the query")
        store.lock()
        try:
            return store.apply_deletions(gone, source="refresh")
        finally:
            store.unlock()
