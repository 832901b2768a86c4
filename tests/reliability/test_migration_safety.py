"""Migration safety (docs/architecture.md §2: every schema change is a migration): a ledger created at the first migration and filled
with the seeds is upgraded one migration at a time to head — whatever head is — with every publication, snapshot
and event intact and ``verify`` passing after each step; at head it records a new revision and rebuilds its derived
tables like a ledger born at head.

Today's ingest cannot write to the first schema (it also writes tables added later), so the old ledger is filled
the way a restore would: the rows of a ledger written at head, the columns the first schema has, ids kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, func, inspect, select, text

from ledger.pipeline.derive import rebuild
from ledger.pipeline.ingest import ingest_bytes, ingest_paths
from ledger.store import Ledger, db
from ledger.store.verify import verify
from tests.conftest import SEEDS
from tests.reliability.inputs import revised
from tests.reliability.ledgers import Databases, EngineName, ledger_problems

FIRST = "0001"
CORE_TABLES = ("departments", "department_aliases", "publications", "snapshots", "events")
DERIVED_TABLES = ("entity_values", "diffs", "changes", "findings")


def revisions_after_first(url: str) -> list[str]:
    """Every migration after the first, oldest first (a straight line: no branches)."""
    script = ScriptDirectory.from_config(db.alembic_config(url))
    ordered = [revision.revision for revision in reversed(list(script.walk_revisions()))]
    assert ordered[0] == FIRST
    return ordered[1:]


def _rows(engine: Engine, table: str, columns: list[str]) -> list[tuple[object, ...]]:
    metadata = MetaData()
    metadata.reflect(engine, only=[table])
    reflected = metadata.tables[table]
    query = select(*(reflected.c[c] for c in columns)).order_by(*reflected.primary_key.columns)
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]


def _columns(engine: Engine, table: str) -> list[str]:
    return [column["name"] for column in inspect(engine).get_columns(table)]


Copied = dict[str, tuple[list[str], list[tuple[object, ...]]]]


def _restore(source: Engine, target: Engine) -> Copied:
    """Copy the core rows the target's (older) schema has columns for; returns (columns, rows) of each table."""
    copied: Copied = {}
    metadata = MetaData()
    metadata.reflect(target, only=list(CORE_TABLES))
    with target.begin() as connection:
        for table in CORE_TABLES:
            columns = _columns(target, table)
            rows = _rows(source, table, columns)
            if rows:
                connection.execute(
                    metadata.tables[table].insert(), [dict(zip(columns, r, strict=True)) for r in rows]
                )
            copied[table] = (columns, rows)
        if connection.dialect.name == "postgresql":
            for table in (
                "departments",
                "publications",
                "snapshots",
            ):  # what pg_restore does after a data load
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                    )
                )
    return copied


@pytest.fixture
def head_ledger(engine: EngineName, databases: Databases) -> Iterator[str]:
    url = databases.new(engine)
    with Ledger(url) as ledger:
        outcomes = ingest_paths(ledger, sorted(SEEDS.glob("*.txt")))
    assert [o.status for o in outcomes] == ["recorded"] * 5
    yield url


@pytest.mark.slow
def test_a_first_migration_ledger_upgrades_step_by_step_to_head_intact(
    head_ledger: str, engine: EngineName, databases: Databases, tmp_path: Path
) -> None:
    url = databases.new(engine)
    old = db.create_ledger_engine(url)
    source = db.create_ledger_engine(head_ledger)
    try:
        db.upgrade(old, FIRST)
        copied = _restore(source, old)
        assert len(copied["snapshots"][1]) == 5 and len(copied["events"][1]) >= 10
        for revision in [FIRST, *revisions_after_first(url)]:
            db.upgrade(old, revision)
            with old.connect() as connection:
                assert db.current_revision(connection) == revision
            for table, (columns, rows) in copied.items():
                assert _rows(old, table, columns) == rows, f"{table} changed by migration {revision}"
            with Ledger(url, migrate=False) as ledger, ledger.read() as session:
                assert verify(session).problems == [], f"verify fails at migration {revision}"
    finally:
        old.dispose()
        source.dispose()
    _works_at_head(url, head_ledger)


def _works_at_head(url: str, head_ledger: str) -> None:
    """The upgraded ledger takes a new revision and rebuilds its derived tables like the one born at head."""
    with Ledger(url) as ledger:
        outcome = ingest_bytes(ledger, revised("laoting-hrss-2024-targets.txt"), name="r2.txt")
        assert (outcome.status, outcome.revision) == ("recorded", 2)
        with ledger.write() as session:
            rebuild(session)
    with Ledger(head_ledger) as ledger:
        ingest_bytes(ledger, revised("laoting-hrss-2024-targets.txt"), name="r2.txt")
    assert ledger_problems(url) == []
    for table in DERIVED_TABLES:
        assert _count(url, table) == _count(head_ledger, table), table


def _count(url: str, table: str) -> int:
    engine = db.create_ledger_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine, only=[table])
        with engine.connect() as connection:
            return int(
                connection.execute(select(func.count()).select_from(metadata.tables[table])).scalar_one()
            )
    finally:
        engine.dispose()
