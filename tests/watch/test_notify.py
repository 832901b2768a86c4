"""Webhook subscribers against a real HTTP receiver, on SQLite and PostgreSQL: what is delivered, when it is
retried (time controlled through ledger.clock), and that nothing is lost or sent twice at once."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta

import pytest

from ledger import clock
from ledger.errors import NotFoundError
from ledger.pipeline.ingest import ingest_bytes
from ledger.store import Ledger, events
from ledger.watch.notify import (
    CLAIM_LEASE_S,
    DEFAULT_EVENT_TYPES,
    MAX_ATTEMPTS,
    SubscriberError,
    add_webhook,
    deliver_pending,
    delivery_rows,
    enqueue,
    list_subscribers,
    remove_subscriber,
    retry_delay,
)
from ledger.watch.schedule import run_once
from ledger.watch.sources import Schedule, add_source
from tests.httpsite import Site, serve, unused_port_url
from tests.support import key_value_layout, publication

START = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.moment = START

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


@pytest.fixture
def now() -> Iterator[Clock]:
    controlled = Clock()
    previous = clock.set_clock(controlled)
    yield controlled
    clock.set_clock(previous)


@pytest.fixture
def ledger(db_url: str, now: Clock) -> Iterator[Ledger]:
    with key_value_layout(), Ledger(db_url) as opened:
        yield opened


@pytest.fixture
def site() -> Iterator[Site]:
    with serve() as running:
        yield running


def record(ledger: Ledger, event_type: str, payload: Mapping[str, object], subject: str = "test/1") -> int:
    with ledger.write() as session:
        return events.append(session, event_type, subject, payload).seq


def failure(ledger: Ledger, department: str | None = None, reason: str = "HTTP 500") -> int:
    payload = {
        "source_id": 1,
        "location": "http://x/",
        "department": department,
        "document": None,
        "reason": reason,
    }
    return record(ledger, events.SOURCE_FAILED, payload, "source/1")


# --- subscribing ----------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_webhook_defaults_to_the_events_auditors_act_on(ledger: Ledger, site: Site) -> None:
    row = add_webhook(ledger, site.url("/hook"), allow_private=True)
    assert json.loads(row.event_types) == sorted(DEFAULT_EVENT_TYPES)
    assert sorted(DEFAULT_EVENT_TYPES) == ["changes-detected", "finding-raised", "source-failed"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("url", "types", "message"),
    [
        ("ftp://example.org/hook", None, "needs an http"),
        ("hook", None, "needs an http"),
        ("http://example.org/hook", ["source-exploded"], "unknown event type source-exploded"),
    ],
)
def test_invalid_subscriptions_are_refused(
    ledger: Ledger, url: str, types: list[str] | None, message: str
) -> None:
    with pytest.raises(SubscriberError, match=message):
        add_webhook(ledger, url, event_types=types)


@pytest.mark.slow
def test_subscriber_receives_only_events_recorded_after_it_subscribed(ledger: Ledger, site: Site) -> None:
    failure(ledger)
    add_webhook(ledger, site.url("/hook"), allow_private=True)
    assert enqueue(ledger) == 0
    later = failure(ledger)
    record(ledger, events.SOURCE_CHECKED, {"source_id": 1})
    assert enqueue(ledger) == 1
    assert enqueue(ledger) == 0  # the cursor moved past them
    with ledger.read() as session:
        assert [(d.event_seq, d.status) for d in delivery_rows(session)] == [(later, "pending")]


@pytest.mark.slow
def test_department_filter_uses_the_payload_or_the_snapshot(ledger: Ledger, site: Site) -> None:
    jia = ingest_bytes(ledger, publication("甲局", 2024, ("a", "1")), name="jia")
    add_webhook(ledger, site.url("/hook"), allow_private=True, event_types=["*"], department="甲局")
    mine = failure(ledger, department="甲局")
    failure(ledger, department="乙局")
    about_snapshot = record(ledger, events.CHANGES_DETECTED, {"snapshot_id": jia.snapshot_id})
    record(ledger, events.CHANGES_DETECTED, {"note": "no department"})
    enqueue(ledger)
    with ledger.read() as session:
        assert [d.event_seq for d in delivery_rows(session)] == [mine, about_snapshot]


# --- delivering -----------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_delivery_posts_a_json_summary_with_the_event_hash(ledger: Ledger, site: Site) -> None:
    subscriber = add_webhook(ledger, site.url("/hook"), allow_private=True)
    seq = failure(ledger, department="甲局", reason="HTTP 500 (after 4 attempts)")
    outcomes = deliver_pending(ledger)
    assert [(o.result, o.response_status, o.event_seq) for o in outcomes] == [("delivered", 200, seq)]
    [post] = site.posts()
    body = json.loads(post.body)
    with ledger.read() as session:
        [event] = events.list_events(session, after=seq - 1)
        [row] = delivery_rows(session)
    assert body == {
        "schema": "ledger.notification/1",
        "summary": "source 1 (http://x/) failed: HTTP 500 (after 4 attempts)",
        "department": "甲局",
        "event": {
            "seq": seq,
            "type": "source-failed",
            "subject": "source/1",
            "created_at": event.created_at,
            "hash": event.hash,
            "payload": event.payload,
        },
    }
    assert post.headers["X-Ledger-Event-Hash"] == event.hash
    assert post.headers["Content-Type"] == "application/json; charset=utf-8"
    assert (row.subscriber_id, row.status, row.attempts, row.response_status) == (
        subscriber.id,
        "delivered",
        1,
        200,
    )
    assert row.delivered_at == "2024-03-01T08:00:00.000000Z"
    assert deliver_pending(ledger) == []  # delivered once


@pytest.mark.slow
def test_failed_delivery_is_retried_with_backoff(ledger: Ledger, site: Site, now: Clock) -> None:
    add_webhook(ledger, site.url("/hook"), allow_private=True)
    failure(ledger)
    site.post_statuses.extend([503, 500])
    assert [o.result for o in deliver_pending(ledger)] == ["retry"]
    with ledger.read() as session:
        [row] = delivery_rows(session)
    assert (row.status, row.attempts, row.error) == ("pending", 1, "HTTP 503")
    assert row.next_attempt_at == "2024-03-01T08:00:30.000000Z"

    assert deliver_pending(ledger) == []  # not due yet
    now.advance(retry_delay(1))
    assert [o.result for o in deliver_pending(ledger)] == ["retry"]
    now.advance(retry_delay(2))
    assert [o.result for o in deliver_pending(ledger)] == ["delivered"]
    assert len(site.posts()) == 3


@pytest.mark.slow
def test_refused_connection_is_retried(ledger: Ledger, now: Clock) -> None:
    add_webhook(ledger, unused_port_url(), allow_private=True)
    failure(ledger)
    [outcome] = deliver_pending(ledger)
    assert (
        outcome.result == "retry" and outcome.error is not None and outcome.error.startswith("ConnectError")
    )


@pytest.mark.slow
@pytest.mark.parametrize("status", [400, 404, 410, 301])
def test_client_errors_are_final(ledger: Ledger, site: Site, now: Clock, status: int) -> None:
    add_webhook(ledger, site.url("/hook"), allow_private=True)
    failure(ledger)
    site.post_statuses.append(status)
    assert [o.result for o in deliver_pending(ledger)] == ["failed"]
    now.advance(86400)
    assert deliver_pending(ledger) == []
    with ledger.read() as session:
        [summary] = list_subscribers(session)
    assert (summary.delivered, summary.pending, summary.failed) == (0, 0, 1)


@pytest.mark.slow
def test_delivery_gives_up_after_the_last_attempt(ledger: Ledger, site: Site, now: Clock) -> None:
    add_webhook(ledger, site.url("/hook"), allow_private=True)
    failure(ledger)
    site.post_statuses.extend([500] * MAX_ATTEMPTS)
    results = []
    for _ in range(MAX_ATTEMPTS):
        results += [o.result for o in deliver_pending(ledger)]
        now.advance(retry_delay(MAX_ATTEMPTS))
    assert results == ["retry"] * (MAX_ATTEMPTS - 1) + ["failed"]
    with ledger.read() as session:
        [row] = delivery_rows(session)
    assert row.status == "failed" and row.error == f"HTTP 500 (gave up after {MAX_ATTEMPTS} attempts)"


@pytest.mark.parametrize(("attempts", "delay"), [(1, 30), (2, 60), (3, 120), (10, 15360), (20, 21600)])
def test_retry_delay_doubles_up_to_six_hours(attempts: int, delay: int) -> None:
    assert retry_delay(attempts) == delay


@pytest.mark.slow
def test_a_deliverer_that_dies_mid_send_leaves_the_delivery_to_the_next_after_its_lease(
    ledger: Ledger, site: Site, now: Clock
) -> None:
    add_webhook(ledger, site.url("/hook"), allow_private=True)
    failure(ledger)

    def die(url: str, body: bytes, headers: Mapping[str, str]) -> int:
        raise SystemExit("killed")

    with pytest.raises(SystemExit):
        deliver_pending(ledger, post=die)
    assert deliver_pending(ledger) == []  # claimed: nobody else sends it meanwhile
    now.advance(CLAIM_LEASE_S + 1)
    assert [o.result for o in deliver_pending(ledger)] == ["delivered"]
    with ledger.read() as session:
        assert delivery_rows(session)[0].attempts == 2


@pytest.mark.slow
def test_events_recorded_while_no_deliverer_runs_are_not_lost(db_url: str, site: Site, now: Clock) -> None:
    with Ledger(db_url) as first:
        add_webhook(first, site.url("/hook"), allow_private=True)
        seqs = [failure(first, reason=f"r{n}") for n in range(3)]
    with Ledger(db_url) as restarted:  # another process, later
        outcomes = deliver_pending(restarted)
    assert [o.event_seq for o in outcomes] == seqs
    assert [json.loads(p.body)["event"]["seq"] for p in site.posts()] == seqs


@pytest.mark.slow
def test_removing_a_subscriber_drops_its_deliveries(ledger: Ledger, site: Site) -> None:
    subscriber = add_webhook(ledger, site.url("/hook"), allow_private=True)
    other = add_webhook(ledger, site.url("/other"), allow_private=True, event_types=["*"])
    failure(ledger)
    enqueue(ledger)
    assert subscriber.id is not None
    removed = remove_subscriber(ledger, subscriber.id)
    assert removed.target == site.url("/hook")
    with ledger.read() as session:
        assert [s.id for s in list_subscribers(session)] == [other.id]
        assert {d.subscriber_id for d in delivery_rows(session)} == {other.id}
    with pytest.raises(NotFoundError):
        remove_subscriber(ledger, subscriber.id)


@pytest.mark.slow
def test_run_once_delivers_the_failures_its_checks_recorded(ledger: Ledger, site: Site) -> None:
    add_webhook(ledger, site.url("/hook"), allow_private=True)
    add_source(ledger, site.url("/missing.pdf"), allow_private=True, schedule=Schedule(every_seconds=3600))
    result = run_once(ledger)
    assert [r.status for r in result.reports] == ["failed"]
    assert [o.result for o in result.deliveries] == ["delivered"]
    summary = json.loads(site.posts()[0].body)["summary"]
    assert summary == f"source 1 ({site.url('/missing.pdf')}) failed: HTTP 404 Not Found"
