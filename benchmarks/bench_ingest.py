"""Benchmark: parse + store PubMed XML (records/s, peak RSS) on the 2016 update file replicated to ≥ 50,000
records.

    nice /work/venv/bin/python benchmarks/bench_ingest.py [--copies 83] [--shared ../shared/data]

Builds one gzipped MedlineCitationSet in a temporary folder from ../shared/data/pubmed/pubmed-xml-files/
medline16n0902.xml.gz, each copy with its PMIDs rewritten (PMID + copy × 100,000,000) so every record is new,
then times, in this order and one core: (1) the streaming parser alone, (2) `ingest_files` (parse + one
transaction into a fresh SQLite corpus store with its FTS5 index). Both are single-threaded; each is reported
as records per wall-clock second and per CPU second of this process (user + system, which is what one core
delivers when the machine is shared). Peak RSS is the process's maximum resident set size (interpreter included).
"""

from __future__ import annotations

import argparse
import gzip
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_PMID = re.compile(rb'(<PMID Version="\d+">)(\d+)(</PMID>)')


def build_file(source: Path, copies: int, out: Path) -> int:
    """Write `copies` copies of the file's citations (PMIDs rewritten) to `out`; returns the record count."""
    raw = gzip.decompress(source.read_bytes())
    start = raw.index(b"<MedlineCitation ")
    end = raw.rindex(b"</MedlineCitation>") + len(b"</MedlineCitation>")
    header, body = raw[:start], raw[start:end]
    per_copy = body.count(b"<MedlineCitation ")
    with gzip.open(out, "wb", compresslevel=6) as handle:
        handle.write(header)
        for copy in range(copies):
            offset = copy * 100_000_000
            handle.write(
                _PMID.sub(
                    lambda m, o=offset: (
                        m.group(1)
                        + str(int(m.group(2)) + o).encode()  # type: ignore[misc]
                        + m.group(3)
                    ),
                    body,
                )
            )
            handle.write(b"\n")
        handle.write(b"</MedlineCitationSet>\n")
    return per_copy * copies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=83, help="copies of the 604-record file (83 → 50,132)")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    source = args.shared / "pubmed" / "pubmed-xml-files" / "medline16n0902.xml.gz"
    if not source.is_file():
        sys.exit(f"{source} not found: give --shared PATH to ../shared/data")

    import os
    import sqlite3

    from lxml import etree

    from neurolit.fetch.ingest import ingest_files
    from neurolit.fetch.pubmed_xml import iter_pubmed_xml
    from neurolit.fetch.store import CorpusStore

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"Python {sys.version.split()[0]}, lxml {etree.__version__} (libxml2 "
        f"{'.'.join(map(str, etree.LIBXML_VERSION))}), SQLite {sqlite3.sqlite_version}; load average {load}"
    )

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = folder / "medline16n0902x.xml.gz"
        t0 = time.perf_counter()
        expected = build_file(source, args.copies, data)
        print(
            f"built {expected:,} records ({data.stat().st_size / 1e6:.1f} MB gzipped) in "
            f"{time.perf_counter() - t0:.1f} s"
        )

        t0, c0 = time.perf_counter(), time.process_time()
        parsed = sum(1 for _ in iter_pubmed_xml(data))
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        assert parsed == expected, (parsed, expected)
        print(
            f"parse only:    {parsed:,} records, {wall:.1f} s wall = {parsed / wall:,.0f}/s; "
            f"{cpu:.1f} s CPU = {parsed / cpu:,.0f}/s"
        )

        t0, c0 = time.perf_counter(), time.process_time()
        report = ingest_files([data], "bench", home=folder)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        assert report.inserted == expected, report
        with CorpusStore.open("bench", home=folder) as store:
            assert store.count() == expected
            hits = len(store.search("crizotinib", limit=1000))
        size = (folder / "corpora" / "bench.sqlite").stat().st_size / 1e6
        print(
            f"parse + store: {report.inserted:,} records, {wall:.1f} s wall = {report.inserted / wall:,.0f}/s; "
            f"{cpu:.1f} s CPU = {report.inserted / cpu:,.0f}/s (store {size:.0f} MB, FTS check: {hits} hits)"
        )
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS:      {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
