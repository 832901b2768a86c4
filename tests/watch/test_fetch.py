"""The fetcher against a real HTTP server: conditional GET, retries with backoff, timeouts, size limits."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ledger.watch.fetch import Fetcher, FetchError, FetchPolicy, Validators
from tests.httpsite import Site, serve, unused_port_url

FAST = FetchPolicy(connect_timeout_s=1.0, read_timeout_s=1.0, attempts=3, backoff_s=1.0, max_bytes=1000)


@pytest.fixture
def site() -> Iterator[Site]:
    with serve() as running:
        yield running


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def fetcher(sleeps: list[float]) -> Iterator[Fetcher]:
    with Fetcher(FAST, sleep=sleeps.append) as opened:
        yield opened


def test_fetch_returns_body_and_validators(site: Site, fetcher: Fetcher) -> None:
    resource = site.put("/a.pdf", b"%PDF-1.7 budget", last_modified=True)
    fetched = fetcher.get(site.url("/a.pdf"), allow_private=True)
    assert (fetched.content, fetched.not_modified, fetched.attempts) == (b"%PDF-1.7 budget", False, 1)
    assert fetched.validators == Validators(resource.etag, resource.last_modified)
    assert fetched.content_type == "text/plain; charset=utf-8"


def test_etag_is_replayed_and_304_downloads_nothing(site: Site, fetcher: Fetcher) -> None:
    site.put("/a.pdf", b"version 1")
    first = fetcher.get(site.url("/a.pdf"), allow_private=True)
    second = fetcher.get(site.url("/a.pdf"), first.validators, allow_private=True)
    assert second.not_modified and second.content == b"" and second.validators == first.validators
    assert site.hits("/a.pdf")[1].headers["If-None-Match"] == first.validators.etag
    site.put("/a.pdf", b"version 2")
    third = fetcher.get(site.url("/a.pdf"), first.validators, allow_private=True)
    assert third.content == b"version 2" and third.validators != first.validators


def test_last_modified_alone_is_replayed_as_if_modified_since(site: Site, fetcher: Fetcher) -> None:
    site.put("/a.xlsx", b"sheet", etag=False, last_modified=True)
    first = fetcher.get(site.url("/a.xlsx"), allow_private=True)
    assert first.validators.etag is None
    second = fetcher.get(site.url("/a.xlsx"), first.validators, allow_private=True)
    assert second.not_modified
    assert "If-None-Match" not in site.hits("/a.xlsx")[1].headers
    assert site.hits("/a.xlsx")[1].headers["If-Modified-Since"] == first.validators.last_modified


def test_server_errors_are_retried_with_exponential_backoff(
    site: Site, fetcher: Fetcher, sleeps: list[float]
) -> None:
    site.put("/a.pdf", b"at last", failures=2)
    fetched = fetcher.get(site.url("/a.pdf"), allow_private=True)
    assert fetched.content == b"at last" and fetched.attempts == 3
    assert sleeps == [1.0, 2.0]
    assert len(site.hits("/a.pdf")) == 3


def test_persistent_server_error_fails_after_the_last_attempt(
    site: Site, fetcher: Fetcher, sleeps: list[float]
) -> None:
    site.put("/a.pdf", b"never", failures=10)
    with pytest.raises(FetchError) as caught:
        fetcher.get(site.url("/a.pdf"), allow_private=True)
    assert caught.value.status == 500 and caught.value.attempts == 3
    assert caught.value.reason == "HTTP 500 Internal Server Error (after 3 attempts)"
    assert sleeps == [1.0, 2.0] and len(site.hits("/a.pdf")) == 3


@pytest.mark.parametrize("status", [403, 404, 410])
def test_client_errors_are_not_retried(
    site: Site, fetcher: Fetcher, sleeps: list[float], status: int
) -> None:
    site.put("/gone.pdf", b"", status=status)
    with pytest.raises(FetchError) as caught:
        fetcher.get(site.url("/gone.pdf"), allow_private=True)
    assert caught.value.status == status and caught.value.reason.startswith(f"HTTP {status}")
    assert sleeps == [] and len(site.hits("/gone.pdf")) == 1


def test_slow_response_times_out_and_is_retried(site: Site, sleeps: list[float]) -> None:
    site.put("/slow.pdf", b"late", delay_s=5.0)
    policy = FetchPolicy(read_timeout_s=0.1, attempts=2, backoff_s=1.0)
    with Fetcher(policy, sleep=sleeps.append) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.get(site.url("/slow.pdf"), allow_private=True)
    assert caught.value.reason.startswith("timed out (ReadTimeout")
    assert caught.value.reason.endswith("(after 2 attempts)")
    assert sleeps == [1.0] and len(site.hits("/slow.pdf")) == 2


def test_declared_oversized_body_is_refused_before_reading(site: Site, fetcher: Fetcher) -> None:
    site.put("/big.pdf", b"x" * 5000)
    with pytest.raises(FetchError, match=r"too large: 5000 bytes declared, limit 1000"):
        fetcher.get(site.url("/big.pdf"), allow_private=True)
    assert len(site.hits("/big.pdf")) == 1


def test_undeclared_oversized_body_is_cut_off_while_streaming(site: Site, fetcher: Fetcher) -> None:
    site.put("/big.pdf", b"x" * 200_000, undeclared_length=True)
    with pytest.raises(FetchError, match=r"too large: more than 1000 bytes"):
        fetcher.get(site.url("/big.pdf"), allow_private=True)


def test_download_past_the_total_deadline_is_abandoned(site: Site, sleeps: list[float]) -> None:
    site.put("/trickle.pdf", b"y" * 500)
    ticks = iter(range(0, 10_000, 200))  # every look at the clock is 200 s later
    policy = FetchPolicy(total_timeout_s=150, attempts=1)
    with Fetcher(policy, sleep=sleeps.append, monotonic=lambda: float(next(ticks))) as fetcher:
        with pytest.raises(FetchError, match=r"timed out \(download took over 150s\)"):
            fetcher.get(site.url("/trickle.pdf"), allow_private=True)


def test_refused_connection_is_retried_then_reported(fetcher: Fetcher, sleeps: list[float]) -> None:
    with pytest.raises(FetchError) as caught:
        fetcher.get(unused_port_url(), allow_private=True)
    assert caught.value.reason.startswith("connection failed (ConnectError")
    assert caught.value.status is None and sleeps == [1.0, 2.0]


def test_redirects_are_followed_and_the_final_url_kept(site: Site, fetcher: Fetcher) -> None:
    site.put("/old.pdf", b"", redirect_to="/new.pdf")
    site.put("/new.pdf", b"moved")
    fetched = fetcher.get(site.url("/old.pdf"), allow_private=True)
    assert fetched.content == b"moved" and fetched.url == site.url("/new.pdf")


def test_unsupported_scheme_is_final(fetcher: Fetcher, sleeps: list[float]) -> None:
    with pytest.raises(FetchError, match="unsupported URL scheme 'ftp'"):
        fetcher.get("ftp://example.org/a.pdf")
    assert sleeps == []


@pytest.mark.parametrize(
    ("retry", "expected"), [(1, 2.0), (2, 4.0), (3, 8.0), (6, 64.0), (7, 120.0), (30, 120.0)]
)
def test_backoff_doubles_up_to_its_cap(retry: int, expected: float) -> None:
    assert FetchPolicy(backoff_s=2.0, backoff_max_s=120.0).backoff(retry) == expected
