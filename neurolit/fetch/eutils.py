"""Our own NCBI E-utilities client on `requests.Session`: esearch (history server), epost, efetch, einfo.

Polite by construction: each client owns a `RateLimiter` (3 requests/s without an API key, 10/s with one, from
config), sends ``tool`` and ``email``, and retries 429, 5xx, dropped connections and truncated replies with
exponential backoff and jitter (honouring Retry-After when a server sends one). An ``<ERROR>`` or
``ErrorList`` reply is a `FetchError`, never an empty result. The small XML replies (esearch, epost,
einfo) are read with Biopython's Entrez parser; efetch batches with `neurolit.fetch.pubmed_xml`.

The PubMed search window: esearch cannot page past 9,999 records, so `plan_segments` bisects the date range
until every segment fits; `neurolit.fetch.run.fetch_query` walks the segments.
"""

from __future__ import annotations

import contextlib
import io
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import requests

from neurolit.config import Config, load_config
from neurolit.errors import FetchError, InputError, ParseError, RateLimitError
from neurolit.fetch.pubmed_xml import PubmedRecord, parse_pubmed_xml
from neurolit.fetch.ratelimit import RateLimiter

PUBMED_EARLIEST = date(1700, 1, 1)  # older than any PubMed record; the lower bound of an open date range
DATETYPES = ("edat", "mdat", "pdat")
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def parse_date(value: str | date | None) -> date | None:
    """'2024', '2024/03', '2024-03-05', '2024/03/05' or a date → date (first day of a year/month)."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    parts = value.strip().replace("-", "/").split("/")
    try:
        numbers = [int(p) for p in parts]
        if len(numbers) == 1:
            return date(numbers[0], 1, 1)
        if len(numbers) == 2:
            return date(numbers[0], numbers[1], 1)
        if len(numbers) == 3:
            return date(numbers[0], numbers[1], numbers[2])
    except ValueError:
        pass
    raise InputError(f"cannot read the date {value!r}; use YYYY, YYYY/MM or YYYY/MM/DD")


def format_date(value: date) -> str:
    return value.strftime("%Y/%m/%d")


@dataclass(frozen=True, slots=True)
class SearchResult:
    """An esearch reply. `webenv`/`query_key` are set when the history server was used."""

    count: int
    ids: tuple[str, ...]
    webenv: str = ""
    query_key: str = ""
    query_translation: str = ""


@dataclass(frozen=True, slots=True)
class Segment:
    """A date range (inclusive) of a query whose results fit in one esearch window; None = unbounded."""

    mindate: date | None
    maxdate: date | None
    count: int


class EutilsClient:
    """E-utilities over HTTP with rate limiting and retries. Build it with `EutilsClient.from_config()`.

    Example::

        client = EutilsClient.from_config()
        result = client.esearch("ALK neuroblastoma", retmax=100)
        records = client.efetch(webenv=result.webenv, query_key=result.query_key, retstart=0, retmax=100)
    """

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        email: str | None = None,
        tool: str = "neurolit",
        rate: float | None = None,
        max_retries: int = 6,
        backoff_base: float = 0.5,
        backoff_max: float = 60.0,
        timeout: float = 60.0,
        window: int = 9999,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        seed: int | None = None,
    ) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.api_key = api_key
        self.email = email
        self.tool = tool
        self.rate = rate if rate is not None else (10.0 if api_key else 3.0)
        self.limiter = RateLimiter(self.rate, sleep=sleep)
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.timeout = timeout
        self.window = window
        self.session = session or requests.Session()
        self.session.headers.setdefault("User-Agent", f"{tool} (python-requests)")
        self._sleep = sleep
        self._random = random.Random(seed)
        self.requests_sent = 0
        self.retries = 0

    @classmethod
    def from_config(cls, config: Config | None = None, **overrides: Any) -> EutilsClient:
        """A client configured from neurolit.config ([fetch] section, NEUROLIT_EUTILS_URL, NCBI_API_KEY,
        NCBI_EMAIL); keyword arguments override single settings (e.g. rate=20.0 in tests)."""
        cfg = config or load_config()
        section = cfg.section("fetch")
        key_rate = "requests_per_second_with_key" if cfg.api_key else "requests_per_second_without_key"
        settings: dict[str, Any] = {
            "api_key": cfg.api_key,
            "email": cfg.email,
            "tool": section.get("tool", "neurolit"),
            "rate": float(section[key_rate]),
            "max_retries": int(section["max_retries"]),
            "backoff_base": float(section["backoff_base_seconds"]),
            "backoff_max": float(section["backoff_max_seconds"]),
            "timeout": float(section["timeout_seconds"]),
            "window": int(section["esearch_window"]),
        }
        settings.update(overrides)
        return cls(cfg.eutils_url, **settings)

    def close(self) -> None:
        self.session.close()

    # --- transport ---------------------------------------------------------------------------------------

    def _backoff(self, attempt: int, retry_after: str | None) -> float:
        delay = min(self.backoff_max, self.backoff_base * (2**attempt))
        delay *= 0.5 + self._random.random() / 2  # jitter: 50–100 % of the exponential step
        if retry_after:
            with contextlib.suppress(ValueError):  # an HTTP-date Retry-After: keep our own backoff
                delay = max(delay, min(float(retry_after), self.backoff_max))
        return delay

    def _params(self, params: dict[str, Any]) -> dict[str, Any]:
        full = {k: v for k, v in params.items() if v is not None}
        full.setdefault("db", "pubmed")
        full["tool"] = self.tool
        if self.email:
            full["email"] = self.email
        if self.api_key:
            full["api_key"] = self.api_key
        return full

    def call(
        self, endpoint: str, params: dict[str, Any], parse: Callable[[bytes], Any], *, post: bool = False
    ) -> Any:
        """One E-utility request, rate-limited, retried, and parsed by `parse`.

        A ParseError from `parse` (a truncated reply) is retried like a dropped connection; a FetchError
        from it (an ERROR body) is raised at once.
        """
        url = f"{self.base_url}{endpoint}.fcgi"
        data = self._params(params)
        last_problem = ""
        for attempt in range(self.max_retries + 1):
            if attempt:
                self.retries += 1
            self.limiter.wait()
            self.requests_sent += 1
            retry_after: str | None = None
            try:
                if post:
                    response = self.session.post(url, data=data, timeout=self.timeout)
                else:
                    response = self.session.get(url, params=data, timeout=self.timeout)
                body = response.content
            except (requests.ConnectionError, requests.Timeout) as exc:
                last_problem = f"connection failed ({type(exc).__name__})"
            except requests.RequestException as exc:
                last_problem = f"request failed ({exc})"
            else:
                status = response.status_code
                if status == 200:
                    try:
                        return parse(body)
                    except ParseError as exc:
                        last_problem = f"malformed reply ({exc})"
                elif status in _RETRY_STATUSES:
                    retry_after = response.headers.get("Retry-After")
                    last_problem = f"HTTP {status}" + (" (rate limit exceeded)" if status == 429 else "")
                else:
                    excerpt = body[:300].decode("utf-8", "replace").strip()
                    raise FetchError(
                        f"{endpoint} answered HTTP {status}: {excerpt!r}. Check the query and "
                        f"NEUROLIT_EUTILS_URL ({self.base_url})"
                    )
            if attempt < self.max_retries:
                self._sleep(self._backoff(attempt, retry_after))
        message = (
            f"{endpoint} at {self.base_url} failed after {self.max_retries + 1} attempts: {last_problem}. "
            "Re-run the same command later: what was stored is kept and the fetch resumes."
        )
        if last_problem.startswith("HTTP 429"):
            raise RateLimitError(message + " Set NCBI_API_KEY for a higher rate limit.")
        raise FetchError(message)

    # --- replies ---------------------------------------------------------------------------------------

    @staticmethod
    def _entrez(body: bytes, endpoint: str) -> Any:
        from Bio import Entrez
        from Bio.Entrez.Parser import CorruptedXMLError, ValidationError

        head = body.lstrip()[:200].lower()
        if not head.startswith(b"<?xml") and not head.startswith(b"<!doctype") and not head.startswith(b"<e"):
            raise ParseError(f"{endpoint} reply is not XML: {body[:80]!r}", source=endpoint)
        try:
            return Entrez.read(io.BytesIO(body), validate=False)
        except RuntimeError as exc:  # Bio.Entrez raises RuntimeError for an <ERROR> element
            raise FetchError(f"{endpoint} answered with an error: {exc}") from exc
        except (CorruptedXMLError, ValidationError) as exc:
            raise ParseError(str(exc), source=endpoint) from exc
        except Exception as exc:  # expat errors and friends: a truncated or garbled reply
            raise ParseError(f"cannot read the reply ({exc})", source=endpoint) from exc

    @staticmethod
    def _check_error_list(record: Any, term: str) -> None:
        errors = record.get("ErrorList") or {}
        not_found = [p for p in errors.get("PhraseNotFound", []) if p]
        fields = [f for f in errors.get("FieldNotFound", []) if f]
        if not_found or fields:
            parts = []
            if not_found:
                parts.append(f"phrase(s) not found: {', '.join(not_found)}")
            if fields:
                parts.append(f"field(s) not found: {', '.join(fields)}")
            raise FetchError(
                f"PubMed could not use part of the query {term!r} ({'; '.join(parts)}). "
                "Check spelling and field tags such as [tiab] or [mh]; nothing was fetched."
            )

    def esearch(
        self,
        term: str,
        *,
        mindate: date | None = None,
        maxdate: date | None = None,
        datetype: str = "edat",
        retstart: int = 0,
        retmax: int = 0,
        usehistory: bool = True,
    ) -> SearchResult:
        """Search PubMed; with usehistory the result set stays on the history server (WebEnv, query_key)."""
        if datetype not in DATETYPES:
            raise InputError(f"datetype must be one of {', '.join(DATETYPES)}, not {datetype!r}")
        params: dict[str, Any] = {"term": term, "retstart": retstart, "retmax": retmax}
        if usehistory:
            params["usehistory"] = "y"
        if mindate is not None or maxdate is not None:
            params["datetype"] = datetype
            params["mindate"] = format_date(mindate or PUBMED_EARLIEST)
            params["maxdate"] = format_date(maxdate or date.today())

        def parse(body: bytes) -> SearchResult:
            record = self._entrez(body, "esearch")
            self._check_error_list(record, term)
            if "Count" not in record:
                raise ParseError("esearch reply without a Count", source="esearch")
            return SearchResult(
                count=int(record["Count"]),
                ids=tuple(str(i) for i in record.get("IdList", [])),
                webenv=str(record.get("WebEnv", "")),
                query_key=str(record.get("QueryKey", "")),
                query_translation=str(record.get("QueryTranslation", "")),
            )

        return self.call("esearch", params, parse, post=len(term) > 1500)  # type: ignore[no-any-return]

    def count(
        self, term: str, *, mindate: date | None = None, maxdate: date | None = None, datetype: str = "edat"
    ) -> int:
        return self.esearch(term, mindate=mindate, maxdate=maxdate, datetype=datetype, usehistory=False).count

    def epost(self, ids: Sequence[str]) -> tuple[str, str]:
        """Upload PMIDs to the history server; returns (webenv, query_key)."""

        def parse(body: bytes) -> tuple[str, str]:
            record = self._entrez(body, "epost")
            if "WebEnv" not in record or "QueryKey" not in record:
                raise ParseError("epost reply without WebEnv/QueryKey", source="epost")
            return str(record["WebEnv"]), str(record["QueryKey"])

        return self.call("epost", {"id": ",".join(ids)}, parse, post=True)  # type: ignore[no-any-return]

    def einfo(self, db: str | None = None) -> Any:
        """einfo for one database (fields, last update, record count) or the list of databases."""
        params: dict[str, Any] = {"db": db} if db else {"db": ""}
        return self.call("einfo", params, lambda body: self._entrez(body, "einfo"))

    def efetch(self, *, webenv: str, query_key: str, retstart: int, retmax: int) -> list[PubmedRecord]:
        """One batch of PubMed XML records from the history server (retmode=xml)."""

        def parse(body: bytes) -> list[PubmedRecord]:
            head = body[:4096]
            if b"<PubmedArticleSet" not in head and b"<ERROR>" in body[:65536]:
                start = body.find(b"<ERROR>") + len(b"<ERROR>")
                message = body[start : body.find(b"</ERROR>", start)].decode("utf-8", "replace").strip()
                raise FetchError(
                    f"efetch answered with an error: {message}. If the history session expired, "
                    "re-run the command (what was stored is kept)."
                )
            return parse_pubmed_xml(body)

        params = {
            "WebEnv": webenv,
            "query_key": query_key,
            "retstart": retstart,
            "retmax": retmax,
            "retmode": "xml",
            "rettype": "abstract",
        }
        return self.call("efetch", params, parse)  # type: ignore[no-any-return]

    # --- the search window --------------------------------------------------------------------------------

    def plan_segments(
        self,
        term: str,
        *,
        mindate: date | None = None,
        maxdate: date | None = None,
        datetype: str = "edat",
        window: int | None = None,
    ) -> list[Segment]:
        """Split the query's date range into segments of at most `window` records, newest first.

        Recursive bisection of [mindate, maxdate] by esearch counts; a single day holding more than the window
        raises FetchError (narrow the query) rather than silently dropping records.
        """
        limit = window or self.window
        total = self.count(term, mindate=mindate, maxdate=maxdate, datetype=datetype)
        if total <= limit:
            return [Segment(mindate, maxdate, total)] if total else []
        low = mindate or PUBMED_EARLIEST
        high = maxdate or date.today()
        return self._bisect(term, low, high, datetype, limit, total)

    def _bisect(
        self, term: str, low: date, high: date, datetype: str, limit: int, count: int
    ) -> list[Segment]:
        if count <= limit:
            return [Segment(low, high, count)] if count else []
        if low >= high:
            raise FetchError(
                f"{count} records of {term!r} share the {datetype} date {format_date(low)}, more "
                f"than the E-utilities window of {limit}; narrow the query so that nothing is cut"
            )
        middle = low + timedelta(days=(high - low).days // 2)
        upper_count = self.count(term, mindate=middle + timedelta(days=1), maxdate=high, datetype=datetype)
        lower_count = max(0, count - upper_count)  # saves a request; fetch_query re-checks every segment
        return self._bisect(
            term, middle + timedelta(days=1), high, datetype, limit, upper_count
        ) + self._bisect(term, low, middle, datetype, limit, lower_count)
