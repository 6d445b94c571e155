"""Writing files safely: atomic replacement of an output file, and opening a bookkeeping SQLite database."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from neurolit.errors import StoreError


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside `path` to write to; renamed over `path` when the block ends without an error, so
    a reader never sees a half-written file, and removed when it raises."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        yield tmp
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(path)


def open_wal_database(path: Path, schema: str, *, what: str, remedy: str) -> sqlite3.Connection:
    """A connection to the SQLite file `path` in WAL mode with `schema` applied (idempotent DDL); a failure is a
    StoreError naming `what` and the `remedy`."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=30.0)
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(schema)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open {what} {path}: {exc}; {remedy}") from exc
    return db
