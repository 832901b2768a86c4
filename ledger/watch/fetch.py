"""Fetching publications over HTTP(S) for the watched sources (docs/architecture.md §8), politely and within limits.

- Conditional GET: the ETag and Last-Modified of the previous answer go back as ``If-None-Match`` /
  ``If-Modified-Since``; ``304 Not Modified`` costs the server nothing and us no download.
- Size limit: the body is streamed and abandoned as soon as it passes the limit (a ``Content-Length`` above it is
  refused before reading). The limit applies to the decoded bytes, so a compressed bomb is cut off too.
- Timeouts: connect and read timeouts per request, and a total deadline per attempt, so a server trickling one byte
  at a time cannot hold a check forever.
- Retries: 5xx answers, timeouts and broken connections are retried with exponential backoff; a 4xx answer is
  final (asking again will not change it). ``sleep`` and ``monotonic`` are injectable so tests control time.
- Addresses: redirects are followed here, not by httpx, so that the host of the first URL and of every redirect is
  resolved and refused when it is not public (:mod:`ledger.watch.addresses`) unless the source allows private ones.
- Credentials: never in a URL (they would be stored and notified); from ``~/.netrc`` (or the file ``$NETRC``
  names), sent only to the machine they are listed for. URLs reported back carry no ``user:password@``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpx

from ledger.errors import LedgerError
from ledger.watch.addresses import AddressPolicy, AddressRefused, Resolver, redact_url, system_resolver

USER_AGENT = "budget-ledger/0.1 (scheduled ingestion of public budget disclosures)"


class FetchError(LedgerError):
    """A document could not be fetched. ``status`` is the HTTP status when the server answered."""

    def __init__(self, url: str, reason: str, *, status: int | None = None, attempts: int = 1) -> None:
        url = redact_url(url)
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status
        self.attempts = attempts


class _Retryable(Exception):
    """A failure that another attempt may not repeat (5xx, timeout, dropped connection)."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class FetchPolicy:
    """Limits of one fetch. ``attempts`` counts the first try; the n-th retry waits ``backoff_s * 2**(n-1)``."""

    connect_timeout_s: float = 10.0
    read_timeout_s: float = 30.0
    total_timeout_s: float = 300.0
    max_bytes: int = 100 * 1024 * 1024
    attempts: int = 4
    backoff_s: float = 2.0
    backoff_max_s: float = 120.0
    max_redirects: int = 5
    #: One check of a source (all its documents) takes at most this long; the rest wait for the next check.
    check_deadline_s: float = 900.0
    #: Documents of a portal fetched at once.
    concurrency: int = 4

    def backoff(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1, 2, …)."""
        return float(min(self.backoff_max_s, self.backoff_s * 2 ** (retry - 1)))


@dataclass(frozen=True)
class Validators:
    """What the server said identifies the version it sent (HTTP validators), replayed on the next request."""

    etag: str | None = None
    last_modified: str | None = None

    def request_headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers

    @classmethod
    def of(cls, response: httpx.Response, fallback: Validators | None = None) -> Validators:
        """The response's validators; a 304 may omit them, in which case the ones sent still hold."""
        previous = fallback or cls()
        return cls(
            etag=response.headers.get("etag") or previous.etag,
            last_modified=response.headers.get("last-modified") or previous.last_modified,
        )


@dataclass(frozen=True)
class Fetched:
    """One successful fetch: the body, or ``not_modified`` (then ``content`` is empty)."""

    url: str
    not_modified: bool
    validators: Validators
    content: bytes = b""
    content_type: str | None = None
    attempts: int = 1

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass
class Fetcher:
    """An HTTP client with the policy above. Close it (or use ``with``) to release its connections.

    ``transport`` lets tests route requests elsewhere; ``sleep`` and ``monotonic`` let them control time;
    ``resolver`` lets them resolve names without DNS.
    """

    policy: FetchPolicy = field(default_factory=FetchPolicy)
    transport: httpx.BaseTransport | None = None
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    resolver: Resolver = system_resolver
    #: True once the caller is shutting down: no further attempt, no further chunk read.
    stopping: Callable[[], bool] = lambda: False
    _client: httpx.Client = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._client = httpx.Client(
            timeout=httpx.Timeout(self.policy.read_timeout_s, connect=self.policy.connect_timeout_s),
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT},
            transport=self.transport,
            auth=netrc_auth(),
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self, _type: type[BaseException] | None, _exc: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self.close()

    def get(
        self,
        url: str,
        validators: Validators | None = None,
        *,
        allow_private: bool = False,
        deadline: float | None = None,
    ) -> Fetched:
        """GET ``url`` (conditionally when ``validators`` are given). Raises :class:`FetchError`.

        Only public addresses are reached, unless ``allow_private`` (the source was added with --allow-private).
        ``deadline`` (a :attr:`monotonic` time) ends the attempts and the download, whatever the policy allows.
        """
        addresses = AddressPolicy(allow_private=allow_private, resolver=self.resolver)
        sent = validators or Validators()
        last: _Retryable | None = None
        for attempt in range(1, self.policy.attempts + 1):
            if attempt > 1:
                self.sleep(self.policy.backoff(attempt - 1))
            if self.stopping():
                raise FetchError(url, "not fetched: shutting down")
            if deadline is not None and self.monotonic() > deadline:
                raise FetchError(url, "not fetched: the check's deadline passed")
            try:
                fetched = self._attempt(url, sent, addresses, deadline)
            except _Retryable as failure:
                last = failure
                continue
            return Fetched(
                url=fetched.url,
                not_modified=fetched.not_modified,
                validators=fetched.validators,
                content=fetched.content,
                content_type=fetched.content_type,
                attempts=attempt,
            )
        assert last is not None
        tries = self.policy.attempts
        reason = f"{last.reason} (after {tries} attempts)" if tries > 1 else last.reason
        raise FetchError(url, reason, status=last.status, attempts=tries)

    def _attempt(
        self, url: str, sent: Validators, addresses: AddressPolicy, deadline: float | None
    ) -> Fetched:
        started = self.monotonic()
        ends = started + self.policy.total_timeout_s
        overrun = f"download took over {self.policy.total_timeout_s:g}s"
        if deadline is not None and deadline < ends:
            ends, overrun = deadline, "the check's deadline passed during the download"
        current = url
        for _ in range(self.policy.max_redirects + 1):
            scheme = urlsplit(current).scheme.lower()
            if scheme not in ("http", "https"):
                raise FetchError(url, f"unsupported URL scheme {scheme!r} (in {redact_url(current)})")
            try:
                addresses.check(current)
            except AddressRefused as exc:
                raise FetchError(url, str(exc)) from exc
            fetched = self._request(url, current, sent, (ends, overrun))
            if isinstance(fetched, Fetched):
                return fetched
            current = fetched
        raise FetchError(url, f"more than {self.policy.max_redirects} redirects")

    def _request(self, url: str, current: str, sent: Validators, ends: tuple[float, str]) -> Fetched | str:
        """One request: what it fetched, or the URL it redirects to."""
        try:
            with self._client.stream("GET", current, headers=sent.request_headers()) as response:
                final_url = redact_url(str(response.url))
                if response.has_redirect_location:
                    return urljoin(current, response.headers["location"])
                if response.status_code == httpx.codes.NOT_MODIFIED:
                    return Fetched(final_url, not_modified=True, validators=Validators.of(response, sent))
                _raise_for_status(url, response)
                content = self._read_body(final_url, response, ends)
                return Fetched(
                    final_url,
                    not_modified=False,
                    validators=Validators.of(response),
                    content=content,
                    content_type=response.headers.get("content-type"),
                )
        except httpx.TimeoutException as exc:
            raise _Retryable(f"timed out ({_describe(exc)})") from exc
        except httpx.UnsupportedProtocol as exc:
            raise FetchError(url, f"unsupported URL: {exc}") from exc
        except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            raise _Retryable(f"connection failed ({_describe(exc)})") from exc
        except httpx.HTTPError as exc:
            raise FetchError(url, _describe(exc)) from exc

    def _read_body(self, url: str, response: httpx.Response, ends: tuple[float, str]) -> bytes:
        limit = self.policy.max_bytes
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise FetchError(url, f"too large: {int(declared)} bytes declared, limit {limit}")
        body = bytearray()
        for chunk in response.iter_bytes():
            body.extend(chunk)
            if len(body) > limit:
                raise FetchError(url, f"too large: more than {limit} bytes")
            if self.stopping():
                raise FetchError(url, "interrupted: shutting down")
            if self.monotonic() > ends[0]:
                raise _Retryable(f"timed out ({ends[1]})")
        return bytes(body)


def netrc_auth() -> httpx.Auth | None:
    """Credentials from ``$NETRC`` or ``~/.netrc`` when such a file exists (each sent only to its machine)."""
    path = Path(os.environ.get("NETRC") or Path.home() / ".netrc")
    return httpx.NetRCAuth(str(path)) if path.is_file() else None


def _raise_for_status(url: str, response: httpx.Response) -> None:
    code = response.status_code
    if code >= 500:
        raise _Retryable(f"HTTP {code} {response.reason_phrase}".rstrip(), status=code)
    if code >= 300:
        raise FetchError(url, f"HTTP {code} {response.reason_phrase}".rstrip(), status=code)


def _describe(exc: Exception) -> str:
    detail = str(exc)
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
