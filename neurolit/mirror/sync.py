"""`neurolit mirror sync`: download, verify and ingest PubMed baseline and update files, once each, resumably.

Layout under `$NEUROLIT_HOME/mirror/` (or [mirror] directory):
    mirror.sqlite            which files were verified/ingested (neurolit.mirror.state)
    pubmed.sqlite            the mirrored records: a corpus store (neurolit.fetch.store) with its FTS index
    files/<kind>/<name>      downloaded files (.part while incomplete; removed after ingest unless keep_files)

Order matters: baseline files first, then update files, each in name order, so a record revised in a later
update file wins and a DeleteCitation removes what earlier files added. Each file is one store transaction,
then marked ingested; a run killed in between re-ingests that file, which is idempotent (same versions,
same deletions). A checksum mismatch deletes the download and fetches it again (up to [mirror]
max_download_attempts times) before giving up with FetchError.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from neurolit.config import Config, load_config
from neurolit.errors import ConfigError, FetchError
from neurolit.mirror.remote import FileServer, RemoteFile, file_md5
from neurolit.mirror.state import MirrorState
from neurolit.refresh.lock import CorpusLock

if TYPE_CHECKING:
    from neurolit.fetch.store import CorpusStore

log = logging.getLogger(__name__)

KINDS = ("baseline", "updates")


@dataclass(frozen=True, slots=True)
class MirrorSettings:
    base_url: str
    directory: Path
    baseline_dir: str
    updates_dir: str
    keep_files: bool
    max_download_attempts: int
    timeout_seconds: float

    @classmethod
    def from_config(cls, config: Config) -> MirrorSettings:
        section = config.section("mirror")
        directory = (
            Path(str(section.get("directory") or "")).expanduser()
            if section.get("directory")
            else config.home / "mirror"
        )
        try:
            attempts = int(section.get("max_download_attempts", 3))
            timeout = float(section.get("timeout_seconds", 120.0))
        except (TypeError, ValueError) as exc:
            raise ConfigError(
                f"[mirror] max_download_attempts/timeout_seconds must be numbers: {exc}"
            ) from exc
        if attempts < 1:
            raise ConfigError("[mirror] max_download_attempts must be at least 1")
        return cls(
            base_url=str(section.get("base_url", "https://ftp.ncbi.nlm.nih.gov/pubmed/")),
            directory=directory,
            baseline_dir=str(section.get("baseline_dir", "baseline")),
            updates_dir=str(section.get("updates_dir", "updatefiles")),
            keep_files=bool(section.get("keep_files", False)),
            max_download_attempts=attempts,
            timeout_seconds=timeout,
        )

    @property
    def state_path(self) -> Path:
        return self.directory / "mirror.sqlite"

    @property
    def store_path(self) -> Path:
        return self.directory / "pubmed.sqlite"


@dataclass(slots=True)
class SyncReport:
    """What one sync did. `skipped` are files already ingested with the same MD5."""

    listed: int = 0
    downloaded: list[str] = field(default_factory=list)
    ingested: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    rejected_downloads: int = 0
    articles: int = 0
    deletions: int = 0


def open_mirror_store(settings: MirrorSettings) -> CorpusStore:
    from neurolit.fetch.store import CorpusStore

    return CorpusStore.open(settings.store_path, create=True)


def ingest_file(store: CorpusStore, path: Path) -> tuple[int, int]:
    """Ingest one PubMed XML file with the fetch stage's file ingest (one transaction, deletions applied in
    document order). Returns (records read, stored records deleted)."""
    from neurolit.fetch.ingest import ingest_file as ingest_one

    _, records, removed = ingest_one(store, path)
    return records, removed


def sync_mirror(
    *,
    baseline: bool = True,
    updates: bool = True,
    config: Config | None = None,
    limit: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> SyncReport:
    """Bring the local mirror up to date with the file server. Safe to interrupt and re-run at any point."""
    config = config or load_config()
    settings = MirrorSettings.from_config(config)
    kinds = [kind for kind, wanted in zip(KINDS, (baseline, updates), strict=True) if wanted]
    if not kinds:
        raise ConfigError("nothing to sync: pass --baseline, --updates or neither (both)")
    server = FileServer(settings.base_url, timeout=settings.timeout_seconds)
    with CorpusLock(settings.directory / "sync.lock"):  # one sync at a time (LockedError otherwise)
        return _sync(server, settings, kinds, limit, progress)


def _sync(
    server: FileServer,
    settings: MirrorSettings,
    kinds: list[str],
    limit: int | None,
    progress: Callable[[str], None] | None,
) -> SyncReport:
    state = MirrorState(settings.state_path)
    report = SyncReport()
    sync_id = state.start_sync()
    store = None
    try:
        remote_files: list[RemoteFile] = []
        for kind in kinds:
            directory = settings.baseline_dir if kind == "baseline" else settings.updates_dir
            remote_files.extend(server.list_files(kind, directory))
        report.listed = len(remote_files)
        if limit is not None:
            remote_files = remote_files[:limit]
        store = open_mirror_store(settings)
        for remote in remote_files:
            _sync_one(
                remote,
                server=server,
                state=state,
                store=store,
                settings=settings,
                report=report,
                progress=progress,
            )
    except BaseException as exc:
        state.finish_sync(
            sync_id,
            "failed",
            len(report.ingested),
            report.articles,
            report.deletions,
            error=str(exc) or type(exc).__name__,
        )
        raise
    else:
        state.finish_sync(sync_id, "ok", len(report.ingested), report.articles, report.deletions)
    finally:
        if store is not None:
            store.close()
        state.close()
    return report


def _sync_one(
    remote: RemoteFile,
    *,
    server: FileServer,
    state: MirrorState,
    store: CorpusStore,
    settings: MirrorSettings,
    report: SyncReport,
    progress: Callable[[str], None] | None,
) -> None:
    expected = server.expected_md5(remote)
    if state.is_ingested(remote.name, expected):
        report.skipped.append(remote.name)
        return
    dest = settings.directory / "files" / remote.kind / remote.name
    verified = dest.is_file() and file_md5(dest) == expected
    attempts = 0
    while not verified:
        attempts += 1
        if progress:
            progress(f"downloading {remote.kind}/{remote.name}")
        server.download(remote, dest)
        part = dest.with_name(dest.name + ".part")
        actual = file_md5(part)
        if actual == expected:
            part.replace(dest)
            verified = True
            report.downloaded.append(remote.name)
            break
        # A corrupt or truncated-then-resumed-wrongly file: discard it entirely and start over.
        log.warning(
            "MD5 mismatch for %s (expected %s, got %s); downloading again", remote.name, expected, actual
        )
        part.unlink(missing_ok=True)
        state.record_rejected(remote.name, remote.kind, expected)
        report.rejected_downloads += 1
        if attempts >= settings.max_download_attempts:
            raise FetchError(
                f"{remote.url} failed its MD5 check {attempts} times (expected {expected}); the "
                "server copy may be corrupt or still being written. Try `neurolit mirror sync` later."
            )
    state.record_verified(remote.name, remote.kind, expected, dest.stat().st_size)
    if progress:
        progress(f"ingesting {remote.kind}/{remote.name}")
    articles, deletions = ingest_file(store, dest)
    state.record_ingested(remote.name, articles, deletions)
    report.ingested.append(remote.name)
    report.articles += articles
    report.deletions += deletions
    if not settings.keep_files:
        dest.unlink(missing_ok=True)


def mirror_status(config: Config | None = None) -> list[dict[str, object]]:
    """One row per known file: name, kind, md5, size, ingested (bool), articles, deletions."""
    settings = MirrorSettings.from_config(config or load_config())
    if not settings.state_path.exists():
        return []
    state = MirrorState(settings.state_path)
    try:
        return [
            {
                "name": f.name,
                "kind": f.kind,
                "md5": f.md5,
                "size": f.size,
                "ingested": f.ingested_at is not None,
                "articles": f.articles,
                "deletions": f.deletions,
                "rejected": f.rejected,
            }
            for f in state.files()
        ]
    finally:
        state.close()
