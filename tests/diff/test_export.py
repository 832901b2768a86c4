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


def test_the_program_chain_and_the_renamed_and_moved_indicator_in_json_and_markdown() -> None:
    from tests.diff.test_samples import diff as sample_diff

    found = sample_diff("seeds/haigang-hrss-2024-budget.txt", "haigang/haigang-hrss-2025-budget.txt", "yoy")
    as_json = json.loads(to_json(found))
    assert [chain["summary"] for chain in as_json["programs"]] == [
        "the 2024 allocation ended (-109.4); the 2025 allocation was added (+109.4); program continues 2023 → 2024 → 2025",
        "the 2023 allocation ended (-648.6); the 2025 allocation was added (+648.6); program continues 2023 → 2024 → 2025",
    ]
    assert as_json["programs"][1]["allocations"][0] == {
        "key": "13030223P00MN0M10196D",
        "code": "13030223P00MN0M10196D",
        "name": "秦财企[2022]692-关于提前下达2023年国有企业退休人员社会化管理中央财政补助资金预算的通知",
        "notice": "秦财企[2022]692号",
        "fund_year": 2023,
        "amount": "648.6",
        "status": "ended",
    }
    moved = [c for c in as_json["changes"] if c["key"].endswith("改制单位资金发放覆盖率")]
    assert [(c["change"], c["field"], c["matched_by"], c["score"]) for c in moved] == [
        ("moved", "level2", "fuzzy-name", "87"),
        ("renamed", "name", "fuzzy-name", "87"),
        ("modified", "value", "fuzzy-name", "87"),
    ]
    markdown = to_markdown(found).splitlines()
    start = markdown.index("## Programs 资金项目 — 2")
    assert markdown[start + 2 : start + 6] == [
        "| program | allocations | summary |",
        "|---|---|---|",
        "| 关于提前下达国有企业退休人员社会化管理省级财政补助资金预算的通知 | 2023 秦财企[2022]694号 continues; 2024 秦财企[2023]750号 ended;"
        " 2025 秦财企[2024]613号 added | the 2024 allocation ended (-109.4); the 2025 allocation was added (+109.4);"
        " program continues 2023 → 2024 → 2025 |",
        "| 关于提前下达国有企业退休人员社会化管理中央财政补助资金预算的通知 | 2023 秦财企[2022]692号 ended; 2024 秦财企[2023]649号 continues;"
        " 2025 秦财企[2024]611号 added | the 2023 allocation ended (-648.6); the 2025 allocation was added (+648.6);"
        " program continues 2023 → 2024 → 2025 |",
    ]
    assert any(
        line.startswith(
            "| 改制企业人员费用 › 效益指标 › 社会效益指标 › 改制单位资金发放覆盖率 | renamed 更名 | 三级指标"
        )
        and "fuzzy-name (87)" in line
        for line in markdown
    )
