"""The web application: routes, templates, security headers and error pages.

Safe by default: every route answers GET (and HEAD) only; Jinja2 escapes every value (publication texts are
untrusted: a project may be named ``<script>…``); a Content-Security-Policy forbids scripts, inline styles, frames
and every origin but this one; a bad reference is a 404 page and an unexpected error a 500 page, never a traceback.
"""

from __future__ import annotations

import time
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.exc import DBAPIError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ledger.errors import AmbiguousRefError, LedgerError, NotFoundError
from ledger.store import Ledger
from ledger.web import pages
from ledger.web.downloads import BadRequest
from ledger.web.urls import department_url, diff_url, findings_url, history_url, with_query

#: No script at all, styles from this origin only, images (the charts are inline SVG) from here or data: URLs.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)


class SecurityHeaders:
    """Adds the security headers to every response (pages, downloads, static files, errors), and a
    ``Server-Timing: app;dur=…`` header: the milliseconds the application took to start its answer (what
    ``bench.web`` measures)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        start = time.perf_counter()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                took = f"app;dur={(time.perf_counter() - start) * 1000:.1f}".encode()
                message["headers"] = [*message.get("headers", []), *_HEADERS, (b"server-timing", took)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def environment() -> Environment:
    """The templates (package data of :mod:`ledger.web`), autoescaped, with the URL helpers as globals."""
    env = Environment(
        loader=PackageLoader("ledger.web", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        department_url=department_url,
        diff_url=diff_url,
        findings_url=findings_url,
        history_url=history_url,
        with_query=with_query,
    )
    env.filters.update(pages.FILTERS)
    return env


def create_app(ledger: Ledger) -> Starlette:
    """The application over an open ledger (the caller closes it)."""
    env = environment()

    def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        html = env.get_template(template).render(request=request, **context)
        return HTMLResponse(html, status_code=status_code)

    def page(handler: pages.Handler) -> Any:
        def endpoint(request: Request) -> Response:
            with ledger.read() as session:
                answer = handler(request, session)
            if isinstance(answer, Response):
                return answer
            template, context = answer
            return render(request, template, **context)

        return endpoint

    async def not_found(request: Request, exc: Exception) -> Response:
        message = str(exc) if isinstance(exc, LedgerError) else "no such page"
        return render(request, "error.html", 404, title="Not found", message=message)

    async def bad_request(request: Request, exc: Exception) -> Response:
        return render(request, "error.html", 400, title="Bad request", message=str(exc))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            return await not_found(request, exc)
        return render(request, "error.html", exc.status_code, title="Error", message=str(exc.detail))

    async def server_error(request: Request, exc: Exception) -> Response:
        # The traceback goes to the server's log (the exception propagates), never to the browser.
        return render(
            request, "error.html", 500, title="Internal error", message="the page could not be made"
        )

    async def database_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, DBAPIError)
        return render(request, "error.html", 503, title="Database error", message=str(exc.orig))

    static = StaticFiles(packages=[("ledger.web", "static")])
    routes = [
        Route("/", page(pages.departments), methods=["GET"]),
        Route("/d/{department}", page(pages.department), methods=["GET"]),
        Route("/d/{department}/history", page(pages.history), methods=["GET"]),
        Route("/d/{department}/{year:int}", page(pages.department), methods=["GET"]),
        Route("/diff/{refs:path}", page(pages.comparison), methods=["GET"]),
        Route("/compare", page(pages.compare_form), methods=["GET"]),
        Route("/findings/{refs:path}", page(pages.findings), methods=["GET"]),
        Route("/ledger", page(pages.ledger_page), methods=["GET"]),
        Mount("/static", app=static, name="static"),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={
            BadRequest: bad_request,
            NotFoundError: not_found,
            AmbiguousRefError: not_found,
            LedgerError: bad_request,
            HTTPException: http_error,
            DBAPIError: database_error,
            Exception: server_error,
        },
    )
    app.add_middleware(SecurityHeaders)
    return app
