"""One run at a time per corpus: an advisory lock file with stale-lock recovery.

The lock is `$NEUROLIT_HOME/locks/<corpus>.lock`. Holding it means holding an exclusive `flock` on that
file; the file's content (PID, host, start time) only says who holds it. The kernel releases a `flock` when
its process dies, however it dies (SIGKILL, OOM killer), so a lock file left behind by a dead process is
stale by construction: the next run takes it over and reports the dead holder it replaced. A live holder makes
`acquire` raise `LockedError` naming its PID, host and start time.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from neurolit.errors import LockedError, StoreError


@dataclass(frozen=True, slots=True)
class LockHolder:
    """Who wrote a lock file: process id, host name and start time (seconds since the epoch)."""

    pid: int
    host: str
    started: float

    def describe(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(self.started))
        return f"PID {self.pid} on {self.host or 'an unknown host'}, started {when}"


def _read_holder(path: Path) -> LockHolder | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or "pid" not in data:
        return None
    try:
        return LockHolder(
            pid=int(data["pid"]), host=str(data.get("host", "")), started=float(data.get("started", 0))
        )
    except (TypeError, ValueError):
        return None


class CorpusLock:
    """An exclusive, non-blocking lock for one corpus. Use as a context manager or call acquire()/release().

    `stale_holder` is set after acquire() when a previous holder left the file behind without releasing it
    (its process is gone); callers log it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self.stale_holder: LockHolder | None = None

    @classmethod
    def for_corpus(cls, home: Path, corpus: str) -> CorpusLock:
        return cls(home / "locks" / f"{corpus}.lock")

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> CorpusLock:
        if self._fd is not None:
            return self
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(
                f"cannot create the lock file {self.path}: {exc}; check that NEUROLIT_HOME is writable"
            ) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            holder = _read_holder(self.path)
            who = holder.describe() if holder else "another process"
            raise LockedError(
                f"corpus lock {self.path} is held by {who}; another run is in progress. "
                "Wait for it to finish (it is released automatically when that process ends)."
            ) from None
        previous = _read_holder(self.path)
        # The file may carry the identity of a process that died without releasing it: we now own the lock
        # (the kernel dropped the dead process's flock), so that entry is stale.
        if previous is not None and previous.pid != os.getpid():
            self.stale_holder = previous
        record = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()})
        os.ftruncate(fd, 0)
        os.pwrite(fd, record.encode("utf-8"), 0)
        os.fsync(fd)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            # Empty the file before unlocking so that nobody mistakes a clean release for a dead holder.
            os.ftruncate(fd, 0)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def __enter__(self) -> CorpusLock:
        return self.acquire()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()
