"""A loopback E-utilities server for tests: real HTTP on 127.0.0.1 serving real PubMed records.

It implements what neurolit's client uses, the way NCBI does:
- esearch.fcgi: term matching (every word of the term, field tags and AND ignored, in title/abstract/MeSH;
  ``<pmid>[pmid]``; ``all[sb]`` for everything), mindate/maxdate by datetype (edat: the record's entry date,
  mdat: its revision date), newest first, retstart/retmax, the search window (configurable; NCBI's is 9,999),
  usehistory=y (WebEnv/QueryKey), ErrorList/PhraseNotFound for words found nowhere;
- epost.fcgi: ids to the history server; efetch.fcgi: records from the history server (WebEnv, query_key,
  retstart, retmax) or by id, as a PubmedArticleSet, refusing to page past the window;
- politeness checks: HTTP 429 (NCBI's JSON body) when a client exceeds `rate_limit` requests per second, and a
  log of every request's arrival time;
- injected faults, consumed in order per endpoint: "500", "503", "429", "drop" (close the connection
  without an answer), "truncate" (cut the XML body in half), "error" (an <ERROR> body with HTTP 200),
  "stall" (sleep), "retry-after" (HTTP 429 with a Retry-After header of 1 s), "ok" (no fault: lets the
  next request through), or bytes (served verbatim with HTTP 200: replays a recorded NCBI reply).

Use it from other tests via the `eutils_server` fixture (tests/fetch/conftest.py) or directly:

    with EutilsServer(load_records(shared_data)) as server:
        client = EutilsClient(server.url, rate=50)
"""

from __future__ import annotations

import gzip
import itertools
import re
import threading
import time
from collections import Counter, defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from lxml import etree

from tests.loopback_http import LoopbackHandler

ESEARCH_DOCTYPE = (
    b'<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" '
    b'"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">'
)
EPOST_DOCTYPE = (
    b'<!DOCTYPE ePostResult PUBLIC "-//NLM//DTD epost 20090526//EN" '
    b'"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20090526/epost.dtd">'
)
PUBMED_DOCTYPE = (
    b'<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2024//EN" '
    b'"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_240101.dtd">'
)
XML_DECL = b'<?xml version="1.0" encoding="UTF-8" ?>\n'


@dataclass(frozen=True)
class ServedRecord:
    pmid: str
    xml: bytes  # one <PubmedArticle> element
    edat: date
    mdat: date
    text: str  # lower-cased title, abstract and MeSH, for term matching


@dataclass
class RequestLogEntry:
    time: float
    endpoint: str
    params: dict[str, str]
    status: int = 200


def _ymd(el: Any) -> date | None:
    if el is None or not el.findtext("Year"):
        return None
    month = el.findtext("Month") or "1"
    months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    number = int(month) if month.isdigit() else months.index(month[:3].lower()) + 1
    return date(int(el.findtext("Year")), number, int(el.findtext("Day") or 1))


def _served(article: Any) -> ServedRecord:
    """A ServedRecord from a PubmedArticle element."""
    citation = article.find("MedlineCitation")
    pmid = citation.findtext("PMID").strip()
    entrez = None
    for pub_date in article.iterfind("PubmedData/History/PubMedPubDate"):
        if pub_date.get("PubStatus") == "entrez":
            entrez = _ymd(pub_date)
    created = _ymd(citation.find("DateCreated")) or _ymd(citation.find("DateCompleted"))
    revised = _ymd(citation.find("DateRevised"))
    edat = entrez or created or revised or date(2000, 1, 1)
    words = [citation.findtext("Article/ArticleTitle") or ""]
    words += ["".join(a.itertext()) for a in citation.iterfind("Article/Abstract/AbstractText")]
    words += [d.text or "" for d in citation.iterfind("MeshHeadingList/MeshHeading/DescriptorName")]
    return ServedRecord(
        pmid,
        etree.tostring(article, encoding="UTF-8", xml_declaration=False),
        edat,
        revised or edat,
        " ".join(words).lower(),
    )


def load_records(shared_data: Path) -> list[ServedRecord]:
    """The real records of ../shared/data/pubmed: the efetch files (PubmedArticle) and the 604 citations of
    the 2016 update file wrapped as PubmedArticles. Deduplicated by PMID, first occurrence kept."""
    pubmed = shared_data / "pubmed"
    records: dict[str, ServedRecord] = {}
    for path in sorted((pubmed / "eutils" / "biopython").glob("pubmed*.xml")):
        for article in etree.parse(str(path)).iterfind("PubmedArticle"):
            rec = _served(article)
            records.setdefault(rec.pmid, rec)
    with gzip.open(pubmed / "pubmed-xml-files" / "medline16n0902.xml.gz", "rb") as handle:
        tree = etree.parse(handle)
    for citation in tree.iterfind("MedlineCitation"):
        wrapper = etree.Element("PubmedArticle")
        wrapper.append(citation)
        rec = _served(wrapper)
        records.setdefault(rec.pmid, rec)
    return list(records.values())


def _parse_date(value: str) -> date:
    parts = [int(p) for p in value.replace("-", "/").split("/")]
    while len(parts) < 3:
        parts.append(1)
    return date(parts[0], parts[1], parts[2])


@dataclass
class _State:
    records: dict[str, ServedRecord]
    window: int
    rate_limit: float | None
    rate_tolerance: float
    log: list[RequestLogEntry] = field(default_factory=list)
    deliveries: Counter[str] = field(default_factory=Counter)
    faults: dict[str, deque[str | bytes]] = field(default_factory=lambda: defaultdict(deque))
    history: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    arrivals: deque[float] = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)
    counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    stall_seconds: float = 2.0


class _Handler(LoopbackHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    default_content_type = "text/xml; charset=UTF-8"

    def do_GET(self) -> None:
        url = urlparse(self.path)
        self._handle(url.path, parse_qs(url.query))

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8")
        url = urlparse(self.path)
        params = parse_qs(url.query)
        params.update(parse_qs(body))
        self._handle(url.path, params)

    def _handle(self, path: str, raw: dict[str, list[str]]) -> None:
        state = self.server.state
        params = {k: v[-1] for k, v in raw.items()}
        endpoint = path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".fcgi")
        now = time.monotonic()
        entry = RequestLogEntry(now, endpoint, params)
        with state.lock:
            state.log.append(entry)
            state.arrivals.append(now)
            while state.arrivals and state.arrivals[0] <= now - (1.0 - state.rate_tolerance):
                state.arrivals.popleft()
            over_rate = state.rate_limit is not None and len(state.arrivals) > state.rate_limit
            queue = state.faults.get(endpoint) or state.faults.get("*")
            fault = queue.popleft() if queue else None
        if isinstance(fault, bytes):
            self._send(200, fault)
            return
        if fault == "retry-after":
            entry.status = 429
            self._send(429, b'{"error":"API rate limit exceeded"}', "application/json", {"Retry-After": "1"})
            return
        if over_rate or fault == "429":
            entry.status = 429
            limit = str(int(state.rate_limit or 3))
            self._send(
                429,
                b'{"error":"API rate limit exceeded","api-key":"127.0.0.1","count":"%d","limit":"%s"}'
                % (len(state.arrivals), limit.encode()),
                "application/json",
                {"X-RateLimit-Limit": limit, "X-RateLimit-Remaining": "0"},
            )
            return
        if fault in ("500", "502", "503"):
            entry.status = int(fault)
            self._send(int(fault), b"<html><body>Internal server error</body></html>", "text/html")
            return
        if fault == "drop":
            entry.status = 0
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if fault == "stall":
            time.sleep(state.stall_seconds)
        if fault == "error":
            root = {"esearch": b"eSearchResult", "epost": b"ePostResult", "efetch": b"eFetchResult"}.get(
                endpoint, b"eResult"
            )
            doctype = {"esearch": ESEARCH_DOCTYPE, "epost": EPOST_DOCTYPE}.get(endpoint, b"")
            self._send(
                200,
                XML_DECL
                + doctype
                + b"<"
                + root
                + b"><ERROR>Injected backend failure</ERROR></"
                + root
                + b">",
            )
            return
        try:
            if endpoint == "esearch":
                body = self._esearch(params)
            elif endpoint == "epost":
                body = self._epost(params)
            elif endpoint == "efetch":
                body, pmids = self._efetch(params)
                if fault != "truncate":
                    with state.lock:
                        state.deliveries.update(pmids)
            else:
                entry.status = 400
                self._send(400, b"unknown endpoint", "text/plain")
                return
        except _Refusal as refusal:
            self._send(200, refusal.body)
            return
        if fault == "truncate":
            body = body[: len(body) // 2]
        self._send(200, body)

    # --- endpoints ---------------------------------------------------------------------------------------

    def _matching(self, params: dict[str, str]) -> tuple[list[str], list[str]]:
        state = self.server.state
        term = params.get("term", "").strip()
        records = list(state.records.values())
        missing: list[str] = []
        single = re.fullmatch(r"(\d+)\[pmid\]", term, flags=re.IGNORECASE)
        if single:
            records = [r for r in records if r.pmid == single.group(1)]
        elif term.lower() not in ("all[sb]", "*", ""):
            words = [
                w.lower()
                for w in re.sub(r"\[[^\]]*\]", " ", term).replace('"', " ").split()
                if w not in ("AND", "OR", "NOT")
            ]
            for word in words:
                if not any(word in r.text for r in state.records.values()):
                    missing.append(word)
            records = [r for r in records if all(w in r.text for w in words)]
        if "mindate" in params or "maxdate" in params:
            low = _parse_date(params.get("mindate", "1700/01/01"))
            high = _parse_date(params.get("maxdate", "3000/12/31"))
            attr = "mdat" if params.get("datetype") == "mdat" else "edat"
            records = [r for r in records if low <= getattr(r, attr) <= high]
        records.sort(key=lambda r: (r.edat, int(r.pmid)), reverse=True)
        return [r.pmid for r in records], missing

    def _new_history(self, webenv: str | None, ids: list[str]) -> tuple[str, str]:
        state = self.server.state
        with state.lock:
            if not webenv or webenv not in state.history:
                webenv = f"MCID_loopback_{next(state.counter)}"
                state.history[webenv] = {}
            query_key = str(len(state.history[webenv]) + 1)
            state.history[webenv][query_key] = ids
        return webenv, query_key

    def _esearch(self, params: dict[str, str]) -> bytes:
        state = self.server.state
        ids, missing = self._matching(params)
        retstart = int(params.get("retstart", 0))
        retmax = int(params.get("retmax", 20))
        if retstart >= state.window:
            raise _Refusal(
                XML_DECL + ESEARCH_DOCTYPE + b"<eSearchResult><ERROR>Search Backend failed: retstart "
                b"cannot be larger than %d</ERROR></eSearchResult>" % (state.window - 1)
            )
        if missing:
            ids = []
        page = ids[retstart : min(retstart + retmax, state.window)]
        parts = [
            XML_DECL,
            ESEARCH_DOCTYPE,
            b"<eSearchResult><Count>%d</Count><RetMax>%d</RetMax>"
            b"<RetStart>%d</RetStart>" % (len(ids), len(page), retstart),
        ]
        if params.get("usehistory") == "y" and not missing:
            webenv, query_key = self._new_history(params.get("WebEnv"), ids)
            parts.append(
                b"<QueryKey>%s</QueryKey><WebEnv>%s</WebEnv>" % (query_key.encode(), webenv.encode())
            )
        parts.append(b"<IdList>" + b"".join(b"<Id>%s</Id>" % i.encode() for i in page) + b"</IdList>")
        parts.append(
            b"<TranslationSet/><QueryTranslation>%s</QueryTranslation>"
            % _escape(params.get("term", "")).encode()
        )
        if missing:
            parts.append(
                b"<ErrorList>"
                + b"".join(b"<PhraseNotFound>%s</PhraseNotFound>" % _escape(m).encode() for m in missing)
                + b"</ErrorList>"
            )
            parts.append(b"<WarningList><OutputMessage>No items found.</OutputMessage></WarningList>")
        parts.append(b"</eSearchResult>")
        return b"".join(parts)

    def _epost(self, params: dict[str, str]) -> bytes:
        ids = [i for i in params.get("id", "").split(",") if i]
        webenv, query_key = self._new_history(params.get("WebEnv"), ids)
        return (
            XML_DECL + EPOST_DOCTYPE + b"<ePostResult><QueryKey>%s</QueryKey><WebEnv>%s</WebEnv>"
            b"</ePostResult>" % (query_key.encode(), webenv.encode())
        )

    def _efetch(self, params: dict[str, str]) -> tuple[bytes, list[str]]:
        state = self.server.state
        if "id" in params:
            ids = [i for i in params["id"].split(",") if i]
        else:
            stored = state.history.get(params.get("WebEnv", ""), {}).get(params.get("query_key", ""))
            if stored is None:
                raise _Refusal(
                    XML_DECL
                    + b"<eFetchResult><ERROR>Unable to obtain query #"
                    + params.get("query_key", "").encode()
                    + b"</ERROR></eFetchResult>"
                )
            retstart = int(params.get("retstart", 0))
            if retstart >= state.window:
                raise _Refusal(
                    XML_DECL + b"<eFetchResult><ERROR>Cannot retrieve more than %d records"
                    b"</ERROR></eFetchResult>" % state.window
                )
            ids = stored[retstart : retstart + int(params.get("retmax", 20))]
        found = [state.records[i] for i in ids if i in state.records]
        body = (
            XML_DECL
            + PUBMED_DOCTYPE
            + b"\n<PubmedArticleSet>\n"
            + b"\n".join(r.xml for r in found)
            + b"\n</PubmedArticleSet>\n"
        )
        return body, [r.pmid for r in found]


class _Refusal(Exception):
    def __init__(self, body: bytes) -> None:
        super().__init__("refused")
        self.body = body


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: _State


class EutilsServer:
    """The loopback server. `url` is its base (give it to EutilsClient or NEUROLIT_EUTILS_URL)."""

    def __init__(
        self,
        records: Iterable[ServedRecord],
        *,
        window: int = 9999,
        rate_limit: float | None = None,
        rate_tolerance: float = 0.02,
    ) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.state = _State({r.pmid: r for r in records}, window, rate_limit, rate_tolerance)
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="eutils-loopback", daemon=True
        )

    @property
    def state(self) -> _State:
        return self._server.state

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/entrez/eutils/"

    @property
    def log(self) -> list[RequestLogEntry]:
        return self.state.log

    @property
    def deliveries(self) -> Counter[str]:
        """How many times efetch delivered each PMID in a complete reply."""
        return self.state.deliveries

    @property
    def pmids(self) -> set[str]:
        return set(self.state.records)

    def inject(self, endpoint: str, *faults: str | bytes) -> None:
        """Queue faults for the next requests to `endpoint` ("*" = any endpoint)."""
        with self.state.lock:
            self.state.faults[endpoint].extend(faults)

    def set_window(self, window: int) -> None:
        self.state.window = window

    def set_rate_limit(self, rate: float | None) -> None:
        self.state.rate_limit = rate

    def start(self) -> EutilsServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> EutilsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main() -> None:
    """Run the server in the foreground (used by the kill-and-resume test): prints its URL, serves forever."""
    import argparse
    import sys

    parser = argparse.ArgumentParser()
    parser.add_argument("shared_data", type=Path)
    parser.add_argument("--window", type=int, default=9999)
    parser.add_argument("--rate-limit", type=float, default=None)
    args = parser.parse_args()
    server = EutilsServer(
        load_records(args.shared_data), window=args.window, rate_limit=args.rate_limit
    ).start()
    print(server.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
    sys.exit(0)


if __name__ == "__main__":
    main()
