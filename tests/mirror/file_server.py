"""A loopback PubMed file server: HTML directory listings, files with HTTP Range support, faults on demand.

Layout served: /pubmed/<directory>/<name> for every file placed in the server's `files` mapping, plus a
listing page per directory that links every file (as NCBI's server does). Faults:
- `corrupt_times[name] = n`: the first n full downloads of `name` have one byte flipped (MD5 mismatch);
- `drop_after[name] = k`: the first request for `name` sends a Content-Length of the whole file but closes the
  connection after k bytes (an interrupted download).
Every request is recorded in `requests` as (path, Range header or "").
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import PurePosixPath

from tests.loopback_http import LoopbackHandler


@dataclass
class ServedFiles:
    files: dict[str, bytes] = field(default_factory=dict)  # "baseline/x.xml.gz" -> bytes
    corrupt_times: dict[str, int] = field(default_factory=dict)
    drop_after: dict[str, int] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def listing(self, directory: str) -> bytes:
        names = sorted(PurePosixPath(key).name for key in self.files if key.startswith(directory + "/"))
        links = "\n".join(f'<a href="{name}">{name}</a>  2026-01-01 00:00  1K' for name in names)
        return (
            f"<html><head><title>Index of /pubmed/{directory}</title></head><body>"
            f'<h1>Index of /pubmed/{directory}</h1><pre><a href="../">Parent Directory</a>\n{links}\n'
            "</pre></body></html>"
        ).encode()


def _handler(served: ServedFiles) -> type[BaseHTTPRequestHandler]:
    class Handler(LoopbackHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            range_header = self.headers.get("Range", "")
            with served.lock:
                served.requests.append((path, range_header))
            if not path.startswith("/pubmed/"):
                self._send(404, b"not found")
                return
            key = path[len("/pubmed/") :]
            if key.endswith("/"):
                directory = key.rstrip("/")
                if not any(k.startswith(directory + "/") for k in served.files):
                    self._send(404, b"no such directory")
                    return
                self._send(200, served.listing(directory), "text/html")
                return
            body = served.files.get(key)
            if body is None:
                self._send(404, b"not found")
                return
            name = PurePosixPath(key).name
            with served.lock:
                if served.corrupt_times.get(name, 0) > 0 and not range_header:
                    served.corrupt_times[name] -= 1
                    body = bytes([body[0] ^ 0xFF]) + body[1:]
                drop = served.drop_after.pop(name, None)
            start = 0
            if range_header.startswith("bytes="):
                start = int(range_header[len("bytes=") :].split("-", 1)[0] or 0)
                if start >= len(body):
                    self._send(416, b"", headers={"Content-Range": f"bytes */{len(body)}"})
                    return
            chunk = body[start:]
            status = 206 if start else 200
            self.send_response(status)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(chunk)))
            if start:
                self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
            self.send_header("Accept-Ranges", "bytes")
            self.end_headers()
            if drop is not None:
                self.wfile.write(chunk[:drop])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(chunk)

    return Handler


def serve(served: ServedFiles) -> Iterator[str]:
    """Run the server in a thread; yields its base URL (http://127.0.0.1:PORT/pubmed/)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(served))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/pubmed/"
    finally:
        server.shutdown()
        server.server_close()
