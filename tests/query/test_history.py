"""Reactions, derived tables and history queries on the real sample series (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from cli.main import app
from ledger.clock import set_clock
from ledger.errors import LedgerError
from ledger.pipeline.derive import rebuild
from ledger.pipeline.ingest import ingest_bytes
from ledger.query.history import department_history, entity_timelines, parse_as_of
from ledger.store import Ledger, events
from ledger.store.schema import ChangeRow, DiffRow, EntityValueRow, FindingRow

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
HAIGANG = [
    SAMPLES / "seeds" / "haigang-hrss-2024-budget.txt",
    SAMPLES / "haigang" / "haigang-hrss-2024-budget-r2.txt",
    SAMPLES / "haigang" / "haigang-hrss-2025-budget.txt",
]
# The 2023 publication arrives after 2024's: its yoy diff and lineage must still come out right.
LAOTING = [
    SAMPLES / "seeds" / "laoting-hrss-2024-targets.txt",
    SAMPLES / "laoting" / "laoting-hrss-2023-targets.txt",
]


def _ingest(ledger: Ledger, paths: list[Path]) -> None:
    for path in paths:
        assert ingest_bytes(ledger, path.read_bytes(), name=path.name).status == "recorded"


@pytest.fixture
def ledger(db_url: str) -> Iterator[Ledger]:
    with Ledger(db_url) as opened:
        _ingest(opened, HAIGANG + LAOTING)
        yield opened


@pytest.mark.slow
def test_recording_a_snapshot_records_its_diffs_and_findings(ledger: Ledger) -> None:
    with ledger.read() as session:
        detected = events.list_events(session, event_type=events.CHANGES_DETECTED)
        assert [(e.payload["scope"], e.payload["modified"], e.payload["renamed"]) for e in detected] == [
            ("revision", 32, 1),
            ("yoy", 45, 3),
            ("yoy", 12, 1),  # Laoting 2023 → 2024, recorded when 2023 arrived
        ]
        assert "carry-over-reconciled" in detected[0].payload["detections"]
        raised = events.list_events(session, event_type=events.FINDING_RAISED)
        assert raised[0].payload["new"] > 0
        assert session.execute(select(func.count()).select_from(FindingRow)).scalar_one() > 0


@pytest.mark.slow
def test_department_history_counts_each_step(ledger: Ledger) -> None:
    with ledger.read() as session:
        versions = department_history(session, "海港")
    assert [(v.fiscal_year, v.revision) for v in versions] == [(2024, 1), (2024, 2), (2025, 1)]
    assert versions[0].diffs == []
    step = versions[1].diffs[0]
    assert (step.scope, step.modified, step.renamed, step.moved, step.budget_delta) == (
        "revision",
        32,
        1,
        1,
        "5",
    )


@pytest.mark.slow
def test_indicator_timeline_follows_renames_and_year_recoding(ledger: Ledger) -> None:
    with ledger.read() as session:
        [timeline] = entity_timelines(session, "乐亭", project="人才市场运行经费", indicator="办公人数")
    assert [(s.fiscal_year, s.value) for s in timeline.steps] == [(2023, "≥50人"), (2024, "≥50人")]
    [rename] = timeline.steps[1].changes
    assert (rename["change"], rename["old"], rename["new"], rename["matched_by"]) == (
        "renamed",
        "办公人数（人）",
        "办公人数",
        "name-without-unit",
    )


@pytest.mark.slow
def test_project_and_line_timelines(ledger: Ledger) -> None:
    with ledger.read() as session:
        [project] = entity_timelines(session, "海港", project="专网维护费")
        lines = entity_timelines(session, "海港", line="2080799")
    assert [s.value for s in project.steps] == ["16.5", "16.5", "14.5"]
    assert project.steps[2].changes[0]["matched_by"] == "code-year-masked"
    assert {t.entity for t in lines} == {"function_line", "fiscal_function_line"}
    assert [s.value for s in lines[0].steps] == ["70.39", "75.39", "70.39"]


@pytest.mark.slow
def test_rebuild_reproduces_the_derived_tables(ledger: Ledger) -> None:
    def counts() -> tuple[int, ...]:
        with ledger.read() as session:
            return tuple(
                session.execute(select(func.count()).select_from(t)).scalar_one()
                for t in (EntityValueRow, DiffRow, ChangeRow, FindingRow)
            )

    before = counts()
    with ledger.write() as session:
        assert rebuild(session) == 5
    assert counts() == before


def test_as_of_answers_with_the_ledger_as_it_stood(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    moments = iter([datetime(2024, 3, 1, tzinfo=UTC)] * 4 + [datetime(2024, 6, 1, tzinfo=UTC)] * 100)
    previous = set_clock(lambda: next(moments))
    try:
        with Ledger(str(tmp_path / "l.db")) as ledger:
            _ingest(ledger, HAIGANG[:2])
            with ledger.read() as session:
                early = department_history(session, "海港", as_of=parse_as_of("2024-04-01"))
                late = department_history(session, "海港", as_of=parse_as_of("2024-07-01"))
    finally:
        set_clock(previous)
    assert [v.revision for v in early] == [1]
    assert [v.revision for v in late] == [1, 2]


@pytest.mark.parametrize("text", ["yesterday", "2024-13-01", "2024-05-01T12:00:00"])
def test_bad_as_of_is_a_clear_error(text: str) -> None:
    with pytest.raises(LedgerError, match="--as-of"):
        parse_as_of(text)


@pytest.mark.slow
def test_cli_history(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "l.db")
    assert runner.invoke(app, ["--db", db, "ingest", *map(str, LAOTING)]).exit_code == 0
    result = runner.invoke(app, ["--db", db, "history", "乐亭", "--indicator", "公开招聘次数", "-f", "csv"])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "entity,label,version,value,changes",
        "indicator,招聘工作经费 › 产出指标 › 数量指标 › 公开招聘次数,乐亭县人力资源和社会保障局@2023r1/department-targets,≥8次,",
        "indicator,招聘工作经费 › 产出指标 › 数量指标 › 公开招聘次数,乐亭县人力资源和社会保障局@2024r1/department-targets,≥6次,"
        "modified 指标值: ≥8次 → ≥6次; loosened; Δ -2; matched by key",
    ]
    result = runner.invoke(app, ["--db", db, "history", "乐亭", "-f", "json"])
    assert [v["revision"] for v in json.loads(result.stdout)] == [1, 1]
    result = runner.invoke(app, ["--db", db, "history", "乐亭", "--indicator", "不存在的指标"])
    assert (result.exit_code, result.stderr) == (1, "nothing named '不存在的指标' in 乐亭's versions\n")
    result = runner.invoke(app, ["--db", db, "rebuild"])
    assert (result.exit_code, result.stdout) == (0, "rebuilt the derived tables of 2 snapshots\n")
