"""A real HTTP server on 127.0.0.1 for the source and webhook tests (never a mock of httpx).

:class:`Site` serves :class:`Resource` objects by path, honours conditional GET (ETag, Last-Modified), and can answer
500 a given number of times, hold a response back, declare or not declare the length of a large body, and redirect.
It records every request (method, path, headers, body) so tests can check what the client sent. POSTs (webhooks)
are answered from a queue of statuses.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LAST_MODIFIED = "Mon, 01 Jan 2024 08:00:00 GMT"


@dataclass
class Resource:
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    etag: str | None = None
    last_modified: str | None = None
    #: Answer 500 this many times before serving the resource.
    failures: int = 0
    #: Answer this status instead of the resource (e.g. 404, 403).
    status: int = 200
    #: Hold the response back this long (released early when the site closes).
    delay_s: float = 0.0
    #: Send no Content-Length: the body ends when the connection closes.
    undeclared_length: bool = False
    redirect_to: str | None = None


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Site:
    base: str = ""
    resources: dict[str, Resource] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    post_statuses: list[int] = field(default_factory=list)
    closing: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.base + path

    def put(
        self, path: str, body: bytes, *, etag: bool = True, last_modified: bool = False, **kw: Any
    ) -> Resource:
        """Serve ``body`` at ``path`` with an ETag derived from it (and a Last-Modified when asked)."""
        resource = Resource(
            body=body,
            etag=f'"{hashlib.sha256(body).hexdigest()[:16]}"' if etag else None,
            last_modified=LAST_MODIFIED if last_modified else None,
            **kw,
        )
        with self.lock:
            self.resources[path] = resource
        return resource

    def hits(self, path: str, method: str = "GET") -> list[Request]:
        with self.lock:
            return [r for r in self.requests if r.path == path and r.method == method]

    def posts(self) -> list[Request]:
        with self.lock:
            return [r for r in self.requests if r.method == "POST"]


def portal_page(*links: tuple[str, str], extra: str = "") -> bytes:
    """A portal listing page (信息公开) with the given (href, text) links and some navigation."""
    items = "\n".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>部门预算公开</title></head><body>"
        "<nav><a href='/index.html'>首页</a> <a href='/about.html'>机构概况</a></nav>"
        f"<ul>{items}</ul>{extra}</body></html>"
    ).encode()


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 — the base class's signature
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            self._record(body)
            with site.lock:
                status = site.post_statuses.pop(0) if site.post_statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:
            self._record(b"")
            with site.lock:
                resource = site.resources.get(self.path)
                if resource is not None and resource.failures > 0:
                    resource.failures -= 1
                    failing = True
                else:
                    failing = False
            if resource is None:
                self._empty(404)
                return
            if resource.delay_s:
                site.closing.wait(resource.delay_s)
            if failing:
                self._empty(500)
                return
            if resource.redirect_to:
                self.send_response(302)
                self.send_header("Location", resource.redirect_to)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if resource.status != 200:
                self._empty(resource.status)
                return
            if self._not_modified(resource):
                self.send_response(304)
                self._validators(resource)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", resource.content_type)
            self._validators(resource)
            if not resource.undeclared_length:
                self.send_header("Content-Length", str(len(resource.body)))
            self.end_headers()
            self.wfile.write(resource.body)

        def _not_modified(self, resource: Resource) -> bool:
            tag = self.headers.get("If-None-Match")
            if tag is not None and resource.etag is not None:
                return tag == resource.etag
            since = self.headers.get("If-Modified-Since")
            return since is not None and since == resource.last_modified

        def _validators(self, resource: Resource) -> None:
            if resource.etag:
                self.send_header("ETag", resource.etag)
            if resource.last_modified:
                self.send_header("Last-Modified", resource.last_modified)

        def _empty(self, status: int) -> None:
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _record(self, body: bytes) -> None:
            with site.lock:
                site.requests.append(Request(self.command, self.path, dict(self.headers.items()), body))

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (timeout, size limit) leaves a broken pipe behind: expected in these tests.
        pass


@contextmanager
def serve() -> Iterator[Site]:
    site = Site()
    server = _QuietServer(("127.0.0.1", 0), _handler(site))
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.closing.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def unused_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (the port was bound, then released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/nothing.pdf"
