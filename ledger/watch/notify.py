"""Webhook subscribers (docs/architecture.md §5, §8): POST a JSON summary of the events a subscriber asked for.

Delivery never blocks ingestion and never loses an event, because deliveries are computed from the event log after
it is committed (an outbox): each subscriber has a cursor (``scanned_seq``), and one transaction turns the events
past it into ``deliveries`` rows and advances it. Sending happens outside any transaction; a delivery being sent is
*claimed* by pushing its next attempt a lease into the future, so two deliverers never send it at once and a
deliverer that dies mid-send leaves it to be retried when the lease ends. Delivery is therefore at least once:
receivers deduplicate by the ``X-Ledger-Event-Hash`` header (or the ``event.hash`` field).

Failed attempts (timeouts, connection errors, 408, 429, 5xx) are retried with exponential backoff up to
:data:`MAX_ATTEMPTS`; any other answer that is not 2xx is final (a 3xx too: a redirect is never followed, the
subscriber's URL must be updated). Every attempt's result is kept on the delivery row; ``ledger notify replay``
makes failed deliveries pending again.

A receiver is untrusted too: at most :data:`MAX_REPLY_BYTES` of its reply are read, and one delivery takes at most
:data:`DELIVERY_DEADLINE_S` however slowly the reply trickles in. Its address follows the rules of the sources
(:mod:`ledger.watch.addresses`: public addresses only unless added with ``--allow-private``).

Every notification is signed as the Standard Webhooks specification says (https://www.standardwebhooks.com/):
``webhook-id`` (the event's hash: the same on every retry), ``webhook-timestamp`` (Unix seconds) and
``webhook-signature`` (``v1,`` + base64 of HMAC-SHA256 over ``id.timestamp.body`` with the subscriber's secret), so
a receiver can verify with any Standard Webhooks library and refuse replays outside its tolerance.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from urllib.parse import urlsplit

import httpx
from sqlmodel import Session, col, func, select

from ledger.clock import now
from ledger.errors import LedgerError, NotFoundError
from ledger.model.canonical import to_jsonable
from ledger.store import Ledger, department_by_name, department_name, events
from ledger.store.schema import DeliveryRow, EventRow, SnapshotRow, SourceRow, SubscriberRow
from ledger.watch.addresses import (
    AddressPolicy,
    AddressRefused,
    Resolver,
    redact_url,
    refuse_literal,
    system_resolver,
)
from ledger.watch.check import SOURCE_MISSED
from ledger.watch.fetch import USER_AGENT

#: What a webhook receives when ``--on`` is not given: the events an auditor acts on.
DEFAULT_EVENT_TYPES = (events.CHANGES_DETECTED, events.FINDING_RAISED, events.SOURCE_FAILED)
ALL_EVENTS = "*"
NOTIFICATION_SCHEMA = "ledger.notification/1"

MAX_ATTEMPTS = 8
RETRY_BASE_S = 30
RETRY_MAX_S = 6 * 3600
#: How long a claimed delivery is left alone before another deliverer may retry it (its sender presumably died).
CLAIM_LEASE_S = 300
POST_TIMEOUT_S = 10.0
#: One delivery, connection to last byte read, takes at most this long (a reply trickled byte by byte included).
DELIVERY_DEADLINE_S = 15.0
#: Of a receiver's reply only the status matters; this much of its body is read at most (then the connection closes).
MAX_REPLY_BYTES = 4096
_RETRYABLE_STATUS = frozenset({408, 429})
_EVENT_TYPE = re.compile(r"^[a-z][a-z0-9-]*$")

DeliveryStatus = Literal["pending", "delivered", "failed"]
AttemptResult = Literal["delivered", "retry", "failed"]

#: Sends one notification: (url, body, headers) → HTTP status. Raises ``httpx.HTTPError`` when nothing answered.
Poster = Callable[[str, bytes, Mapping[str, str]], int]


class SubscriberError(LedgerError):
    """A subscriber that cannot be added as given (bad URL, unknown event type)."""


@dataclass(frozen=True)
class SubscriberSummary:
    """A subscriber with the tally of its deliveries."""

    id: int
    kind: str
    target: str
    event_types: tuple[str, ...]
    department: str | None
    created_at: str
    delivered: int
    pending: int
    failed: int


@dataclass(frozen=True)
class AttemptOutcome:
    """One attempt to deliver one event to one subscriber."""

    delivery_id: int
    subscriber_id: int
    event_seq: int
    result: AttemptResult
    response_status: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class _Claimed:
    delivery_id: int
    subscriber_id: int
    event_seq: int
    target: str
    attempt: int
    body: bytes
    headers: dict[str, str]
    secret: str | None = None
    allow_private: bool = False


# --- subscribers --------------------------------------------------------------------------------------------------


def known_event_types() -> list[str]:
    """The event types of the ledger's vocabulary (the string constants of :mod:`ledger.store.events`, and the
    scheduler's ``source-missed``)."""
    types = {
        value
        for name, value in vars(events).items()
        if name.isupper() and isinstance(value, str) and _EVENT_TYPE.match(value)
    }
    return sorted(types | {SOURCE_MISSED})


def add_webhook(
    ledger: Ledger,
    url: str,
    *,
    event_types: list[str] | None = None,
    department: str | None = None,
    allow_private: bool = False,
    resolver: Resolver = system_resolver,
) -> SubscriberRow:
    """Subscribe ``url`` to events from now on (types default to :data:`DEFAULT_EVENT_TYPES`). The row returned
    carries the signing secret (show it to whoever runs the receiver)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SubscriberError(f"a webhook needs an http(s) URL, not {redact_url(url)!r}")
    if parts.username is not None or parts.password is not None:
        raise SubscriberError("a webhook URL must not carry credentials (they would be stored and shown)")
    types = _validated_types(event_types or list(DEFAULT_EVENT_TYPES))
    try:  # names are resolved before each delivery; an address literal can be refused now
        refuse_literal(url, allow_private=allow_private, resolver=resolver)
    except AddressRefused as exc:
        raise SubscriberError(str(exc)) from exc
    with ledger.write() as session:
        if department is not None:
            known = department_by_name(session, department)
            department = known.name if known is not None else department
        head = events.head(session)
        row = SubscriberRow(
            kind="webhook",
            target=url,
            event_types=json.dumps(types),
            department=department,
            scanned_seq=head.seq if head else 0,
            created_at=_text(now()),
            allow_private=allow_private,
            secret=new_secret(),
        )
        session.add(row)
        session.flush()
        return SubscriberRow.model_validate(row.model_dump())


def list_subscribers(session: Session) -> list[SubscriberSummary]:
    counts: dict[tuple[int, str], int] = {
        (subscriber_id, status): int(count)
        for subscriber_id, status, count in session.exec(
            select(DeliveryRow.subscriber_id, DeliveryRow.status, func.count()).group_by(
                col(DeliveryRow.subscriber_id), col(DeliveryRow.status)
            )
        )
    }
    summaries = []
    for row in session.exec(select(SubscriberRow).order_by(col(SubscriberRow.id))):
        assert row.id is not None
        summaries.append(
            SubscriberSummary(
                id=row.id,
                kind=row.kind,
                target=row.target,
                event_types=tuple(json.loads(row.event_types)),
                department=row.department,
                created_at=row.created_at,
                delivered=counts.get((row.id, "delivered"), 0),
                pending=counts.get((row.id, "pending"), 0),
                failed=counts.get((row.id, "failed"), 0),
            )
        )
    return summaries


def remove_subscriber(ledger: Ledger, subscriber_id: int) -> SubscriberRow:
    """Unsubscribe, dropping its delivery records (the events themselves stay in the log)."""
    with ledger.write() as session:
        row = session.get(SubscriberRow, subscriber_id)
        if row is None:
            raise NotFoundError(f"no subscriber with id {subscriber_id}")
        removed = SubscriberRow.model_validate(row.model_dump())
        for delivery in session.exec(select(DeliveryRow).where(DeliveryRow.subscriber_id == subscriber_id)):
            session.delete(delivery)
        session.flush()
        session.delete(row)
    return removed


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def subscriber_secret(session: Session, subscriber_id: int) -> str:
    row = session.get(SubscriberRow, subscriber_id)
    if row is None:
        raise NotFoundError(f"no subscriber with id {subscriber_id}")
    if not row.secret:
        raise SubscriberError(f"subscriber {subscriber_id} has no secret (upgrade the ledger)")
    return row.secret


def replay_failed(
    ledger: Ledger, *, subscriber_id: int | None = None, delivery_ids: list[int] | None = None
) -> int:
    """Make failed deliveries pending again (attempts reset, due now); returns how many."""
    with ledger.write() as session:
        query = select(DeliveryRow).where(DeliveryRow.status == "failed")
        if subscriber_id is not None:
            query = query.where(DeliveryRow.subscriber_id == subscriber_id)
        if delivery_ids:
            query = query.where(col(DeliveryRow.id).in_(delivery_ids))
        rows = list(session.exec(query))
        due = _text(now())
        for row in rows:
            row.status, row.attempts, row.next_attempt_at = "pending", 0, due
            session.add(row)
        return len(rows)


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value (Standard Webhooks, version 1)."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode("ascii")


def _validated_types(types: list[str]) -> list[str]:
    if ALL_EVENTS in types:
        return [ALL_EVENTS]
    known = known_event_types()
    unknown = [t for t in types if t not in known]
    if unknown:
        raise SubscriberError(
            f"unknown event type {', '.join(unknown)} (known: {', '.join(known)}, or {ALL_EVENTS} for all)"
        )
    return sorted(set(types))


# --- the outbox ---------------------------------------------------------------------------------------------------


def enqueue(ledger: Ledger) -> int:
    """Turn the events recorded since each subscriber's cursor into pending deliveries; returns how many."""
    with ledger.read() as session:
        if not _any_behind(session):
            return 0
    created = 0
    with ledger.write() as session:
        head = events.head(session)
        head_seq = head.seq if head else 0
        for subscriber in session.exec(select(SubscriberRow).where(SubscriberRow.scanned_seq < head_seq)):
            created += _enqueue_for(session, subscriber, head_seq)
            subscriber.scanned_seq = head_seq
            session.add(subscriber)
    return created


def _any_behind(session: Session) -> bool:
    head = events.head(session)
    if head is None:
        return False
    behind = session.exec(select(func.count()).where(SubscriberRow.scanned_seq < head.seq)).one()
    return int(behind) > 0


def _enqueue_for(session: Session, subscriber: SubscriberRow, head_seq: int) -> int:
    assert subscriber.id is not None
    query = select(EventRow).where(EventRow.seq > subscriber.scanned_seq, EventRow.seq <= head_seq)
    types = json.loads(subscriber.event_types)
    if ALL_EVENTS not in types:
        query = query.where(col(EventRow.type).in_(types))
    due = _text(now())
    created = 0
    for row in session.exec(query.order_by(col(EventRow.seq))):
        if subscriber.department and event_department(session, events.to_event(row)) != subscriber.department:
            continue
        session.add(
            DeliveryRow(
                subscriber_id=subscriber.id,
                event_seq=row.seq,
                status="pending",
                next_attempt_at=due,
            )
        )
        created += 1
    return created


def event_department(session: Session, event: events.Event) -> str | None:
    """The department an event concerns: named in its payload, or that of the snapshot or source it refers to."""
    payload = event.payload
    named = payload.get("department")
    if isinstance(named, str):
        return named
    snapshot_id = payload.get("snapshot_id")
    if isinstance(snapshot_id, int):
        snapshot = session.get(SnapshotRow, snapshot_id)
        if snapshot is not None:
            return department_name(session, snapshot.department_id)
    source_id = payload.get("source_id")
    if isinstance(source_id, int):
        source = session.get(SourceRow, source_id)
        return source.department if source is not None else None
    return None


# --- delivering ---------------------------------------------------------------------------------------------------


def deliver_pending(
    ledger: Ledger,
    *,
    post: Poster | None = None,
    limit: int = 100,
    stopping: Callable[[], bool] = lambda: False,
    resolver: Resolver = system_resolver,
) -> list[AttemptOutcome]:
    """Enqueue new events, then attempt the deliveries that are due, oldest event first (at most ``limit``, and
    none once ``stopping()``). Never raises for a receiver's failure: the outcome and the delivery row say what
    happened."""
    enqueue(ledger)
    if post is not None:
        return _deliver_due(ledger, post, limit, stopping, resolver)
    client = HttpPoster()
    try:
        return _deliver_due(ledger, client, limit, stopping, resolver)
    finally:
        client.close()


def _deliver_due(
    ledger: Ledger, post: Poster, limit: int, stopping: Callable[[], bool], resolver: Resolver
) -> list[AttemptOutcome]:
    outcomes: list[AttemptOutcome] = []
    while len(outcomes) < limit and not stopping():
        # One at a time: the lease need only outlast one POST, and a crash leaves at most this one in doubt.
        item = _claim_next(ledger)
        if item is None:
            break
        outcome = _attempt(item, post, resolver)
        with ledger.write() as session:
            _record(session, outcome)
        outcomes.append(outcome)
    return outcomes


def _claim_next(ledger: Ledger) -> _Claimed | None:
    """Take the next due delivery by pushing its next attempt a lease away, in one serialised transaction."""
    moment = now()
    with ledger.write() as session:
        for row in session.exec(
            select(DeliveryRow)
            .where(DeliveryRow.status == "pending", col(DeliveryRow.next_attempt_at) <= _text(moment))
            .order_by(col(DeliveryRow.event_seq), col(DeliveryRow.id))
        ):
            assert row.id is not None
            subscriber = session.get(SubscriberRow, row.subscriber_id)
            event_row = session.get(EventRow, row.event_seq)
            if subscriber is None or event_row is None:
                continue
            row.attempts += 1
            row.last_attempt_at = _text(moment)
            row.next_attempt_at = _text(moment + timedelta(seconds=CLAIM_LEASE_S))
            session.add(row)
            event = events.to_event(event_row)
            return _Claimed(
                delivery_id=row.id,
                subscriber_id=row.subscriber_id,
                event_seq=row.event_seq,
                target=subscriber.target,
                attempt=row.attempts,
                body=notification_body(event, event_department(session, event)),
                headers=_headers(event, row.id),
                secret=subscriber.secret,
                allow_private=subscriber.allow_private,
            )
    return None


def _attempt(item: _Claimed, post: Poster, resolver: Resolver) -> AttemptOutcome:
    try:
        AddressPolicy(allow_private=item.allow_private, resolver=resolver).check(item.target)
    except AddressRefused as exc:
        return _outcome(item, "failed", None, str(exc))
    headers = dict(item.headers)
    if item.secret:
        timestamp = int(time.time())
        message_id = headers["webhook-id"]
        headers["webhook-timestamp"] = str(timestamp)
        headers["webhook-signature"] = sign(item.secret, message_id, timestamp, item.body)
    try:
        status = post(item.target, item.body, headers)
    except httpx.HTTPError as exc:
        return _outcome(item, "retry", None, f"{type(exc).__name__}: {exc}".rstrip(": "))
    if 200 <= status < 300:
        return _outcome(item, "delivered", status, None)
    if status >= 500 or status in _RETRYABLE_STATUS:
        return _outcome(item, "retry", status, f"HTTP {status}")
    if 300 <= status < 400:
        return _outcome(
            item, "failed", status, f"HTTP {status}: a redirect is not followed; update the subscriber's URL"
        )
    return _outcome(item, "failed", status, f"HTTP {status}")


def _outcome(item: _Claimed, result: AttemptResult, status: int | None, error: str | None) -> AttemptOutcome:
    if result == "retry" and item.attempt >= MAX_ATTEMPTS:
        result = "failed"
        error = f"{error} (gave up after {item.attempt} attempts)"
    return AttemptOutcome(item.delivery_id, item.subscriber_id, item.event_seq, result, status, error)


def _record(session: Session, outcome: AttemptOutcome) -> None:
    row = session.get(DeliveryRow, outcome.delivery_id)
    if row is None:  # the subscriber was removed meanwhile
        return
    moment = now()
    row.response_status = outcome.response_status
    row.error = outcome.error
    if outcome.result == "delivered":
        row.status, row.delivered_at, row.next_attempt_at = "delivered", _text(moment), None
    elif outcome.result == "failed":
        row.status, row.next_attempt_at = "failed", None
    else:
        row.next_attempt_at = _text(moment + timedelta(seconds=retry_delay(row.attempts)))
    session.add(row)


def retry_delay(attempts: int) -> int:
    """Seconds before the next attempt after ``attempts`` failed ones: 30 s, 1 min, 2 min, … capped at 6 h."""
    return int(min(RETRY_MAX_S, RETRY_BASE_S * 2 ** max(0, attempts - 1)))


# --- the notification ---------------------------------------------------------------------------------------------


def notification_body(event: events.Event, department: str | None) -> bytes:
    """The JSON a webhook receives: the event (with its hash, to deduplicate and to verify) and a one-line summary."""
    body = {
        "schema": NOTIFICATION_SCHEMA,
        "summary": summarise(event),
        "department": department,
        "event": {
            "seq": event.seq,
            "type": event.type,
            "subject": event.subject,
            "created_at": event.created_at,
            "hash": event.hash,
            "payload": event.payload,
        },
    }
    return json.dumps(to_jsonable(body), ensure_ascii=False).encode("utf-8")


def summarise(event: events.Event) -> str:
    """One human line for an event (what a chat channel shows)."""
    p = event.payload
    if event.type == events.SOURCE_FAILED:
        where = f" {p['document']}" if p.get("document") else ""
        return f"source {p.get('source_id')} ({p.get('location')}){where} failed: {p.get('reason')}"
    if event.type == events.SOURCE_CHECKED:
        return (
            f"source {p.get('source_id')} ({p.get('location')}) checked: {p.get('status')}, "
            f"{p.get('new', 0)} new of {p.get('documents', 0)} documents"
        )
    if event.type == events.SNAPSHOT_RECORDED:
        return (
            f"{p.get('department')} {p.get('fiscal_year')} {p.get('document_kind')} "
            f"revision {p.get('revision')} recorded"
        )
    detail = next(
        (p[key] for key in ("summary", "message", "label", "reason") if isinstance(p.get(key), str)), None
    )
    return f"{event.type} {event.subject}" + (f": {detail}" if detail else "")


def _headers(event: events.Event, delivery_id: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Ledger-Event": event.type,
        "X-Ledger-Event-Seq": str(event.seq),
        "X-Ledger-Event-Hash": event.hash,
        "X-Ledger-Delivery": str(delivery_id),
        "webhook-id": event.hash,
    }


class HttpPoster:
    """The default :data:`Poster`: short timeouts, redirects not followed (a POST must not turn into a GET somewhere
    else), at most :data:`MAX_REPLY_BYTES` of the reply read, and an overall deadline per delivery.

    The deadline is kept by sending from a worker thread and, when it passes, closing the client under it: that
    closes the socket the worker is blocked on, so a receiver trickling its reply one byte at a time (each byte
    inside the read timeout) cannot hold the delivery, or the scheduler's shutdown, past the deadline.
    """

    def __init__(
        self,
        *,
        timeout_s: float = POST_TIMEOUT_S,
        deadline_s: float = DELIVERY_DEADLINE_S,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._timeout_s = timeout_s
        self._deadline_s = deadline_s
        self._transport = transport
        self._aborted = threading.Event()
        self._client = self._new_client()

    def _new_client(self) -> httpx.Client:
        return httpx.Client(timeout=self._timeout_s, follow_redirects=False, transport=self._transport)

    def __call__(self, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        if self._aborted.is_set():
            raise httpx.TimeoutException("not sent: shutting down")
        client = self._client
        result: Future[int] = Future()

        def send() -> None:
            try:
                with client.stream("POST", url, content=body, headers=dict(headers)) as response:
                    read = 0
                    for chunk in response.iter_raw():
                        read += len(chunk)
                        if read >= MAX_REPLY_BYTES:
                            break  # the status is all that matters; closing drops the rest
                    result.set_result(response.status_code)
            except BaseException as exc:  # handed to the waiting caller
                result.set_exception(exc)

        worker = threading.Thread(target=send, name="webhook-post", daemon=True)
        worker.start()
        deadline = time.monotonic() + self._deadline_s
        while worker.is_alive() and time.monotonic() < deadline and not self._aborted.is_set():
            worker.join(0.05)
        if worker.is_alive():
            client.close()  # unblocks the worker: its socket is closed under it
            self._client = self._new_client()
            if self._aborted.is_set():
                raise httpx.TimeoutException("interrupted: shutting down")
            raise httpx.TimeoutException(
                f"no complete reply within {self._deadline_s:g}s (delivery deadline)"
            )
        return result.result()

    def abort(self) -> None:
        """Interrupt the delivery in progress (from another thread) and refuse further ones: a shutdown."""
        self._aborted.set()

    def close(self) -> None:
        self._client.close()


def _text(moment: datetime) -> str:
    """The ledger's timestamp text (the form of :func:`ledger.clock.now_text`), for any moment."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def delivery_rows(session: Session, subscriber_id: int | None = None) -> list[DeliveryRow]:
    query = select(DeliveryRow).order_by(col(DeliveryRow.id))
    if subscriber_id is not None:
        query = query.where(DeliveryRow.subscriber_id == subscriber_id)
    return list(session.exec(query))
