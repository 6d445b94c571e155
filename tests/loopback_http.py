"""A request handler base for the test servers on 127.0.0.1 (E-utilities, PubMed file server)."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler


class LoopbackHandler(BaseHTTPRequestHandler):
    """Quiet handler with one way to send a complete response."""

    default_content_type = "text/plain"

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        return

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type or self.default_content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)
