"""The mirror's bookkeeping: which files were verified and ingested (`$NEUROLIT_HOME/mirror/mirror.sqlite`).

A file is ingested once: its row keeps the MD5 it was verified with and when it was ingested. If the server
republishes a file under the same name with a different MD5, it is downloaded and ingested again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from neurolit.files import open_wal_database

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    md5 TEXT NOT NULL,
    size INTEGER NOT NULL DEFAULT 0,
    verified_at REAL,
    ingested_at REAL,
    articles INTEGER NOT NULL DEFAULT 0,
    deletions INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS syncs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started REAL NOT NULL,
    finished REAL,
    status TEXT NOT NULL,
    files_ingested INTEGER NOT NULL DEFAULT 0,
    articles INTEGER NOT NULL DEFAULT 0,
    deletions INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT ''
);
"""


@dataclass(frozen=True, slots=True)
class MirrorFile:
    name: str
    kind: str
    md5: str
    size: int
    verified_at: float | None
    ingested_at: float | None
    articles: int
    deletions: int
    rejected: int


class MirrorState:
    """Bookkeeping of one mirror directory. Every write is its own committed transaction."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = open_wal_database(
            path,
            _SCHEMA,
            what="the mirror state",
            remedy="check NEUROLIT_HOME permissions, or delete the file to start the mirror afresh",
        )

    def close(self) -> None:
        self._db.close()

    def get(self, name: str) -> MirrorFile | None:
        row = self._db.execute(
            "SELECT name, kind, md5, size, verified_at, ingested_at, articles, deletions, rejected "
            "FROM files WHERE name = ?",
            (name,),
        ).fetchone()
        return MirrorFile(*row) if row else None

    def files(self) -> list[MirrorFile]:
        rows = self._db.execute(
            "SELECT name, kind, md5, size, verified_at, ingested_at, articles, deletions, rejected "
            "FROM files ORDER BY kind, name"
        ).fetchall()
        return [MirrorFile(*row) for row in rows]

    def is_ingested(self, name: str, md5: str) -> bool:
        current = self.get(name)
        return current is not None and current.ingested_at is not None and current.md5 == md5

    def record_rejected(self, name: str, kind: str, md5: str) -> None:
        with self._db:
            self._db.execute(
                "INSERT INTO files (name, kind, md5, rejected) VALUES (?, ?, ?, 1) "
                "ON CONFLICT(name) DO UPDATE SET rejected = rejected + 1",
                (name, kind, md5),
            )

    def record_verified(self, name: str, kind: str, md5: str, size: int) -> None:
        with self._db:
            self._db.execute(
                "INSERT INTO files (name, kind, md5, size, verified_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET kind = excluded.kind, md5 = excluded.md5, "
                "size = excluded.size, "
                "verified_at = excluded.verified_at, "
                "ingested_at = CASE WHEN files.md5 = excluded.md5 THEN files.ingested_at END",
                (name, kind, md5, size, time.time()),
            )

    def record_ingested(self, name: str, articles: int, deletions: int) -> None:
        with self._db:
            self._db.execute(
                "UPDATE files SET ingested_at = ?, articles = ?, deletions = ? WHERE name = ?",
                (time.time(), articles, deletions, name),
            )

    def start_sync(self) -> int:
        with self._db:
            cursor = self._db.execute(
                "INSERT INTO syncs (started, status) VALUES (?, 'running')", (time.time(),)
            )
        return int(cursor.lastrowid or 0)

    def finish_sync(
        self, sync_id: int, status: str, files_ingested: int, articles: int, deletions: int, error: str = ""
    ) -> None:
        with self._db:
            self._db.execute(
                "UPDATE syncs SET finished = ?, status = ?, files_ingested = ?, articles = ?, deletions = ?, "
                "error = ? WHERE id = ?",
                (time.time(), status, files_ingested, articles, deletions, error, sync_id),
            )
