"""SQLite corpus store: one file per corpus, ``$NEUROLIT_HOME/corpora/<name>.sqlite`` (WAL mode).

`CorpusStore` is the API every stage uses to read and write a corpus:

    store = CorpusStore.open("alk-nb", create=True)     # or CorpusStore.open(Path("x.sqlite"))
    with store.transaction():
        store.upsert_articles(articles)                  # keeps the newest version per PMID
        store.apply_deletions(["26432306"])
    store.get("34210658"); store.count(); store.iter_articles()
    store.search("ALK AND crizotinib")                    # FTS5 over title, abstract and MeSH
    store.set_query("ALK neuroblastoma"); store.set_watermark("2026/11/26")
    run = store.start_run("fetch", query=...); store.finish_run(run, status="completed", ...)
    CorpusStore.list_corpora()

Articles are kept losslessly as JSON of the `Article` dataclass, beside indexed columns (pmid, version, year,
journal, doi, pmcid, date_revised) and an external-content FTS5 index that CorpusStore fills in bulk.
Writes made outside `transaction()` are committed one statement at a time; inside it, all or nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from neurolit.config import neurolit_home
from neurolit.errors import CorpusNotFoundError, InputError, LockedError, StoreError
from neurolit.records import AbstractSection, Article, Author, MeshHeading

SCHEMA_VERSION = 1
PAGE_SIZE = 16384
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    pmid TEXT NOT NULL UNIQUE,
    version INTEGER NOT NULL DEFAULT 1,
    year INTEGER,
    journal TEXT NOT NULL DEFAULT '',
    doi TEXT NOT NULL DEFAULT '',
    pmcid TEXT NOT NULL DEFAULT '',
    date_revised TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    abstract TEXT NOT NULL DEFAULT '',
    mesh TEXT NOT NULL DEFAULT '',
    record TEXT NOT NULL,
    run_id INTEGER,
    stored_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_year ON articles(year);
CREATE INDEX IF NOT EXISTS articles_doi ON articles(doi);
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    title, abstract, mesh, content='articles', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
-- The FTS index is maintained by CorpusStore in bulk (faster than per-row triggers).
DROP TRIGGER IF EXISTS articles_ai;
DROP TRIGGER IF EXISTS articles_ad;
DROP TRIGGER IF EXISTS articles_au;
CREATE TABLE IF NOT EXISTS deletions (
    pmid TEXT PRIMARY KEY, deleted_at TEXT NOT NULL, source TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    query TEXT NOT NULL DEFAULT '',
    params TEXT NOT NULL DEFAULT '{}',
    started_at TEXT NOT NULL,
    ended_at TEXT,
    status TEXT NOT NULL,
    found INTEGER NOT NULL DEFAULT 0,
    fetched INTEGER NOT NULL DEFAULT 0,
    inserted INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    deleted INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    pid INTEGER
);
CREATE TABLE IF NOT EXISTS files (
    name TEXT PRIMARY KEY, path TEXT NOT NULL, size INTEGER NOT NULL, records INTEGER NOT NULL,
    deletions INTEGER NOT NULL, run_id INTEGER, ingested_at TEXT NOT NULL
);
"""

_COLUMNS = (
    "version, year, journal, doi, pmcid, date_revised, title, abstract, mesh, record, run_id, stored_at"
)
_INSERT = f"INSERT INTO articles (pmid, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
_UPDATE = (
    "UPDATE articles SET version=?, year=?, journal=?, doi=?, pmcid=?, date_revised=?, title=?, abstract=?, "
    "mesh=?, record=?, run_id=?, stored_at=? WHERE id=?"
)
_FTS_ADD_FROM = (
    "INSERT INTO articles_fts(rowid, title, abstract, mesh) SELECT id, title, abstract, mesh FROM articles "
    "WHERE id > ?"
)
_FTS_ADD_ROW = (
    "INSERT INTO articles_fts(rowid, title, abstract, mesh) SELECT id, title, abstract, mesh FROM articles "
    "WHERE id = ?"
)
_FTS_REMOVE_ROW = (
    "INSERT INTO articles_fts(articles_fts, rowid, title, abstract, mesh) "
    "SELECT 'delete', id, title, abstract, mesh FROM articles WHERE id = ?"
)


# FTS5 buffers new postings in memory and writes a segment when they exceed 'hashsize' (default 1 MB): with
# 16 MB a 50,000-record load writes ~16 times fewer level-0 segments and merges far less (FTS indexing
# ~29 → ~21 µs per record). Stored in the index's config table, so it is set once, when the store is created.
FTS_HASHSIZE = 16 * 1024 * 1024


def _set_fts_hashsize(db: sqlite3.Connection) -> None:
    # An SQLite whose FTS5 lacks the option keeps the default, which only costs speed.
    with contextlib.suppress(sqlite3.OperationalError):
        db.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('hashsize', ?)", (FTS_HASHSIZE,))


def pid_alive(pid: int | None) -> bool:
    """Whether a process with this id exists on this machine (used to recognise runs left by dead processes)."""
    if not pid or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- lossless Article <-> JSON -----------------------------------------------------------------------------


def article_to_dict(article: Article) -> dict[str, Any]:
    """A JSON-ready dict holding every field of `article` (inverse: `article_from_dict`)."""
    return {
        "pmid": article.pmid,
        "title": article.title,
        "abstract": article.abstract,
        "version": article.version,
        "abstract_sections": [[s.label, s.text, s.nlm_category] for s in article.abstract_sections],
        "journal": article.journal,
        "journal_iso": article.journal_iso,
        "year": article.year,
        "pub_date": article.pub_date,
        "authors": [
            [a.last_name, a.fore_name, a.initials, a.collective_name, list(a.affiliations)]
            for a in article.authors
        ],
        "doi": article.doi,
        "pmcid": article.pmcid,
        "mesh": [[m.ui, m.descriptor, m.major_topic, list(m.qualifiers)] for m in article.mesh],
        "keywords": list(article.keywords),
        "publication_types": list(article.publication_types),
        "language": article.language,
        "date_revised": article.date_revised,
    }


def article_from_dict(data: dict[str, Any]) -> Article:
    return Article(
        pmid=str(data["pmid"]),
        title=data.get("title", ""),
        abstract=data.get("abstract", ""),
        version=int(data.get("version", 1)),
        abstract_sections=tuple(AbstractSection(s[0], s[1], s[2]) for s in data.get("abstract_sections", ())),
        journal=data.get("journal", ""),
        journal_iso=data.get("journal_iso", ""),
        year=data.get("year"),
        pub_date=data.get("pub_date", ""),
        authors=tuple(Author(a[0], a[1], a[2], a[3], tuple(a[4])) for a in data.get("authors", ())),
        doi=data.get("doi", ""),
        pmcid=data.get("pmcid", ""),
        mesh=tuple(MeshHeading(m[0], m[1], bool(m[2]), tuple(m[3])) for m in data.get("mesh", ())),
        keywords=tuple(data.get("keywords", ())),
        publication_types=tuple(data.get("publication_types", ())),
        language=data.get("language", ""),
        date_revised=data.get("date_revised", ""),
    )


# One encoder for every record: compact separators, ASCII escapes (the C encoder's ASCII path is faster than
# its Unicode one) and no circular-reference bookkeeping (records are plain trees). ~30 % cheaper than
# json.dumps(..., ensure_ascii=False) per record; json.loads reads either form.
_RECORD_JSON = json.JSONEncoder(separators=(",", ":"), check_circular=False)


def _encode(article: Article) -> str:
    """The stored JSON: every field except title and abstract, which live in their own columns. Abstract
    sections whose text occurs in the abstract (always, for PubMed XML) are kept as offsets into it."""
    sections: list[list[Any]] = []
    if article.abstract_sections:
        abstract = article.abstract
        cursor = 0
        for section in article.abstract_sections:
            text = section.text
            found = abstract.find(text, cursor) if text else -1
            if found >= 0:
                cursor = found + len(text)
                sections.append([section.label, section.nlm_category, found, cursor])
            else:
                sections.append([section.label, text, section.nlm_category])
    return _RECORD_JSON.encode(
        {
            "pmid": article.pmid,
            "version": article.version,
            "abstract_sections": sections,
            "journal": article.journal,
            "journal_iso": article.journal_iso,
            "year": article.year,
            "pub_date": article.pub_date,
            "authors": [
                [a.last_name, a.fore_name, a.initials, a.collective_name, a.affiliations]
                for a in article.authors
            ],
            "doi": article.doi,
            "pmcid": article.pmcid,
            "mesh": [[m.ui, m.descriptor, m.major_topic, m.qualifiers] for m in article.mesh],
            "keywords": article.keywords,
            "publication_types": article.publication_types,
            "language": article.language,
            "date_revised": article.date_revised,
        }
    )


def _decode(title: str, abstract: str, record: str) -> Article:
    data = json.loads(record)
    data["title"] = title
    data["abstract"] = abstract
    data["abstract_sections"] = [
        [s[0], abstract[s[2] : s[3]], s[1]] if len(s) == 4 else s for s in data.get("abstract_sections", ())
    ]
    return article_from_dict(data)


# --- small result records ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0  # same or older version already stored

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(
            self.inserted + other.inserted, self.updated + other.updated, self.unchanged + other.unchanged
        )


@dataclass(frozen=True, slots=True)
class SearchHit:
    pmid: str
    title: str
    year: int | None
    journal: str
    snippet: str
    rank: float


@dataclass(frozen=True, slots=True)
class RunRecord:
    id: int
    kind: str
    query: str
    params: dict[str, Any]
    started_at: str
    ended_at: str | None
    status: str  # running | completed | failed | interrupted
    found: int
    fetched: int
    inserted: int
    updated: int
    unchanged: int
    deleted: int
    skipped: int
    error: str


@dataclass(frozen=True, slots=True)
class CorpusInfo:
    name: str
    path: Path
    articles: int
    query: str
    watermark: str
    last_run: RunRecord | None


class CorpusStore:
    """One corpus in one SQLite file. Open with `CorpusStore.open(name_or_path)`; close with `close()` or use
    it as a context manager. Not shared across threads; open one per process or thread."""

    def __init__(self, path: Path, connection: sqlite3.Connection, name: str) -> None:
        self.path = path
        self.name = name
        self._db = connection
        self._depth = 0
        self._lock_handle: IO[str] | None = None

    # --- opening ----------------------------------------------------------------------------------------

    @staticmethod
    def corpora_dir(home: Path | None = None) -> Path:
        return (home if home is not None else neurolit_home()) / "corpora"

    @classmethod
    def path_for(cls, name: str, home: Path | None = None) -> Path:
        """The store file for corpus `name` (validated: letters, digits, '.', '_', '-')."""
        if not _NAME.match(name):
            raise InputError(
                f"invalid corpus name {name!r}: use letters, digits, '.', '_' or '-' "
                "(at most 100 characters, not starting with a punctuation mark)"
            )
        return cls.corpora_dir(home) / f"{name}.sqlite"

    @classmethod
    def open(cls, corpus: str | Path, *, home: Path | None = None, create: bool = False) -> CorpusStore:
        """Open a corpus by name (under ``$NEUROLIT_HOME/corpora``) or by the path of a ``.sqlite`` file.

        With create=False a missing corpus raises CorpusNotFoundError naming the corpora that exist.
        """
        if isinstance(corpus, Path) or str(corpus).endswith(".sqlite") or os.sep in str(corpus):
            path = Path(corpus)
            name = path.stem
        else:
            name = str(corpus)
            path = cls.path_for(name, home)
        if not path.exists():
            if not create:
                known = [info.name for info in cls.list_corpora(home)] if not isinstance(corpus, Path) else []
                hint = f"; corpora here: {', '.join(known)}" if known else ""
                raise CorpusNotFoundError(
                    f"no corpus {str(corpus)!r} at {path}{hint}. Create it with "
                    f"`neurolit fetch --corpus {name}` "
                    f"or `neurolit ingest FILES --corpus {name}`"
                )
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = sqlite3.connect(path, isolation_level=None, timeout=30.0)
            # 16 KB pages (a new file only; fixed once created): a stored row (JSON record + title + abstract,
            # ~3-4 KB) fits in one page instead of spilling to overflow pages (~15 % cheaper bulk load).
            db.execute(f"PRAGMA page_size={PAGE_SIZE}")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA cache_size=-65536")  # 64 MB page cache: bulk inserts touch many index pages
            db.executescript(_SCHEMA)
            row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if row is None:
                # Fewer, larger FTS segment merges while loading (measured ~10 % faster ingest).
                db.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('automerge', 8)")
                _set_fts_hashsize(db)
                db.execute(
                    "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?), ('created', ?)",
                    (str(SCHEMA_VERSION), _now()),
                )
            elif int(row[0]) > SCHEMA_VERSION:
                db.close()
                raise StoreError(
                    f"{path} was written by a newer neurolit (store schema {row[0]}); upgrade neurolit"
                )
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"cannot open corpus store {path}: {exc}. Is it a neurolit corpus file?"
            ) from exc
        return cls(path, db, name)

    @classmethod
    def list_corpora(cls, home: Path | None = None) -> list[CorpusInfo]:
        """Every corpus store under ``$NEUROLIT_HOME/corpora``, sorted by name."""
        folder = cls.corpora_dir(home)
        infos: list[CorpusInfo] = []
        for path in sorted(folder.glob("*.sqlite")) if folder.is_dir() else []:
            with cls.open(path) as store:
                runs = store.runs(limit=1)
                infos.append(
                    CorpusInfo(
                        path.stem,
                        path,
                        store.count(),
                        store.get_query(),
                        store.get_watermark(),
                        runs[0] if runs else None,
                    )
                )
        return infos

    def close(self) -> None:
        self.unlock()
        self._db.close()

    def __enter__(self) -> CorpusStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transactions and locking -------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together or not at all (nested uses join the outer transaction)."""
        if self._depth == 0:
            self._db.execute("BEGIN IMMEDIATE")
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self._db.execute("ROLLBACK")
            raise
        self._depth -= 1
        if self._depth == 0:
            self._db.execute("COMMIT")

    def lock(self) -> None:
        """Take the corpus's writer lock (a file lock released when the process ends, even by SIGKILL).

        Raises LockedError when another process holds it."""
        import fcntl

        if self._lock_handle is not None:
            return
        handle = self.path.with_suffix(".lock").open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            handle.close()
            raise LockedError(
                f"corpus {self.name!r} is being written by another neurolit process; wait for it "
                f"to finish (lock file {self.path.with_suffix('.lock')})"
            ) from exc
        self._lock_handle = handle

    def unlock(self) -> None:
        if self._lock_handle is not None:
            self._lock_handle.close()
            self._lock_handle = None

    # --- articles ---------------------------------------------------------------------------------------

    def upsert_articles(
        self, articles: Iterable[Article], *, run_id: int | None = None, chunk: int = 500
    ) -> UpsertCounts:
        """Insert or replace articles by PMID, keeping the newest version (higher PMID version, else the later
        DateRevised); an identical or older record leaves the stored one untouched. All in one transaction."""
        counts = UpsertCounts()
        with self.transaction():
            batch: list[Article] = []
            for article in articles:
                batch.append(article)
                if len(batch) >= chunk:
                    counts += self._upsert_chunk(batch, run_id)
                    batch = []
            if batch:
                counts += self._upsert_chunk(batch, run_id)
        return counts

    def _upsert_chunk(self, articles: list[Article], run_id: int | None) -> UpsertCounts:
        newest: dict[str, Article] = {}
        for art in articles:  # the same PMID twice in one chunk: keep the newer (the later on a tie)
            previous = newest.get(art.pmid)
            if previous is None or (art.version, art.date_revised) >= (
                previous.version,
                previous.date_revised,
            ):
                newest[art.pmid] = art
        duplicates = len(articles) - len(newest)
        pmids = list(newest)
        stored: dict[str, tuple[int, int, str, str]] = {}
        for start in range(0, len(pmids), 500):
            part = pmids[start : start + 500]
            marks = ",".join("?" * len(part))
            for row in self._db.execute(
                f"SELECT pmid, id, version, date_revised, record FROM articles WHERE pmid IN ({marks})", part
            ):
                stored[row[0]] = row[1:]
        stamp = _now()
        fresh: list[tuple[Any, ...]] = []
        updated = unchanged = 0
        for pmid, art in newest.items():
            record = _encode(art)
            values = (
                art.version,
                art.year,
                art.journal,
                art.doi,
                art.pmcid,
                art.date_revised,
                art.title,
                art.abstract,
                " ; ".join(m.descriptor for m in art.mesh),
                record,
                run_id,
                stamp,
            )
            old = stored.get(pmid)
            if old is None:
                fresh.append((pmid, *values))
                continue
            old_id, old_version, old_revised, old_record = old
            if art.version > old_version or (
                art.version == old_version and art.date_revised >= old_revised and record != old_record
            ):
                self._db.execute(_FTS_REMOVE_ROW, (old_id,))
                self._db.execute(_UPDATE, (*values, old_id))
                self._db.execute(_FTS_ADD_ROW, (old_id,))
                updated += 1
            else:
                unchanged += 1
        if fresh:
            # New rows get ids above the current maximum (INTEGER PRIMARY KEY): index them in one statement.
            last = self._db.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]
            self._db.executemany(_INSERT, fresh)
            self._db.execute(_FTS_ADD_FROM, (last,))
        return UpsertCounts(len(fresh), updated, unchanged + duplicates)

    def apply_deletions(self, pmids: Iterable[str], *, source: str = "") -> int:
        """Remove the PMIDs (PubMed DeleteCitation) and remember them in the deletions table.
        Returns how many stored articles were removed."""
        removed = 0
        stamp = _now()
        with self.transaction():
            for pmid in pmids:
                row = self._db.execute("SELECT id FROM articles WHERE pmid=?", (pmid,)).fetchone()
                if row is not None:
                    self._db.execute(_FTS_REMOVE_ROW, (row[0],))
                    self._db.execute("DELETE FROM articles WHERE id=?", (row[0],))
                    removed += 1
                self._db.execute(
                    "INSERT OR REPLACE INTO deletions(pmid, deleted_at, source) VALUES (?, ?, ?)",
                    (pmid, stamp, source),
                )
        return removed

    def deleted_pmids(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT pmid FROM deletions")}

    def get(self, pmid: str) -> Article | None:
        row = self._db.execute(
            "SELECT title, abstract, record FROM articles WHERE pmid=?", (str(pmid),)
        ).fetchone()
        return _decode(*row) if row else None

    def __contains__(self, pmid: object) -> bool:
        return self._db.execute("SELECT 1 FROM articles WHERE pmid=?", (str(pmid),)).fetchone() is not None

    def pmids(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT pmid FROM articles")}

    def versions(self) -> dict[str, int]:
        return dict(self._db.execute("SELECT pmid, version FROM articles"))

    def iter_articles(
        self, pmids: Iterable[str] | None = None, *, batch_size: int = 1000
    ) -> Iterator[Article]:
        """Every article in storage order (or the given PMIDs that are stored, in that order)."""
        if pmids is not None:
            for pmid in pmids:
                art = self.get(pmid)
                if art is not None:
                    yield art
            return
        last = 0
        while True:
            rows = self._db.execute(
                "SELECT id, title, abstract, record FROM articles WHERE id > ? ORDER BY id LIMIT ?",
                (last, batch_size),
            ).fetchall()
            if not rows:
                return
            for _, title, abstract, record in rows:
                yield _decode(title, abstract, record)
            last = rows[-1][0]

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        """Full-text search (SQLite FTS5 syntax: ``ALK AND crizotinib``, ``"exon 19"``, ``title:lorlatinib``,
        ``crizotin*``) over title, abstract and MeSH descriptors, best matches first."""
        sql = (
            "SELECT a.pmid, a.title, a.year, a.journal, "
            "snippet(articles_fts, -1, '[', ']', '…', 12), bm25(articles_fts) "
            "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY bm25(articles_fts) LIMIT ?"
        )
        try:
            rows = self._db.execute(sql, (query, limit)).fetchall()
        except sqlite3.OperationalError as exc:
            raise InputError(
                f"cannot search for {query!r}: {exc}. Use FTS5 syntax, e.g. 'ALK AND crizotinib' "
                "or '\"exon 19\"'"
            ) from exc
        return [SearchHit(r[0], r[1], r[2], r[3], r[4], float(r[5])) for r in rows]

    # --- saved query and watermark ---------------------------------------------------------------------

    def _get_meta(self, key: str) -> str:
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return str(row[0]) if row else ""

    def _set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def set_query(self, query: str, *, datetype: str = "edat") -> None:
        """Save the PubMed query that defines this corpus (used by refresh)."""
        with self.transaction():
            self._set_meta("query", query)
            self._set_meta("datetype", datetype)

    def get_query(self) -> str:
        return self._get_meta("query")

    def get_datetype(self) -> str:
        return self._get_meta("datetype") or "edat"

    def set_watermark(self, value: str) -> None:
        """The date (YYYY/MM/DD) up to which the saved query has been fetched; refresh continues from it."""
        self._set_meta("watermark", value)

    def get_watermark(self) -> str:
        return self._get_meta("watermark")

    def set_meta(self, key: str, value: str) -> None:
        """Free-form per-corpus settings for other stages (prefix keys with your stage name)."""
        self._set_meta(key, value)

    def get_meta(self, key: str) -> str:
        return self._get_meta(key)

    # --- run log ----------------------------------------------------------------------------------------

    def start_run(self, kind: str, *, query: str = "", params: dict[str, Any] | None = None) -> int:
        """Log the start of a fetch/ingest/refresh run and return its id. Runs left 'running' by a process that
        no longer exists (killed) are marked 'interrupted' here; runs of this process or of live processes (a
        refresh wrapping a fetch) are left alone."""
        with self.transaction():
            for run_id, pid in self._db.execute("SELECT id, pid FROM runs WHERE status='running'").fetchall():
                if pid != os.getpid() and not pid_alive(pid):
                    self._db.execute(
                        "UPDATE runs SET status='interrupted', ended_at=? WHERE id=?", (_now(), run_id)
                    )
            cur = self._db.execute(
                "INSERT INTO runs(kind, query, params, started_at, status, pid) "
                "VALUES (?, ?, ?, ?, 'running', ?)",
                (kind, query, json.dumps(params or {}, sort_keys=True), _now(), os.getpid()),
            )
        return int(cur.lastrowid or 0)

    def update_run(self, run_id: int, **counts: int) -> None:
        """Add to a run's counters (found, fetched, inserted, updated, unchanged, deleted, skipped)."""
        allowed = {"found", "fetched", "inserted", "updated", "unchanged", "deleted", "skipped"}
        unknown = set(counts) - allowed
        if unknown:
            raise ValueError(f"unknown run counters {sorted(unknown)}")
        if counts:
            sets = ", ".join(f"{k} = {k} + ?" for k in counts)
            self._db.execute(f"UPDATE runs SET {sets} WHERE id=?", (*counts.values(), run_id))

    def finish_run(self, run_id: int, *, status: str = "completed", error: str = "") -> None:
        self._db.execute(
            "UPDATE runs SET status=?, error=?, ended_at=? WHERE id=?", (status, error, _now(), run_id)
        )

    def runs(self, *, limit: int = 20) -> list[RunRecord]:
        """The latest runs, newest first."""
        rows = self._db.execute(
            "SELECT id, kind, query, params, started_at, ended_at, status, found, fetched, inserted, "
            "updated, unchanged, deleted, skipped, error FROM runs ORDER BY id DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [RunRecord(r[0], r[1], r[2], json.loads(r[3]), *r[4:]) for r in rows]

    def get_run(self, run_id: int) -> RunRecord:
        for run in self.runs(limit=1_000_000):
            if run.id == run_id:
                return run
        raise StoreError(f"no run {run_id} in corpus {self.name!r}")

    # --- ingested files -------------------------------------------------------------------------------

    def record_file(self, path: Path, *, records: int, deletions: int, run_id: int | None = None) -> None:
        """Remember that a PubMed XML file was ingested completely (call inside the file's transaction)."""
        self._db.execute(
            "INSERT OR REPLACE INTO files(name, path, size, records, deletions, run_id, ingested_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (path.name, str(path), path.stat().st_size, records, deletions, run_id, _now()),
        )

    def ingested_files(self) -> dict[str, int]:
        """Names of the files ingested completely, with their sizes in bytes."""
        return dict(self._db.execute("SELECT name, size FROM files"))
