"""The review application: Starlette routes over the corpus, served by uvicorn on 127.0.0.1.

    GET  /                 the corpus: decisions, uncertain, reviewed per document
    GET  /doc/<stem>       a document: source beside reading, its decisions, the forms
    POST /api/doc/<stem>   {"entries": [{what, action, line, quote, occurrence, field, reading}], "by": name,
                            "withdraw": [{what, line, quote, occurrence, field}]}  (an entry taken back)

A post must carry the application's token (``X-Review-Token``, from the page's
``<meta name="review-token">``), so that no other web page the editor has open can post; it must
be JSON; each entry must be well formed (:func:`pipeline.corrections.entry_from`), quote text the
source has on that line, be about a decision the document has (or, to add a missed marking or
redaction, quote plain text), and a name's entry must exist in the authority file. Anything else
is refused with a 4xx status and a message, and nothing is written.
"""

from __future__ import annotations

import datetime as _dt
import hmac
import json
import secrets
import socket
import threading
import webbrowser
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from .. import corrections
from ..config import Settings, source_date_epoch
from ..source import SourceError
from . import corpus, pages

STATIC = Path(__file__).resolve().parent / "static"
_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
#: The most a post may hold.
MAX_BODY = 256 * 1024


def now() -> str:
    """The time recorded with an entry: SOURCE_DATE_EPOCH when set, so that a run can be repeated."""
    epoch = source_date_epoch()
    moment = _dt.datetime.fromtimestamp(epoch, _dt.timezone.utc) if epoch is not None else _dt.datetime.now(_dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _key_of(table: object) -> tuple | None:
    """The key of the entry a withdrawal names (what it is about and its anchor)."""
    if not isinstance(table, dict):
        return None
    try:
        if table.get("what") == "fact":
            return ("fact", str(table["field"]))
        return (str(table["what"]), int(table["line"]), str(table["quote"]), int(table.get("occurrence", 1)))
    except (KeyError, TypeError, ValueError):
        return None


def _refuse(status: int, message: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message}, status_code=status)


def create_app(settings: Settings, editor: str = "editor", token: str | None = None) -> Starlette:
    token = token or secrets.token_urlsafe(32)

    def security_headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = ("default-src 'self'; img-src 'self' data:; "
                                                       "style-src 'self'; script-src 'self'; frame-ancestors 'none'")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    def index(request: Request) -> Response:
        rows, errors = [], []
        for stem, seed in corpus.seeds(settings).items():
            try:
                doc = corpus.read(settings, stem, seed)
            except (SourceError, corrections.ReviewError) as error:
                errors.append(error.describe())
                continue
            rows.append((stem, doc.title, doc.counts))
        return security_headers(HTMLResponse(pages.index_page(rows, token, errors)))

    def _document(stem: str):
        seed = corpus.seeds(settings).get(stem)
        if seed is None:
            return None, _refuse(404, f"no document {stem!r} in {settings.seeds.name}/")
        try:
            return corpus.read(settings, stem, seed), None
        except (SourceError, corrections.ReviewError) as error:
            return None, _refuse(409, error.describe())

    def document(request: Request) -> Response:
        doc, refusal = _document(request.path_params["stem"])
        if refusal is not None:
            return HTMLResponse(f"<!DOCTYPE html><html lang=\"en\"><title>Not found</title><p>{refusal.body.decode()}</p>",
                                status_code=refusal.status_code)
        authority = corpus.authority(settings)
        ids = sorted((e.id, e.names[0] if e.names else e.id) for e in authority.entries.values())
        return security_headers(HTMLResponse(pages.document_page(doc, token, editor, ids)))

    async def post(request: Request) -> Response:
        if not hmac.compare_digest(request.headers.get("x-review-token", ""), token):
            return _refuse(403, "the request carries no valid review token: post from the review page")
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return _refuse(415, "post JSON (Content-Type: application/json)")
        body = await request.body()
        if len(body) > MAX_BODY:
            return _refuse(413, "the request is too large")
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as error:
            return _refuse(400, f"the request is not JSON: {error}")
        return await run_in_threadpool(_save, request.path_params["stem"], data)

    def _save(stem: str, data: object) -> Response:
        doc, refusal = _document(stem)
        if refusal is not None:
            return refusal
        if not isinstance(data, dict) or not isinstance(data.get("entries", []), list) \
                or not isinstance(data.get("withdraw", []), list) or not (data.get("entries") or data.get("withdraw")):
            return _refuse(400, "the request must be an object with a non-empty list 'entries' or 'withdraw'")
        withdraw = []
        for number, table in enumerate(data.get("withdraw", []), 1):
            key = _key_of(table)
            if key is None or key not in doc.entries:
                return _refuse(422, f"withdraw {number}: the review file has no such entry")
            withdraw.append(key)
        by = data.get("by", editor)
        if not isinstance(by, str) or not by.strip() or len(by) > 200:
            return _refuse(422, "'by' must name the editor")
        known = {d.key: d for d in doc.decisions}
        authority_ids = set(corpus.authority(settings).entries)
        entries = []
        for number, table in enumerate(data.get("entries", []), 1):
            where = f"entry {number}"
            if not isinstance(table, dict):
                return _refuse(400, f"{where}: must be an object")
            table = {k: v for k, v in table.items() if v is not None} | {"by": by.strip(), "when": now()}
            try:
                entry = corrections.entry_from(table, where, f"review/{doc.review.name}")
            except corrections.ReviewError as error:
                return _refuse(422, error.reason)
            if not corrections.anchored(entry, doc.lines):
                return _refuse(422, f"{where}: source line {entry.line} does not read “{entry.quote}”")
            if entry.action != "add" and entry.key not in known:
                return _refuse(422, f"{where}: the document has no {entry.what} “{entry.quote}” on line {entry.line}")
            if entry.action == "add" and any(d.line == entry.line and entry.quote in d.quote for d in doc.decisions
                                             if d.what in ("marking", "redaction")):
                return _refuse(422, f"{where}: “{entry.quote}” on line {entry.line} is already a marking or redaction")
            if entry.what == "name" and entry.action == "correct" and entry.reading and entry.reading not in authority_ids:
                return _refuse(422, f"{where}: the authority file has no entry {entry.reading!r}")
            entries.append(entry)
        kept = corrections.update(doc.review, entries, doc.seed.name, withdraw)
        return JSONResponse({"ok": True, "entries": len(kept), "file": f"review/{doc.review.name}"})

    def static(request: Request) -> Response:
        name = request.path_params["name"]
        path = STATIC / name
        if "/" in name or path.suffix not in _TYPES or not path.is_file():
            return Response("not found", status_code=404)
        return Response(path.read_bytes(), media_type=_TYPES[path.suffix])

    routes = [Route("/", index), Route("/doc/{stem}", document), Route("/api/doc/{stem}", post, methods=["POST"]),
              Route("/static/{name}", static)]
    app = Starlette(routes=routes)
    app.state.token = token
    return app


def serve(settings: Settings, port: int = 0, open_browser: bool = True, editor: str = "editor",
          echo=print) -> None:
    """Run the application on 127.0.0.1 (``port`` 0: a free one) until interrupted."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    app = create_app(settings, editor)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    echo(f"teipipe review: {url} (Ctrl-C to stop)")
    if open_browser:
        threading.Timer(0.5, webbrowser.open, (url,)).start()
    server.run(sockets=[sock])
