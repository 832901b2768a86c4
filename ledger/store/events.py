"""The append-only, hash-chained event log.

Each event's hash covers its own fields and the previous event's hash, so removing, editing or reordering any row
breaks every hash after it. Appending must happen inside :func:`ledger.store.db.write_session`, which serialises writers.

The log is durable and ordered: outside subscribers (webhooks, ``ledger log --follow``) read it after the fact. The
work a recorded snapshot causes (diffs, findings) is not a hidden handler here: the pipeline calls it explicitly
(:mod:`ledger.pipeline.derive`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from ledger.clock import now_text
from ledger.model.canonical import canonical_bytes, event_hash, to_jsonable
from ledger.store.schema import EventRow

GENESIS_HASH = "0" * 64

# Event types (the ledger's vocabulary).
PUBLICATION_RECEIVED = "publication-received"
SNAPSHOT_RECORDED = "snapshot-recorded"
PARSE_FAILED = "parse-failed"
DUPLICATE_CONTENT = "duplicate-content"
REPARSED = "snapshot-reparsed"
CHANGES_DETECTED = "changes-detected"
FINDING_RAISED = "finding-raised"
SOURCE_CHECKED = "source-checked"
SOURCE_FAILED = "source-failed"
ALIAS_ADDED = "alias-added"
ALIAS_REMOVED = "alias-removed"
DEPARTMENT_MERGED = "department-merged"
DEPARTMENT_SPLIT = "department-split"
INPUT_REFUSED = "input-refused"
PUBLICATION_REDACTED = "publication-redacted"


@dataclass(frozen=True)
class Event:
    seq: int
    type: str
    subject: str
    payload: dict[str, Any]
    created_at: str
    prev_hash: str
    hash: str


def hashed_fields(row: EventRow) -> dict[str, Any]:
    """What an event's hash covers (everything but the hash itself)."""
    return {
        "seq": row.seq,
        "type": row.type,
        "subject": row.subject,
        "payload": json.loads(row.payload),
        "created_at": row.created_at,
        "prev_hash": row.prev_hash,
    }


def head(session: Session) -> EventRow | None:
    return session.exec(select(EventRow).order_by(col(EventRow.seq).desc()).limit(1)).first()


def append(session: Session, event_type: str, subject: str, payload: Mapping[str, Any]) -> Event:
    """Append one event to the chain (inside a serialised write transaction)."""
    previous = head(session)
    row = EventRow(
        seq=(previous.seq + 1) if previous else 1,
        type=event_type,
        subject=subject,
        payload=canonical_bytes(to_jsonable(payload)).decode("utf-8"),
        created_at=now_text(),
        prev_hash=previous.hash if previous else GENESIS_HASH,
        hash="",
    )
    row.hash = event_hash(hashed_fields(row))
    session.add(row)
    session.flush()
    return to_event(row)


def to_event(row: EventRow) -> Event:
    return Event(
        seq=row.seq,
        type=row.type,
        subject=row.subject,
        payload=json.loads(row.payload),
        created_at=row.created_at,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def list_events(
    session: Session, *, after: int = 0, event_type: str | None = None, limit: int | None = None
) -> list[Event]:
    query = select(EventRow).where(EventRow.seq > after).order_by(col(EventRow.seq))
    if event_type:
        query = query.where(EventRow.type == event_type)
    if limit:
        query = query.limit(limit)
    return [to_event(row) for row in session.exec(query)]


def last_events(session: Session, limit: int, *, event_type: str | None = None) -> list[Event]:
    """The newest ``limit`` events (of ``event_type`` when given), oldest first: one indexed query, not the log."""
    if limit <= 0:
        return []
    query = select(EventRow).order_by(col(EventRow.seq).desc()).limit(limit)
    if event_type:
        query = query.where(EventRow.type == event_type)
    return [to_event(row) for row in reversed(list(session.exec(query)))]
