"""Fixtures of the reliability tests: each engine once per module, and a supply of fresh databases on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ledger.pipeline.ingest import ingest_paths
from ledger.store import Ledger
from tests.conftest import SEEDS, require_pg
from tests.reliability.ledgers import Databases, EngineName
from tests.reliability.processes import Zygote


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> EngineName:
    """Tests using this run on an SQLite file and on PostgreSQL (skipped without a server, failed under CI)."""
    if request.param == "postgres":
        require_pg()
    name: EngineName = request.param
    return name


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    supply = Databases(tmp_path_factory.mktemp("ledgers"))
    try:
        yield supply
    finally:
        supply.close()


@pytest.fixture(scope="module")
def seeded_url(engine: EngineName, databases: Databases) -> str:
    """A ledger holding the five seeds, shared by a module's tests (each checks what it adds)."""
    url = databases.new(engine)
    with Ledger(url) as ledger:
        outcomes = ingest_paths(ledger, sorted(SEEDS.glob("*.txt")))
    assert [o.status for o in outcomes] == ["recorded"] * 5
    return url


@pytest.fixture(scope="session")
def zygote() -> Iterator[Zygote]:
    """One warmed-up process that forks the ingest processes of the crash and concurrency tests."""
    process = Zygote()
    try:
        yield process
    finally:
        process.close()
