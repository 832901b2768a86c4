"""Migrations on both engines: upgrade from empty, downgrade/upgrade round trip, schema matches the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from ledger.store import db
from ledger.store.schema import IMMUTABLE_TABLES


def test_upgrade_from_empty_creates_every_table(db_url: str) -> None:
    engine = db.create_ledger_engine(db_url)
    db.upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"publications", "departments", "department_aliases", "snapshots", "events"} <= tables
    with engine.connect() as connection:
        assert db.current_revision(connection) == db.head_revision(db_url)
    engine.dispose()


def test_models_and_migrations_agree(db_url: str) -> None:
    """Autogenerate finds nothing to do at head: every model change has its migration (compare_type on)."""
    engine = db.create_ledger_engine(db_url)
    db.upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
    engine.dispose()


@pytest.mark.slow
def test_downgrade_to_base_and_upgrade_again(db_url: str) -> None:
    engine = db.create_ledger_engine(db_url)
    db.upgrade(engine)
    db.downgrade(engine, "base")
    remaining = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert remaining == set()
    db.upgrade(engine)
    assert set(IMMUTABLE_TABLES) <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_schema_head_constant_is_the_head_of_the_migrations(sqlite_url: str) -> None:
    """Opening a ledger trusts db.SCHEMA_HEAD instead of reading the scripts: it must name the real head."""
    assert db.SCHEMA_HEAD == db.head_revision(sqlite_url)
