"""``ledger verify``: recompute every hash and check every cross-reference; name the first row that fails.

The event chain is the anchor: each publication and snapshot row must match the event that recorded it, so editing a
row *and* its own hash column is still caught, and so is deleting a row (its event then points at nothing) or
rewriting the tail of the chain (an auditor's earlier digest no longer matches).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import inspect
from sqlmodel import Session, col, select

from ledger.errors import IntegrityError
from ledger.model.canonical import event_hash, sha256_hex, snapshot_hash
from ledger.store.events import (
    DEPARTMENT_MERGED,
    DEPARTMENT_SPLIT,
    DUPLICATE_CONTENT,
    GENESIS_HASH,
    PARSE_FAILED,
    PUBLICATION_RECEIVED,
    PUBLICATION_REDACTED,
    REPARSED,
    SNAPSHOT_RECORDED,
    hashed_fields,
)
from ledger.store.schema import DepartmentAliasRow, DepartmentRow, EventRow, PublicationRow, SnapshotRow

#: Events that conclude the ingest of a publication; each publication-received event is followed by one of them.
OUTCOMES = frozenset({SNAPSHOT_RECORDED, PARSE_FAILED, DUPLICATE_CONTENT})


@dataclass(frozen=True)
class Digest:
    """An auditor's receipt: the head of the chain at some moment (``SEQ:HASH``)."""

    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> Digest:
        seq, sep, digest = text.strip().partition(":")
        if not sep or not seq.isdigit() or len(digest) != 64:
            raise ValueError(f"a digest is SEQ:HASH (64 hex digits), not {text!r}")
        return cls(int(seq), digest.lower())


@dataclass
class VerifyReport:
    events: int = 0
    publications: int = 0
    snapshots: int = 0
    head: Digest | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def digest(session: Session) -> Digest | None:
    row = session.exec(select(EventRow).order_by(col(EventRow.seq).desc()).limit(1)).first()
    return Digest(row.seq, row.hash) if row else None


def verify(session: Session, *, expected: Digest | None = None) -> VerifyReport:
    """Check everything; ``report.problems`` lists each failure, the first one first."""
    report = VerifyReport()
    recorded_publications: dict[int, dict[str, object]] = {}
    recorded_snapshots: dict[int, dict[str, object]] = {}
    redacted: dict[int, dict[str, object]] = {}
    concluded: set[int] = set()
    merges: dict[int, int | None] = {}
    for event in _events_in_order(session, report):
        payload = json.loads(event.payload)
        if event.type == DEPARTMENT_MERGED:
            merges[int(payload["department_id"])] = int(payload["into_id"])
        elif event.type == DEPARTMENT_SPLIT:
            merges[int(payload["department_id"])] = None
        if event.type == PUBLICATION_RECEIVED:
            recorded_publications[int(payload["publication_id"])] = payload
        elif event.type in OUTCOMES:
            concluded.add(int(payload["publication_id"]))
        elif event.type == PUBLICATION_REDACTED:
            redacted[int(payload["publication_id"])] = payload
        if event.type in (SNAPSHOT_RECORDED, REPARSED):
            recorded_snapshots[int(payload["snapshot_id"])] = payload
    if expected is not None:
        _check_digest(session, expected, report)
    _check_publications(session, recorded_publications, redacted, report)
    for missing in sorted(set(recorded_publications) - concluded):
        report.problems.append(
            f"publication id {missing}: received but no outcome event follows (events removed from the chain)"
        )
    _check_snapshots(session, recorded_snapshots, report)
    _check_merges(session, merges, report)
    return report


def verify_or_raise(session: Session, *, expected: Digest | None = None) -> VerifyReport:
    report = verify(session, expected=expected)
    if not report.ok:
        more = f" (and {len(report.problems) - 1} more problems)" if len(report.problems) > 1 else ""
        raise IntegrityError(report.problems[0] + more)
    return report


def _events_in_order(session: Session, report: VerifyReport) -> Iterator[EventRow]:
    previous_hash = GENESIS_HASH
    expected_seq = 1
    for row in session.exec(select(EventRow).order_by(col(EventRow.seq))):
        report.events += 1
        if row.seq != expected_seq:
            report.problems.append(
                f"event seq {row.seq}: expected seq {expected_seq} (rows missing or reordered)"
            )
        if row.prev_hash != previous_hash:
            report.problems.append(
                f"event seq {row.seq}: prev_hash does not match the hash of the event before it"
            )
        try:
            recomputed = event_hash(hashed_fields(row))
        except (ValueError, TypeError) as exc:
            report.problems.append(f"event seq {row.seq}: payload is not valid JSON ({exc})")
            recomputed = ""
        if recomputed != row.hash:
            report.problems.append(f"event seq {row.seq}: hash mismatch (row altered)")
        else:
            yield row
        previous_hash = row.hash
        expected_seq = row.seq + 1
        report.head = Digest(row.seq, row.hash)


def _check_digest(session: Session, expected: Digest, report: VerifyReport) -> None:
    row = session.get(EventRow, expected.seq)
    if row is None:
        report.problems.append(f"digest {expected.seq}: no event with that seq (the chain was truncated)")
    elif row.hash != expected.hash:
        report.problems.append(
            f"digest {expected.seq}: the event there has another hash (the chain was rewritten)"
        )


def _check_publications(
    session: Session,
    recorded: dict[int, dict[str, object]],
    redacted: dict[int, dict[str, object]],
    report: VerifyReport,
) -> None:
    seen: set[int] = set()
    for row in session.exec(select(PublicationRow).order_by(col(PublicationRow.id))):
        report.publications += 1
        assert row.id is not None
        seen.add(row.id)
        where = f"publication id {row.id}"
        content = row.content if isinstance(row.content, bytes) else None  # a tampered row may hold text
        facts = recorded.get(row.id)
        redaction = redacted.get(row.id)
        if redaction is not None and content == b"":
            # the bytes are gone by a recorded redaction: the chain still vouches for their hash and size
            if redaction.get("sha256") != row.sha256 or redaction.get("size") != row.size:
                report.problems.append(f"{where}: redacted, but its redaction event names other bytes")
                continue
        elif content is None or sha256_hex(content) != row.sha256 or len(content) != row.size:
            report.problems.append(f"{where}: content does not match its sha256 (bytes altered)")
            continue
        if facts is None or facts.get("sha256") != row.sha256:
            report.problems.append(f"{where}: no publication-received event records this sha256")
        elif mismatched := _mismatched(facts, _PUBLICATION_FACTS, row):
            report.problems.append(f"{where}: differs from its recording event in {', '.join(mismatched)}")
    for missing in sorted(set(recorded) - seen):
        report.problems.append(
            f"publication id {missing}: recorded in the event log but missing from the table"
        )


#: Publication columns its publication-received event also records (``received_at`` since the event carries it).
_PUBLICATION_FACTS = ("size", "filename", "source", "media_type", "received_at")


def _mismatched(facts: dict[str, object], columns: tuple[str, ...], row: object) -> list[str]:
    """Columns whose value differs from the event's; a column the event does not carry (older ledgers) is skipped."""
    return [column for column in columns if column in facts and facts[column] != getattr(row, column)]


def _check_snapshots(session: Session, recorded: dict[int, dict[str, object]], report: VerifyReport) -> None:
    seen: set[int] = set()
    for row in session.exec(select(SnapshotRow).order_by(col(SnapshotRow.id))):
        report.snapshots += 1
        assert row.id is not None
        seen.add(row.id)
        where = f"snapshot id {row.id}"
        if snapshot_hash(row.canonical_json) != row.content_hash:
            report.problems.append(
                f"{where}: canonical JSON does not match its content hash (snapshot altered)"
            )
            continue
        facts = recorded.get(row.id)
        if facts is None:
            report.problems.append(f"{where}: no snapshot-recorded event for it")
            continue
        actual = {
            "content_hash": row.content_hash,
            "publication_id": row.publication_id,
            "fiscal_year": row.fiscal_year,
            "document_kind": row.document_kind,
            "revision": row.revision,
            "parser": f"{row.parser_name}/{row.parser_version}",
        }
        mismatched = sorted(k for k, v in actual.items() if facts.get(k) != v)
        mismatched += _mismatched(facts, ("recorded_at",), row)
        # The event names the department as it was then; a later rename keeps that name as an alias.
        named = _department_id(session, str(facts.get("department")))
        if named != row.department_id:
            mismatched.append("department")
        if mismatched:
            report.problems.append(f"{where}: differs from its recording event in {', '.join(mismatched)}")
    for missing in sorted(set(recorded) - seen):
        report.problems.append(f"snapshot id {missing}: recorded in the event log but missing from the table")


def _department_id(session: Session, name: str) -> int | None:
    """The id of the department row named (or aliased) ``name``, merges not followed; reads only columns every
    schema version has, so a ledger is verified before and after each migration."""
    found = session.exec(select(DepartmentRow.id).where(DepartmentRow.name == name)).first()
    if found is None:
        alias = session.get(DepartmentAliasRow, name)
        found = alias.department_id if alias else None
    return found


def _check_merges(session: Session, replayed: dict[int, int | None], report: VerifyReport) -> None:
    """Each department is merged into exactly the department the merge and split events say (replayed in order)."""
    columns = {column["name"] for column in inspect(session.connection()).get_columns("departments")}
    if "merged_into" not in columns:  # a ledger before migration 0004: nothing can be merged
        return
    query = select(DepartmentRow.id, DepartmentRow.merged_into).order_by(col(DepartmentRow.id))
    for department_id, merged_into in session.exec(query):
        expected = replayed.get(department_id or 0)
        if merged_into != expected:
            said = f"merged into department id {expected}" if expected else "not merged"
            report.problems.append(
                f"department id {department_id}: merged_into is {merged_into}, but the event log says {said}"
            )
