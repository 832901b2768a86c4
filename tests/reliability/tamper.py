"""Tampering with a ledger the way an attacker with database access would (docs/architecture.md §5): the append-only triggers dropped
(SQLite) or disabled (PostgreSQL), then raw SQL — a byte edited, a row deleted, rows reordered, the tail truncated and
re-appended, the whole chain rewritten with every hash recomputed, rows inserted.

Each :class:`Attack` says what must catch it: ``verify`` alone, or only ``verify --digest`` with a digest taken
before the attack (a chain rewritten consistently is a valid chain; only a receipt kept outside the database tells
it from the original), or nothing (``by-design``: appending a well-formed event is what a writer does).

:func:`run_attack` runs one inside a transaction that is rolled back, so one ledger serves every attack.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, inspect, text
from sqlmodel import Session

from ledger.model.canonical import canonical_bytes, event_hash, sha256_hex, snapshot_hash, to_jsonable
from ledger.store import events
from ledger.store.events import hashed_fields
from ledger.store.schema import EventRow
from ledger.store.verify import Digest, digest, verify

Detector = Literal["verify", "digest", "by-design"]


@dataclass(frozen=True)
class Target:
    """Rows of the tamper ledger the attacks aim at (ids differ between runs on PostgreSQL)."""

    seed_publication: int  # a publication with a snapshot
    failed_publication: int  # a publication that failed to parse (nothing references it but its events)
    first_snapshot: int  # revision 1 of the series that has a revision 2
    second_snapshot: int  # that revision 2
    other_department: int  # a department the first snapshot does not belong to
    events: int  # how many events there are


@dataclass(frozen=True)
class Attack:
    name: str
    group: str
    detector: Detector
    run: Callable[[Connection, Target], None]


# --- raw SQL helpers ----------------------------------------------------------------------------------------------


def _get(connection: Connection, table: str, column: str, key: str, value: int) -> Any:
    return connection.execute(
        text(f"SELECT {column} FROM {table} WHERE {key} = :v"), {"v": value}
    ).scalar_one()


def _set(connection: Connection, table: str, key: str, value: int, **columns: Any) -> None:
    assignments = ", ".join(f"{column} = :{column}" for column in columns)
    connection.execute(
        text(f"UPDATE {table} SET {assignments} WHERE {key} = :_key"), {**columns, "_key": value}
    )


def _flip_bit(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]


def _edit_char(value: str) -> str:
    """One character changed in the middle (a digit to another digit if there is one, else any character)."""
    digits = [i for i, char in enumerate(value) if char.isdigit()]
    at = digits[len(digits) // 2] if digits else len(value) // 2
    replacement = str((int(value[at]) + 1) % 10) if value[at].isdigit() else "某"
    return value[:at] + replacement + value[at + 1 :]


def _edit_column(
    table: str, column: str, key: str, pick: Callable[[Target], int]
) -> Callable[[Connection, Target], None]:
    def run(connection: Connection, target: Target) -> None:
        row = pick(target)
        old = _get(connection, table, column, key, row)
        if isinstance(old, bytes | memoryview):
            new: Any = _flip_bit(bytes(old))
        elif isinstance(old, int):
            new = old + 1
        else:
            new = _edit_char(str(old))
        _set(connection, table, key, row, **{column: new})

    return run


def _event_rows(connection: Connection) -> list[EventRow]:
    return [
        EventRow.model_validate(dict(row))
        for row in connection.execute(text("SELECT * FROM events ORDER BY seq")).mappings()
    ]


def _rechain(connection: Connection, rows: list[EventRow]) -> None:
    """Write ``rows`` back as the whole chain with every hash recomputed: internally consistent again."""
    connection.execute(text("DELETE FROM events"))
    previous = events.GENESIS_HASH
    for seq, row in enumerate(rows, start=1):
        row.seq, row.prev_hash = seq, previous
        row.hash = event_hash(hashed_fields(row))
        connection.execute(
            text(
                "INSERT INTO events (seq, type, subject, payload, created_at, prev_hash, hash) "
                "VALUES (:seq, :type, :subject, :payload, :created_at, :prev_hash, :hash)"
            ),
            row.model_dump(),
        )
        previous = row.hash


def _payload_of(row: EventRow) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(row.payload)
    return payload


def _with_payload(row: EventRow, **changes: Any) -> EventRow:
    payload = _payload_of(row) | changes
    row.payload = canonical_bytes(to_jsonable(payload)).decode("utf-8")
    return row


# --- attacks ------------------------------------------------------------------------------------------------------


def _swap_event_seqs(connection: Connection, target: Target) -> None:
    a, b = target.events // 2, target.events // 2 + 1
    _set(connection, "events", "seq", a, seq=-1)
    _set(connection, "events", "seq", b, seq=a)
    _set(connection, "events", "seq", -1, seq=b)


def _swap_revisions(connection: Connection, target: Target) -> None:
    _set(connection, "snapshots", "id", target.first_snapshot, revision=-1)
    _set(connection, "snapshots", "id", target.second_snapshot, revision=1)
    _set(connection, "snapshots", "id", target.first_snapshot, revision=2)


def _delete_event(pick: Callable[[Target], int]) -> Callable[[Connection, Target], None]:
    def run(connection: Connection, target: Target) -> None:
        connection.execute(text("DELETE FROM events WHERE seq = :s"), {"s": pick(target)})

    return run


def _delete_failed_publication(connection: Connection, target: Target) -> None:
    connection.execute(text("DELETE FROM publications WHERE id = :i"), {"i": target.failed_publication})


def _delete_snapshot(connection: Connection, target: Target) -> None:
    """The snapshot and, first, the derived rows that refer to it (what the foreign keys demand)."""
    _delete_with_dependents(connection, "snapshots", "id", target.second_snapshot)


def _delete_with_dependents(connection: Connection, table: str, column: str, value: object) -> None:
    inspector = inspect(connection)
    for other in inspector.get_table_names():
        for key in inspector.get_foreign_keys(other):
            if key["referred_table"] != table:
                continue
            for referring, referred in zip(key["constrained_columns"], key["referred_columns"], strict=True):
                query = text(f"SELECT {referred} FROM {table} WHERE {column} = :v")
                for found in connection.execute(query, {"v": value}).scalars().all():
                    _delete_with_dependents(connection, other, referring, found)
    connection.execute(text(f"DELETE FROM {table} WHERE {column} = :v"), {"v": value})


def _insert_publication(connection: Connection, target: Target) -> None:
    data = b"forged publication"
    connection.execute(
        text(
            "INSERT INTO publications (sha256, size, media_type, filename, source, received_at, content) "
            "VALUES (:h, :n, 'text/plain', 'forged.txt', 'forged.txt', '2024-01-01T00:00:00.000000Z', :c)"
        ),
        {"h": sha256_hex(data), "n": len(data), "c": data},
    )


def _insert_snapshot(connection: Connection, target: Target) -> None:
    columns = (
        "publication_id, department_id, fiscal_year, document_kind, revision, content_hash, parser_name, "
    )
    columns += "parser_version, canonical_json, recorded_at"
    forged_columns = columns.replace("revision", "3").replace("parser_version", "'forged'")
    connection.execute(
        text(
            # The copy claims to be another parser's reading of the publication, so the unique key allows it.
            f"INSERT INTO snapshots ({columns}) SELECT {forged_columns} FROM snapshots WHERE id = :i"
        ).bindparams(i=target.second_snapshot)
    )


def _insert_event_in_the_middle(connection: Connection, target: Target) -> None:
    rows = _event_rows(connection)
    middle = len(rows) // 2
    forged = rows[middle].model_copy()
    rows.insert(middle, _with_payload(forged, note="forged"))
    for seq, row in enumerate(rows, start=1):  # renumber, keep every original hash as it was
        row.seq = seq
    connection.execute(text("DELETE FROM events"))
    for row in rows:
        connection.execute(
            text(
                "INSERT INTO events (seq, type, subject, payload, created_at, prev_hash, hash) "
                "VALUES (:seq, :type, :subject, :payload, :created_at, :prev_hash, :hash)"
            ),
            row.model_dump() | {"hash": row.hash if row is not forged else "f" * 64},
        )


def _truncate_tail_and_reappend(connection: Connection, target: Target) -> None:
    """The last ingest (the failed publication and its two events) removed, another event appended in its place."""
    rows = _event_rows(connection)
    (received,) = [
        row
        for row in rows
        if row.type == events.PUBLICATION_RECEIVED
        and _payload_of(row)["publication_id"] == target.failed_publication
    ]
    connection.execute(text("DELETE FROM events WHERE seq >= :s"), {"s": received.seq})
    connection.execute(text("DELETE FROM publications WHERE id = :p"), {"p": target.failed_publication})
    with Session(bind=connection) as session:
        events.append(
            session, events.SOURCE_CHECKED, "source/1", {"note": "forged in place of the real tail"}
        )
        session.flush()


def _rewrite_an_early_event(connection: Connection, target: Target) -> None:
    rows = _event_rows(connection)
    rows[1].created_at = "2020-01-01T00:00:00.000000Z"
    _rechain(connection, rows)


def _forge_a_snapshot_and_its_event(connection: Connection, target: Target) -> None:
    """An amount changed in a snapshot, its content hash and its recording event made to agree, the chain rehashed."""
    snapshot = target.first_snapshot
    forged = _edit_char(_get(connection, "snapshots", "canonical_json", "id", snapshot))
    forged_hash = snapshot_hash(forged)
    _set(connection, "snapshots", "id", snapshot, canonical_json=forged, content_hash=forged_hash)
    rows = _event_rows(connection)
    for row in rows:
        if row.type == events.SNAPSHOT_RECORDED and _payload_of(row)["snapshot_id"] == snapshot:
            _with_payload(row, content_hash=forged_hash)
    _rechain(connection, rows)


def _replace_a_publication_and_its_event(connection: Connection, target: Target) -> None:
    publication = target.seed_publication
    forged = _flip_bit(bytes(_get(connection, "publications", "content", "id", publication)))
    _set(connection, "publications", "id", publication, content=forged, sha256=sha256_hex(forged))
    rows = _event_rows(connection)
    for row in rows:
        if row.type == events.PUBLICATION_RECEIVED and _payload_of(row)["publication_id"] == publication:
            _with_payload(row, sha256=sha256_hex(forged))
    _rechain(connection, rows)


def _append_a_well_formed_event(connection: Connection, target: Target) -> None:
    with Session(bind=connection) as session:
        events.append(session, events.FINDING_RAISED, "snapshot/1", {"note": "an appended claim"})
        session.flush()


def _publication_column(column: str) -> Attack:
    return Attack(
        f"publications.{column} edited",
        "edit",
        "verify",
        _edit_column("publications", column, "id", _seed_pub),
    )


def _snapshot_column(column: str) -> Attack:
    return Attack(
        f"snapshots.{column} edited",
        "edit",
        "verify",
        _edit_column("snapshots", column, "id", _first_snapshot),
    )


def _event_column(column: str) -> Attack:
    return Attack(
        f"events.{column} edited (a middle event)",
        "edit",
        "verify",
        _edit_column("events", column, "seq", lambda t: t.events // 2),
    )


def _seed_pub(target: Target) -> int:
    return target.seed_publication


def _first_snapshot(target: Target) -> int:
    return target.first_snapshot


def _point_snapshot_at_other_department(connection: Connection, target: Target) -> None:
    _set(connection, "snapshots", "id", target.first_snapshot, department_id=target.other_department)


def _point_snapshot_at_other_publication(connection: Connection, target: Target) -> None:
    _set(connection, "snapshots", "id", target.first_snapshot, publication_id=target.failed_publication)


def _rewrite_publication_with_own_hash(connection: Connection, target: Target) -> None:
    forged = _flip_bit(bytes(_get(connection, "publications", "content", "id", target.seed_publication)))
    _set(connection, "publications", "id", target.seed_publication, content=forged, sha256=sha256_hex(forged))


def _rewrite_snapshot_with_own_hash(connection: Connection, target: Target) -> None:
    forged = _edit_char(_get(connection, "snapshots", "canonical_json", "id", target.first_snapshot))
    _set(
        connection,
        "snapshots",
        "id",
        target.first_snapshot,
        canonical_json=forged,
        content_hash=snapshot_hash(forged),
    )


ATTACKS: list[Attack] = [
    *(
        _publication_column(c)
        for c in ("content", "sha256", "size", "filename", "source", "media_type", "received_at")
    ),
    Attack(
        "publication rewritten with a matching sha256", "edit", "verify", _rewrite_publication_with_own_hash
    ),
    *(
        _snapshot_column(c)
        for c in (
            "canonical_json",
            "content_hash",
            "revision",
            "fiscal_year",
            "document_kind",
            "parser_name",
            "parser_version",
            "recorded_at",
        )
    ),
    Attack(
        "snapshot rewritten with a matching content hash", "edit", "verify", _rewrite_snapshot_with_own_hash
    ),
    Attack("snapshot moved to another department", "edit", "verify", _point_snapshot_at_other_department),
    Attack("snapshot moved to another publication", "edit", "verify", _point_snapshot_at_other_publication),
    *(_event_column(c) for c in ("type", "subject", "payload", "created_at", "prev_hash", "hash")),
    Attack(
        "last event's payload edited",
        "edit",
        "verify",
        _edit_column("events", "payload", "seq", lambda t: t.events),
    ),
    Attack(
        "publication deleted (one nothing else references)", "delete", "verify", _delete_failed_publication
    ),
    Attack("snapshot deleted", "delete", "verify", _delete_snapshot),
    Attack("first event deleted", "delete", "verify", _delete_event(lambda t: 1)),
    Attack("middle event deleted", "delete", "verify", _delete_event(lambda t: t.events // 2)),
    Attack("last event deleted", "delete", "verify", _delete_event(lambda t: t.events)),
    Attack("two events swapped (seq exchanged)", "reorder", "verify", _swap_event_seqs),
    Attack("two revisions swapped", "reorder", "verify", _swap_revisions),
    Attack("publication inserted without its event", "insert", "verify", _insert_publication),
    Attack("snapshot inserted without its event", "insert", "verify", _insert_snapshot),
    Attack("event inserted in the middle", "insert", "verify", _insert_event_in_the_middle),
    Attack(
        "tail truncated (last ingest removed), other events appended",
        "truncate",
        "digest",
        _truncate_tail_and_reappend,
    ),
    Attack(
        "whole chain rewritten (an early event edited, all hashes recomputed)",
        "rewrite",
        "digest",
        _rewrite_an_early_event,
    ),
    Attack(
        "snapshot forged with its event, chain rehashed", "rewrite", "digest", _forge_a_snapshot_and_its_event
    ),
    Attack(
        "publication replaced with its event, chain rehashed",
        "rewrite",
        "digest",
        _replace_a_publication_and_its_event,
    ),
    Attack("well-formed event appended at the end", "append", "by-design", _append_a_well_formed_event),
]


# --- running ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttackResult:
    attack: Attack
    verify_problems: tuple[str, ...]
    digest_problems: tuple[str, ...]

    @property
    def caught_by(self) -> Detector:
        if self.verify_problems:
            return "verify"
        if self.digest_problems:
            return "digest"
        return "by-design"


def disable_append_only_triggers(connection: Connection) -> None:
    """What an attacker with the database's owner rights does first (inside the caller's transaction)."""
    if connection.dialect.name == "postgresql":
        for table in ("publications", "snapshots", "events"):
            connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
    else:
        names = connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars()
        for name in list(names):
            connection.execute(text(f"DROP TRIGGER {name}"))


def run_attack(connection: Connection, attack: Attack, target: Target) -> AttackResult:
    """Attack inside a transaction, verify (without and with the digest taken before), roll back."""
    transaction = connection.begin()
    try:
        with Session(bind=connection) as session:
            receipt = digest(session)
        assert receipt is not None
        disable_append_only_triggers(connection)
        attack.run(connection, target)
        with Session(bind=connection) as session:
            plain = verify(session).problems
            with_digest = verify(session, expected=receipt).problems
        return AttackResult(attack, tuple(plain), tuple(p for p in with_digest if p.startswith("digest")))
    finally:
        transaction.rollback()


def receipt_of(connection: Connection) -> Digest:
    with Session(bind=connection) as session:
        found = digest(session)
    assert found is not None
    return found


def fill_tamper_ledger(url: str, folder: Path) -> Target:
    """The attacked ledger: the seeds, two second revisions, duplicate content, and last an unreadable file."""
    from ledger.pipeline.ingest import ingest_paths
    from ledger.store import Ledger
    from tests.reliability.processes import write_files

    with Ledger(url) as ledger:
        outcomes = ingest_paths(ledger, write_files(folder))
        assert outcomes[-1].status == "failed", "the unreadable file must come last"
        with ledger.read() as session:
            return _target(session.connection())


def _target(connection: Connection) -> Target:
    def one(sql: str) -> int:
        return int(connection.execute(text(sql)).scalar_one())

    second = "(SELECT min(id) FROM snapshots WHERE revision = 2)"
    series = f"(SELECT department_id FROM snapshots WHERE id = {second})"
    return Target(
        seed_publication=one("SELECT min(publication_id) FROM snapshots"),
        failed_publication=one("SELECT max(id) FROM publications"),
        first_snapshot=one(f"SELECT id FROM snapshots WHERE revision = 1 AND department_id = {series}"),
        second_snapshot=one(f"SELECT {second}"),
        other_department=one(f"SELECT min(id) FROM departments WHERE id <> {series}"),
        events=one("SELECT count(*) FROM events"),
    )
