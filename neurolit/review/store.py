"""The decision store: ``$NEUROLIT_HOME/review/<corpus>.sqlite``, apart from the machine's evidence table.

Two tables:

- ``decision_log``: append-only (triggers refuse UPDATE and DELETE). One row per decision a curator made:
  curator, time, action, source, the revision it was made against, the state before and after (JSON), the
  evidence hash of the sentence the curator read, and whether it was applied. A decision made against a stale
  revision is still logged (``applied = 0``): it is never lost, it just does not overwrite the newer state.
- ``current_state``: the latest applied decision per triple (what the queue shows), with its revision.

Writes happen in ``BEGIN IMMEDIATE`` transactions, so two curators deciding the same triple at once are
serialised: the first wins, the second gets `StaleDecisionError` carrying the current state.
Every statement is parameterized.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from neurolit.config import neurolit_home
from neurolit.errors import ConflictError, StoreError
from neurolit.records import Triple
from neurolit.review.model import (
    DecisionRequest,
    DecisionState,
    Limits,
    NoChangeError,
    Status,
    next_state,
    validate_corpus,
    validate_curator,
    validate_triple_id,
)

STORE_SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS decision_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    triple_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    base_revision INTEGER NOT NULL,
    applied INTEGER NOT NULL CHECK (applied IN (0, 1)),
    curator TEXT NOT NULL,
    action TEXT NOT NULL,
    source TEXT NOT NULL,
    evidence_hash TEXT NOT NULL,
    before_json TEXT NOT NULL,
    after_json TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decision_log_triple ON decision_log (triple_id, seq);
CREATE TRIGGER IF NOT EXISTS decision_log_no_update BEFORE UPDATE ON decision_log
BEGIN SELECT RAISE(ABORT, 'decision_log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS decision_log_no_delete BEFORE DELETE ON decision_log
BEGIN SELECT RAISE(ABORT, 'decision_log is append-only'); END;
CREATE TABLE IF NOT EXISTS current_state (
    triple_id TEXT PRIMARY KEY,
    revision INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
    corrections_json TEXT NOT NULL,
    reason TEXT NOT NULL,
    note TEXT NOT NULL,
    curator TEXT NOT NULL,
    evidence_hash TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""


def review_store_path(corpus: str, home: Path | None = None) -> Path:
    """Where the decisions about corpus `corpus` live."""
    return (home if home is not None else neurolit_home()) / "review" / f"{validate_corpus(corpus)}.sqlite"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One row of the append-only decision log."""

    seq: int
    triple_id: str
    revision: int
    base_revision: int
    applied: bool
    curator: str
    action: str
    source: str
    evidence_hash: str
    before: dict[str, object]
    after: dict[str, object]
    created_at: str


class StaleDecisionError(ConflictError):
    """The decision was made against an older revision or evidence sentence; it was logged, not applied."""

    def __init__(self, message: str, *, current: DecisionState, attempted: DecisionRequest) -> None:
        super().__init__(message)
        self.current = current
        self.attempted = attempted


@dataclass(frozen=True, slots=True)
class Applied:
    state: DecisionState
    seq: int


class DecisionStore:
    """Decisions about one corpus. Each method opens its own connection, so one store serves many threads."""

    def __init__(self, path: Path, *, limits: Limits | None = None) -> None:
        self.path = path
        self.limits = limits or Limits()
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with self._connect() as db:
                db.executescript(_SCHEMA)
                row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
                if row is None:
                    db.execute(
                        "INSERT INTO meta (key, value) VALUES ('schema_version', ?), ('created', ?)",
                        (str(STORE_SCHEMA_VERSION), _now()),
                    )
                elif int(row[0]) > STORE_SCHEMA_VERSION:
                    raise StoreError(
                        f"{path} was written by a newer neurolit (review schema {row[0]}); upgrade neurolit"
                    )
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"cannot open the review store {path}: {exc}. Is it a neurolit review file?"
            ) from exc

    @classmethod
    def for_corpus(
        cls, corpus: str, *, home: Path | None = None, limits: Limits | None = None
    ) -> DecisionStore:
        return cls(review_store_path(corpus, home), limits=limits)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            yield db
        finally:
            db.close()

    # --- reading -------------------------------------------------------------------------------------------

    @staticmethod
    def _state(row: tuple[object, ...]) -> DecisionState:
        corrections = json.loads(str(row[3]))
        status: Status = str(row[2])  # type: ignore[assignment]
        return DecisionState(
            triple_id=str(row[0]),
            revision=int(str(row[1])),
            status=status,
            corrections=tuple((str(k), str(v)) for k, v in corrections.items()),
            reason=str(row[4]),
            note=str(row[5]),
            curator=str(row[6]),
            evidence_hash=str(row[7]),
            updated_at=str(row[8]),
        )

    _STATE_COLUMNS = (
        "triple_id, revision, status, corrections_json, reason, note, curator, evidence_hash, updated_at"
    )

    def states(self) -> dict[str, DecisionState]:
        """The current decision of every triple that has one."""
        with self._connect() as db:
            rows = db.execute(f"SELECT {self._STATE_COLUMNS} FROM current_state").fetchall()
        return {str(row[0]): self._state(row) for row in rows}

    def state(self, triple_id: str) -> DecisionState:
        with self._connect() as db:
            return self._read_state(db, triple_id)

    def _read_state(self, db: sqlite3.Connection, triple_id: str) -> DecisionState:
        row = db.execute(
            f"SELECT {self._STATE_COLUMNS} FROM current_state WHERE triple_id = ?", (triple_id,)
        ).fetchone()
        return self._state(row) if row else DecisionState(triple_id=triple_id)

    def log(self, triple_id: str | None = None) -> list[LogEntry]:
        """The decision log, oldest first (for one triple, or all)."""
        sql = (
            "SELECT seq, triple_id, revision, base_revision, applied, curator, action, source, "
            "evidence_hash, before_json, after_json, created_at FROM decision_log"
        )
        params: tuple[str, ...] = ()
        if triple_id is not None:
            sql += " WHERE triple_id = ?"
            params = (triple_id,)
        with self._connect() as db:
            rows = db.execute(sql + " ORDER BY seq", params).fetchall()
        return [
            LogEntry(
                int(r[0]),
                str(r[1]),
                int(r[2]),
                int(r[3]),
                bool(r[4]),
                str(r[5]),
                str(r[6]),
                str(r[7]),
                str(r[8]),
                json.loads(r[9]),
                json.loads(r[10]),
                str(r[11]),
            )
            for r in rows
        ]

    # --- writing -------------------------------------------------------------------------------------------

    def decide(self, request: DecisionRequest, machine: Triple, current_hash: str) -> Applied:
        """Apply one decision (see `decide_many`)."""
        outcome = self.decide_many([(request, machine, current_hash)])[0]
        if isinstance(outcome, StaleDecisionError):
            raise outcome
        return outcome

    def decide_many(
        self, items: Iterable[tuple[DecisionRequest, Triple, str]]
    ) -> list[Applied | StaleDecisionError]:
        """Apply decisions in one transaction. Invalid requests raise ReviewError and nothing is written.

        A request whose base revision or evidence hash is no longer current is logged with applied = 0 and
        returned as a StaleDecisionError (with the current state) instead of being applied.
        """
        batch = list(items)
        for request, _machine, _hash in batch:
            validate_triple_id(request.triple_id)
            validate_curator(request.curator)
        now = _now()
        results: list[Applied | StaleDecisionError] = []
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                for request, machine, current_hash in batch:
                    results.append(self._decide_one(db, request, machine, current_hash, now))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return results

    def _decide_one(
        self, db: sqlite3.Connection, request: DecisionRequest, machine: Triple, current_hash: str, now: str
    ) -> Applied | StaleDecisionError:
        current = self._read_state(db, request.triple_id)
        problem = ""
        if request.base_revision != current.revision:
            who = f" by {current.curator}" if current.curator else ""
            problem = (
                f"triple {request.triple_id} changed since you loaded it: you saw revision "
                f"{request.base_revision}, it is now revision {current.revision} ({current.status}{who} at "
                f"{current.updated_at or 'n/a'})"
            )
        elif request.evidence_hash != current_hash:
            problem = (
                f"the evidence sentence of triple {request.triple_id} changed since you loaded it "
                "(the table was re-extracted); reload and decide again"
            )
        # Validate against the current state even when stale, so invalid input never reaches the log.
        try:
            wanted = next_state(current, request, machine, self.limits)
        except NoChangeError:
            if not problem:
                raise
            wanted = current  # a stale request that another curator already made: logged, changes nothing
        applied = not problem
        revision = current.revision + 1 if applied else current.revision
        after = replace(
            wanted,
            triple_id=request.triple_id,
            revision=revision,
            curator=request.curator,
            evidence_hash=request.evidence_hash,
            updated_at=now,
        )
        cursor = db.execute(
            "INSERT INTO decision_log (triple_id, revision, base_revision, applied, curator, action, source, "
            "evidence_hash, before_json, after_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                request.triple_id,
                revision,
                request.base_revision,
                int(applied),
                request.curator,
                request.action,
                request.source,
                request.evidence_hash,
                json.dumps(current.as_dict(), sort_keys=True),
                json.dumps(after.as_dict(), sort_keys=True),
                now,
            ),
        )
        if not applied:
            return StaleDecisionError(problem, current=current, attempted=request)
        db.execute(
            "INSERT INTO current_state (triple_id, revision, status, corrections_json, reason, note, "
            "curator, evidence_hash, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (triple_id) DO UPDATE SET revision = excluded.revision, status = excluded.status, "
            "corrections_json = excluded.corrections_json, "
            "reason = excluded.reason, note = excluded.note, curator = excluded.curator, "
            "evidence_hash = excluded.evidence_hash, updated_at = excluded.updated_at",
            (
                after.triple_id,
                after.revision,
                after.status,
                json.dumps(dict(after.corrections), sort_keys=True),
                after.reason,
                after.note,
                after.curator,
                after.evidence_hash,
                after.updated_at,
            ),
        )
        return Applied(after, int(cursor.lastrowid or 0))
