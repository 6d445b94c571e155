"""Opening a corpus for review and serving the app on a real HTTP server (werkzeug, threaded).

`neurolit review` binds 127.0.0.1 by default. Any other address requires an access token (`--token` or
``NEUROLIT_REVIEW_TOKEN``): the app then refuses every request that does not present it.
"""

from __future__ import annotations

import ipaddress
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from neurolit.config import Config, load_config
from neurolit.errors import ConfigError, InputError
from neurolit.review.context import corpus_articles
from neurolit.review.model import Limits, validate_corpus
from neurolit.review.service import ReviewService
from neurolit.review.store import DecisionStore

if TYPE_CHECKING:
    from flask import Flask
    from werkzeug.serving import BaseWSGIServer

TOKEN_ENV = "NEUROLIT_REVIEW_TOKEN"
MIN_TOKEN_CHARS = 16


def evidence_path_for(corpus: str, home: Path) -> Path:
    """The machine table `neurolit extract` keeps for a corpus: ``$NEUROLIT_HOME/evidence/<corpus>.csv``."""
    return home / "evidence" / f"{validate_corpus(corpus)}.csv"


def review_settings(config: Config) -> tuple[Limits, int]:
    section = config.section("review")
    try:
        limits = Limits(
            reason_chars=int(section.get("reason_max_chars", 500)),
            note_chars=int(section.get("note_max_chars", 2000)),
        )
        page_size = int(section.get("page_size", 50))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"[review] settings must be whole numbers: {exc}") from exc
    if page_size < 1 or limits.reason_chars < 1 or limits.note_chars < 1:
        raise ConfigError("[review] page_size, reason_max_chars and note_max_chars must be positive")
    return limits, page_size


def open_review(corpus: str, *, evidence: Path | None = None, config: Config | None = None) -> ReviewService:
    """The review service of a corpus: its evidence table, decisions and corpus store (if any)."""
    config = config or load_config()
    validate_corpus(corpus)
    limits, _page_size = review_settings(config)
    path = evidence or evidence_path_for(corpus, config.home)
    if not path.is_file():
        raise InputError(
            f"no evidence table at {path}; run `neurolit extract {corpus}` first, or pass --evidence FILE"
        )
    store = DecisionStore.for_corpus(corpus, home=config.home, limits=limits)
    service = ReviewService(corpus, path, store, corpus_articles(corpus, config.home))
    service.triples()  # fail now, with the table's own message, rather than on the first page
    return service


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def resolve_token(host: str, token: str | None, environ: Mapping[str, str] | None = None) -> str | None:
    """The access token to require: the option, else NEUROLIT_REVIEW_TOKEN; mandatory off loopback."""
    env = os.environ if environ is None else environ
    value = token or env.get(TOKEN_ENV) or None
    if value is not None and len(value) < MIN_TOKEN_CHARS:
        raise ConfigError(
            f"the review token must have at least {MIN_TOKEN_CHARS} characters; generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(24))'`"
        )
    if value is None and not is_loopback(host):
        raise ConfigError(
            f"serving on {host} exposes the review app beyond this machine: pass --token T or set "
            f"{TOKEN_ENV} (or bind 127.0.0.1)"
        )
    return value


class ReviewServer:
    """A threaded werkzeug server for the app, started in a background thread (port 0 = any free port)."""

    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 0) -> None:
        from werkzeug.serving import make_server

        try:
            self._server: BaseWSGIServer = make_server(host, port, app, threaded=True)
        except OSError as exc:
            raise ConfigError(
                f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another --port"
            ) from exc
        self.host = host
        self.port = int(self._server.server_port)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def start(self) -> ReviewServer:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="neurolit-review", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> ReviewServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
