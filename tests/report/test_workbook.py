"""Exports of diffs, histories, findings comparisons and the department's audit workbook (ledger.workbook), written
by the shared writers of ledger.export and read back: sheets, frozen header, Chinese headers, number formats, exact
values. The ledger is the bundled sample ledger (``ledger demo``); samples/README.md lists every planted edit."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session

from ledger.demo import run_demo
from ledger.errors import NotFoundError
from ledger.model.canonical import to_jsonable
from ledger.query import comparisons as compare
from ledger.query.history import department_history, entity_timelines
from ledger.report import writers as export
from ledger.report.columns import columns_for
from ledger.report.workbook import (
    audit_sheets,
    change_record,
    change_summary,
    diff_sheets,
    timeline_records,
    version_records,
)
from ledger.store import Ledger

HAIGANG = "秦皇岛市海港区人力资源和社会保障局"
R1, R2 = f"{HAIGANG}@2024r1/budget-disclosure", f"{HAIGANG}@2024r2/budget-disclosure"
Y2025 = f"{HAIGANG}@2025r1/budget-disclosure"
PROJECT_22 = "秦财社[2022]794-提前下达2023年中央就业补助资金预算指标"


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    """The sample ledger; tests only read it."""
    opened = Ledger(f"sqlite:///{tmp_path_factory.mktemp('workbook') / 'ledger.db'}")
    run_demo(opened)
    yield opened
    opened.close()


@pytest.fixture
def session(ledger: Ledger) -> Iterator[Session]:
    with ledger.read() as opened:
        yield opened


def revision_sheets(session: Session) -> dict[str, list[dict[str, Any]]]:
    found = compare.compare_refs(session, "海港区@2024r1", "海港区@2024r2")
    return diff_sheets([(found.old_ref, found.new_ref, found.result)])


def rows_of(sheet: Worksheet) -> list[dict[str, Any]]:
    header = [str(cell.value) for cell in sheet[1]]
    return [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]


def _exact(value: Any) -> Decimal:
    return Decimal(str(value))


# --- diffs --------------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_revision_diff_as_records(session: Session) -> None:
    sheets = revision_sheets(session)
    assert list(sheets) == ["diff_summary", "changes", "detections"]
    assert sheets["diff_summary"] == [
        {
            "old_version": R1,
            "new_version": R2,
            "scope": "revision",
            "total": 34,
            "added": 0,
            "removed": 0,
            "modified": 32,
            "renamed": 1,
            "moved": 1,
            "budget_old": Decimal("4078.23"),
            "budget_new": Decimal("4083.23"),
            "budget_delta": Decimal("5"),
            "budget_pct": Decimal("0.12"),
            "project_budget_old": Decimal("2132.39"),
            "project_budget_new": Decimal("2137.39"),
            "project_budget_delta": Decimal("5"),
            "project_budget_pct": Decimal("0.23"),
            "detections": 15,
            "notes": [],
        }
    ]
    changes = {(c["label"], c["field"]): c for c in sheets["changes"]}
    assert len(sheets["changes"]) == 34
    amount = changes[(PROJECT_22, "amount")]  # R1: 40.39 → 45.39
    assert (amount["old"], amount["new"], amount["delta"], amount["pct"]) == (
        Decimal("40.39"),
        Decimal("45.39"),
        Decimal("5"),
        Decimal("12.38"),
    )
    assert (amount["old_version"], amount["new_version"], amount["matched_by"]) == (R1, R2, "code")
    value = changes[(f"{PROJECT_22} › 产出指标 › 时效指标 › 补贴发放及时率", "value")]  # R6
    assert (value["old"], value["new"], value["delta"], value["pct"], value["direction"]) == (
        "≥90%",
        "≥85%",
        Decimal("-5"),
        Decimal("-5.56"),
        "loosened",
    )
    assert {d["code"] for d in sheets["detections"]} >= {"carry-over-changed", "carry-over-reconciled"}
    assert all((d["old_version"], d["new_version"]) == (R1, R2) for d in sheets["detections"])


@pytest.mark.parametrize(
    ("old", "new", "delta", "expected"),
    [
        ("40.39", "45.39", "5", (Decimal("40.39"), Decimal("45.39"))),  # a numeric change: numbers
        ("-2", "0", "2", (Decimal("-2"), Decimal("0"))),
        ("≥90%", "≥85%", "-5", ("≥90%", "≥85%")),  # 指标值 stay text, their Δ is a number
        ("2080101", "2080102", None, ("2080101", "2080102")),  # a code is text: no Δ
        ("16.5", None, None, ("16.5", None)),  # no Δ, no number (the stored form cannot tell)
        (["唐财社[2023]170号"], None, None, (["唐财社[2023]170号"], None)),
        (56, 58, "2", (56, 58)),  # counts stay integers
    ],
)
def test_old_and_new_are_numbers_exactly_in_numeric_changes(
    old: Any, new: Any, delta: str | None, expected: tuple[Any, Any]
) -> None:
    stored = {"scope": "yoy", "entity": "project", "key": "k", "label": "l", "change": "modified"}
    record = change_record({**stored, "old": old, "new": new, "delta": delta}, "a", "b")
    assert (record["old"], record["new"]) == expected
    assert record["delta"] == (None if delta is None else Decimal(delta))


def test_stored_change_records_export_as_the_engine_computed_them(session: Session) -> None:
    """The audit workbook reads the changes table; the same pair diffed afresh gives the very same rows."""
    fresh = revision_sheets(session)
    stored = audit_sheets(session, "海港区")
    assert [c for c in stored["changes"] if c["new_version"] == R2] == fresh["changes"]
    assert [d for d in stored["detections"] if d["new_version"] == R2] == fresh["detections"]


def test_diff_workbook_read_back(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "diff.xlsx"
    export.to_xlsx(revision_sheets(session), path)
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["汇总", "变更", "检测"]
    assert [workbook[name].freeze_panes for name in workbook.sheetnames] == ["A2"] * 3
    changes = workbook["变更"]
    assert [cell.value for cell in changes[1]] == [
        "原版本",
        "新版本",
        "对比类型",
        "对象类型",
        "名称",
        "变更类型",
        "字段",
        "字段名称",
        "原值",
        "新值",
        "变化额",
        "变化率（%）",
        "方向",
        "匹配方式",
        "相似度",
        "标记",
        "键",
        "原键",
    ]
    rows = {(row["名称"].value, row["字段"].value): row for row in rows_of(changes)}
    amount = rows[(PROJECT_22, "amount")]
    assert [_exact(amount[name].value) for name in ("原值", "新值", "变化额", "变化率（%）")] == [
        Decimal("40.39"),
        Decimal("45.39"),
        Decimal("5"),
        Decimal("12.38"),
    ]
    assert {amount[name].number_format for name in ("原值", "新值", "变化额", "变化率（%）")} == {"0.00"}
    assert amount["标记"].value == "carry-over；reused-notice"
    value = rows[(f"{PROJECT_22} › 产出指标 › 时效指标 › 补贴发放及时率", "value")]
    assert (value["原值"].value, value["原值"].number_format) == ("≥90%", "General")
    assert (_exact(value["变化额"].value), value["变化额"].number_format) == (Decimal("-5"), "0.00")
    summary = rows_of(workbook["汇总"])
    assert [(row["变更数"].value, _exact(row["支出总计·变化额（万元）"].value)) for row in summary] == [
        (34, Decimal("5"))
    ]
    assert summary[0]["变更数"].number_format == "General"  # a count, not money


def test_diff_csv_and_json_round_trip(session: Session, tmp_path: Path) -> None:
    sheets = revision_sheets(session)
    written = export.write(sheets, tmp_path / "diff.csv")
    assert [p.name for p in written] == ["diff.diff_summary.csv", "diff.changes.csv", "diff.detections.csv"]
    with (tmp_path / "diff.changes.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 34
    amount = next(r for r in rows if (r["名称"], r["字段"]) == (PROJECT_22, "amount"))
    assert (amount["原值"], amount["新值"], amount["变化额"], amount["变化率（%）"], amount["标记"]) == (
        "40.39",
        "45.39",
        "5",
        "12.38",
        "carry-over；reused-notice",
    )
    export.write(sheets, tmp_path / "diff.json")
    data = json.loads((tmp_path / "diff.json").read_text(encoding="utf-8"))
    assert data == {"schema": "ledger.export/1", "sheets": to_jsonable(sheets)}
    assert data["sheets"]["diff_summary"][0]["budget_old"] == "4078.23"


# --- history ------------------------------------------------------------------------------------------------------


def test_versions_one_row_per_comparison(session: Session) -> None:
    records = version_records(department_history(session, "海港区"))
    assert [(r["version"], r.get("base"), r.get("scope"), r.get("budget_delta")) for r in records] == [
        (R1, None, None, None),
        (R2, R1, "revision", Decimal("5")),
        (Y2025, R2, "yoy", Decimal("-5")),
    ]
    assert (records[1]["modified"], records[1]["renamed"], records[1]["moved"]) == (32, 1, 1)


def test_a_project_timeline_carries_amounts_as_numbers(session: Session, tmp_path: Path) -> None:
    records = timeline_records(entity_timelines(session, "海港区", project="专网维护费"))
    assert [(r["entity"], r["version"], r["value"], r["present"]) for r in records] == [
        ("project", R1, Decimal("16.5"), True),
        ("project", R2, Decimal("16.5"), True),
        ("project", Y2025, Decimal("14.5"), True),  # Y8
    ]
    assert records[2]["changes"] == [
        "modified 预算数: 16.5 → 14.5; Δ -2; matched by code-year-masked",
        "modified 其中：财政资金: 16.5 → 14.5; Δ -2; matched by code-year-masked",
    ]
    path = tmp_path / "timeline.xlsx"
    export.to_xlsx({"timeline": records}, path)
    sheet = load_workbook(path)["时间线"]
    assert [cell.value for cell in sheet[1]] == [
        "对象类型",
        "名称",
        "版本",
        "年度",
        "修订号",
        "存在",
        "当时名称",
        "值",
        "变化",
    ]
    last = rows_of(sheet)[2]
    assert (_exact(last["值"].value), last["值"].number_format, last["年度"].number_format) == (
        Decimal("14.5"),
        "0.00",
        "General",
    )
    changes = records[2]["changes"]
    assert isinstance(changes, list)
    assert last["变化"].value == "；".join(changes)  # one cell, the records joined


def test_an_indicator_timeline_keeps_its_values_as_text(session: Session) -> None:
    timelines = entity_timelines(session, "海港区", project="秦财社[2022]794", indicator="补贴发放及时率")
    records = timeline_records(timelines)
    assert [(r["value"], r["changes"]) for r in records] == [
        ("≥90%", []),
        ("≥85%", ["modified 指标值: ≥90% → ≥85%; loosened; Δ -5; matched by key"]),
        ("≥90%", ["modified 指标值: ≥85% → ≥90%; tightened; Δ +5; matched by key"]),
    ]


@pytest.mark.parametrize(
    ("change", "text"),
    [
        ({"change": "added", "new": "18"}, "added (18)"),
        ({"change": "removed", "old": "60", "delta": "-60"}, "removed (60); Δ -60"),
        (
            {"change": "modified", "field_label": "资金文件", "old": ["166号"], "new": ["170号", "171号"]},
            "modified 资金文件: 166号 → 170号, 171号",
        ),
        ({"change": "modified", "field": "unit", "old": None, "new": "万元"}, "modified unit: (none) → 万元"),
        (
            {"change": "renamed", "field_label": "名称", "old": "a", "new": "b", "matched_by": "fuzzy-name"},
            "renamed 名称: a → b; matched by fuzzy-name",
        ),
    ],
)
def test_change_summary(change: dict[str, Any], text: str) -> None:
    assert change_summary(change) == text


# --- the audit workbook -------------------------------------------------------------------------------------------


def test_audit_sheets_of_a_department(session: Session) -> None:
    sheets = audit_sheets(session, "海港区")
    assert list(sheets) == ["versions", "changes", "detections", "findings", "projects", "indicators"]
    assert len(sheets["versions"]) == 3
    assert [(c["old_version"], c["new_version"]) for c in sheets["changes"]] == [(R1, R2)] * 34 + [
        (R2, Y2025)
    ] * 61
    statuses = [(f["snapshot"], f["status"], f.get("base"), f["rule"]) for f in sheets["findings"]]
    assert statuses == [
        (R1, "new", None, "cost-exceeds-budget"),
        (R1, "new", None, "empty-indicator"),
        (R2, "persisting", R1, "cost-exceeds-budget"),
        (R2, "persisting", R1, "empty-indicator"),
        (Y2025, "new", R2, "carry-over-unreconciled"),  # project 16's 5.00 is not in the carry-over
        (Y2025, "new", R2, "stale-year-reference"),  # Y12: 按2023年度标准核定的…
        (Y2025, "persisting", R2, "cost-exceeds-budget"),
        (Y2025, "persisting", R2, "empty-indicator"),
    ]
    # the latest revision of each series: 2024r2 and 2025r1, 24 projects each
    assert [(p["snapshot"], p["name"]) for p in sheets["projects"]].count((R2, "专网维护费")) == 1
    assert {p["snapshot"] for p in sheets["projects"]} == {R2, Y2025}
    assert len(sheets["projects"]) == 48
    assert {i["snapshot"] for i in sheets["indicators"]} == {R2, Y2025}


def test_audit_sheets_of_every_department(session: Session) -> None:
    sheets = audit_sheets(session)
    assert len(sheets["versions"]) == 9  # every snapshot of the sample ledger, each diffed at most once
    names = [(str(f["snapshot"]), f["status"]) for f in sheets["findings"]]
    laoting = [(name.split("@")[1], status) for name, status in names if "乐亭县" in name]
    # Laoting 2023 was ingested after 2024, yet comes first; 2024's findings persist from 2023's
    assert (
        laoting
        == [("2023r1/department-targets", "new")] * 6 + [("2024r1/department-targets", "persisting")] * 6
    )
    assert {c["new_version"] for c in sheets["changes"]} == {
        R2,
        Y2025,
        "乐亭县人力资源和社会保障局@2024r1/department-targets",
    }


def test_audit_sheets_of_an_unknown_department(session: Session) -> None:
    with pytest.raises(NotFoundError, match="no department matches '乙局'"):
        audit_sheets(session, "乙局")


@pytest.mark.slow
def test_audit_workbook_read_back(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "audit.xlsx"
    export.to_xlsx(audit_sheets(session, "海港区"), path)
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["版本", "变更", "检测", "审计发现", "项目", "绩效指标"]
    assert {workbook[name].freeze_panes for name in workbook.sheetnames} == {"A2"}
    assert [cell.value for cell in workbook["审计发现"][1]] == [
        "快照",
        "状态",
        "对比基准",
        "严重程度",
        "规则",
        "位置",
        "说明",
        "键",
        "数据",
    ]
    assert [cell.value for cell in workbook["项目"][1]][:4] == ["快照", "项目编码", "项目名称", "单位"]
    projects = rows_of(workbook["项目"])
    budget = [row for row in projects if row["快照"].value == Y2025]
    assert sum((_exact(row["预算数（万元）"].value) for row in budget), Decimal(0)) == Decimal("2132.39")
    assert {row["预算数（万元）"].number_format for row in budget} == {"0.00"}
    versions = rows_of(workbook["版本"])
    assert [(row["修订号"].value, row["对比类型"].value) for row in versions] == [
        (1, None),
        (2, "revision"),
        (1, "yoy"),
    ]
    assert _exact(versions[2]["支出总计·变化额（万元）"].value) == Decimal("-5")


# --- the shared writer --------------------------------------------------------------------------------------------


def test_context_columns_only_when_records_carry_them() -> None:
    assert [c.header for c in columns_for("findings", [])][:2] == ["严重程度", "规则"]
    assert [c.header for c in columns_for("projects", [])][0] == "项目编码"
    assert [c.header for c in columns_for("findings", [{"snapshot": "x", "rule": "r"}])] == ["快照", "规则"]


def test_integers_in_amount_columns_are_not_money(tmp_path: Path) -> None:
    path = tmp_path / "summary.xlsx"
    export.to_xlsx(
        {"summary": [{"item": "年度", "value": 2024}, {"item": "x", "value": Decimal("1.5")}]}, path
    )
    sheet = load_workbook(path)["概况"]
    assert [(sheet.cell(row, 2).value, sheet.cell(row, 2).number_format) for row in (2, 3)] == [
        (2024, "General"),
        (1.5, "0.00"),
    ]


def test_a_workbook_into_a_stream() -> None:
    buffer = io.BytesIO()
    export.to_xlsx({"notices": [{"ref": "唐财社[2023]170号"}]}, buffer)
    assert load_workbook(io.BytesIO(buffer.getvalue()))["资金文件"]["A2"].value == "唐财社[2023]170号"


def test_a_single_kind_is_written_to_the_csv_named(tmp_path: Path) -> None:
    target = tmp_path / "versions.csv"
    assert export.write({"versions": [{"version": "a@2024r1/x", "revision": 1}]}, target) == [target]
    assert target.read_text(encoding="utf-8-sig").splitlines() == ["版本,修订号", "a@2024r1/x,1"]


@pytest.mark.parametrize("name", ["out.txt", "out", "out.xlsx.bak", "out.XLSX"])
def test_check_target(name: str) -> None:
    if name.endswith(".XLSX"):
        export.check_target(Path(name))  # the suffix is read case-insensitively
        return
    with pytest.raises(ValueError, match=f"cannot export to {name}: use a .xlsx, .csv or .json file name"):
        export.check_target(Path(name))


@pytest.mark.slow
def test_audit_sheets_on_sqlite_and_postgresql(db_url: str) -> None:
    """The stored diffs, changes and findings read back the same way on both engines (decimals stay exact)."""
    with Ledger(db_url) as opened:
        run_demo(opened)
        with opened.read() as session:
            sheets = audit_sheets(session, "海港区")
    assert {kind: len(records) for kind, records in sheets.items()} == {
        "versions": 3,
        "changes": 95,
        "detections": 53,  # Y3 and Y16: three projects no longer copied word for word
        "findings": 8,
        "projects": 48,
        "indicators": 440,
    }
    carry_over = next(c for c in sheets["changes"] if c["label"] == "收入来源 › 上年结转结余")
    assert (carry_over["old"], carry_over["new"], carry_over["pct"]) == (
        Decimal("828.39"),
        Decimal("833.39"),
        Decimal("0.6"),
    )
