"""Exports: XLSX read back with openpyxl (frozen header, Chinese headers, 0.00 amounts, exact values), CSV with a
byte-order mark, JSON with decimal strings; a real snapshot (Haigang) exported whole."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from ledger.findings import find
from ledger.report import writers as export
from tests.findings.builders import HAIGANG, LAOTING, seed


def _exact(value: Any) -> Decimal:
    """A number read back from a cell, as the decimal it was written from (Excel cells hold doubles)."""
    return Decimal(str(value))


SHEETS: dict[str, list[dict[str, Any]]] = {
    "projects": [
        {
            "code": "13022524P0008F010032K",
            "name": "考核奖励经费",
            "amount": Decimal("227.00"),
            "goals": ["目标一", "目标二"],
        },
        {"code": None, "name": "被征地农民社会保障费", "amount": Decimal("0.05"), "goals": []},
    ],
    "extras": [{"entity": "project", "delta": Decimal("-1.5")}],  # a kind without Chinese headers
}


def test_xlsx_sheets_headers_frozen_panes_formats_and_exact_values(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    export.to_xlsx(SHEETS, path)
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["项目", "extras"]
    projects = workbook["项目"]
    assert projects.freeze_panes == "A2"
    assert [cell.value for cell in projects[1]] == ["项目编码", "项目名称", "预算数（万元）", "绩效目标"]
    assert [cell.value for cell in projects[2]] == [
        "13022524P0008F010032K",
        "考核奖励经费",
        227,
        "目标一；目标二",
    ]
    assert [cell.value for cell in projects[3]] == [None, "被征地农民社会保障费", 0.05, None]
    assert [projects.cell(row, 3).number_format for row in (2, 3)] == ["0.00", "0.00"]
    assert projects.cell(2, 1).number_format == "General"
    assert _exact(projects.cell(3, 3).value) == Decimal("0.05")
    extras = workbook["extras"]
    assert [cell.value for cell in extras[1]] == ["entity", "delta"]
    assert extras.cell(2, 2).number_format == "General"  # unknown kinds do not know which columns are money


def test_xlsx_column_widths_count_cjk_double(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    export.to_xlsx({"warnings": [{"code": "truncated", "message": "表" * 10, "where": "x" * 200}]}, path)
    sheet = load_workbook(path)["解析提示"]
    assert sheet.column_dimensions["A"].width == len("truncated") + 2
    assert sheet.column_dimensions["B"].width == 22  # ten CJK characters are twenty columns
    assert sheet.column_dimensions["C"].width == 60  # capped


def test_empty_kind_keeps_its_header_row(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    export.to_xlsx({"notices": []}, path)
    sheet = load_workbook(path)["资金文件"]
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["文号", "发文机关代字", "年份", "序号"]
    ]


def test_csv_has_a_byte_order_mark_chinese_headers_and_published_digits(tmp_path: Path) -> None:
    path = tmp_path / "projects.csv"
    export.to_csv(SHEETS["projects"], path, "projects")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == [
        "项目编码,项目名称,预算数（万元）,绩效目标",
        "13022524P0008F010032K,考核奖励经费,227.00,目标一；目标二",
        ",被征地农民社会保障费,0.05,",
    ]


def test_csv_files_one_per_kind(tmp_path: Path) -> None:
    written = export.write(SHEETS, tmp_path / "export.csv")
    assert [p.name for p in written] == ["export.projects.csv", "export.extras.csv"]
    assert (tmp_path / "export.extras.csv").read_text(encoding="utf-8-sig") == "entity,delta\nproject,-1.5\n"


def test_json_keeps_keys_and_decimal_strings(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    export.write(SHEETS, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema"] == "ledger.export/1"
    assert data["sheets"]["projects"][0] == {
        "code": "13022524P0008F010032K",
        "name": "考核奖励经费",
        "amount": "227",
        "goals": ["目标一", "目标二"],
    }


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"cannot export to out\.txt"):
        export.write(SHEETS, tmp_path / "out.txt")


def test_haigang_snapshot_exported_whole(tmp_path: Path) -> None:
    snapshot = seed(HAIGANG)
    sheets = export.snapshot_sheets(snapshot)
    sheets["findings"] = export.findings_records(find(snapshot))
    path = tmp_path / "haigang.xlsx"
    export.to_xlsx(sheets, path)
    workbook = load_workbook(path)
    assert workbook.sheetnames == [
        "概况",
        "项目",
        "绩效指标",
        "预算科目",
        "功能分类科目",
        "经济分类科目",
        "绩效目标",
        "重点工作任务",
        "资金文件",
        "解析提示",
        "审计发现",
    ]
    projects = workbook["项目"]
    amounts = [_exact(row[3].value) for row in projects.iter_rows(min_row=2)]
    assert len(amounts) == 24
    assert sum(amounts, Decimal(0)) == Decimal("2132.39")  # = 项目支出
    summary = {row[0].value: row[1] for row in workbook["概况"].iter_rows(min_row=2)}
    assert _exact(summary["上年结转结余（万元）"].value) == Decimal("828.39")
    assert summary["上年结转结余（万元）"].number_format == "0.00"
    assert summary["部门编码"].value == "323"
    functions = [
        row for row in workbook["功能分类科目"].iter_rows(min_row=2, values_only=True) if row[0] == "支出总表"
    ]
    assert functions[0][1:4] == ("208", "社会保障和就业支出", 2320.28)
    indicators = list(workbook["绩效指标"].iter_rows(min_row=2, values_only=True))
    assert indicators[0][1] == "部门整体"
    assert len(indicators) == len(snapshot.indicators) + sum(len(p.indicators) for p in snapshot.projects)
    findings = list(workbook["审计发现"].iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in findings] == ["cost-exceeds-budget", "empty-indicator"]


def test_laoting_records_spending_plans_goals_notices() -> None:
    sheets = export.snapshot_sheets(seed(LAOTING))
    first = sheets["projects"][0]
    assert first["spending_plan"] == ["3月底 25%", "6月底 50%", "10月底 75%", "12月底 100%"]
    assert [n["ref"] for n in sheets["notices"]] == [
        "唐财社[2023]170号",
        "唐财金[2023]16号",
        "唐财社[2023]172号",
        "唐财金[2023]18号",
    ]
    assert [w["code"] for w in sheets["warnings"]] == ["truncated"]
    assert sheets["function_lines"] == [] and sheets["economic_lines"] == []


def test_cell_texts_never_become_formulas(tmp_path: Path) -> None:
    """Gaoxin's 指标值 ``=7000万元`` and a crafted ``=HYPERLINK(…)`` stay text in XLSX; CSV texts are quoted."""
    records: list[dict[str, Any]] = [
        {"value": "=7000万元", "number": Decimal("-5")},
        {"value": '=HYPERLINK("http://example.invalid")', "number": Decimal("7000")},
        {"value": "@SUM(A1)", "number": None},
        {"value": "≥95%", "number": None},
    ]
    path = tmp_path / "out.xlsx"
    export.to_xlsx({"indicators": records}, path)
    sheet = load_workbook(path)["绩效指标"]
    assert [(row[0].value, row[0].data_type) for row in sheet.iter_rows(min_row=2)] == [
        ("=7000万元", "s"),
        ('=HYPERLINK("http://example.invalid")', "s"),
        ("@SUM(A1)", "s"),
        ("≥95%", "s"),
    ]
    assert export.csv_text(records, "indicators").splitlines() == [
        "指标值,数值",
        "'=7000万元,-5",  # a negative amount is a number, not a formula
        '"\'=HYPERLINK(""http://example.invalid"")",7000',
        "'@SUM(A1),",
        "≥95%,",
    ]


def test_sheet_titles_are_valid_and_unique(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    export.to_xlsx({"projects": [], "项目": [], "a/b:c" * 10: []}, path)
    assert load_workbook(path).sheetnames == ["项目", "项目_2", "a_b_ca_b_ca_b_ca_b_ca_b_ca_b_ca"]


_amounts = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=40), st.one_of(st.none(), _amounts)), max_size=5))
def test_any_text_and_amount_round_trips(tmp_path_factory: pytest.TempPathFactory, rows: list[Any]) -> None:
    """Untrusted text (control characters included) never aborts an export, and comes back as written."""
    records = [{"name": name, "amount": amount} for name, amount in rows]
    path = tmp_path_factory.mktemp("x") / "out.xlsx"
    export.to_xlsx({"projects": records}, path)
    back = list(load_workbook(path)["项目"].iter_rows(min_row=2, values_only=True))
    assert [(name or None) for name, _ in back] == [
        ILLEGAL_CHARACTERS_RE.sub("\ufffd", name) or None for name, _ in rows
    ]
    assert [None if v is None else _exact(v) for _, v in back] == [a for _, a in rows]
    parsed = list(csv.reader(io.StringIO(export.csv_text(records, "projects"), newline="")))
    assert len(parsed) == len(records) + 1
    assert [row[0] for row in parsed[1:]] == [
        ("'" if n.startswith(("=", "+", "-", "@", "\t", "\r")) else "") + n for n, _ in rows
    ]
    assert [row[1] for row in parsed[1:]] == ["" if a is None else format(a, "f") for _, a in rows]
