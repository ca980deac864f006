"""Web plumbing shared by the routers: templates, static files, security middleware and friendly error pages."""

from __future__ import annotations

import gzip
import hashlib
import logging
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from markupsafe import Markup
from pydantic import BaseModel
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.content import Lesson, Slide
from app.settings import Settings

log = logging.getLogger("attention_course")

# Scripts, images and connections from this server only; no inline script and no eval. plotly.js sets styles
# through the CSSOM (allowed by CSP) and injects one <style> element for its own rules (modebar, hover labels),
# which is why style-src needs 'unsafe-inline' (see README, "Security").
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
YEAR = 31_536_000


class SecurityHeadersMiddleware:
    """Adds the security headers to every response, whatever produced it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in SECURITY_HEADERS if n not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodySizeLimitMiddleware:
    """Answers 413 to a request body over `limit` bytes, from Content-Length or while streaming, before parsing."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    too_big = True
                if too_big:
                    await self._refuse(scope, receive, send)
                    return
        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if not response_started:
                await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = f"The request body is larger than the limit of {self.limit:,} bytes."
        response = JSONResponse({"detail": detail}, status_code=413, headers={"connection": "close"})
        await response(scope, receive, send)


class _BodyTooLarge(Exception):
    pass


def install_middleware(app: FastAPI, settings: Settings) -> None:
    # Added last runs first: headers wrap everything, then the size limit guards the body before any parsing.
    app.add_middleware(GZipMiddleware, minimum_size=800, compresslevel=6)
    app.add_middleware(BodySizeLimitMiddleware, limit=settings.max_body_bytes)
    app.add_middleware(SecurityHeadersMiddleware)


class CachedStaticFiles(StaticFiles):
    """Static files; a URL carrying the file's content hash (`?v=`) is cached for a year, others revalidate.

    Text files (JS, CSS, SVG) go out gzipped from memory, compressed once per file version: GZipMiddleware
    would otherwise spend ~70 ms of CPU compressing the 1.5 MB plotly bundle again for every first view.
    """

    _gzipped: dict[tuple[str, int, int], bytes] = {}

    def file_response(self, full_path: Any, stat_result: Any, scope: Scope, status_code: int = 200) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        versioned = b"v=" in scope.get("query_string", b"") or "/vendor/" in scope.get("path", "")
        response.headers["cache-control"] = f"public, max-age={YEAR}, immutable" if versioned else "no-cache"
        request_headers = {k.lower(): v for k, v in scope.get("headers", [])}
        if (status_code == 200 and isinstance(response, FileResponse) and b"range" not in request_headers
                and b"gzip" in request_headers.get(b"accept-encoding", b"")
                and str(full_path).endswith(GZIP_SUFFIXES) and stat_result.st_size >= 800):
            key = (str(full_path), stat_result.st_mtime_ns, stat_result.st_size)
            body = self._gzipped.get(key)
            if body is None:
                with open(full_path, "rb") as f:
                    body = self._gzipped[key] = gzip.compress(f.read(), compresslevel=9, mtime=0)
            headers = {k: v for k, v in response.headers.items() if k not in ("content-length", "accept-ranges")}
            headers.update({"content-encoding": "gzip", "vary": "Accept-Encoding"})
            return Response(body, status_code=200, headers=headers)  # GZipMiddleware leaves encoded bodies alone
        return response


GZIP_SUFFIXES = (".js", ".css", ".svg", ".json", ".txt", ".map", ".html")


def mount_static(app: FastAPI, settings: Settings) -> None:
    # StaticFiles refuses paths outside its folder and never lists directories.
    app.mount("/static", CachedStaticFiles(directory=settings.static_dir), name="static")


def make_templates(settings: Settings) -> Jinja2Templates:
    templates = Jinja2Templates(directory=settings.templates_dir)  # autoescape is on for .html
    hashes: dict[str, str] = {}

    def static_url(path: str) -> str:
        """URL of a static file with its content hash, so it can be cached for a year and still change."""
        if path not in hashes:
            content = (settings.static_dir / path).read_bytes()
            hashes[path] = hashlib.sha256(content).hexdigest()[:12]
        return f"/static/{path}?v={hashes[path]}"

    templates.env.globals["static_url"] = static_url
    templates.env.filters["json_script"] = json_script
    templates.env.globals["plotly_js_url"] = "/static/vendor/plotly-cartesian-4.1.1.min.js"
    templates.env.globals["settings"] = settings
    return templates


def json_script(text: str) -> Markup:
    """JSON text made safe inside <script type="application/json">: no '</script>', '<!--' or '&' survives."""
    escaped = (
        text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )
    return Markup(escaped)


class ErrorOut(BaseModel):
    """Every error of the JSON API: one sentence a learner can act on (and, for 422, every problem found)."""

    detail: str | list[str]
    errors: list[str] | None = None


# Documented on every API operation (app/main.py), so the OpenAPI schema says what errors really look like.
API_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "No such lesson or slide"},
    413: {"model": ErrorOut, "description": "The request body is over the size limit"},
    422: {"model": ErrorOut, "description": "Input the lesson cannot use, with the reason"},
}


def get_lesson(request: Request, slug: str) -> Lesson:
    """The lesson with this slug, or a 404 that names what was asked for."""
    lesson = request.app.state.lessons.get(slug)
    if lesson is None:
        raise HTTPException(status_code=404, detail=f"There is no lesson called '{slug}'.")
    return lesson


def get_slide(lesson: Lesson, n: str) -> tuple[int, Slide]:
    """Slide `n` (a path segment, counted from 1) of the lesson, or a 404 that says which slides exist."""
    number = int(n) if n.isascii() and n.isdigit() and len(n) < 6 else 0
    slide = lesson.slide(number)
    if slide is None:
        raise HTTPException(
            status_code=404,
            detail=f"'{lesson.title}' has slides 1 to {len(lesson.slides)}; there is no slide '{n}'.",
        )
    return number, slide


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/healthz"


def render_error(request: Request, status_code: int, title: str, message: str) -> Response:
    if wants_json(request):
        return JSONResponse({"detail": message}, status_code=status_code)
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        "error.html",
        {"status_code": status_code, "title": title, "message": message},
        status_code=status_code,
    )


ERROR_TITLES = {
    400: "That request didn't make sense",
    404: "Page not found",
    405: "That isn't allowed here",
    413: "That's too much text",
    422: "That input can't be used",
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 400 and exc.detail == "There was an error parsing the body":
            # FastAPI's answer to a JSON body that is not UTF-8: like any other broken JSON, a 422.
            return render_error(request, 422, ERROR_TITLES[422], "The request body is not valid JSON (UTF-8).")
        if exc.detail in (None, "", "Not Found"):
            message = "We couldn't find that page. It may have moved, or the link may have a typo."
        else:
            message = str(exc.detail)
        title = ERROR_TITLES.get(exc.status_code, "Something went wrong")
        response = render_error(request, exc.status_code, title, message)
        if exc.headers:
            response.headers.update(exc.headers)
        if exc.status_code == 405:
            # Starlette's Allow names only the first route that matched the path; list every route's methods
            # (GET and POST /api/attention are two routes on one path).
            response.headers["allow"] = ", ".join(allowed_methods(request))
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        messages = [readable_validation_error(err) for err in exc.errors()]
        if wants_json(request):
            return JSONResponse({"detail": messages[0] if len(messages) == 1 else messages, "errors": messages},
                                status_code=422)
        return render_error(request, 422, ERROR_TITLES[422], " ".join(messages))

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return render_error(request, 500, "Something went wrong on our side",
                            "The error has been logged. Please try again.")


def allowed_methods(request: Request) -> list[str]:
    """The methods some route answers on this path (routes may sit inside included routers, so ask each)."""
    allowed = []
    for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"):
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return allowed


def readable_validation_error(err: dict[str, Any]) -> str:
    """One sentence for one pydantic error, naming the field the way a learner typed it."""
    loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
    field = ".".join(loc)
    msg = str(err.get("msg", "is not valid"))
    if msg.startswith("Value error, "):
        msg = msg.removeprefix("Value error, ")
    kind = err.get("type")
    if kind == "json_invalid":
        return "The request body is not valid JSON."
    if kind in ("model_attributes_type", "dict_type", "model_type") and not field:
        return 'The request body must be a JSON object, for example {"text": "The cat sat."}.'
    if kind == "string_too_short" and field == "text":
        return "Please type a sentence: the text is empty."
    if kind == "string_too_long" and field == "text":
        return f"That text is too long: the limit is {err.get('ctx', {}).get('max_length')} characters."
    if kind == "missing":
        return f"'{field}' is required." if field else "The request body is required."
    return f"'{field}': {msg}" if field else msg
