"""The PubMed file server: list baseline/update files, fetch their .md5 files, download with resume.

NCBI publishes https://ftp.ncbi.nlm.nih.gov/pubmed/baseline/ and .../updatefiles/ as HTML directory
listings of `pubmedYYnNNNN.xml.gz` files, each with a `<file>.md5` companion holding `MD5(<file>)= <hex>`.
The base URL is configurable ([mirror] base_url) so a local copy or a test server can stand in.

Downloads go to `<file>.part` and are renamed only after the MD5 matches; an interrupted download resumes from
the bytes already in the `.part` file with an HTTP Range request (a server that ignores Range gets a fresh
start).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlparse

from neurolit.errors import FetchError

if TYPE_CHECKING:
    import requests

_MD5_OPENSSL = re.compile(r"MD5\s*\(([^)]+)\)\s*=\s*([0-9a-fA-F]{32})")
_MD5_COREUTILS = re.compile(r"^([0-9a-fA-F]{32})\s+\*?(\S+)")
DATA_SUFFIXES = (".xml.gz", ".xml")
CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class RemoteFile:
    """One data file on the server and the URL of its checksum file."""

    kind: str  # baseline | updates
    name: str
    url: str
    md5_url: str


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag.lower() == "a":
            for key, value in attrs:
                if key.lower() == "href" and value:
                    self.hrefs.append(value)


def parse_listing(html: str, base_url: str, kind: str) -> list[RemoteFile]:
    """Data files of a directory listing that have an .md5 companion, sorted by name (= publication order)."""
    parser = _Links()
    parser.feed(html)
    names: set[str] = set()
    for href in parser.hrefs:
        path = urlparse(urljoin(base_url, href)).path
        name = unquote(path.rsplit("/", 1)[-1])
        if name and "/" not in name:
            names.add(name)
    files = [
        RemoteFile(
            kind=kind, name=name, url=urljoin(base_url, name), md5_url=urljoin(base_url, name + ".md5")
        )
        for name in names
        if name.endswith(DATA_SUFFIXES) and f"{name}.md5" in names
    ]
    return sorted(files, key=lambda f: f.name)


def parse_md5(text: str, name: str) -> str:
    """The hex digest in an .md5 file (`MD5(name)= hex` as NCBI writes it, or md5sum's `hex  name`)."""
    for line in text.splitlines():
        match = _MD5_OPENSSL.search(line)
        if match and Path(match.group(1).strip()).name == name:
            return match.group(2).lower()
        match = _MD5_COREUTILS.match(line.strip())
        if match and Path(match.group(2)).name == name:
            return match.group(1).lower()
    raise FetchError(
        f"the checksum file for {name} does not contain an MD5 for it (got {text[:80]!r}); "
        "the server may be serving an error page"
    )


def file_md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


class FileServer:
    """A client for one PubMed file server (NCBI's or a mirror of it), over a requests.Session."""

    def __init__(
        self, base_url: str, *, timeout: float = 60.0, session: requests.Session | None = None
    ) -> None:
        import requests

        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.timeout = timeout
        self.session = session or requests.Session()
        self.session.headers.setdefault("User-Agent", "neurolit-mirror")

    def _get(self, url: str, **kwargs: object) -> requests.Response:
        import requests

        try:
            response = self.session.get(url, timeout=self.timeout, **kwargs)  # type: ignore[arg-type]
        except requests.RequestException as exc:
            raise FetchError(f"cannot reach {url}: {exc}; check the network or [mirror] base_url") from exc
        if response.status_code >= 400:
            response.close()
            raise FetchError(
                f"{url} answered HTTP {response.status_code}; check [mirror] base_url "
                "(NCBI's is https://ftp.ncbi.nlm.nih.gov/pubmed/)"
            )
        return response

    def list_files(self, kind: str, directory: str) -> list[RemoteFile]:
        url = urljoin(self.base_url, directory.strip("/") + "/")
        response = self._get(url)
        return parse_listing(response.text, url, kind)

    def expected_md5(self, remote: RemoteFile) -> str:
        return parse_md5(self._get(remote.md5_url).text, remote.name)

    def download(
        self, remote: RemoteFile, dest: Path, *, progress: Callable[[int], None] | None = None
    ) -> None:
        """Download into `dest.part` resuming what is there; the caller verifies the MD5."""
        part = dest.with_name(dest.name + ".part")
        part.parent.mkdir(parents=True, exist_ok=True)
        have = part.stat().st_size if part.exists() else 0
        headers = {"Range": f"bytes={have}-"} if have else {}
        import requests

        response = self._get(remote.url, headers=headers, stream=True)
        with response:
            if have and response.status_code == 416:
                return  # the .part file already holds every byte
            mode = "ab" if have and response.status_code == 206 else "wb"
            with part.open(mode) as handle:
                try:
                    for block in response.iter_content(CHUNK):
                        handle.write(block)
                        if progress is not None:
                            progress(len(block))
                except (
                    requests.RequestException
                ) as exc:  # connection dropped mid-body: what arrived stays in .part
                    raise FetchError(
                        f"download of {remote.url} was interrupted ({exc}); run "
                        "`neurolit mirror sync` again to resume"
                    ) from exc
