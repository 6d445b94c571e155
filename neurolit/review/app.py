"""The curator web app (Flask): server-rendered pages, Jinja2 autoescaping, a little JavaScript of our own.

Security: an optional access token (required by `neurolit review` on any non-loopback host), a CSRF token on
every POST, strict Content-Security-Policy (no inline script, nothing from elsewhere), HttpOnly
SameSite=Strict session cookie. Every parameter is validated; a bad one gets a 400 page saying what to fix.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Flask, Response, flash, redirect, render_template, request, session, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from neurolit.errors import ConflictError, InputError, ReviewError
from neurolit.records import DIRECTIONS, SIGNIFICANCES
from neurolit.review.agreement import CATEGORIES, agreement_report
from neurolit.review.exports import FORMATS, export_curated
from neurolit.review.highlight import context_segments, sentence_segments
from neurolit.review.model import (
    ACTIONS,
    CORRECTABLE,
    STATUS_FILTERS,
    DecisionRequest,
    validate_curator,
)
from neurolit.review.server import is_loopback
from neurolit.review.service import SORTS, QueueFilter, ReviewService, set_digest
from neurolit.review.store import StaleDecisionError

PUBMED_URL = "https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


def create_app(
    service: ReviewService,
    *,
    token: str | None = None,
    curator: str | None = None,
    page_size: int = 50,
    secret_key: bytes | None = None,
    loopback_only: bool = True,
) -> Flask:
    """The review app for one corpus. `token`: when set, every request must present it (once per session).

    With `loopback_only` (the default; `neurolit review` on 127.0.0.1) a request whose Host header is not a
    loopback name is refused, so a web page cannot reach the app through DNS rebinding.
    """
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret_key or secrets.token_bytes(32),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        TEMPLATES_AUTO_RELOAD=False,
    )
    app.jinja_env.autoescape = True  # every template, whatever its extension
    default_curator = validate_curator(curator) if curator else ""
    access_token = token or ""

    def current_curator() -> str:
        return str(session.get("curator") or default_curator)

    def csrf_token() -> str:
        value = session.get("csrf")
        if not isinstance(value, str):
            value = secrets.token_urlsafe(32)
            session["csrf"] = value
        return value

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {
            "csrf_token": csrf_token,
            "curator": current_curator(),
            "corpus": service.corpus,
            "pubmed_url": PUBMED_URL,
            "significances": SIGNIFICANCES,
            "directions": DIRECTIONS,
            "status_filters": STATUS_FILTERS,
            "sorts": SORTS,
            "correctable": CORRECTABLE,
        }

    @app.before_request
    def _guard() -> BaseResponse | None:
        if loopback_only and not is_loopback(urlsplit("//" + request.host).hostname or ""):
            return _page(
                "error.html",
                400,
                title="Unexpected host",
                bare=True,
                message="This review server answers on 127.0.0.1 or localhost only.",
            )
        if request.endpoint == "static":
            return None
        if access_token and not session.get("authorised"):
            given = request.args.get("token", "")
            header = request.headers.get("Authorization", "")
            if header.startswith("Bearer "):
                given = header[len("Bearer ") :]
            if not given or not hmac.compare_digest(given.encode(), access_token.encode()):
                return _page(
                    "error.html",
                    401,
                    bare=True,
                    title="Access token required",
                    message="This review server needs its access token: open the address printed by "
                    "`neurolit review` (it ends with ?token=…).",
                )
            session["authorised"] = True
            if "token" in request.args:
                rest = {key: value for key, value in request.args.items() if key != "token"}
                return redirect(request.path + ("?" + urlencode(rest) if rest else ""), code=303)
        if request.method == "POST":
            sent = request.form.get("csrf_token", "")
            expected = session.get("csrf")
            if not isinstance(expected, str) or not hmac.compare_digest(sent.encode(), expected.encode()):
                return _page(
                    "error.html",
                    403,
                    title="Form expired",
                    message="The form's security token is missing or does not match this session. "
                    "Reload the page and submit again.",
                )
        return None

    @app.after_request
    def _headers(response: Response) -> BaseResponse:
        response.headers["Content-Security-Policy"] = _CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response

    def _page(template: str, status: int, **context: Any) -> BaseResponse:
        return Response(render_template(template, **context), status=status, mimetype="text/html")

    @app.errorhandler(ReviewError)
    @app.errorhandler(InputError)
    def _invalid(exc: Exception) -> BaseResponse:
        if isinstance(exc, StaleDecisionError):
            return _conflict(exc)
        if isinstance(exc, ConflictError):
            return _page("error.html", 409, title="Conflict", message=str(exc))
        return _page("error.html", 400, title="Cannot do that", message=str(exc))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> BaseResponse:
        return _page("error.html", exc.code or 500, title=exc.name, message=exc.description or "")

    def _conflict(exc: StaleDecisionError) -> BaseResponse:
        item = service.get(exc.current.triple_id)
        return _page(
            "conflict.html",
            409,
            item=item,
            error=str(exc),
            attempted=exc.attempted,
            attempted_fields=dict(exc.attempted.fields),
            back=request.form.get("q", ""),
            segments=sentence_segments(item.effective),
        )

    def _filter_from(query: str) -> QueueFilter:
        from urllib.parse import parse_qsl

        return QueueFilter.from_args(dict(parse_qsl(query)))

    @app.get("/")
    def queue() -> BaseResponse:
        flt = QueueFilter.from_args(request.args)
        states = service.store.states()
        items = service.items(flt, states)
        try:
            page = max(1, int(request.args.get("page", "1")))
        except ValueError:
            raise ReviewError("page must be a whole number") from None
        pending = [item for item in items if item.state.status == "pending"]
        shown = items[(page - 1) * page_size : page * page_size]
        query = urlencode(flt.to_args())
        return _page(
            "queue.html",
            200,
            flt=flt,
            items=shown,
            total=len(items),
            page=page,
            pages=max(1, -(-len(items) // page_size)),
            query=query,
            pending=len(pending),
            digest=set_digest(pending),
            facets=service.facets(),
            orphans=len(service.orphans(states)),
            segments={item.triple_id: sentence_segments(item.effective) for item in shown},
            source=service.articles.description if service.articles else None,
        )

    @app.get("/t/<tid>")
    def triple(tid: str) -> BaseResponse:
        flt = QueueFilter.from_args(request.args)
        item = service.get(tid)
        ids = [other.triple_id for other in service.items(flt)]
        position = ids.index(tid) if tid in ids else -1
        previous_id = ids[position - 1] if position > 0 else None
        next_id = ids[position + 1] if 0 <= position < len(ids) - 1 else None
        article = service.article(item.machine)
        title, abstract = context_segments(article, item.effective)
        return _page(
            "triple.html",
            200,
            item=item,
            flt=flt,
            query=urlencode(flt.to_args()),
            previous_id=previous_id,
            next_id=next_id,
            position=position,
            count=len(ids),
            article=article,
            title_segments=title,
            abstract_segments=abstract,
            segments=sentence_segments(item.effective),
            history=service.store.log(tid),
            machine=item.machine,
            effective=item.effective,
        )

    @app.post("/t/<tid>/decide")
    def decide(tid: str) -> BaseResponse:
        form = request.form
        query = form.get("q", "")
        flt = _filter_from(query)
        name = current_curator()
        if not name:
            raise ReviewError("set your curator name first (the box at the top of the page)")
        action = form.get("action", "")
        if action not in ACTIONS:
            raise ReviewError(f"unknown action {action!r}; use one of {', '.join(ACTIONS)}")
        revision_text = form.get("revision", "")
        if not revision_text.isdigit():
            raise ReviewError("the form lacks the revision it was made against; reload the page")
        ids = [item.triple_id for item in service.items(flt)]
        upcoming = ids[ids.index(tid) + 1] if tid in ids and ids.index(tid) + 1 < len(ids) else None
        note = form.get("note") if "note" in form else None
        if action != "note" and not (note or "").strip():
            note = None  # an empty note box beside accept/reject/correct leaves the note as it is
        fields = tuple((name_, form.get(name_, "")) for name_ in CORRECTABLE if name_ in form)
        decision = DecisionRequest(
            triple_id=tid,
            action=action,  # type: ignore[arg-type]
            curator=name,
            base_revision=int(revision_text),
            evidence_hash=form.get("evidence_hash", ""),
            fields=fields,
            reason=form.get("reason", ""),
            note=note,
            source="web",
        )
        applied = service.decide(decision)
        flash(f"{action}: {tid} saved as revision {applied.state.revision}")
        suffix = f"?{query}" if query else ""
        if form.get("return") == "queue":
            return redirect(url_for("queue") + suffix, code=303)
        if form.get("stay") == "1" or action == "note":
            return redirect(url_for("triple", tid=tid) + suffix, code=303)
        if upcoming is None:
            return redirect(url_for("queue") + suffix, code=303)
        return redirect(url_for("triple", tid=upcoming) + suffix, code=303)

    @app.post("/bulk-accept")
    def bulk_accept() -> BaseResponse:
        query = request.form.get("q", "")
        flt = _filter_from(query)
        name = current_curator()
        if not name:
            raise ReviewError("set your curator name first (the box at the top of the page)")
        outcome = service.bulk_accept(flt, request.form.get("digest", ""), name)
        message = f"bulk accept: {outcome.accepted} triple(s) accepted"
        if outcome.conflicts:
            message += f"; {len(outcome.conflicts)} changed meanwhile and were left as they are"
        flash(message)
        return redirect(url_for("queue") + (f"?{query}" if query else ""), code=303)

    @app.post("/curator")
    def set_curator() -> BaseResponse:
        session["curator"] = validate_curator(request.form.get("curator", ""))
        target = request.form.get("back", "")
        if not target.startswith("/") or target.startswith("//"):
            target = url_for("queue")
        return redirect(target, code=303)

    @app.get("/agreement")
    def agreement() -> BaseResponse:
        a, b = request.args.get("a", ""), request.args.get("b", "")
        pair = (validate_curator(a), validate_curator(b)) if a or b else None
        report = agreement_report(service.store.log(), pair)
        return _page("agreement.html", 200, report=report, categories=CATEGORIES)

    @app.get("/export")
    def export() -> BaseResponse:
        import tempfile
        from pathlib import Path

        status = request.args.get("status", "accepted")
        fmt = request.args.get("format", "csv")
        if fmt not in FORMATS:
            raise ReviewError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "export"
            export_curated(service, out, status=status, fmt=fmt)
            body = out.read_bytes()
        suffix = "tsv" if fmt == "civic-tsv" else "csv"
        response = Response(body, mimetype="text/tab-separated-values" if suffix == "tsv" else "text/csv")
        response.headers["Content-Disposition"] = f"attachment; filename={service.corpus}-{status}.{suffix}"
        return response

    @app.get("/healthz")
    def healthz() -> BaseResponse:
        return Response("ok\n", mimetype="text/plain")

    return app
