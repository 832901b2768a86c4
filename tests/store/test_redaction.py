"""Redaction: a publication's bytes replaced by their hash, recorded in the chain, accepted by ``verify``; the
append-only trigger still refuses every other change (on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from cli.main import app
from ledger.errors import LedgerError
from ledger.pipeline.ingest import ingest_bytes
from ledger.pipeline.reparse import reparse_all
from ledger.store import Ledger, events
from ledger.store.redaction import redact
from ledger.store.schema import PublicationRow
from ledger.store.verify import verify
from tests.support import key_value_layout, publication

SECRET = publication("甲局", 2024, ("培训经费", "12.50"), note="AWS_SECRET_ACCESS_KEY=abc123")
runner = CliRunner()


@pytest.fixture
def filled(db_url: str) -> Iterator[Ledger]:
    with key_value_layout(), Ledger(db_url) as ledger:
        ingest_bytes(ledger, SECRET, name="environ.txt")
        ingest_bytes(ledger, publication("乙局", 2024, ("信息化", "7")), name="b.txt")
        yield ledger


def _content(ledger: Ledger, publication_id: int) -> bytes:
    with ledger.read() as session:
        row = session.get(PublicationRow, publication_id)
        assert row is not None
        return bytes(row.content)


def test_redacted_bytes_are_gone_and_the_ledger_verifies(filled: Ledger) -> None:
    with filled.write() as session:
        done = redact(session, 1, reason="secret captured from a symlink", actor="auditor")
    assert _content(filled, 1) == b""
    assert _content(filled, 2) != b""
    with filled.read() as session:
        report = verify(session)
        last = events.list_events(session)[-1]
    assert report.ok, report.problems
    assert (last.type, last.seq) == (events.PUBLICATION_REDACTED, done.event_seq)
    assert last.payload["actor"] == "auditor" and last.payload["reason"] == "secret captured from a symlink"
    assert last.payload["size"] == len(SECRET) and "abc123" not in str(last.payload)
    assert [o.status for o in reparse_all(filled)] == ["redacted", "current"]


def test_a_redaction_is_refused_twice_and_needs_a_reason(filled: Ledger) -> None:
    with pytest.raises(LedgerError, match="needs a reason"), filled.write() as session:
        redact(session, 1, reason=" ", actor="auditor")
    with filled.write() as session:
        redact(session, 1, reason="secret", actor="auditor")
    with pytest.raises(LedgerError, match="already redacted"), filled.write() as session:
        redact(session, 1, reason="again", actor="auditor")


@pytest.mark.parametrize(
    "statement",
    [
        # no redaction event for publication 2: emptying it is refused
        "UPDATE publications SET content = :empty WHERE id = 2",
        # the redacted one: any other column, or other bytes, or deletion
        "UPDATE publications SET filename = 'x' WHERE id = 1",
        "UPDATE publications SET content = :other WHERE id = 1",
        "UPDATE publications SET content = :empty, source = 'x' WHERE id = 1",
        "DELETE FROM publications WHERE id = 1",
    ],
)
def test_the_trigger_allows_only_the_recorded_redaction(filled: Ledger, statement: str) -> None:
    with filled.write() as session:
        redact(session, 1, reason="secret", actor="auditor")
    with pytest.raises(DBAPIError, match="append-only"), filled.engine.begin() as connection:
        connection.execute(text(statement), {"empty": b"", "other": b"forged"})


def test_emptying_bytes_without_redacting_is_caught_by_verify(filled: Ledger) -> None:
    # an attacker who can drop triggers empties the bytes but cannot record a redaction without rewriting the chain
    with filled.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE publications DISABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER publications_no_update"))
        connection.execute(text("UPDATE publications SET content = :e WHERE id = 2"), {"e": b""})
    with filled.read() as session:
        problems = verify(session).problems
    assert problems[0] == "publication id 2: content does not match its sha256 (bytes altered)"


def test_redact_from_the_command_line(tmp_path: Path) -> None:
    db = str(tmp_path / "l.db")
    with key_value_layout():
        with Ledger(db) as ledger:
            ingest_bytes(ledger, SECRET, name="environ.txt")
        result = runner.invoke(app, ["--db", db, "redact", "1", "--reason", "secret", "--by", "auditor"])
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(
            f"redacted publication 1 environ.txt: {len(SECRET)} bytes gone, sha256 "
        )
        checked = runner.invoke(app, ["--db", db, "verify"])
        assert checked.exit_code == 0 and checked.stdout.startswith("ok: "), checked.output
        missing = runner.invoke(app, ["--db", db, "redact", "9", "--reason", "x"])
        assert missing.exit_code != 0 and "no publication with id 9" in missing.output
