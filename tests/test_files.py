"""neurolit.files: atomic replacement of output files and opening bookkeeping databases."""

from __future__ import annotations

from pathlib import Path

import pytest

from neurolit.errors import StoreError
from neurolit.files import atomic_path, open_wal_database


def test_atomic_path_replaces_the_file_only_when_the_block_succeeds(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "table.csv"
    with atomic_path(out) as tmp:
        tmp.write_text("v1", encoding="utf-8")
        assert not out.exists()  # readers see nothing half-written
    assert out.read_text(encoding="utf-8") == "v1"
    with pytest.raises(RuntimeError), atomic_path(out) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("killed mid-write")
    assert out.read_text(encoding="utf-8") == "v1"  # the old file survives
    assert sorted(p.name for p in out.parent.iterdir()) == ["table.csv"]  # no temporary left behind


def test_open_wal_database_applies_the_schema_and_names_the_remedy(tmp_path: Path) -> None:
    db = open_wal_database(
        tmp_path / "state.sqlite", "CREATE TABLE IF NOT EXISTS t (x)", what="the state", remedy="r"
    )
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.execute("INSERT INTO t VALUES (1)")
    db.close()
    (tmp_path / "dir.sqlite").mkdir()
    with pytest.raises(StoreError, match=r"cannot open the state .*dir\.sqlite.*delete it"):
        open_wal_database(tmp_path / "dir.sqlite", "", what="the state", remedy="delete it")
