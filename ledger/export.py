"""Exports of tabular records: XLSX workbooks, CSV files and JSON, for auditors who work in spreadsheets.

Records are plain dicts with English keys (``{"code": …, "name": …, "amount": Decimal(…)}``), grouped by *kind*
(``projects``, ``indicators``, ``findings`` …) into *sheets*. Each known kind has a column list: the Chinese header
people read and whether the column is an amount. Unknown kinds and keys still export, headed by their key, so new
record kinds (diffs, histories) work before they get Chinese headers.

- XLSX (:func:`to_xlsx`): one sheet per kind, the header row frozen, amounts as numbers with the ``0.00`` format,
  column widths fitted to the text (CJK characters count double). Decimals are handed to openpyxl as they are; no
  arithmetic is ever done in float.
- CSV (:func:`to_csv`): one file per kind, UTF-8 *with a byte-order mark*: without it Excel reads a UTF-8 CSV in the
  system's ANSI code page and shows Chinese as mojibake. Amounts are written as their exact decimal text, with the
  digits the source printed (``2.00``). :func:`csv_text` (for standard output) has no byte-order mark.
- Formula injection: publications are untrusted, and a cell text such as ``=7000万元`` (Gaoxin's 指标值) or a
  crafted ``=HYPERLINK(…)`` must never become a formula in the auditor's spreadsheet. XLSX cells starting with ``=``
  are stored as text (the value is unchanged); CSV texts starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return get a leading ``'`` (the OWASP recommendation; Excel shows the text without it).
- JSON (:func:`to_json`): ``{"schema": "ledger.export/1", "sheets": {kind: [record, …]}}`` with Decimals as strings
  (the canonical JSON conventions of :mod:`ledger.canonical`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from rich.cells import cell_len

from ledger.canonical import decimal_text, to_jsonable
from ledger.findings import Finding
from ledger.model import Indicator, Line, Project, Snapshot

EXPORT_SCHEMA = "ledger.export/1"

#: A record's values: text, numbers (money as Decimal), flags, lists of texts, or nothing.
Value = str | int | Decimal | bool | list[str] | dict[str, Any] | None
Record = dict[str, Value]
Sheets = dict[str, list[Record]]

AMOUNT_FORMAT = "0.00"
_MAX_WIDTH = 60
_MIN_WIDTH = 6
_LIST_SEPARATOR = "；"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    amount: bool = False


def _columns(*spec: tuple[str, str] | tuple[str, str, bool]) -> tuple[Column, ...]:
    return tuple(Column(*item) for item in spec)


#: Sheet titles (Excel allows 31 characters, no ``[]:*?/\``).
SHEET_TITLES: dict[str, str] = {
    "summary": "概况",
    "projects": "项目",
    "indicators": "绩效指标",
    "lines": "预算科目",
    "function_lines": "功能分类科目",
    "economic_lines": "经济分类科目",
    "goals": "绩效目标",
    "key_tasks": "重点工作任务",
    "notices": "资金文件",
    "warnings": "解析提示",
    "findings": "审计发现",
}

#: The columns of each record kind, in order, with their Chinese headers.
COLUMNS: dict[str, tuple[Column, ...]] = {
    "summary": _columns(("item", "事项"), ("value", "内容", True)),
    "projects": _columns(
        ("code", "项目编码"),
        ("name", "项目名称"),
        ("unit", "单位"),
        ("amount", "预算数（万元）", True),
        ("fiscal_amount", "其中：财政资金（万元）", True),
        ("other_amount", "其他资金（万元）", True),
        ("purpose", "资金用途"),
        ("spending_plan", "资金支出计划（累计%）"),
        ("goals", "绩效目标"),
        ("notices", "资金文件"),
        ("indicator_count", "指标数"),
    ),
    "indicators": _columns(
        ("project_code", "项目编码"),
        ("project_name", "项目名称"),
        ("level1", "一级指标"),
        ("level2", "二级指标"),
        ("name", "三级指标"),
        ("description", "绩效指标描述"),
        ("value", "指标值"),
        ("op", "比较"),
        ("number", "数值"),
        ("upper", "上限"),
        ("unit", "计量单位"),
        ("text", "定性指标值"),
        ("basis", "指标值确定依据"),
        ("source_level1", "原文一级指标"),
    ),
    "lines": _columns(
        ("table", "表"),
        ("parent", "上级"),
        ("code", "编码"),
        ("name", "名称"),
        ("amount", "金额（万元）", True),
    ),
    "function_lines": _columns(
        ("table", "表"),
        ("code", "科目编码"),
        ("name", "科目名称"),
        ("total", "合计（万元）", True),
        ("basic", "基本支出（万元）", True),
        ("project", "项目支出（万元）", True),
        ("carry_over", "上年结转（万元）", True),
    ),
    "economic_lines": _columns(
        ("code", "科目编码"),
        ("name", "科目名称"),
        ("total", "合计（万元）", True),
        ("personnel", "人员经费（万元）", True),
        ("public", "公用经费（万元）", True),
    ),
    "goals": _columns(
        ("project_code", "项目编码"), ("project_name", "项目名称"), ("key", "编号"), ("text", "目标")
    ),
    "key_tasks": _columns(
        ("name", "名称"),
        ("content", "主要实施内容"),
        ("amount", "拟投入的资金（万元）", True),
        ("expected", "期望达到的目标"),
        ("optional", "其他需完成的任务（可选填）"),
    ),
    "notices": _columns(("ref", "文号"), ("issuer", "发文机关代字"), ("year", "年份"), ("number", "序号")),
    "warnings": _columns(("code", "类别"), ("message", "说明"), ("where", "位置")),
    "findings": _columns(
        ("snapshot", "快照"),
        ("status", "状态"),
        ("severity", "严重程度"),
        ("rule", "规则"),
        ("location", "位置"),
        ("message", "说明"),
        ("key", "键"),
        ("facts", "数据"),
    ),
}

#: What the 项目名称 column says for the department-wide (部门整体) goals and indicators.
DEPARTMENT_SCOPE = "部门整体"


def columns_for(kind: str, records: Sequence[Mapping[str, Any]]) -> list[Column]:
    """The known columns of ``kind`` present in any record (in their order), then unknown keys as they come."""
    known = COLUMNS.get(kind, ())
    present: dict[str, None] = {}
    for record in records:
        present.update(dict.fromkeys(record))
    columns = [column for column in known if column.key in present or not records]
    named = {column.key for column in known}
    columns += [Column(key, key) for key in present if key not in named]
    return columns


# --- XLSX ---------------------------------------------------------------------------------------------------------


def to_xlsx(sheets: Mapping[str, Sequence[Mapping[str, Any]]], path: Path) -> None:
    """One worksheet per kind, header row frozen, amounts as numbers in the ``0.00`` format."""
    workbook = Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    for kind, records in sheets.items():
        _write_sheet(workbook.create_sheet(_sheet_title(kind, workbook.sheetnames)), kind, records)
    workbook.save(path)


def _sheet_title(kind: str, taken: Sequence[str]) -> str:
    """The Chinese title of a kind, made valid (31 characters, no ``[]:*?/\\``) and unique in the workbook."""
    title = (
        "".join("_" if char in "[]:*?/\\" else char for char in SHEET_TITLES.get(kind, kind))[:31] or "sheet"
    )
    candidate, number = title, 1
    while candidate in taken:
        number += 1
        candidate = f"{title[: 31 - len(str(number)) - 1]}_{number}"
    return candidate


def _write_sheet(sheet: Worksheet, kind: str, records: Sequence[Mapping[str, Any]]) -> None:
    columns = columns_for(kind, records)
    sheet.append([column.header for column in columns])
    widths = [cell_len(column.header) for column in columns]
    for record in records:
        cells = [_xlsx_value(record.get(column.key)) for column in columns]
        sheet.append(cells)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula (see module docstring)
        widths = [max(width, _display_width(cell)) for width, cell in zip(widths, cells, strict=True)]
    for index, column in enumerate(columns, 1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = min(max(widths[index - 1] + 2, _MIN_WIDTH), _MAX_WIDTH)
        if column.amount:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                if isinstance(cell.value, Decimal | int) and not isinstance(cell.value, bool):
                    cell.number_format = AMOUNT_FORMAT
    sheet.freeze_panes = "A2"


def _xlsx_value(value: Any) -> Any:
    """What a cell holds: Decimals stay Decimal (openpyxl writes their digits), lists become one text.

    Control characters that XML 1.0 cannot carry (text extraction leaves some behind) become U+FFFD, so that a
    stray ``\\x0b`` neither aborts the export nor disappears without a trace.
    """
    if isinstance(value, list | tuple):
        value = _LIST_SEPARATOR.join(str(item) for item in value)
    elif isinstance(value, dict):
        value = json.dumps(to_jsonable(value), ensure_ascii=False)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return value


def _display_width(value: Any) -> int:
    """Terminal/spreadsheet width of the longest line (a CJK character is two columns wide)."""
    if value is None:
        return 0
    text = decimal_text(value) if isinstance(value, Decimal) else str(value)
    return max((cell_len(line) for line in text.splitlines()), default=0)


# --- CSV ----------------------------------------------------------------------------------------------------------


def csv_text(records: Sequence[Mapping[str, Any]], kind: str) -> str:
    """The CSV text of one kind of records (Chinese headers, exact decimals), without a byte-order mark."""
    columns = columns_for(kind, records)
    buffer = io.StringIO()
    # CRLF, as RFC 4180 and Excel expect; it also makes the writer quote a field holding a lone carriage return.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.header for column in columns])
    for record in records:
        writer.writerow([_csv_value(record.get(column.key)) for column in columns])
    return buffer.getvalue()


def to_csv(records: Sequence[Mapping[str, Any]], path: Path, kind: str) -> None:
    """Write one kind of records to ``path`` as UTF-8 with a byte-order mark, so that Excel shows Chinese."""
    path.write_text(csv_text(records, kind), encoding="utf-8-sig", newline="")


def to_csv_files(sheets: Mapping[str, Sequence[Mapping[str, Any]]], path: Path) -> list[Path]:
    """One CSV file per kind next to ``path``: ``export.csv`` → ``export.projects.csv``, ``export.indicators.csv`` …"""
    written: list[Path] = []
    for kind, records in sheets.items():
        target = path.with_name(f"{path.stem}.{kind}{path.suffix or '.csv'}")
        to_csv(records, target, kind)
        written.append(target)
    return written


#: First characters that make a spreadsheet read a CSV cell as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value: Any) -> str:
    text = _csv_text(value)
    if not isinstance(value, Decimal | int) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")  # the digits as published (``2.00``), never exponent notation
    if isinstance(value, list | tuple):
        return _LIST_SEPARATOR.join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(to_jsonable(value), ensure_ascii=False)
    return str(value)


# --- JSON ---------------------------------------------------------------------------------------------------------


def json_text(sheets: Mapping[str, Sequence[Mapping[str, Any]]]) -> str:
    return json.dumps({"schema": EXPORT_SCHEMA, "sheets": to_jsonable(sheets)}, ensure_ascii=False, indent=2)


def to_json(sheets: Mapping[str, Sequence[Mapping[str, Any]]], path: Path) -> None:
    path.write_text(json_text(sheets) + "\n", encoding="utf-8")


def write(sheets: Mapping[str, Sequence[Mapping[str, Any]]], path: Path) -> list[Path]:
    """Write ``sheets`` in the format the file name asks for (``.xlsx``, ``.csv``, ``.json``); returns the files."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        to_xlsx(sheets, path)
        return [path]
    if suffix == ".csv":
        return to_csv_files(sheets, path)
    if suffix == ".json":
        to_json(sheets, path)
        return [path]
    raise ValueError(f"cannot export to {path.name}: use a .xlsx, .csv or .json file name")


# --- snapshots and findings as records ----------------------------------------------------------------------------


def snapshot_sheets(snapshot: Snapshot) -> Sheets:
    """Every entity of a snapshot as records, one kind per sheet (empty kinds keep their header row)."""
    return {
        "summary": summary_records(snapshot),
        "projects": [project_record(project) for project in snapshot.projects],
        "indicators": indicator_records(snapshot),
        "lines": line_records(snapshot),
        "function_lines": function_line_records(snapshot),
        "economic_lines": economic_line_records(snapshot),
        "goals": goal_records(snapshot),
        "key_tasks": [
            {
                "name": task.name,
                "content": task.content,
                "amount": task.amount,
                "expected": task.expected,
                "optional": task.optional,
            }
            for task in snapshot.key_tasks
        ],
        "notices": [
            {"ref": n.ref, "issuer": n.issuer, "year": n.year, "number": n.number} for n in snapshot.notices
        ],
        "warnings": [{"code": w.code, "message": w.message, "where": w.where} for w in snapshot.warnings],
    }


def summary_records(snapshot: Snapshot) -> list[Record]:
    """概况: identity, basic information and the accounts' totals, as (item, value) rows."""
    rows: list[tuple[str, Value]] = [
        ("部门", snapshot.department.name),
        ("部门编码", snapshot.department.code),
        ("年度", snapshot.fiscal_year),
        ("文件类型", snapshot.document_kind),
        ("单位", [" ".join(part for part in (u.code, u.name) if part) for u in snapshot.units]),
        ("财政供养人员数", snapshot.basic_info.staff_count),
        ("下属二级单位数", snapshot.basic_info.subordinate_units),
    ]
    accounts = snapshot.accounts
    if accounts is not None:
        rows += [
            ("收入总计（万元）", accounts.income_total),
            ("支出总计（万元）", accounts.expenditure_total),
            ("本年收入合计（万元）", accounts.current_year_income),
            ("本年支出合计（万元）", accounts.current_year_expenditure),
            ("上年结转结余（万元）", accounts.carry_over),
            ("年终结转结余（万元）", accounts.carry_forward),
            ("基本支出（万元）", accounts.basic_expenditure),
            ("项目支出（万元）", accounts.project_expenditure),
            ("机关运行经费（万元）", accounts.operating_costs),
            ("政府采购预算（万元）", accounts.government_procurement),
        ]
        rows += [(f"三公经费：{name}（万元）", value) for name, value in accounts.three_public.items()]
    return [{"item": item, "value": value} for item, value in rows]


def project_record(project: Project) -> Record:
    return {
        "code": project.code,
        "name": project.name,
        "unit": project.unit,
        "amount": project.amount,
        "fiscal_amount": project.fiscal_amount,
        "other_amount": project.other_amount,
        "purpose": project.purpose,
        "spending_plan": [
            f"{int(month) if month.isdigit() else month}月底 {decimal_text(share)}%"
            for month, share in sorted(project.spending_plan.items(), key=lambda item: _month(item[0]))
        ],
        "goals": list(project.goals),
        "notices": list(project.notices),
        "indicator_count": len(project.indicators),
    }


def _month(key: str) -> int:
    return int(key) if key.isdigit() else 99


def indicator_records(snapshot: Snapshot) -> list[Record]:
    """The department's indicators (项目名称 ``部门整体``), then each project's, with the project named."""
    records = [_indicator_record(indicator, None) for indicator in snapshot.indicators]
    for project in snapshot.projects:
        records += [_indicator_record(indicator, project) for indicator in project.indicators]
    return records


def _indicator_record(indicator: Indicator, project: Project | None) -> Record:
    value = indicator.value
    return {
        "project_code": project.code if project else None,
        "project_name": project.name if project else DEPARTMENT_SCOPE,
        "level1": indicator.level1,
        "level2": indicator.level2,
        "name": indicator.name,
        "description": indicator.description,
        "value": value.raw,
        "op": value.op,
        "number": value.number,
        "upper": value.upper,
        "unit": value.unit,
        "text": value.text,
        "basis": indicator.basis,
        "source_level1": indicator.source_level1,
    }


def line_records(snapshot: Snapshot) -> list[Record]:
    """Budget lines of 预算整体情况 and of the accounts' 收支总表, 政府采购 and 国有资产 tables, with their parents."""
    tables: list[tuple[str, list[Line]]] = [
        ("预算整体情况·支出", snapshot.budget_overview.expenditure),
        ("预算整体情况·收入", snapshot.budget_overview.income),
    ]
    if snapshot.accounts is not None:
        tables += [
            ("收支总表·收入", snapshot.accounts.income_lines),
            ("收支总表·支出", snapshot.accounts.expenditure_lines),
            ("政府采购", snapshot.accounts.procurement_lines),
            ("国有资产", snapshot.accounts.assets),
        ]
    return [record for table, lines in tables for record in _walk_lines(table, lines, None)]


def _walk_lines(table: str, lines: Iterable[Line], parent: str | None) -> Iterable[Record]:
    for line in lines:
        yield {"table": table, "parent": parent, "code": line.code, "name": line.name, "amount": line.amount}
        yield from _walk_lines(table, line.children, line.name)


def function_line_records(snapshot: Snapshot) -> list[Record]:
    if snapshot.accounts is None:
        return []
    tables = (
        ("支出总表", snapshot.accounts.function_lines),
        ("一般公共预算财政拨款支出表", snapshot.accounts.fiscal_function_lines),
    )
    return [
        {
            "table": table,
            "code": line.code,
            "name": line.name,
            "total": line.total,
            "basic": line.basic,
            "project": line.project,
            "carry_over": line.carry_over,
        }
        for table, lines in tables
        for line in lines
    ]


def economic_line_records(snapshot: Snapshot) -> list[Record]:
    if snapshot.accounts is None:
        return []
    return [
        {
            "code": line.code,
            "name": line.name,
            "total": line.total,
            "personnel": line.personnel,
            "public": line.public,
        }
        for line in snapshot.accounts.economic_lines
    ]


def goal_records(snapshot: Snapshot) -> list[Record]:
    """总体绩效目标 (项目名称 ``部门整体``), then each project's 绩效目标 numbered from 1."""
    records: list[Record] = [
        {"project_code": None, "project_name": DEPARTMENT_SCOPE, "key": goal.key, "text": goal.text}
        for goal in snapshot.goals
    ]
    for project in snapshot.projects:
        records += [
            {"project_code": project.code, "project_name": project.name, "key": str(number), "text": text}
            for number, text in enumerate(project.goals, 1)
        ]
    return records


def findings_records(
    findings: Iterable[Finding], *, snapshot: str | None = None, status: str | None = None
) -> list[Record]:
    """Findings as records; ``snapshot`` names the snapshot (listing several), ``status`` is new/resolved/persisting."""
    records: list[Record] = []
    for finding in findings:
        record: Record = {}
        if snapshot is not None:
            record["snapshot"] = snapshot
        if status is not None:
            record["status"] = status
        record.update(
            {
                "severity": finding.severity,
                "rule": finding.rule,
                "location": finding.location,
                "message": finding.message,
                "key": finding.key,
                "facts": dict(finding.facts),
            }
        )
        records.append(record)
    return records
