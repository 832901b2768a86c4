"""JSON, CSV, Markdown and XLSX renderings of a diff."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from openpyxl import load_workbook

from ledger.diff import diff_snapshots
from ledger.diff.records import DiffResult
from ledger.report.diff_formats import CSV_COLUMNS, to_csv, to_json, to_markdown, to_xlsx
from tests.diff.builders import indicator, project, snapshot


def result() -> DiffResult:
    old = snapshot(
        2023,
        projects=[
            project("专网维护费", amount="16.50", indicators=[indicator("满意度", "≥90%")]),
            project("旧项目", amount="3"),
        ],
    )
    new = snapshot(
        2024,
        projects=[
            project(
                "专网维护费",
                amount="14.50",
                indicators=[indicator("满意度", "≥95%", description="反映2022年|情况")],
            )
        ],
    )
    return diff_snapshots(old, new, scope="yoy")


def test_json_round_trips_with_exact_decimals() -> None:
    text = to_json(result())
    data = json.loads(text)
    assert data["schema"] == "ledger.diff/1"
    assert data["summary"]["project_budget"] == {"old": "19.5", "new": "14.5", "delta": "-5", "pct": "-25.64"}
    first = data["changes"][0]
    assert (first["old"], first["new"], first["delta"], first["pct"]) == ("16.5", "14.5", "-2", "-12.12")
    again = DiffResult.model_validate(data)
    assert [c.key for c in again.changes] == [c.key for c in result().changes]


def test_csv_has_one_row_per_change() -> None:
    rows = list(csv.reader(io.StringIO(to_csv(result()))))
    assert tuple(rows[0]) == CSV_COLUMNS
    body = [dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows[1:]]
    assert [(r["entity"], r["change"], r["field"]) for r in body] == [
        ("project", "modified", "amount"),
        ("project", "modified", "fiscal_amount"),
        ("indicator", "modified", "description"),
        ("indicator", "modified", "value"),
        ("project", "removed", ""),
    ]
    assert body[3]["direction"] == "tightened"
    assert body[2]["tags"] == "stale-reference"
    assert body[0]["pct"] == "-12.12"


def test_markdown_puts_totals_first_and_escapes_cells() -> None:
    text = to_markdown(result())
    lines = text.splitlines()
    assert lines[0] == "# 测试市人力资源和社会保障局: 2023 → 2024 (yoy)"
    assert text.index("projects 项目预算数") < text.index("## 项目 (project)")
    assert "| projects 项目预算数 | 19.5 | 14.5 | -5 | -25.64% |" in text
    assert "反映2022年\\|情况" in text
    assert "## Detections" in text
    assert "tightened 收紧" in text


def test_xlsx_has_the_three_sheets_and_numeric_amounts() -> None:
    workbook = load_workbook(io.BytesIO(to_xlsx(result())))
    assert workbook.sheetnames == ["汇总", "变更", "检测"]
    changes = workbook["变更"]
    header = [cell.value for cell in changes[1]]
    assert header[:6] == ["原版本", "新版本", "对比类型", "对象类型", "名称", "变更类型"]
    first = {name: cell for name, cell in zip(header, changes[2], strict=True)}
    assert first["原版本"].value == "测试市人力资源和社会保障局@2023/project-targets"
    assert (first["原值"].value, first["原值"].number_format) == (16.5, "0.00")
    assert Decimal(str(first["变化额"].value)) == Decimal("-2")
    assert Decimal(str(first["变化率（%）"].value)) == Decimal("-12.12")
