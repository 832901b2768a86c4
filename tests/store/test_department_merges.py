"""Merging and splitting departments after the fact, on SQLite and PostgreSQL: ``ledger alias add A B`` when both
have snapshots is a department-merged event, every query then sees one department, ``ledger alias remove A`` is a
department-split event that undoes it, and ``ledger verify`` passes throughout."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from cli.main import app
from ledger import store
from ledger.pipeline.ingest import ingest_bytes
from ledger.store import Ledger, events
from ledger.store.schema import SnapshotRow
from ledger.store.verify import verify
from tests.support import key_value_layout, publication

runner = CliRunner()
OFFICE = "江苏省委办公厅"
TABLES_NAME = "中共江苏省委办公厅机关"  # a spelling no name key joins: two departments until merged


@pytest.fixture
def ledger(db_url: str) -> Iterator[Ledger]:
    with key_value_layout(), Ledger(db_url) as opened:
        yield opened


def cli(db_url: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", db_url, *args])
    return result.exit_code, result.stdout, result.stderr


def _rows(ledger: Ledger) -> list[tuple[int | None, int, str]]:
    with ledger.read() as session:
        rows = session.exec(select(SnapshotRow).order_by(SnapshotRow.id))  # type: ignore[arg-type]
        return [(row.id, row.department_id, row.content_hash) for row in rows]


@pytest.mark.slow
def test_merge_and_split_round_trip(ledger: Ledger, db_url: str, tmp_path: Path) -> None:
    ingest_bytes(ledger, publication(OFFICE, 2023, ("办公经费", "10")), name="a")
    ingest_bytes(ledger, publication(TABLES_NAME, 2024, ("办公经费", "12")), name="b")
    assert cli(db_url, "diff", OFFICE, "--year", "2024")[0] == 1  # two departments: no 2024 for the office
    before = _rows(ledger)

    code, out, _ = cli(db_url, "alias", "add", TABLES_NAME, OFFICE)
    assert (code, out) == (
        0,
        f"merged {TABLES_NAME} (1 snapshot) into {OFFICE}; undo with: ledger alias remove {TABLES_NAME}\n",
    )
    assert _rows(ledger) == before  # immutable rows stay as they were
    departments = json.loads(cli(db_url, "departments", "-f", "json")[1])
    assert [(d["name"], d["aliases"], d["merged"], d["years"]) for d in departments] == [
        (OFFICE, [TABLES_NAME], [TABLES_NAME], [2023, 2024])
    ]
    code, out, _ = cli(db_url, "diff", OFFICE, "--year", "2024", "-f", "json")
    assert code == 0
    result = json.loads(out)
    assert (result["scope"], result["old"]["department"], result["new"]["department"]) == (
        "yoy",
        OFFICE,
        OFFICE,
    )
    assert [c["change"] for c in result["changes"]] == ["modified"]  # the merge itself is not a change
    assert cli(db_url, "diff", f"{TABLES_NAME}@2024")[0] == 0  # the merged name still names the department
    listed = json.loads(cli(db_url, "snapshots", "--department", OFFICE, "-f", "json")[1])
    assert [(s["department"], s["fiscal_year"]) for s in listed] == [(OFFICE, 2023), (OFFICE, 2024)]
    shown = json.loads(cli(db_url, "show", f"{TABLES_NAME}@2024", "-f", "json")[1])
    assert shown["department"]["name"] == OFFICE
    history = json.loads(cli(db_url, "history", OFFICE, "-f", "json")[1])
    assert [(v["fiscal_year"], [d["scope"] for d in v["diffs"]]) for v in history] == [
        (2023, []),
        (2024, ["yoy"]),
    ]
    timeline = json.loads(cli(db_url, "history", OFFICE, "--project", "办公经费", "-f", "json")[1])
    assert [step["value"] for step in timeline[0]["steps"]] == ["10", "12"]
    assert cli(db_url, "findings", f"{OFFICE}@2024")[0] == 0
    exported = tmp_path / "all.json"
    assert cli(db_url, "export", "--all", "--to", str(exported))[0] == 0
    versions = json.loads(exported.read_text(encoding="utf-8"))["sheets"]["versions"]
    assert sorted({(v["version"].split("@")[0], v["version"].split("@")[1][:4]) for v in versions}) == [
        (OFFICE, "2023"),
        (OFFICE, "2024"),
    ]
    assert cli(db_url, "verify")[0] == 0

    code, out, _ = cli(db_url, "alias", "remove", TABLES_NAME)
    assert (code, out) == (0, f"split {TABLES_NAME} (1 snapshot) off {OFFICE}\n")
    assert _rows(ledger) == before
    departments = json.loads(cli(db_url, "departments", "-f", "json")[1])
    assert {d["name"]: d["years"] for d in departments} == {OFFICE: [2023], TABLES_NAME: [2024]}
    assert cli(db_url, "diff", OFFICE, "--year", "2024")[0] == 1
    history = json.loads(cli(db_url, "history", TABLES_NAME, "-f", "json")[1])
    assert [(v["fiscal_year"], v["diffs"]) for v in history] == [(2024, [])]
    with ledger.read() as session:
        kinds = [e.type for e in events.list_events(session) if e.type.startswith("department-")]
        assert kinds == [events.DEPARTMENT_MERGED, events.DEPARTMENT_SPLIT]
        assert verify(session).problems == []


def test_verify_names_a_merge_the_events_do_not_record(ledger: Ledger, db_url: str) -> None:
    ingest_bytes(ledger, publication(OFFICE, 2023, ("a", "1")), name="a")
    ingest_bytes(ledger, publication(TABLES_NAME, 2024, ("a", "1")), name="b")
    with ledger.write() as session:
        other = store.department_row(session, TABLES_NAME)
        office = store.department_row(session, OFFICE)
        assert other is not None and office is not None
        other.merged_into = office.id  # a merge behind the ledger's back
        session.add(other)
    with ledger.read() as session:
        assert verify(session).problems == [
            f"department id {other.id}: merged_into is {office.id}, but the event log says not merged"
        ]


@pytest.mark.slow
def test_merging_chains_and_splits_one_link(ledger: Ledger, db_url: str) -> None:
    for number, name in enumerate(("甲局", "乙局", "丙局")):
        ingest_bytes(ledger, publication(name, 2022 + number, ("a", "1")), name=name)
    assert cli(db_url, "alias", "add", "甲局", "乙局")[0] == 0
    assert cli(db_url, "alias", "add", "乙局", "丙局")[0] == 0
    departments = json.loads(cli(db_url, "departments", "-f", "json")[1])
    assert [(d["name"], d["merged"], d["years"]) for d in departments] == [
        ("丙局", ["乙局", "甲局"], [2022, 2023, 2024])
    ]
    assert cli(db_url, "diff", "丙局", "--year", "2023")[0] == 0
    assert cli(db_url, "alias", "remove", "乙局")[0] == 0  # 甲局 stays with 乙局, 乙局 leaves 丙局
    departments = json.loads(cli(db_url, "departments", "-f", "json")[1])
    assert {d["name"]: d["years"] for d in departments} == {"丙局": [2024], "乙局": [2022, 2023]}
    assert cli(db_url, "verify")[0] == 0


def test_an_alias_cannot_take_another_departments_name(ledger: Ledger, db_url: str) -> None:
    haigang, laoting = "秦皇岛市海港区人力资源和社会保障局", "乐亭县人力资源和社会保障局"
    ingest_bytes(ledger, publication(haigang, 2024, ("a", "1")), name="a")
    ingest_bytes(ledger, publication(laoting, 2024, ("b", "2")), name="b")
    code, _, err = cli(db_url, "alias", "add", "海港区", laoting)
    assert code == 1
    assert (
        f" alias add {haigang} {laoting}`" in err
    )  # the user's command (with its --db), merging by full names
    code, out, _ = cli(db_url, "show", "海港区@2024", "-f", "json")
    assert (code, json.loads(out)["department"]["name"]) == (0, haigang)
    [hint] = [shlex.split(found) for found in re.findall(r"`([^`]+)`", err)]
    assert runner.invoke(app, hint[1:]).stdout.startswith(f"merged {haigang} (1 snapshot) into {laoting}")


def test_an_alias_declared_first_does_not_hijack_a_later_department(ledger: Ledger, db_url: str) -> None:
    haigang, laoting = "秦皇岛市海港区人力资源和社会保障局", "乐亭县人力资源和社会保障局"
    ingest_bytes(ledger, publication(laoting, 2024, ("b", "2")), name="b")
    assert cli(db_url, "alias", "add", "海港区", laoting)[0] == 0
    ingest_bytes(ledger, publication(haigang, 2024, ("a", "1")), name="a")
    code, _, err = cli(db_url, "show", "海港区@2024")
    assert code == 1 and "matches several departments" in err  # said, not silently 乐亭县's


def test_names_with_one_key_are_one_department_in_any_order(ledger: Ledger) -> None:
    variants = [
        (2017, "中国共产党江苏省委员会办公厅", "budget-tables"),
        (2018, "中共江苏省委办公厅", "budget-tables"),
        (2018, "江苏省委办公厅", "budget-narrative"),
        (2019, "江苏省委 办公厅", "budget-narrative"),
        (2019, "中共江苏省委办公厅", "budget-tables"),
    ]
    for year, name, kind in reversed(variants):
        outcome = ingest_bytes(ledger, publication(name, year, ("a", "1"), kind=kind), name=f"{year}{kind}")
        assert outcome.status == "recorded"
    with ledger.read() as session:
        names = {store.department_name(session, r.department_id) for r in store.current_snapshots(session)}
        assert names == {"中共江苏省委办公厅"}  # the first spelling seen is the name; the others its aliases


def test_a_probable_name_is_said_with_the_command_that_joins_it(ledger: Ledger, db_url: str) -> None:
    ingest_bytes(ledger, publication("江苏省政协办公厅", 2018, ("a", "1")), name="a")
    path = Path(str(pytest.importorskip("tempfile").mkdtemp())) / "b.txt"
    path.write_bytes(publication("江苏省政协机关办公厅", 2019, ("a", "2")))
    code, out, err = cli(db_url, "ingest", str(path))
    assert code == 0 and "江苏省政协机关办公厅@2019r1" in out
    command = err.split("if so, say: ")[1].strip()
    assert command == "ledger alias add 江苏省政协机关办公厅 江苏省政协办公厅"
    assert cli(db_url, *command.split()[1:])[0] == 0
    assert cli(db_url, "diff", "江苏省政协办公厅", "--year", "2019")[0] == 0


def test_a_former_name_snapshots_were_recorded_under_stays(ledger: Ledger, db_url: str) -> None:
    ingest_bytes(ledger, publication("高新区人社局", 2024, ("a", "1")), name="a")
    assert cli(db_url, "alias", "add", "高新区人社局", "某市高新技术产业开发区人力资源和社会保障局")[0] == 0
    code, _, err = cli(db_url, "alias", "remove", "高新区人社局")
    assert code == 1 and "stays an alias" in err
    assert (
        cli(db_url, "alias", "add", "高新技术产业开发区人社局", "某市高新技术产业开发区人力资源和社会保障局")[
            0
        ]
        == 0
    )
    assert cli(db_url, "alias", "remove", "高新技术产业开发区人社局")[0] == 0
    assert cli(db_url, "verify")[0] == 0


def test_a_comparison_across_departments_sees_a_merged_department_once(ledger: Ledger, db_url: str) -> None:
    from ledger.query.across import compare_across

    ingest_bytes(ledger, publication(OFFICE, 2023, ("办公经费", "10")), name="a")
    ingest_bytes(ledger, publication(TABLES_NAME, 2024, ("办公经费", "12")), name="b")
    ingest_bytes(ledger, publication(OFFICE, 2024, ("办公经费", "12"), kind="project-targets"), name="c")
    assert cli(db_url, "alias", "add", TABLES_NAME, OFFICE)[0] == 0
    with ledger.read() as session:
        entries = compare_across(session, "project", "办公经费", 2024)
    assert sorted((e.department, e.ref.split("/")[-1], e.previous) for e in entries) == [
        (OFFICE, "department-targets", "10"),
        (OFFICE, "project-targets", None),
    ]
