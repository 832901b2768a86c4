"""Database connection, transactions and schema migrations, for SQLite (embedded default) and PostgreSQL.

Writers serialise: on SQLite a write transaction starts with ``BEGIN IMMEDIATE`` (a deferred transaction that reads
then writes fails at once under concurrency, busy timeout or not); on PostgreSQL it takes a transaction-scoped
advisory lock, so the event chain is appended by one writer at a time.
"""

from __future__ import annotations

import importlib.util
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlmodel import Session

from ledger.errors import LedgerError

if TYPE_CHECKING:
    from alembic.config import Config

#: The newest migration. Opening a ledger compares it with the database's alembic_version row without loading
#: alembic or the migration scripts (a test checks it is the head of ``migrations/``); only a ledger that is behind
#: pays for them.
SCHEMA_HEAD = "0006"

DEFAULT_URL = "sqlite:///ledger.db"
#: Arbitrary constant naming the ledger's writer lock on PostgreSQL (pg_advisory_xact_lock).
PG_WRITER_LOCK = 0x1ED6E5
SQLITE_BUSY_TIMEOUT_S = 60
_WRITE = "ledger_write"


def resolve_url(db: str | None = None) -> str:
    """``--db`` value, else ``LEDGER_DB``, else ``./ledger.db``. A bare path means an SQLite file."""
    value = db or os.environ.get("LEDGER_DB") or DEFAULT_URL
    if "://" not in value:
        return f"sqlite:///{value}"
    if value.startswith("postgresql://"):
        return "postgresql+psycopg://" + value.removeprefix("postgresql://")
    return value


def create_ledger_engine(url: str) -> Engine:
    """An engine set up for the ledger: WAL and busy timeout on SQLite; explicit BEGIN handling for writers.

    Raises :class:`~ledger.errors.LedgerError` for a URL that is not SQLite or PostgreSQL, or whose driver is missing.
    """
    try:
        sa_url = make_url(url)
    except ArgumentError as exc:
        raise LedgerError(f"not a database URL: {url!r} (use a file path or postgresql://…)") from exc
    backend = sa_url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise LedgerError(f"unsupported database {backend!r}: the ledger runs on SQLite or PostgreSQL")
    try:
        if backend == "sqlite":
            engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
            _configure_sqlite(engine)
            return engine
        return create_engine(url, pool_pre_ping=True)
    except ImportError as exc:
        raise LedgerError(
            f"no driver for {sa_url.drivername}: {exc.name} is not installed "
            "(PostgreSQL: pip install 'budget-ledger[postgres]')"
        ) from exc


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling is switched off so that BEGIN is ours to emit (SQLAlchemy's documented
    # recipe); writers then say BEGIN IMMEDIATE and take the write lock before their first read.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        _switch_to_wal(cursor)
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = "IMMEDIATE" if connection.get_execution_options().get(_WRITE) else "DEFERRED"
        connection.exec_driver_sql(f"BEGIN {mode}")


def _switch_to_wal(cursor: Any) -> None:
    """``PRAGMA journal_mode=WAL``, waiting as long as a busy timeout would.

    SQLite does not call the busy handler for a journal-mode change it cannot make yet: a new ledger file that
    another process is already writing (its first transaction, before that process's own switch to WAL took
    effect) answers "database is locked" at once. Several ``ledger`` commands starting together on a new file do
    exactly that, so the switch is retried until the other writer commits; once the file is in WAL mode the
    pragma is a no-op.
    """
    import sqlite3

    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def is_sqlite(bind: Engine | Connection) -> bool:
    return bind.dialect.name == "sqlite"


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One write transaction: commits on success, rolls back on any exception. Writers are serialised."""
    with engine.connect().execution_options(**{_WRITE: True}) as connection:
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_WRITER_LOCK})
            with Session(bind=connection) as session:
                yield session
                session.flush()


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A read-only session (one consistent snapshot of the database on both engines)."""
    with engine.connect() as connection:
        with connection.begin():
            with Session(bind=connection) as session:
                yield session


def migrations_folder() -> Path:
    """Where the alembic scripts are: the ``migrations/`` folder, installed as the package ``ledger_migrations``."""
    spec = importlib.util.find_spec("ledger_migrations")
    if spec is None or spec.origin is None:
        raise LedgerError("the migration scripts (package ledger_migrations) are not installed")
    return Path(spec.origin).parent


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_folder()))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision(url: str) -> str | None:
    """The head of the migration scripts (reads them; :data:`SCHEMA_HEAD` is the cheap answer)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at (None for an empty database), read with one query."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` inside one serialised write transaction (safe with concurrent starters)."""
    from alembic import command

    _run_migration(engine, lambda config: command.upgrade(config, revision))


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    _run_migration(engine, lambda config: command.downgrade(config, revision))


def _run_migration(engine: Engine, action: Any) -> None:
    url = engine.url.render_as_string(hide_password=False)
    with engine.connect().execution_options(**{_WRITE: True}) as connection:
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_WRITER_LOCK})
            config = alembic_config(url)
            config.attributes["connection"] = connection
            action(config)


def ensure_schema(engine: Engine) -> None:
    """Upgrade to head when the database is behind (a new ledger file needs no set-up step)."""
    with engine.connect() as connection:
        if current_revision(connection) == SCHEMA_HEAD:
            return
    upgrade(engine)
