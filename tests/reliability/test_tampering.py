"""Tampering is caught (docs/architecture.md §5): every attack of ``tests/reliability/tamper.py`` — bytes edited in every column of
the immutable tables, rows deleted, reordered and inserted, the tail truncated and re-appended, the whole chain
rewritten — on both engines, by ``verify`` alone or, for a chain rewritten consistently, by ``verify --digest``
with a receipt taken before. The ledger is a real one: the seeds, a second revision, duplicate content, a failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from cli.main import app
from ledger.store import Ledger
from tests.reliability.ledgers import Databases, EngineName
from tests.reliability.tamper import (
    ATTACKS,
    Attack,
    Target,
    disable_append_only_triggers,
    fill_tamper_ledger,
    receipt_of,
    run_attack,
)

runner = CliRunner()


@pytest.fixture(scope="module")
def tamper_ledger(
    engine: EngineName, databases: Databases, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Target]:
    url = databases.new(engine)
    return url, fill_tamper_ledger(url, tmp_path_factory.mktemp("tamper"))


@pytest.fixture
def connection(tamper_ledger: tuple[str, Target]) -> Iterator[Connection]:
    with Ledger(tamper_ledger[0]) as ledger, ledger.engine.connect() as connection:
        yield connection


@pytest.mark.slow
def test_the_untouched_ledger_verifies(tamper_ledger: tuple[str, Target]) -> None:
    result = runner.invoke(app, ["--db", tamper_ledger[0], "verify"])
    assert result.exit_code == 0 and result.stdout.startswith("ok: "), result.output


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_tampering_is_caught(
    tamper_ledger: tuple[str, Target], connection: Connection, attack: Attack
) -> None:
    result = run_attack(connection, attack, tamper_ledger[1])
    assert result.caught_by == attack.detector, result
    if attack.detector == "verify":
        assert result.verify_problems[0].startswith(("event seq", "publication id", "snapshot id")), result


def test_the_attacks_leave_the_ledger_as_it_was(tamper_ledger: tuple[str, Target]) -> None:
    """Every attack ran in a transaction that was rolled back: the ledger still verifies, triggers included."""
    with Ledger(tamper_ledger[0]) as ledger:
        result = runner.invoke(app, ["--db", tamper_ledger[0], "verify"])
        assert result.exit_code == 0, result.output
        with pytest.raises(DBAPIError, match="append-only"), ledger.engine.begin() as connection:
            connection.execute(text("DELETE FROM events"))


@pytest.mark.slow
def test_verify_on_the_command_line_names_the_first_bad_row_and_checks_a_digest(
    tamper_ledger: tuple[str, Target], databases: Databases, tmp_path: Path
) -> None:
    """Committed tampering seen through ``ledger verify``: exit 1 and one line; ``--digest`` for a rewrite."""
    url = databases.copy(tamper_ledger[0])
    with Ledger(url) as ledger, ledger.engine.begin() as connection:
        receipt = receipt_of(connection)
        disable_append_only_triggers(connection)
        rewrite = next(a for a in ATTACKS if a.name.startswith("whole chain rewritten"))
        rewrite.run(connection, tamper_ledger[1])
    plain = runner.invoke(app, ["--db", url, "verify"])
    assert plain.exit_code == 0, plain.output  # a consistent rewrite: only a receipt kept outside can tell
    checked = runner.invoke(app, ["--db", url, "verify", "--digest", str(receipt)])
    assert checked.exit_code == 1
    assert checked.stderr == (
        f"ledger: error: digest {receipt.seq}: the event there has another hash (the chain was rewritten)\n"
    )
    with Ledger(url) as ledger, ledger.engine.begin() as connection:
        connection.execute(text("UPDATE events SET subject = 'x' WHERE seq = 3"))
    edited = runner.invoke(app, ["--db", url, "verify"])
    assert edited.exit_code == 1
    assert edited.stderr.startswith("ledger: error: event seq 3: hash mismatch (row altered)")
    assert len(edited.stderr.splitlines()) == 1
