"""Throw-away ledgers for benchmarks: an SQLite file in a temporary folder, or a PostgreSQL database made and dropped.

PostgreSQL: the server at ``LEDGER_BENCH_PG`` (default ``postgresql://postgres@127.0.0.1:5432``); the benchmark
creates its own database (``ledger_bench`` unless told otherwise) and drops it afterwards unless asked to keep it.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

PG_SERVER = os.environ.get("LEDGER_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass(frozen=True)
class BenchDatabase:
    backend: str
    url: str
    path: Path | None = None  # the SQLite file

    def size_mb(self) -> float | None:
        if self.path is not None:
            files = [self.path, Path(f"{self.path}-wal")]
            return round(sum(f.stat().st_size for f in files if f.exists()) / 1e6, 1)
        engine = create_engine(self.url)
        try:
            with engine.connect() as connection:
                size = connection.execute(text("SELECT pg_database_size(current_database())")).scalar()
        finally:
            engine.dispose()
        return round(int(size or 0) / 1e6, 1)


@contextmanager
def sqlite_ledger(keep: Path | None = None) -> Iterator[BenchDatabase]:
    """A fresh SQLite ledger file; kept at ``keep`` (replacing what was there) if given, else deleted after."""
    if keep is not None:
        keep.parent.mkdir(parents=True, exist_ok=True)
        for stale in (keep, Path(f"{keep}-wal"), Path(f"{keep}-shm")):
            stale.unlink(missing_ok=True)
        yield BenchDatabase("sqlite", f"sqlite:///{keep}", keep)
        return
    folder = Path(tempfile.mkdtemp(prefix="ledger-bench-"))
    try:
        path = folder / "ledger.db"
        yield BenchDatabase("sqlite", f"sqlite:///{path}", path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def postgres_ledger(name: str = "ledger_bench", *, keep: bool = False) -> Iterator[BenchDatabase]:
    """A fresh PostgreSQL database ``name`` (dropped first if it exists); dropped afterwards unless ``keep``."""
    if not _NAME.match(name):
        raise ValueError(f"not a plain database name: {name!r}")
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {name}"))
        yield BenchDatabase("postgres", f"{PG_SERVER}/{name}")
    finally:
        if not keep:
            with admin.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def postgres_available() -> bool:
    engine = create_engine(f"{PG_SERVER}/postgres")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "no server to benchmark"
        return False
    finally:
        engine.dispose()
