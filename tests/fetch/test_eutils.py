"""The E-utilities client against the loopback server (real HTTP) and against recorded NCBI replies."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from datetime import date

import pytest

from neurolit.errors import FetchError, InputError, RateLimitError
from neurolit.fetch.eutils import EutilsClient, parse_date
from neurolit.records import Article
from tests.conftest import shared_path
from tests.fetch.conftest import cassette_bodies
from tests.fetch.eutils_server import EutilsServer

MakeClient = Callable[..., EutilsClient]


def _recorded(name: str) -> bytes:
    return shared_path("pubmed", "eutils", "biopython", name).read_bytes()


def test_esearch_uses_history_server_and_efetch_pages_through_it(
    eutils_server: EutilsServer, make_client: MakeClient
) -> None:
    client = make_client()
    result = client.esearch("all[sb]", retmax=5)
    assert result.count == len(eutils_server.pmids)
    assert result.webenv and result.query_key == "1"
    assert len(result.ids) == 5
    seen: list[str] = []
    for start in range(0, 60, 20):
        batch = client.efetch(webenv=result.webenv, query_key=result.query_key, retstart=start, retmax=20)
        seen.extend(r.pmid for r in batch if isinstance(r, Article))
    assert len(seen) == len(set(seen)) == 60
    assert seen[:5] == list(result.ids)
    sent = [entry.params for entry in eutils_server.log]
    assert all(p["tool"] == "neurolit" and p["db"] == "pubmed" for p in sent)
    assert all(p["retmode"] == "xml" for p in sent if "WebEnv" in p)


def test_email_and_api_key_are_sent(eutils_server: EutilsServer, make_client: MakeClient) -> None:
    client = make_client(email="curator@example.org", api_key="k123")
    assert EutilsClient(eutils_server.url, api_key="k").rate == 10.0
    assert EutilsClient(eutils_server.url).rate == 3.0
    client.count("crizotinib")
    params = eutils_server.log[-1].params
    assert params["email"] == "curator@example.org" and params["api_key"] == "k123"


def test_epost_then_efetch(eutils_server: EutilsServer, make_client: MakeClient) -> None:
    client = make_client()
    webenv, query_key = client.epost(["17942999", "21933749"])
    records = client.efetch(webenv=webenv, query_key=query_key, retstart=0, retmax=10)
    assert sorted(r.pmid for r in records) == ["17942999", "21933749"]
    assert eutils_server.log[0].endpoint == "epost"


def test_phrase_not_found_is_an_error_with_a_clear_message(make_client: MakeClient) -> None:
    with pytest.raises(FetchError, match=r"phrase\(s\) not found: qqxyzzy"):
        make_client().esearch("ALK AND qqxyzzy")


@pytest.mark.parametrize("endpoint", ["esearch", "efetch", "epost"])
def test_error_body_is_an_error_not_an_empty_result(
    eutils_server: EutilsServer, make_client: MakeClient, endpoint: str
) -> None:
    client = make_client()
    result = client.esearch("all[sb]", retmax=0)
    eutils_server.inject(endpoint, "error")
    with pytest.raises(FetchError, match="Injected backend failure"):
        if endpoint == "esearch":
            client.esearch("all[sb]")
        elif endpoint == "epost":
            client.epost(["17942999"])
        else:
            client.efetch(webenv=result.webenv, query_key=result.query_key, retstart=0, retmax=5)


def test_recorded_ncbi_replies(eutils_server: EutilsServer, make_client: MakeClient) -> None:
    """Real NCBI bodies replayed over HTTP: a history search, PhraseNotFound, ERROR bodies, truncation."""
    client = make_client(max_retries=1)
    eutils_server.inject("esearch", _recorded("esearch2.xml"))
    result = client.esearch("cancer", retmax=100)
    assert result.count == 42249 and len(result.ids) == 100
    assert result.webenv == "MCID_6927d6e7fee3e90f880ec190" and result.query_key == "1"

    eutils_server.inject("esearch", _recorded("esearch8.xml"))
    with pytest.raises(FetchError, match="abcXYZ"):
        client.esearch("abcXYZ")

    eutils_server.inject("epost", _recorded("epost2.xml"))
    with pytest.raises(FetchError, match="Invalid db name"):
        client.epost(["1"])

    eutils_server.inject("epost", _recorded("epost1.xml"))
    assert client.epost(["1"]) == ("MCID_692851c130aec64bed0a8c2a", "1")

    # A truncated reply is retried, and reported after the last attempt.
    eutils_server.inject("einfo", _recorded("einfo4.xml"), _recorded("einfo4.xml"))
    with pytest.raises(FetchError, match="malformed reply"):
        client.einfo()
    eutils_server.inject("einfo", _recorded("einfo4.xml"), _recorded("einfo1.xml"))
    assert "pubmed" in client.einfo()["DbList"]

    # efetch without retmode=xml gives ASN.1 in HTML: not PubMed XML, never an empty result.
    result = client.esearch("all[sb]", retmax=0)
    eutils_server.inject("efetch", _recorded("pubmed3.html"), _recorded("pubmed3.html"))
    with pytest.raises(FetchError, match="malformed reply"):
        client.efetch(webenv=result.webenv, query_key=result.query_key, retstart=0, retmax=5)


def test_retries_500_dropped_connections_truncation_and_429(
    eutils_server: EutilsServer, make_client: MakeClient
) -> None:
    client = make_client(max_retries=6)
    result = client.esearch("all[sb]", retmax=0)
    eutils_server.inject("efetch", "500", "drop", "truncate", "429", "503")
    records = client.efetch(webenv=result.webenv, query_key=result.query_key, retstart=0, retmax=30)
    assert len(records) == 30
    assert client.retries == 5
    statuses = [e.status for e in eutils_server.log if e.endpoint == "efetch"]
    assert statuses == [500, 0, 200, 429, 503, 200]


def test_gives_up_after_the_configured_retries(eutils_server: EutilsServer, make_client: MakeClient) -> None:
    client = make_client(max_retries=2)
    eutils_server.inject("esearch", "503", "503", "503")
    with pytest.raises(FetchError, match="failed after 3 attempts: HTTP 503"):
        client.count("crizotinib")
    eutils_server.inject("esearch", "429", "429", "429")
    with pytest.raises(RateLimitError, match="NCBI_API_KEY"):
        client.count("crizotinib")


def test_backoff_is_exponential_with_jitter_and_honours_retry_after(
    eutils_server: EutilsServer, make_client: MakeClient
) -> None:
    delays: list[float] = []

    def sleep(seconds: float) -> None:
        delays.append(seconds)
        time.sleep(min(seconds, 0.01))

    client = make_client(sleep=sleep, backoff_base=0.1, backoff_max=5.0, rate=1000.0)
    eutils_server.inject("esearch", "500", "500", "500", "retry-after")
    client.count("crizotinib")
    backoffs = [d for d in delays if d >= 0.04]
    assert len(backoffs) == 4
    for attempt, delay in enumerate(backoffs[:3]):
        assert 0.1 * 2**attempt * 0.5 <= delay <= 0.1 * 2**attempt
    assert backoffs[3] == pytest.approx(1.0)  # Retry-After: 1 beats the 0.8 s exponential step


def test_rate_limit_holds_at_the_server(eutils_server: EutilsServer, make_client: MakeClient) -> None:
    rate = 20
    eutils_server.set_rate_limit(rate)
    # Scheduling delays on a busy machine can shift an arrival by tens of milliseconds: allow 0.1 s.
    eutils_server.state.rate_tolerance = 0.1
    client = make_client(rate=float(rate))
    start = time.monotonic()
    for _ in range(2 * rate + 5):
        client.count("crizotinib")
    times = [e.time for e in eutils_server.log]
    assert all(e.status == 200 for e in eutils_server.log)
    # No window of one second ever holds more than `rate` requests, and 45 requests take over 2 s.
    assert min(times[i + rate] - times[i] for i in range(len(times) - rate)) >= 0.9
    assert time.monotonic() - start >= 2.0


def test_a_client_faster_than_the_server_allows_backs_off_on_429(
    eutils_server: EutilsServer, make_client: MakeClient
) -> None:
    eutils_server.set_rate_limit(5)
    client = make_client(rate=100.0, max_retries=8, backoff_base=0.2, backoff_max=1.0)
    counts = [client.count("crizotinib") for _ in range(12)]
    assert counts == [1] * 12
    assert any(e.status == 429 for e in eutils_server.log)
    assert client.retries > 0


def test_plan_segments_bisects_dates_until_each_fits_the_window(
    eutils_server: EutilsServer, make_client: MakeClient
) -> None:
    eutils_server.set_window(300)
    client = make_client(window=300)
    segments = client.plan_segments("all[sb]")
    assert len(segments) >= 2
    assert sum(s.count for s in segments) == len(eutils_server.pmids)
    assert all(0 < s.count <= 300 for s in segments)
    bounds = [(s.mindate, s.maxdate) for s in segments]
    for (low, _), (_, next_high) in itertools.pairwise(bounds):
        assert next_high is not None and low is not None and next_high < low  # newest first, disjoint


def test_more_records_on_one_day_than_the_window_is_refused(
    eutils_server: EutilsServer, make_client: MakeClient
) -> None:
    eutils_server.set_window(50)
    with pytest.raises(FetchError, match="narrow the query"):
        make_client(window=50).plan_segments("all[sb]")


def test_http_errors_that_are_not_transient_fail_at_once(
    eutils_server: EutilsServer, make_client: MakeClient
) -> None:
    client = make_client()
    with pytest.raises(FetchError, match="HTTP 400"):
        client.call("elink", {}, lambda body: body)
    assert client.retries == 0


def test_unreachable_server_is_a_fetch_error() -> None:
    client = EutilsClient("http://127.0.0.1:9/", rate=100.0, max_retries=1, backoff_base=0.01, timeout=1.0)
    with pytest.raises(FetchError, match="connection failed"):
        client.count("x")


def test_dates() -> None:
    assert parse_date("2024") == date(2024, 1, 1)
    assert parse_date("2024/03") == date(2024, 3, 1)
    assert parse_date("2024-03-05") == date(2024, 3, 5)
    with pytest.raises(InputError):
        parse_date("last week")
    with pytest.raises(InputError):
        EutilsClient("http://127.0.0.1:9/").esearch("x", datetype="cdat")


def test_recorded_http_exchanges_replayed(eutils_server: EutilsServer, make_client: MakeClient) -> None:
    """The esearch and einfo bodies of real recorded NCBI exchanges (biocommons cassettes) through the client."""
    client = make_client()
    searches = cassette_bodies("esearch")
    assert len(searches) == 2
    for _, _, body in searches:
        eutils_server.inject("esearch", body)
        result = client.esearch("replayed", retmax=250)
        count = int(body.split(b"<Count>")[1].split(b"</Count>")[0])
        assert result.count == count and len(result.ids) == min(count, 250)
        assert result.webenv.startswith("MCID_") and result.query_key == "1"
    for _, _, body in cassette_bodies("einfo"):
        eutils_server.inject("einfo", body)
        assert client.einfo()
