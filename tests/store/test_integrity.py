"""Append-only triggers and ``verify``, adversarially: flip one bit of each immutable table the way an attacker with
database access would (dropping the triggers first), and check that verify names the row."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ledger.pipeline.ingest import ingest_bytes
from ledger.store import Ledger
from ledger.store.verify import Digest, digest, verify
from tests.support import key_value_layout, publication


@pytest.fixture
def filled(db_url: str) -> Iterator[Ledger]:
    with key_value_layout(), Ledger(db_url) as ledger:
        ingest_bytes(ledger, publication("甲局", 2024, ("培训经费", "12.50")), name="a")
        ingest_bytes(ledger, publication("甲局", 2024, ("培训经费", "13")), name="b")
        ingest_bytes(ledger, publication("乙局", 2024, ("信息化", "7")), name="c")
        yield ledger


@pytest.mark.slow
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE publications SET filename = 'x'",
        "DELETE FROM publications",
        "UPDATE snapshots SET revision = 9",
        "DELETE FROM snapshots",
        "UPDATE events SET subject = 'x'",
        "DELETE FROM events WHERE seq = 1",
    ],
)
def test_immutable_tables_refuse_update_and_delete(filled: Ledger, statement: str) -> None:
    with pytest.raises(DBAPIError, match="append-only"), filled.engine.begin() as connection:
        connection.execute(text(statement))


def _drop_triggers(ledger: Ledger) -> None:
    with ledger.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            for table in ("publications", "snapshots", "events"):
                connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        else:
            names = connection.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            ).scalars()
            for name in list(names):
                connection.execute(text(f"DROP TRIGGER {name}"))


def _tamper(ledger: Ledger, *statements: str) -> list[str]:
    _drop_triggers(ledger)
    with ledger.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    with ledger.read() as session:
        return verify(session).problems


@pytest.mark.slow
def test_untouched_ledger_verifies(filled: Ledger) -> None:
    with filled.read() as session:
        report = verify(session)
    # 2 events per publication, and the changes-detected of the revision
    assert report.ok and (report.events, report.snapshots, report.publications) == (7, 3, 3)


@pytest.mark.slow
def test_flipped_bit_in_publication_content_is_named(filled: Ledger) -> None:
    dialect = filled.engine.dialect.name
    if dialect == "postgresql":
        statement = (
            "UPDATE publications SET content = set_byte(content, 0, get_byte(content, 0) # 1) WHERE id = 2"
        )
    else:
        statement = "UPDATE publications SET content = CAST(X'55' || substr(content, 2) AS BLOB) WHERE id = 2"  # 'T' → 'U'
    problems = _tamper(filled, statement)
    assert problems and problems[0].startswith("publication id 2: content does not match")


@pytest.mark.slow
def test_altered_snapshot_json_is_named(filled: Ledger) -> None:
    problems = _tamper(
        filled, "UPDATE snapshots SET canonical_json = replace(canonical_json, '13', '14') WHERE id = 2"
    )
    assert problems[0].startswith("snapshot id 2: canonical JSON does not match")


@pytest.mark.slow
def test_snapshot_rewritten_with_a_matching_hash_is_still_caught(filled: Ledger) -> None:
    from ledger.model.canonical import snapshot_hash

    with filled.read() as session:
        original = session.execute(text("SELECT canonical_json FROM snapshots WHERE id = 2")).scalar_one()
    forged = original.replace('"13"', '"14"')
    _drop_triggers(filled)
    with filled.engine.begin() as connection:
        connection.execute(
            text("UPDATE snapshots SET canonical_json = :j, content_hash = :h WHERE id = 2"),
            {"j": forged, "h": snapshot_hash(forged)},
        )
    with filled.read() as session:
        problems = verify(session).problems
    assert problems == ["snapshot id 2: differs from its recording event in content_hash"]


@pytest.mark.slow
def test_altered_event_payload_is_named(filled: Ledger) -> None:
    problems = _tamper(filled, "UPDATE events SET subject = 'publication/99' WHERE seq = 3")
    assert problems[0] == "event seq 3: hash mismatch (row altered)"


@pytest.mark.slow
def test_deleted_event_breaks_the_chain(filled: Ledger) -> None:
    problems = _tamper(filled, "DELETE FROM events WHERE seq = 4")
    assert problems[0].startswith("event seq 5: expected seq 4")


@pytest.mark.slow
def test_deleted_snapshot_is_missing(filled: Ledger) -> None:
    # The attacker removes the derived rows that reference the snapshot first (foreign keys), then the snapshot.
    problems = _tamper(
        filled,
        "DELETE FROM changes WHERE snapshot_id = 3",
        "DELETE FROM diffs WHERE snapshot_id = 3 OR base_snapshot_id = 3",
        "DELETE FROM findings WHERE snapshot_id = 3",
        "DELETE FROM entity_values WHERE snapshot_id = 3",
        "DELETE FROM snapshots WHERE id = 3",
    )
    assert problems == ["snapshot id 3: recorded in the event log but missing from the table"]


@pytest.mark.slow
def test_rewritten_chain_is_caught_by_an_earlier_digest(filled: Ledger) -> None:
    from ledger.model.canonical import event_hash
    from ledger.store.events import hashed_fields
    from ledger.store.schema import EventRow

    with filled.read() as session:
        receipt = digest(session)
        rows = [
            EventRow.model_validate(r)
            for r in session.execute(text("SELECT * FROM events ORDER BY seq")).mappings()
        ]
    assert receipt is not None
    _drop_triggers(filled)
    # The attacker edits event 2 and recomputes every hash after it: the chain is internally consistent again.
    previous = rows[0].hash
    with filled.engine.begin() as connection:
        for row in rows[1:]:
            row.prev_hash = previous
            if row.seq == 2:
                row.created_at = "2020-01-01T00:00:00.000000Z"
            row.hash = event_hash(hashed_fields(row))
            connection.execute(
                text("UPDATE events SET prev_hash = :p, created_at = :c, hash = :h WHERE seq = :s"),
                {"p": row.prev_hash, "c": row.created_at, "h": row.hash, "s": row.seq},
            )
            previous = row.hash
    with filled.read() as session:
        assert verify(session).ok
        problems = verify(session, expected=receipt).problems
    assert problems == [f"digest {receipt.seq}: the event there has another hash (the chain was rewritten)"]


def test_digest_parse_rejects_malformed_receipts() -> None:
    with pytest.raises(ValueError):
        Digest.parse("12:abc")
    assert str(Digest.parse("3:" + "A" * 64)) == "3:" + "a" * 64
