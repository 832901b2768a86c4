"""Exports of tabular records: XLSX workbooks, CSV files and JSON, for auditors who work in spreadsheets.

Records are plain dicts with English keys (``{"code": …, "name": …, "amount": Decimal(…)}``), grouped by *kind*
(``projects``, ``indicators``, ``findings``, ``changes``, ``versions`` …) into *sheets*. Each known kind has a column
list: the Chinese header people read and whether the column holds amounts. Unknown kinds and keys still export,
headed by their key. The records of snapshots and findings are built here; those of diffs, histories and the
department's audit workbook in :mod:`ledger.report.workbook`.

- XLSX (:func:`to_xlsx`): one sheet per kind, the header row frozen, amounts (Decimals) as numbers with the ``0.00``
  format, column widths fitted to the text (CJK characters count double). Decimals are handed to openpyxl as they
  are; no arithmetic is ever done in float.
- CSV (:func:`to_csv`): one file per kind, UTF-8 *with a byte-order mark*: without it Excel reads a UTF-8 CSV in the
  system's ANSI code page and shows Chinese as mojibake. Amounts are written as their exact decimal text, with the
  digits the source printed (``2.00``). :func:`csv_text` (for standard output) has no byte-order mark.
- Formula injection: publications are untrusted, and a cell text such as ``=7000万元`` (Gaoxin's 指标值) or a
  crafted ``=HYPERLINK(…)`` must never become a formula in the auditor's spreadsheet. XLSX cells starting with ``=``
  are stored as text (the value is unchanged); CSV texts starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return get a leading ``'`` (the OWASP recommendation; Excel shows the text without it).
- JSON (:func:`to_json`): ``{"schema": "ledger.export/1", "sheets": {kind: [record, …]}}`` with Decimals as strings
  (the canonical JSON conventions of :mod:`ledger.model.canonical`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from rich.cells import cell_len

from ledger.findings import Finding
from ledger.model import Indicator, Line, Project, Snapshot
from ledger.model.canonical import decimal_text, to_jsonable
from ledger.report.columns import COLUMNS as COLUMNS
from ledger.report.columns import SHEET_TITLES as SHEET_TITLES
from ledger.report.columns import ExportColumn as ExportColumn
from ledger.report.columns import columns_for as columns_for

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

EXPORT_SCHEMA = "ledger.export/1"

#: A record's values: text, numbers (money as Decimal), flags, lists of texts, or nothing.
Value = str | int | Decimal | bool | list[str] | dict[str, Any] | None
Record = dict[str, Value]
Sheets = dict[str, list[Record]]

#: The file names :func:`write` knows how to write.
SUFFIXES = (".xlsx", ".csv", ".json")
AMOUNT_FORMAT = "0.00"
_MAX_WIDTH = 60
_MIN_WIDTH = 6
_LIST_SEPARATOR = "；"


#: What the 项目名称 column says for the department-wide (部门整体) goals and indicators.
DEPARTMENT_SCOPE = "部门整体"


# --- XLSX ---------------------------------------------------------------------------------------------------------


def to_xlsx(sheets: Mapping[str, Sequence[Mapping[str, Any]]], path: Path | IO[bytes]) -> None:
    """One worksheet per kind, header row frozen, amounts as numbers in the ``0.00`` format.

    ``path`` is a file name or a binary stream (e.g. ``io.BytesIO`` for a workbook kept in memory).
    """
    # openpyxl is imported only to write a workbook: it adds ~70 ms to the start of every command that prints text.
    from openpyxl import Workbook

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
    from openpyxl.utils import get_column_letter

    columns = columns_for(kind, records)
    sheet.append([column.header for column in columns])
    widths = [cell_len(column.header) for column in columns]
    for row, record in enumerate(records, 2):
        cells = [_xlsx_value(record.get(column.key)) for column in columns]
        sheet.append(cells)
        for number, value in enumerate(cells, 1):
            if isinstance(value, str) and value.startswith("="):
                sheet.cell(row, number).data_type = "s"  # text, never a formula (see module docstring)
        widths = [max(width, _display_width(cell)) for width, cell in zip(widths, cells, strict=True)]
    for index, column in enumerate(columns, 1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = min(max(widths[index - 1] + 2, _MIN_WIDTH), _MAX_WIDTH)
        if column.amount:
            # Decimals only: an integer in such a column is a count or a year (年度 2024 in 概况), not money.
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                if isinstance(cell.value, Decimal):
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
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

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


def check_target(path: Path) -> None:
    """Raise :class:`ValueError` (with a message for people) unless :func:`write` can write to ``path``."""
    if path.suffix.lower() not in SUFFIXES:
        raise ValueError(f"cannot export to {path.name}: use a .xlsx, .csv or .json file name")


def write(sheets: Mapping[str, Sequence[Mapping[str, Any]]], path: Path) -> list[Path]:
    """Write ``sheets`` in the format the file name asks for (``.xlsx``, ``.csv``, ``.json``); returns the files.

    CSV holds one table per file: a single kind is written to ``path`` itself, several to one file each
    (:func:`to_csv_files`).
    """
    check_target(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        to_xlsx(sheets, path)
        return [path]
    if suffix == ".csv":
        if len(sheets) == 1:
            ((kind, records),) = sheets.items()
            to_csv(records, path, kind)
            return [path]
        return to_csv_files(sheets, path)
    to_json(sheets, path)
    return [path]


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
    findings: Iterable[Finding],
    *,
    snapshot: str | None = None,
    status: str | None = None,
    base: str | None = None,
) -> list[Record]:
    """Findings as records; ``snapshot`` names the snapshot (listing several), ``status`` is new/resolved/persisting
    and ``base`` the snapshot that status is measured against."""
    records: list[Record] = []
    for finding in findings:
        record: Record = {}
        if snapshot is not None:
            record["snapshot"] = snapshot
        if status is not None:
            record["status"] = status
        if base is not None:
            record["base"] = base
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
