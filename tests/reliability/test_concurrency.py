"""Several ingest processes at once (docs/architecture.md §5, §9): on SQLite (WAL, BEGIN IMMEDIATE) and on PostgreSQL (advisory
lock), overlapping sets of publications — the seeds, second revisions, the same content in other bytes, an
unreadable file — each in its own order. Each publication is recorded once, revisions are gapless per series, the
chain verifies, no process fails on a lock, and each file is new to exactly one process."""

from __future__ import annotations

import random
import sqlite3
import threading
from pathlib import Path

import pytest

from ledger.store.db import create_ledger_engine
from tests.reliability.inputs import seed_bytes
from tests.reliability.ledgers import Databases, EngineName
from tests.reliability.processes import Zygote, concurrent_ingest, overlapping_sets, write_files


@pytest.mark.slow
@pytest.mark.parametrize(
    ("start", "workers", "share", "seed"),
    [("fresh", 4, 0.75, 1), ("seeded", 4, 1.0, 3)],
    ids=["fresh-4-overlapping", "seeded-4-all-files"],
)
def test_concurrent_ingests_record_each_publication_once(
    engine: EngineName,
    databases: Databases,
    seeded_url: str,
    zygote: Zygote,
    tmp_path: Path,
    start: str,
    workers: int,
    share: float,
    seed: int,
) -> None:
    """``fresh``: the processes also race to create the schema; ``seeded``: the seeds are there already."""
    files = write_files(tmp_path / "in")
    sets = overlapping_sets(files, workers, share, random.Random(seed))
    if start == "fresh":
        url, known = databases.scratch(engine), frozenset[str]()
    else:
        url, known = databases.copy(seeded_url), frozenset(seed_bytes())
    result = concurrent_ingest(url, engine, sets, zygote=zygote, folder=tmp_path, known=known)
    assert result.ok, result


@pytest.mark.slow
def test_fresh_interpreters_released_together_record_each_publication_once(
    databases: Databases, tmp_path: Path
) -> None:
    """The same with three separate ``python`` processes (no shared parent), on SQLite."""
    files = write_files(tmp_path / "in")
    sets = overlapping_sets(files, 3, 0.8, random.Random(4))
    result = concurrent_ingest(databases.scratch("sqlite"), "sqlite", sets)
    assert result.ok, result


@pytest.mark.slow
def test_a_new_ledger_file_another_process_is_writing_opens_when_it_commits(tmp_path: Path) -> None:
    """The race behind a rare 'database is locked' when several commands start on a new file: SQLite answers the
    switch to WAL at once, without its busy handler, while another connection holds the first write lock."""
    path = tmp_path / "new.db"
    other = sqlite3.connect(path, isolation_level=None, timeout=0, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("CREATE TABLE written_first (x)")
    committer = threading.Timer(0.3, other.execute, ("COMMIT",))
    committer.start()
    try:
        engine = create_ledger_engine(f"sqlite:///{path}")
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        engine.dispose()
    finally:
        committer.join()
        other.close()
