"""Departments and aliases: one department however the publications spell it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from ledger import store
from ledger.pipeline.ingest import ingest_bytes
from ledger.store import Ledger, events
from ledger.store.departments import add_alias, list_departments
from tests.support import key_value_layout, publication

FULL = "某市高新技术产业开发区人力资源和社会保障局"


@pytest.fixture
def ledger(db_url: str) -> Iterator[Ledger]:
    with key_value_layout(), Ledger(db_url) as opened:
        yield opened


@pytest.mark.slow
def test_alias_renames_a_department_first_seen_under_its_short_name(ledger: Ledger) -> None:
    ingest_bytes(ledger, publication("高新区人社局", 2024, ("a", "1")), name="a")
    with ledger.write() as session:
        add_alias(session, "高新区人社局", FULL)
    later = ingest_bytes(ledger, publication("高新区人社局", 2025, ("a", "1")), name="b")
    assert later.ref == f"{FULL}@2025r1/department-targets"
    with ledger.read() as session:
        [info] = list_departments(session)
        assert (info.name, info.aliases, info.years) == (FULL, ["高新区人社局"], [2024, 2025])
        assert store.resolve_ref(session, "高新区人社局@2024").fiscal_year == 2024
        assert events.list_events(session, event_type=events.ALIAS_ADDED)[0].payload == {
            "alias": "高新区人社局",
            "department": FULL,
            "department_id": info.id,
            "by": "renamed",
        }


@pytest.mark.slow
def test_alias_of_a_known_department(ledger: Ledger) -> None:
    ingest_bytes(ledger, publication(FULL, 2024, ("a", "1")), name="a")
    with ledger.write() as session:
        add_alias(session, "高新区人社局", FULL)
    second = ingest_bytes(ledger, publication("高新区人社局", 2024, ("a", "2")), name="b")
    assert (second.ref, second.revision) == (f"{FULL}@2024r2/department-targets", 2)


def test_unknown_names_are_declared_before_any_ingest(ledger: Ledger) -> None:
    with ledger.write() as session:
        outcome = add_alias(session, "某局", "另一个局")
    assert (outcome.effect, outcome.department) == ("created", "另一个局")
    later = ingest_bytes(ledger, publication("某局", 2024, ("a", "1")), name="a")
    assert later.ref == "另一个局@2024r1/department-targets"


@pytest.mark.slow
def test_cli_alias_add_and_departments(tmp_path: Path) -> None:
    runner = CliRunner()
    source = tmp_path / "p.txt"
    source.write_bytes(publication("高新区人社局", 2024, ("a", "1")))
    db = str(tmp_path / "l.db")
    with key_value_layout():
        assert runner.invoke(app, ["--db", db, "ingest", str(source)]).exit_code == 0
        result = runner.invoke(app, ["--db", db, "alias", "add", "高新区人社局", FULL])
        assert (result.exit_code, result.stdout) == (0, f"高新区人社局 -> {FULL}\n")
        result = runner.invoke(app, ["--db", db, "departments", "--format", "json"])
    assert result.exit_code == 0
    assert '"aliases": [\n      "高新区人社局"\n    ]' in result.stdout
