"""The app on a real HTTP server (127.0.0.1, free port): token, cookies, CSRF, concurrent curators."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from neurolit.config import load_config
from neurolit.errors import ConfigError, InputError
from neurolit.review.app import create_app
from neurolit.review.server import ReviewServer, is_loopback, open_review, resolve_token
from tests.review.conftest import CORPUS, ReviewEnv, ids

TOKEN = "server-test-token-0123456789"


@pytest.fixture()
def server(review_env: ReviewEnv) -> Iterator[ReviewServer]:
    service = open_review(CORPUS, config=load_config())
    with ReviewServer(create_app(service, token=TOKEN), "127.0.0.1", 0) as running:
        yield running


def login(server: ReviewServer, curator: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    first = session.get(f"{server.url}/?token={TOKEN}", timeout=10)
    assert first.status_code == 200 and first.url == f"{server.url}/"  # redirected; the token left the URL
    token = re.search(r'name="csrf_token" value="([^"]+)"', first.text)
    assert token
    response = session.post(
        f"{server.url}/curator", data={"curator": curator, "csrf_token": token.group(1)}, timeout=10
    )
    assert response.status_code == 200 and f'value="{curator}"' in response.text
    return session, token.group(1)


def test_loopback_and_token_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEUROLIT_REVIEW_TOKEN", raising=False)
    assert all(is_loopback(host) for host in ("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(host) for host in ("0.0.0.0", "192.168.1.7", "::", "example.org"))
    assert resolve_token("127.0.0.1", None) is None
    with pytest.raises(ConfigError, match="pass --token T or set NEUROLIT_REVIEW_TOKEN"):
        resolve_token("0.0.0.0", None)
    with pytest.raises(ConfigError, match="at least 16 characters"):
        resolve_token("0.0.0.0", "short")
    assert resolve_token("0.0.0.0", TOKEN) == TOKEN
    assert resolve_token("0.0.0.0", None, {"NEUROLIT_REVIEW_TOKEN": TOKEN}) == TOKEN


def test_open_review_without_a_table_says_what_to_do(neurolit_home: Path) -> None:
    with pytest.raises(InputError, match="run `neurolit extract nothing` first"):
        open_review("nothing")
    with pytest.raises(InputError, match="invalid corpus name"):
        open_review("../../etc")


def test_real_server_requires_the_token(server: ReviewServer) -> None:
    response = requests.get(f"{server.url}/", timeout=10)
    assert response.status_code == 401
    assert requests.get(f"{server.url}/", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10).ok
    assert requests.get(f"{server.url}/static/review.js", timeout=10).ok  # static files carry no data
    session, _ = login(server, "alice")
    assert session.get(f"{server.url}/healthz", timeout=10).text == "ok\n"
    cookie = session.cookies.get("session")
    assert cookie


def test_two_curators_at_once_never_lose_a_decision(server: ReviewServer, review_env: ReviewEnv) -> None:
    tid = ids()["lorlatinib"]
    curators = [login(server, name) for name in ("alice", "bob")]
    pages = [session.get(f"{server.url}/t/{tid}", timeout=10).text for session, _ in curators]
    barrier = threading.Barrier(2)
    statuses: dict[str, int] = {}

    def submit(index: int, action: str) -> None:
        session, token = curators[index]
        page = pages[index]
        revision = re.search(r'name="revision" value="(\d+)"', page)
        digest = re.search(r'name="evidence_hash" value="([0-9a-f]+)"', page)
        assert revision and digest
        data = {
            "csrf_token": token,
            "action": action,
            "revision": revision.group(1),
            "evidence_hash": digest.group(1),
            "reason": "duplicate",
        }
        barrier.wait()
        response = session.post(f"{server.url}/t/{tid}/decide", data=data, allow_redirects=False, timeout=10)
        statuses[action] = response.status_code
        if response.status_code == 409:
            assert "changed since you loaded it" in response.text and 'id="current-state"' in response.text

    threads = [
        threading.Thread(target=submit, args=(0, "accept")),
        threading.Thread(target=submit, args=(1, "reject")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses.values()) == [303, 409]
    log = review_env.store.log(tid)
    assert sorted(entry.curator for entry in log) == ["alice", "bob"]
    assert [entry.applied for entry in log] == [True, False]
