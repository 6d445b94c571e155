"""Benchmark: NER + relations throughput against the tokenization ceiling, peak RSS, Dask with 1 and 2 workers,
and an extrapolation to the 37 M-record PubMed baseline — all measured in ONE run on the same real abstracts.

    nice /work/venv/bin/python benchmarks/bench_pipeline.py [--shared ../shared/data] [--docs 580] [--json out.json]

Texts: BioRED train + dev abstracts and the gold-triples-dev abstracts from ../shared/data (read at run time,
~1,500–2,000 characters each). Stages, one process, each after a warm-up on 20 texts and, for every stage that
tokenizes, from the same tokenizer-cache state: spaCy's tokenizer caches the split of every whitespace-delimited
chunk, so a stage that re-reads texts an earlier stage tokenized would get every split for free. Before each such
stage the cache is emptied and refilled from 200 OTHER abstracts (BC5CDR test), the steady state of a long run
over new texts:
  tokenize        the pipeline's own tokenizer alone (the ceiling for any spaCy pipeline)
  rules NER       the NER pipeline without the statistical model (`NerAnnotator`, Mention records included); it
                  runs text first (`neurolit.ner.rules`): the text is tokenized only where a context rule could
                  apply (the count is printed)
  rules NER + rel the same plus relation extraction (`RelationExtractor`) — the rules-only product
  relations       relation extraction alone over the annotated documents
  ... spaCy Docs  rules NER + relations with the same pipeline run through nlp.pipe (Docs and spans), for
                  comparison
  full            NER with the statistical model when one is installed (else = rules) + relations
Rates are abstracts per CPU second of this process (user + system: what one core delivers on a shared machine)
and per wall second. Dask: `run_dask` over a JSONL file of the same texts with a LocalCluster of 1 and 2 worker
processes; reported separately: start-up (cluster + pipeline loading on every worker) and extraction.
Peak RSS: this process after the single-process stages, and the largest Dask worker (RUSAGE_CHILDREN).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BASELINE_RECORDS = 37_000_000


@dataclass
class Rate:
    name: str
    docs: int
    wall: float
    cpu: float

    @property
    def per_cpu_second(self) -> float:
        return self.docs / self.cpu if self.cpu else 0.0

    @property
    def per_wall_second(self) -> float:
        return self.docs / self.wall if self.wall else 0.0


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(name: str, docs: int, run: Callable[[], Any]) -> Rate:
    wall, cpu = time.perf_counter(), _cpu()
    run()
    return Rate(name, docs, time.perf_counter() - wall, _cpu() - cpu)


def load_articles(shared: Path, n: int) -> list[Any]:
    from neurolit.formats.pubtator import read_pubtator
    from neurolit.records import Article

    biored = shared / "corpora" / "biored"
    docs: Iterator[Any] = itertools.chain(
        (d.to_article() for f in ("Train.PubTator", "Dev.PubTator") for d in read_pubtator(biored / f)),
        (
            Article(pmid=str(row["pmid"]), title=row["title"], abstract=row["abstract"])
            for row in map(
                json.loads, (shared / "gold-triples-dev" / "abstracts_dev.jsonl").open(encoding="utf-8")
            )
        ),
    )
    articles = list(itertools.islice(docs, n))
    if len(articles) < n:  # cycle to reach n, keeping PMIDs unique
        base = list(articles)
        for copy in itertools.count(1):
            for article in base:
                if len(articles) >= n:
                    break
                articles.append(
                    type(article)(
                        pmid=f"{article.pmid}{copy:03d}", title=article.title, abstract=article.abstract
                    )
                )
            if len(articles) >= n:
                break
    return articles


def warm_up_texts(shared: Path, n: int = 200) -> list[str]:
    """Abstracts that are not among the measured ones (BC5CDR test), to fill the tokenizer cache before a stage."""
    from neurolit.formats.pubtator import read_pubtator

    docs = read_pubtator(shared / "corpora" / "bc5cdr" / "CDR_TestSet.PubTator")
    return [d.to_article().text for d in itertools.islice(docs, n)]


def settle_tokenizer(nlp: Any, others: list[str]) -> None:
    """The same tokenizer-cache state before every stage that tokenizes: emptied (spaCy's own `_flush_cache`),
    then filled from texts the stage will not read, so no stage re-reads splits an earlier stage cached."""
    flush = getattr(nlp.tokenizer, "_flush_cache", None)  # spaCy's own (private) cache reset
    if flush is None:
        raise SystemExit(
            "this spaCy tokenizer has no _flush_cache(); the stages cannot be given the same cache state"
        )
    flush()
    consume(nlp.tokenizer.pipe(others))


class CountingTokenizer:
    """The pipeline's tokenizer, counting the texts it tokenizes."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        self.calls = 0

    def __call__(self, text: str) -> Any:
        self.calls += 1
        return self.tokenizer(text)


def texts_tokenized(annotator: Any, articles: list[Any]) -> int:
    """How many of the texts the text-first rules run tokenizes (not timed)."""
    from neurolit.ner.pipeline import rules_stages
    from neurolit.ner.rules import run_rules

    stages = rules_stages(annotator.nlp)
    if stages is None:
        return len(articles)
    counting = CountingTokenizer(annotator.nlp.tokenizer)
    for article in articles:
        run_rules(stages, article.text, counting)
    return counting.calls


def consume(items: Iterable[Any]) -> int:
    return sum(1 for _ in items)


def ingest_rate(shared: Path, workdir: Path) -> Rate:
    """Parse + store of the real 2016 update file (604 records) into a fresh corpus store: a quick check; the
    reference ingest figure is benchmarks/bench_ingest.py's (50,000 records)."""
    from neurolit.fetch.ingest import ingest_files

    source = shared / "pubmed" / "pubmed-xml-files" / "medline16n0902.xml.gz"
    return measure(
        "ingest (parse + store)", 604, lambda: ingest_files([source], workdir / "ingest.sqlite", home=workdir)
    )


def parse_rate(shared: Path) -> Rate:
    from neurolit.fetch.pubmed_xml import iter_pubmed_xml

    source = shared / "pubmed" / "pubmed-xml-files" / "medline16n0902.xml.gz"
    return measure("parse only (driver supply)", 605, lambda: consume(iter_pubmed_xml(source)))


def write_pubmed_xml(articles: list[Any], path: Path) -> None:
    """The articles as a minimal PubmedArticleSet (PMID, title, abstract), for the workers-read-files mode."""
    from xml.sax.saxutils import escape

    with path.open("w", encoding="utf-8") as handle:
        handle.write('<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n')
        for a in articles:
            handle.write(
                f'<PubmedArticle><MedlineCitation><PMID Version="1">{escape(a.pmid)}</PMID><Article>'
                f"<ArticleTitle>{escape(a.title)}</ArticleTitle><Abstract><AbstractText>{escape(a.abstract)}"
                "</AbstractText></Abstract></Article></MedlineCitation></PubmedArticle>\n"
            )
        handle.write("</PubmedArticleSet>\n")


def dask_runs(articles: list[Any], workdir: Path, partition_size: int) -> list[dict[str, Any]]:
    """1 and 2 workers with the driver shipping articles (JSONL input), then 2 workers reading XML files."""
    # The driver writes Parquet parts and the evidence CSV: import those writers first, so the first run's driver
    # CPU per article does not carry their one-time import (~0.3 CPU-s), a start-up cost like the cluster's.
    import pandas  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    from neurolit.refresh.extraction import Extractor
    from neurolit.scale.engine import run_dask

    source = workdir / "abstracts.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for a in articles:
            handle.write(json.dumps({"pmid": a.pmid, "title": a.title, "abstract": a.abstract}) + "\n")
    xml_dir = workdir / "xml"
    xml_dir.mkdir()
    for number, start in enumerate(range(0, len(articles), partition_size)):
        write_pubmed_xml(articles[start : start + partition_size], xml_dir / f"part{number:04d}.xml")
    results = []
    for workers, input_path, mode in (
        (1, source, "driver ships"),
        (2, source, "driver ships"),
        (2, xml_dir, "workers read XML"),
    ):
        report = run_dask(
            [str(input_path)],
            workdir / f"dask{workers}{input_path.suffix}.csv",
            n_workers=workers,
            partition_size=partition_size,
            processes=True,
            extractor=Extractor(),
        )
        results.append(
            {
                "workers": workers,
                "mode": mode,
                "startup_s": round(report.startup_seconds, 2),
                "extract_s": round(report.seconds, 2),
                "abstracts_per_s": round(report.articles / report.seconds, 1),
                "end_to_end_per_s": round(report.articles / (report.seconds + report.startup_seconds), 1),
                "per_worker_cpu_s": round(report.articles / report.worker_cpu_seconds, 1),
                "driver_per_cpu_s": round(report.articles / max(report.driver_cpu_seconds, 1e-9), 1),
                "rows": report.triples,
            }
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--docs", type=int, default=580)
    parser.add_argument("--partition-size", type=int, default=50)
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()

    from neurolit.ner.annotate import NerAnnotator
    from neurolit.relations.extract import RelationExtractor

    articles = load_articles(args.shared, args.docs)
    texts = [a.text for a in articles]
    n = len(articles)
    chars = sum(len(t) for t in texts) / n
    print(f"{n} real abstracts, {chars:.0f} characters on average, {os.cpu_count()} CPU(s)")

    load = time.perf_counter()
    rules = NerAnnotator.load(use_model=False)
    load_rules = time.perf_counter() - load
    relations = RelationExtractor()
    tokenizer: Any = rules.nlp.tokenizer  # the pipeline's own (biomedical) tokenizer
    warm = articles[:20]
    consume(tokenizer.pipe(t.text for t in warm))
    consume(relations.extract_many(rules.annotate_documents(warm)))
    others = warm_up_texts(args.shared)

    rates: list[Rate] = []
    settle_tokenizer(rules.nlp, others)
    rates.append(measure("tokenize (ceiling)", n, lambda: consume(tokenizer.pipe(texts))))
    docs: list[Any] = []
    settle_tokenizer(rules.nlp, others)
    rates.append(measure("rules NER", n, lambda: docs.extend(rules.annotate_documents(articles))))
    rates.append(measure("relations alone", n, lambda: consume(relations.extract_many(docs))))
    triples: list[Any] = []
    settle_tokenizer(rules.nlp, others)
    rates.append(
        measure(
            "rules NER + relations",
            n,
            lambda: triples.extend(relations.extract_many(rules.annotate_documents(articles))),
        )
    )

    through_spacy = NerAnnotator(rules.nlp, text_first=False)
    settle_tokenizer(rules.nlp, others)
    rates.append(
        measure(
            "rules NER + relations, as spaCy Docs",
            n,
            lambda: consume(relations.extract_many(through_spacy.annotate_documents(articles))),
        )
    )
    tokenized = texts_tokenized(rules, articles)

    load = time.perf_counter()
    full = NerAnnotator.load(use_model=True)
    load_full = time.perf_counter() - load
    has_model = full.nlp.pipe_names != rules.nlp.pipe_names
    consume(relations.extract_many(full.annotate_documents(warm)))
    full_triples: list[Any] = []
    settle_tokenizer(full.nlp, others)
    rates.append(
        measure(
            "full NER (model) + relations" if has_model else "full (no model installed) + relations",
            n,
            lambda: full_triples.extend(relations.extract_many(full.annotate_documents(articles))),
        )
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    ceiling = rates[0].per_cpu_second
    print(f"\npipeline load: rules {load_rules:.1f} s, full {load_full:.1f} s; model present: {has_model}")
    print(f"{'stage':40} {'abstracts/CPU-s':>16} {'abstracts/wall-s':>17} {'× ceiling':>10}")
    for r in rates:
        print(
            f"{r.name:40} {r.per_cpu_second:16.1f} {r.per_wall_second:17.1f} {r.per_cpu_second / ceiling:10.3f}"
        )
    print(
        f"triples: rules {len(triples)}, full {len(full_triples)}; peak RSS (this process) {peak_mb:.0f} MB"
    )
    print(
        f"the rules NER runs text first: it tokenized {tokenized} of {n} abstracts (where a context rule could "
        "apply); the spaCy-Docs row is the same pipeline through nlp.pipe"
    )

    with tempfile.TemporaryDirectory(prefix="neurolit-bench-") as tmp:
        work = Path(tmp)
        os.environ["NEUROLIT_HOME"] = str(work / "home")
        ingest = ingest_rate(args.shared, work)
        parse = parse_rate(args.shared)
        print(
            f"ingest {ingest.per_cpu_second:.0f} records/CPU-s; parse only {parse.per_cpu_second:.0f} records/CPU-s"
        )
        dask: list[dict[str, Any]] = [] if args.no_dask else dask_runs(articles, work, args.partition_size)
    worker_peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    for row in dask:
        print(
            f"dask {row['workers']} worker(s), {row['mode']}: start-up {row['startup_s']} s, extraction {row['extract_s']} s "
            f"→ {row['abstracts_per_s']} abstracts/s ({row['end_to_end_per_s']} end to end; "
            f"{row['per_worker_cpu_s']}/worker-CPU-s, driver {row['driver_per_cpu_s']}/CPU-s), {row['rows']} rows"
        )
    if dask:
        print(f"peak RSS of a Dask worker: {worker_peak_mb:.0f} MB")

    # Extrapolation from the measured figures (every record counted as a full abstract: an upper bound, since
    # about a third of PubMed records have no abstract and cost little).
    per_core = rates[-1].per_cpu_second  # full pipeline + relations, one core, one process
    cores = os.cpu_count() or 1
    extract_one_machine_h = BASELINE_RECORDS / (per_core * cores) / 3600
    ingest_h = BASELINE_RECORDS / ingest.per_cpu_second / 3600
    # Per worker core: the single-process rate times the Dask efficiency measured with one worker process
    # (its CPU per abstract against the single process's; idle event-loop CPU included).
    efficiency = min(1.0, dask[0]["per_worker_cpu_s"] / per_core) if dask else 1.0
    worker_rate = per_core * efficiency
    workers_total = worker_rate * 32
    # Driver shipping articles: its CPU per article, from the one-worker run (the least disturbed by the other
    # worker). Workers reading XML files: the driver handles one small task per file (~1,300 for the baseline),
    # so the workers are the limit; the driver CPU measured in that mode is the scheduler's and event loop's
    # per-second overhead over the run, not a per-article cost.
    driver_rate = dask[0]["driver_per_cpu_s"] if dask else parse.per_cpu_second
    cluster: dict[str, float] = {"driver ships": BASELINE_RECORDS / min(workers_total, driver_rate) / 3600}
    if any(row.get("mode") == "workers read XML" for row in dask):
        cluster["workers read XML"] = BASELINE_RECORDS / workers_total / 3600
    extract_cluster_h = min(cluster.values())
    print(
        f"\nextrapolation for the {BASELINE_RECORDS / 1e6:.0f} M-record baseline (every record as an abstract):"
    )
    print(f"  ingest into the mirror (parse + store, one SQLite writer): {ingest_h:.1f} h")
    print(
        f"  extraction on one machine ({cores} cores × {per_core:.0f}/CPU-s): {extract_one_machine_h:.1f} h"
    )
    for mode, hours in cluster.items():
        limit = "the driver" if mode == "driver ships" and driver_rate < workers_total else "the workers"
        print(
            f"  extraction on a 32-worker cluster, {mode} (32 × {worker_rate:.0f}/s, Dask efficiency "
            f"{efficiency:.2f}; driver {driver_rate:.0f} articles/CPU-s when shipping; limited by {limit}): "
            f"{hours:.1f} h"
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "abstracts": n,
                    "mean_chars": round(chars),
                    "cpus": cores,
                    "model": has_model,
                    "stages": [
                        {
                            "name": r.name,
                            "per_cpu_s": round(r.per_cpu_second, 1),
                            "per_wall_s": round(r.per_wall_second, 1),
                            "ratio_to_ceiling": round(r.per_cpu_second / ceiling, 3),
                        }
                        for r in rates
                    ],
                    "peak_rss_mb": round(peak_mb),
                    "dask": dask,
                    "dask_worker_peak_rss_mb": round(worker_peak_mb),
                    "ingest_per_cpu_s": round(ingest.per_cpu_second),
                    "parse_per_cpu_s": round(parse.per_cpu_second),
                    "extrapolation_hours": {
                        "ingest": round(ingest_h, 1),
                        "extract_one_machine": round(extract_one_machine_h, 1),
                        "extract_32_workers": round(extract_cluster_h, 2),
                        "extract_32_workers_by_mode": {k: round(v, 2) for k, v in cluster.items()},
                        "dask_efficiency": round(efficiency, 2),
                    },
                },
                indent=2,
            ),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
