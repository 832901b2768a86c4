"""Webhook receivers are untrusted: an endless reply, a reply trickled byte by byte, a redirect, a private address.
And every notification is signed so a receiver can trust it (checked with the reference Standard Webhooks library).

Receivers listen on 127.0.0.1 only. Figures of the attacks before the fix are in docs/RELIABILITY.md.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from ledger.store import Ledger, events
from ledger.watch.notify import (
    MAX_REPLY_BYTES,
    HttpPoster,
    SubscriberError,
    add_webhook,
    deliver_pending,
    delivery_rows,
    replay_failed,
)
from tests.conftest import ROOT
from tests.httpsite import Site, serve


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with Ledger(f"sqlite:///{tmp_path / 'l.db'}") as opened:
        yield opened


@pytest.fixture
def site() -> Iterator[Site]:
    with serve() as running:
        yield running


def record_failure(ledger: Ledger) -> None:
    with ledger.write() as session:
        events.append(
            session,
            events.SOURCE_FAILED,
            "source/1",
            {"source_id": 1, "location": "http://x/", "document": None, "reason": "HTTP 500"},
        )


@contextmanager
def raw_receiver(reply: object) -> Iterator[tuple[str, list[int], threading.Event]]:
    """A TCP server on 127.0.0.1 answering each connection with ``reply(stop)``'s pieces; yields its URL, the bytes
    each connection sent before it ended (how much the client let it send), and an event set on the first request."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    stop = threading.Event()
    sent: list[int] = []
    requested = threading.Event()

    def serve_forever() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            threading.Thread(target=handle, args=(connection,), daemon=True).start()

    def handle(connection: socket.socket) -> None:
        with connection:
            connection.recv(65536)
            requested.set()
            count = 0
            try:
                for piece in reply(stop):  # type: ignore[operator]
                    connection.sendall(piece)
                    count += len(piece)
            except OSError:
                pass
            sent.append(count)

    thread = threading.Thread(target=serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}/hook", sent, requested
    finally:
        stop.set()
        thread.join(2)
        server.close()


def endless(stop: threading.Event) -> Iterator[bytes]:
    yield b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n"
    block = b"\0" * 65536
    while not stop.is_set():
        yield block


def trickle(stop: threading.Event) -> Iterator[bytes]:
    for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n":
        if stop.wait(0.5):
            return
        yield bytes([byte])


def test_an_endless_reply_is_read_no_further_than_a_few_kilobytes(ledger: Ledger) -> None:
    # before: HttpPoster read the whole reply: 8.47 GB, then a MemoryError at every lease
    with raw_receiver(endless) as (url, _, _):
        add_webhook(ledger, url, event_types=["*"], allow_private=True)
        record_failure(ledger)
        tracemalloc.start()
        started = time.monotonic()
        [outcome] = deliver_pending(ledger)
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert outcome.result == "delivered" and outcome.response_status == 200
    assert elapsed < 3.0
    assert peak < 20 * 1024 * 1024
    assert MAX_REPLY_BYTES == 4096


@pytest.mark.slow
def test_a_trickled_reply_cannot_outlast_the_delivery_deadline(ledger: Ledger) -> None:
    # before: a reply trickled one byte per 5 s defeated the 10 s timeout (watch run-once killed at 120 s)
    with raw_receiver(trickle) as (url, _, _):
        add_webhook(ledger, url, event_types=["*"], allow_private=True)
        record_failure(ledger)
        poster = HttpPoster(timeout_s=1.0, deadline_s=2.0)
        started = time.monotonic()
        [outcome] = deliver_pending(ledger, post=poster)
        elapsed = time.monotonic() - started
        poster.close()
    assert outcome.result == "retry"
    assert outcome.error == "TimeoutException: no complete reply within 2s (delivery deadline)"
    assert elapsed < 3.0


def test_every_notification_is_signed_the_standard_webhooks_way(ledger: Ledger, site: Site) -> None:
    subscriber = add_webhook(ledger, site.url("/hook"), event_types=["*"], allow_private=True)
    assert subscriber.secret is not None and subscriber.secret.startswith("whsec_")
    record_failure(ledger)
    [outcome] = deliver_pending(ledger)
    assert outcome.result == "delivered"
    [post] = site.posts()
    headers = {name.lower(): value for name, value in post.headers.items()}
    assert headers["webhook-id"] == headers["x-ledger-event-hash"]
    verifier = Webhook(subscriber.secret)
    verifier.verify(post.body, headers)  # raises when the signature or the timestamp is wrong
    with pytest.raises(WebhookVerificationError):
        verifier.verify(post.body.replace(b"HTTP 500", b"HTTP 200"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=").verify(post.body, headers)


def test_a_redirect_is_not_followed_and_the_delivery_fails_saying_so(ledger: Ledger, site: Site) -> None:
    add_webhook(ledger, site.url("/hook"), event_types=["*"], allow_private=True)
    record_failure(ledger)
    site.post_statuses.append(302)
    [outcome] = deliver_pending(ledger)
    assert (outcome.result, outcome.response_status) == ("failed", 302)
    assert outcome.error == "HTTP 302: a redirect is not followed; update the subscriber's URL"
    assert len(site.posts()) == 1


def test_failed_deliveries_can_be_replayed(ledger: Ledger, site: Site) -> None:
    add_webhook(ledger, site.url("/hook"), event_types=["*"], allow_private=True)
    record_failure(ledger)
    site.post_statuses.append(400)
    assert [o.result for o in deliver_pending(ledger)] == ["failed"]
    assert replay_failed(ledger) == 1
    assert [o.result for o in deliver_pending(ledger)] == ["delivered"]
    with ledger.read() as session:
        assert [d.status for d in delivery_rows(session)] == ["delivered"]
    assert replay_failed(ledger) == 0


def test_webhooks_follow_the_address_rules_of_sources(ledger: Ledger, site: Site) -> None:
    # a literal private address is refused when added; a name is resolved before each delivery
    with pytest.raises(
        SubscriberError, match=r"^refused: 127\.0\.0\.1 resolves to 127\.0\.0\.1 \(loopback\)"
    ):
        add_webhook(ledger, site.url("/hook"))
    with pytest.raises(SubscriberError, match=r"\(link-local\)"):
        add_webhook(ledger, "http://169.254.169.254/latest")
    add_webhook(ledger, "http://hooks.internal.test/ledger", event_types=["*"])
    record_failure(ledger)
    [outcome] = deliver_pending(ledger, resolver=lambda host, port: ["10.0.0.5"])
    assert outcome.result == "failed"
    assert (
        outcome.error
        == "refused: hooks.internal.test resolves to 10.0.0.5 (private); use --allow-private to allow private addresses"
    )
    assert site.posts() == []


@pytest.mark.slow
def test_the_scheduler_stops_within_seconds_of_sigterm_during_a_trickled_delivery(tmp_path: Path) -> None:
    # before: the scheduler was still alive 60 s after SIGTERM
    db = tmp_path / "l.db"
    with raw_receiver(trickle) as (url, _, requested):
        with Ledger(f"sqlite:///{db}") as ledger:
            add_webhook(ledger, url, event_types=["*"], allow_private=True)
            record_failure(ledger)
        process = subprocess.Popen(
            [sys.executable, "-m", "ledger_cli", "--db", str(db), "scheduler", "run"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            assert requested.wait(30), "the scheduler never delivered"
            time.sleep(1.0)  # the delivery is under way, its reply trickling
            process.send_signal(signal.SIGTERM)
            started = time.monotonic()
            _, stderr = process.communicate(timeout=30)
            elapsed = time.monotonic() - started
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert process.returncode == 0, stderr
    assert b"scheduler stopped" in stderr
    assert elapsed < 5.0
