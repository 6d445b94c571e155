"""`neurolit extract … --engine dask`: NER + relations over a corpus, the local mirror or XML files, on Dask.

The driver streams articles from the inputs (`neurolit.io.read_articles`; the word `mirror` names the local
mirror's store), cuts them into partitions of [scale] partition_size articles and submits one task per
partition. When the workers share the file system (a LocalCluster, or [scale] workers_read_files = "always"),
they read the input themselves: one task per PubMed XML file, or per chunk of PMIDs of a corpus store (a corpus
name, `mirror`): the driver ships names, not articles. The extractor is scattered to every worker, which
loads its NER pipeline once, before the first task (`warm_up`), and returns the partition's triples; the
driver writes them as `part-NNNNN.parquet` (the evidence table's columns) and, at the end, the merged evidence
CSV with `neurolit.evidence.table.write_evidence` — the same writer and the same per-document extraction as
the single-process engine, hence the same triples.

Without --scheduler a LocalCluster is started ([scale] n_workers × threads_per_worker); with an address the
run uses that cluster (workers need neurolit installed; no shared file system is needed unless
workers_read_files = "always": articles travel with the tasks, results come back to the driver). The number
of tasks in flight is bounded, so memory stays flat on inputs of any size.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from neurolit.config import Config, load_config
from neurolit.errors import ConfigError, InputError
from neurolit.files import atomic_path
from neurolit.records import Article, Triple
from neurolit.refresh.extraction import Extractor

if TYPE_CHECKING:
    from distributed import Client

MIRROR_INPUT = "mirror"


@dataclass(frozen=True, slots=True)
class ScaleSettings:
    partition_size: int
    n_workers: int
    threads_per_worker: int
    max_pending_per_worker: int

    @classmethod
    def from_config(cls, config: Config, **overrides: int | None) -> ScaleSettings:
        section = config.section("scale")
        values: dict[str, int] = {}
        for key, default in (
            ("partition_size", 500),
            ("n_workers", 2),
            ("threads_per_worker", 1),
            ("max_pending_per_worker", 4),
        ):
            override = overrides.get(key)
            try:
                values[key] = int(override if override is not None else section.get(key, default))
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"[scale] {key} must be an integer: {exc}") from exc
            if values[key] < 1:
                raise ConfigError(f"[scale] {key} must be at least 1 (got {values[key]})")
        return cls(**values)


@dataclass(frozen=True, slots=True)
class DaskReport:
    articles: int
    partitions: int
    triples: int  # rows of the merged evidence table
    parquet_dir: Path
    evidence_path: Path
    workers: int
    seconds: float  # extraction, after every worker loaded its pipeline
    startup_seconds: float  # cluster start (or connection) and pipeline loading on every worker
    worker_cpu_seconds: float  # CPU time the worker processes spent during extraction (user + system)
    driver_cpu_seconds: float  # CPU time of this process during extraction (reading, shipping, writing)
    scheduler: str


def expand_inputs(inputs: Sequence[str | Path]) -> list[str | Path]:
    """A folder stands for the PubMed XML files in it (``*.xml``, ``*.xml.gz``), in name order."""
    expanded: list[str | Path] = []
    for item in inputs:
        path = Path(item)
        if str(item) != MIRROR_INPUT and path.is_dir():
            files = sorted(p for p in path.iterdir() if p.name.endswith((".xml", ".xml.gz")))
            if not files:
                raise InputError(f"folder {path} holds no PubMed XML files (*.xml, *.xml.gz)")
            expanded.extend(files)
        else:
            expanded.append(item)
    return expanded


def iter_input_articles(inputs: Sequence[str | Path], config: Config) -> Iterator[Article]:
    """Articles of every input in turn: corpus names, `mirror`, folders of XML files, or files neurolit.io
    reads."""
    from neurolit.io import read_articles

    for item in expand_inputs(inputs):
        if str(item) == MIRROR_INPUT:
            from neurolit.mirror.sync import MirrorSettings

            store = MirrorSettings.from_config(config).store_path
            if not store.exists():
                raise InputError(f"no local mirror at {store}; run `neurolit mirror sync` first")
            yield from read_articles(store, home=config.home)
        else:
            yield from read_articles(item, home=config.home)


def partitions(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def extract_partition(extractor: Extractor, articles: list[Article]) -> tuple[int, list[Triple]]:
    """The task run on a worker: one partition of articles → (articles, triples), with the worker's copy of
    the scattered extractor, whose pipeline is loaded once."""
    return len(articles), extractor.run(articles)


def extract_file(extractor: Extractor, path: str, batch_size: int) -> tuple[int, list[Triple]]:
    """The task when workers read their input: one PubMed XML file → (articles, triples), in batches."""
    from neurolit.io import read_articles

    count = 0
    triples: list[Triple] = []
    for batch in partitions(read_articles(path), batch_size):
        count += len(batch)
        triples.extend(extractor.run(batch))
    return count, triples


def extract_store_chunk(extractor: Extractor, store: str, pmids: list[str]) -> tuple[int, list[Triple]]:
    """The task when workers read a corpus store themselves: these PMIDs of the store → (articles, triples)."""
    from neurolit.fetch.store import CorpusStore

    with CorpusStore.open(Path(store)) as opened:
        articles = list(opened.iter_articles(pmids))
    return len(articles), extractor.run(articles)


@dataclass(frozen=True, slots=True)
class _WorkerReads:
    """What the workers read themselves: XML files, or one corpus store (by PMID chunks); empty = nothing."""

    files: tuple[Path, ...] = ()
    store: Path | None = None


def _worker_reads(inputs: Sequence[str | Path], scheduler: str | None, config: Config) -> _WorkerReads:
    """[scale] workers_read_files: "auto" = with a LocalCluster (its workers share this file system), the
    workers read PubMed XML files or the corpus store themselves and the driver ships only file names or PMIDs;
    with a remote scheduler the driver reads and ships the articles ("always"/"never" force either way)."""
    mode = str(config.section("scale").get("workers_read_files", "auto"))
    if mode not in ("auto", "always", "never"):
        raise ConfigError(f"[scale] workers_read_files must be auto, always or never (got {mode!r})")
    if mode == "never" or (mode == "auto" and scheduler):
        return _WorkerReads()
    expanded = expand_inputs(inputs)
    if all(str(item) != MIRROR_INPUT and str(item).endswith((".xml", ".xml.gz")) for item in expanded):
        return _WorkerReads(files=tuple(Path(item).resolve() for item in expanded))
    if len(expanded) == 1:
        store = _store_path(expanded[0], config)
        if store is not None:
            return _WorkerReads(store=store.resolve())
    return _WorkerReads()


def _store_path(item: str | Path, config: Config) -> Path | None:
    """The corpus store file an input names (`mirror`, a corpus name with a store, a .sqlite path), or None."""
    if str(item) == MIRROR_INPUT:
        from neurolit.mirror.sync import MirrorSettings

        path = MirrorSettings.from_config(config).store_path
        if not path.exists():
            raise InputError(f"no local mirror at {path}; run `neurolit mirror sync` first")
        return path
    if str(item).endswith(".sqlite") and Path(item).is_file():
        return Path(item)
    if _is_corpus_name(item):
        from neurolit.fetch.store import CorpusStore

        path = CorpusStore.path_for(str(item), config.home)
        return path if path.exists() else None  # else a bundled corpus folder: the driver reads it
    return None


def _tasks(
    client: Client,
    shared: Any,
    inputs: Sequence[str | Path],
    reads: _WorkerReads,
    settings: ScaleSettings,
    config: Config,
) -> Iterator[Any]:
    """Futures in input order: one per XML file or per chunk of store PMIDs when the workers read, else one
    per partition of articles read and shipped by the driver."""
    if reads.files:
        for path in reads.files:
            yield client.submit(extract_file, shared, str(path), settings.partition_size, pure=False)
        return
    if reads.store is not None:
        from neurolit.fetch.store import CorpusStore

        with CorpusStore.open(reads.store) as store:
            pmids = sorted(store.pmids(), key=lambda p: (len(p), p))
        for start in range(0, len(pmids), settings.partition_size):
            chunk = pmids[start : start + settings.partition_size]
            yield client.submit(extract_store_chunk, shared, str(reads.store), chunk, pure=False)
        return
    for batch in partitions(iter_input_articles(inputs, config), settings.partition_size):
        yield client.submit(extract_partition, shared, batch, pure=False)


def _cpu_seconds() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _pid_cpu() -> tuple[int, float]:
    import os

    return os.getpid(), _cpu_seconds()


def _workers_cpu(client: Client) -> float:
    """CPU seconds used so far by the worker processes (each process counted once)."""
    return sum(dict(client.run(_pid_cpu).values()).values())


def _warm(extractor: Extractor) -> str:
    """Load the pipeline of this worker's extractor; returns its version."""
    return extractor.version


def warm_up(client: Client, shared: Any) -> set[str]:
    """Load the NER pipeline on every worker, in parallel (one pinned task per worker); returns the extractor
    versions found (one expected)."""
    addresses = list(client.scheduler_info().get("workers", {}))
    futures = [
        client.submit(_warm, shared, workers=[address], allow_other_workers=False, pure=False)
        for address in addresses
    ]
    return set(client.gather(futures))


def write_parquet_part(triples: Sequence[Triple], path: Path) -> None:
    """One partition's triples as a Parquet file with the evidence table's columns (written atomically)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from neurolit.evidence.schema import COLUMNS, triple_to_row

    rows = [triple_to_row(t) for t in triples]
    columns: dict[str, list[Any]] = {name: [row[name] for row in rows] for name in COLUMNS}
    columns["year"] = [None if value == "" else int(value) for value in columns["year"]]
    table = pa.table(columns)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)


def _is_corpus_name(item: str | Path) -> bool:
    from neurolit.relations.pipeline import is_corpus_name

    return str(item) != MIRROR_INPUT and is_corpus_name(item)


def default_parquet_dir(out: Path) -> Path:
    return out.with_name(out.stem + ".parquet")


def _client(
    scheduler: str | None, settings: ScaleSettings, processes: bool, timeout: float
) -> tuple[Client, Any]:
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout=f"{timeout}s"), None
        except OSError as exc:
            raise InputError(
                f"cannot connect to the Dask scheduler at {scheduler}: {exc}; start one with "
                "`dask scheduler` and workers with `dask worker ADDRESS`, or omit --scheduler"
            ) from exc
    cluster = LocalCluster(
        n_workers=settings.n_workers,
        threads_per_worker=settings.threads_per_worker,
        processes=processes,
        dashboard_address=None,
        silence_logs=40,
    )
    return Client(cluster), cluster


def run_dask(
    inputs: Sequence[str | Path],
    out: str | Path,
    *,
    scheduler: str | None = None,
    parquet_dir: str | Path | None = None,
    extractor: Extractor | None = None,
    n_workers: int | None = None,
    partition_size: int | None = None,
    processes: bool | None = None,
    civic: str | Path | None = None,
    collate: bool = False,
    config: Config | None = None,
) -> DaskReport:
    """Extract the evidence table of `inputs` on Dask; writes Parquet parts and the merged CSV at `out`.

    Like `neurolit extract`: `civic` marks triples CIViC holds, `collate` writes the collated view at `out`,
    and a single corpus-name input also keeps the machine table at $NEUROLIT_HOME/evidence/<corpus>.csv.
    """
    from distributed import as_completed

    from neurolit.evidence.table import write_evidence

    if not inputs:
        raise InputError(
            "give at least one input: a corpus name, `mirror`, or PubMed XML/JSONL/PubTator files"
        )
    config = config or load_config()
    settings = ScaleSettings.from_config(config, n_workers=n_workers, partition_size=partition_size)
    extractor = extractor or Extractor()
    out_path = Path(out)
    parts = Path(parquet_dir) if parquet_dir is not None else default_parquet_dir(out_path)
    parts.mkdir(parents=True, exist_ok=True)
    for stale in parts.glob("part-*.parquet"):
        stale.unlink()
    started = time.perf_counter()
    try:
        timeout = float(config.section("scale").get("connect_timeout_seconds", 30.0))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"[scale] connect_timeout_seconds must be a number: {exc}") from exc
    if processes is None:
        processes = bool(config.section("scale").get("processes", True))
    client, cluster = _client(scheduler, settings, processes, timeout)
    try:
        workers = len(client.scheduler_info().get("workers", {})) or settings.n_workers
        # One copy per worker (the same object for in-process workers), loaded once, before the first task.
        shared = client.scatter(extractor, broadcast=True)
        versions = warm_up(client, shared)
        if len(versions) > 1:
            raise ConfigError(
                f"the Dask workers run different neurolit pipelines ({sorted(versions)}); "
                "install the same neurolit and models on every worker"
            )
        import pyarrow.parquet  # noqa: F401  (loaded before the clock starts: a one-off cost, not per article)

        startup = time.perf_counter() - started
        started = time.perf_counter()
        workers_cpu, driver_cpu = _workers_cpu(client), _cpu_seconds()
        limit = max(1, workers * settings.max_pending_per_worker)
        pending = as_completed()
        futures: dict[Any, int] = {}
        results: dict[int, list[Triple]] = {}
        n_articles = n_parts = 0
        civic_index = None
        if civic is not None:
            from neurolit.evidence.civic import load_civic

            civic_index = load_civic(civic)

        def collect(future: Any) -> int:
            n, result = future.result()
            if civic_index is not None:
                from neurolit.evidence.civic import mark_civic

                result = list(mark_civic(result, civic_index))
            index = futures.pop(future)
            write_parquet_part(result, parts / f"part-{index:05d}.parquet")
            results[index] = result
            return int(n)

        reads = _worker_reads(inputs, scheduler, config)
        for index, task in enumerate(_tasks(client, shared, inputs, reads, settings, config)):
            futures[task] = index
            pending.add(task)
            n_parts += 1
            while len(futures) >= limit:
                n_articles += collect(next(pending))
        for future in pending:
            n_articles += collect(future)
        # Partitions in input order: the same row order as the single-process engine.
        triples = [triple for index in sorted(results) for triple in results[index]]
        if collate:
            from neurolit.evidence.collate import write_collated

            rows = write_collated(triples, out_path)
        else:
            rows = write_evidence(triples, out_path)
        if len(inputs) == 1 and _is_corpus_name(inputs[0]):
            write_evidence(triples, config.home / "evidence" / f"{inputs[0]}.csv")
        elapsed = time.perf_counter() - started
        workers_cpu, driver_cpu = _workers_cpu(client) - workers_cpu, _cpu_seconds() - driver_cpu
        address = str(scheduler or client.scheduler_info().get("address", "local"))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return DaskReport(
        articles=n_articles,
        partitions=n_parts,
        triples=rows,
        parquet_dir=parts,
        evidence_path=out_path,
        workers=workers,
        seconds=elapsed,
        worker_cpu_seconds=workers_cpu,
        driver_cpu_seconds=driver_cpu,
        startup_seconds=startup,
        scheduler=address,
    )
