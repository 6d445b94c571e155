"""The extraction ledger of one corpus: which article content each PMID's triples were extracted from.

`$NEUROLIT_HOME/refresh/<corpus>.sqlite` holds, per PMID, a digest of the text the extractor saw (title,
abstract, journal, year) with the extractor version, and that PMID's triples. A refresh re-extracts exactly
the PMIDs whose digest or extractor version differs from the corpus store (new or revised records), drops the
PMIDs that left the store (deletions), and renders the evidence table from the ledger. Each batch replaces its
PMIDs' triples and digests in one transaction, so a killed run leaves the ledger consistent and the next run
finishes the remaining PMIDs: no gaps, no duplicates.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from neurolit.errors import StoreError
from neurolit.evidence.schema import row_to_triple, triple_to_row
from neurolit.files import open_wal_database
from neurolit.records import Article, Triple

_SCHEMA = """
CREATE TABLE IF NOT EXISTS extracted (
    pmid TEXT PRIMARY KEY,
    digest TEXT NOT NULL,
    extractor_version TEXT NOT NULL,
    extracted_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS triples (
    triple_id TEXT NOT NULL,
    pmid TEXT NOT NULL,
    row TEXT NOT NULL,
    PRIMARY KEY (pmid, triple_id)
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started REAL NOT NULL,
    finished REAL,
    status TEXT NOT NULL,
    store_run_id INTEGER,
    extracted INTEGER NOT NULL DEFAULT 0,
    dropped INTEGER NOT NULL DEFAULT 0,
    triples INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT ''
);
"""


def article_digest(article: Article) -> str:
    """A digest of everything the extractor reads from an article (its triples carry title, journal, year)."""
    payload = json.dumps([article.title, article.abstract, article.journal, article.year], ensure_ascii=False)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


class Ledger:
    """The extraction ledger of one corpus (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = open_wal_database(
            path, _SCHEMA, what="the extraction ledger", remedy="delete it to re-extract the corpus afresh"
        )

    @classmethod
    def for_corpus(cls, home: Path, corpus: str) -> Ledger:
        return cls(home / "refresh" / f"{corpus}.sqlite")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def digests(self) -> dict[str, tuple[str, str]]:
        """PMID → (digest, extractor version) of everything extracted so far."""
        return {
            row[0]: (row[1], row[2])
            for row in self._db.execute("SELECT pmid, digest, extractor_version FROM extracted")
        }

    def plan(self, articles: Iterable[Article], extractor_version: str) -> tuple[list[str], list[str]]:
        """(PMIDs to extract: new, revised or extracted by another version; PMIDs no longer stored)."""
        known = self.digests()
        todo: list[str] = []
        seen: set[str] = set()
        for article in articles:
            seen.add(article.pmid)
            if known.get(article.pmid) != (article_digest(article), extractor_version):
                todo.append(article.pmid)
        return todo, sorted(set(known) - seen)

    def replace(self, articles: Sequence[Article], triples: Iterable[Triple], extractor_version: str) -> int:
        """Set the triples of these articles (possibly none) in one transaction; returns the count."""
        by_pmid: dict[str, dict[str, dict[str, Any]]] = {article.pmid: {} for article in articles}
        for triple in triples:
            if triple.pmid not in by_pmid:
                raise StoreError(
                    f"the extractor returned a triple for PMID {triple.pmid}, which it was not given"
                )
            row = triple_to_row(triple)
            current = by_pmid[triple.pmid].get(str(row["triple_id"]))
            if current is None or float(str(row["confidence"])) > float(str(current["confidence"])):
                by_pmid[triple.pmid][str(row["triple_id"])] = row
        now = time.time()
        count = 0
        with self._db:
            for article in articles:
                self._db.execute("DELETE FROM triples WHERE pmid = ?", (article.pmid,))
                for tid, row in by_pmid[article.pmid].items():
                    self._db.execute(
                        "INSERT INTO triples (triple_id, pmid, row) VALUES (?, ?, ?)",
                        (tid, article.pmid, json.dumps(row, ensure_ascii=False, default=str)),
                    )
                    count += 1
                self._db.execute(
                    "INSERT OR REPLACE INTO extracted (pmid, digest, extractor_version, extracted_at) "
                    "VALUES (?, ?, ?, ?)",
                    (article.pmid, article_digest(article), extractor_version, now),
                )
        return count

    def drop(self, pmids: Sequence[str]) -> None:
        with self._db:
            for pmid in pmids:
                self._db.execute("DELETE FROM triples WHERE pmid = ?", (pmid,))
                self._db.execute("DELETE FROM extracted WHERE pmid = ?", (pmid,))

    def triples(self) -> Iterator[Triple]:
        for (row,) in self._db.execute("SELECT row FROM triples ORDER BY pmid, triple_id"):
            yield row_to_triple(json.loads(row), where=str(self.path))

    def triple_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM triples").fetchone()[0])

    def start_run(self, store_run_id: int | None) -> int:
        with self._db:
            cursor = self._db.execute(
                "INSERT INTO runs (started, status, store_run_id) VALUES (?, 'running', ?)",
                (time.time(), store_run_id),
            )
        return int(cursor.lastrowid or 0)

    def finish_run(self, run_id: int, status: str, *, extracted: int, dropped: int, error: str = "") -> None:
        with self._db:
            self._db.execute(
                "UPDATE runs SET finished = ?, status = ?, extracted = ?, dropped = ?, triples = ?, "
                "error = ? "
                "WHERE id = ?",
                (time.time(), status, extracted, dropped, self.triple_count(), error, run_id),
            )
