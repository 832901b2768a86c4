"""The account tables of a budget disclosure (部门预算公开表), read by their column headers.

Budget disclosures print the same family of tables everywhere — 收支总表 (a two-sided statement), 收入总表 and
支出总表 (rows by 功能分类科目 code), 基本支出表 (rows by 经济分类科目 code), 三公经费表, 政府采购预算表, 固定资产表 —
but provinces and years order and label the columns differently. So nothing here relies on a column position: a table
is split into its title rows (department, 预算年度, 单位), its header rows and its data rows; every column gets the
label printed at its foot and, where it can be told, the spanning label above it (``本年收入`` over ``小计``); callers
then ask for a column by label.

DOCX text loses cell spans: a header cell merged across columns appears once, and the rows of one header are of
different lengths. :func:`header_columns` restores the spans from the shape of the foot row (see there).

Money cells are read with :func:`ledger.model.values.amount_in_wanyuan` in the unit the title row states (``单位：万元``);
a cell that is neither blank nor an amount is reported as a warning, never read as zero. A blank cell is None.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ledger.layouts.common import AmountReader, has_ordinal, is_of_which, squash, strip_ordinal
from ledger.model import Line
from ledger.readers.document import Table

#: Title-row cells: ``预算年度：2024``, ``单位：万元``, ``截止时间：2023-12-31``, ``部门：…``.
_META_CELL = re.compile(r"^(预算年度|单位|截止时间|截止日期|编制单位|部门)[：:]")
_DEPARTMENT_CELL = re.compile(r"^(?P<code>\d{3,})\s*(?P<name>\D.*)$")
_YEAR_CELL = re.compile(r"预算年度[：:]\s*(?P<year>(19|20)\d{2})")
_UNIT_CELL = re.compile(r"^单位[：:]\s*(?P<unit>\S+)$")
#: 栏次 (column numbering) row: ``栏次 | 1 | 2 | …`` — the foot of the header, not data.
_COLUMN_NUMBER_HEAD = "栏次"
_NUMBERISH = re.compile(r"^[-+]?[\d,，]*\.?\d+$")
_SUBJECT_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_SUMMARY = re.compile(r"(合计|总计|小计|总额)$")


@dataclass(frozen=True)
class Column:
    """One column: the label at its foot (``财政拨款收入``) and the spanning label above it (``本年收入``), if known."""

    index: int
    label: str
    group: str | None = None

    def named(self, label: str) -> bool:
        return self.label == label or (not self.label and self.group == label)


@dataclass(frozen=True)
class TableMeta:
    """What the title row says: ``323秦皇岛市…局 | 预算年度：2024 | 单位：万元``."""

    department_code: str | None = None
    department_name: str | None = None
    fiscal_year: int | None = None
    money_unit: str | None = None


@dataclass(frozen=True)
class AccountTable:
    """A table split into title, header and data rows; data rows are padded to the header width."""

    meta: TableMeta
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]

    def find(
        self,
        label: str | None = None,
        *,
        contains: str | None = None,
        group: str | None = None,
        where: Callable[[Column], bool] | None = None,
    ) -> Column | None:
        """The first column with this foot ``label`` (or whose label ``contains`` a word), under ``group`` if given."""
        for column in self.columns:
            if label is not None and not column.named(label):
                continue
            if contains is not None and contains not in column.label and contains not in (column.group or ""):
                continue
            if group is not None and column.group != group:
                continue
            if where is not None and not where(column):
                continue
            return column
        return None


def read_account_table(table: Table) -> AccountTable:
    """Split ``table`` into title, header and data rows and label its columns."""
    rows = [tuple(row) for row in table.rows]
    meta_rows: list[tuple[str, ...]] = []
    while rows and _is_meta_row(rows[0]):
        meta_rows.append(rows.pop(0))
    header_rows, data_rows = _split_header(rows)
    width = max((len(row) for row in header_rows + data_rows), default=0)
    columns = header_columns(header_rows, width)
    padded = tuple(row + ("",) * (width - len(row)) for row in data_rows if any(cell.strip() for cell in row))
    return AccountTable(
        meta=_read_meta(cell for row in meta_rows for cell in row), columns=columns, rows=padded
    )


def _is_meta_row(row: Sequence[str]) -> bool:
    cells = [cell.strip() for cell in row if cell.strip()]
    return bool(cells) and any(_META_CELL.match(cell) for cell in cells)


def _split_header(rows: list[tuple[str, ...]]) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """Header rows end at the 栏次 row when there is one, else at the first row holding a number."""
    for index, row in enumerate(rows):
        if row and squash(row[0]) == _COLUMN_NUMBER_HEAD:
            return rows[:index], rows[index + 1 :]
    for index, row in enumerate(rows):
        if any(_NUMBERISH.match(squash(cell)) for cell in row):
            return rows[:index], rows[index:]
    return rows, []


def _read_meta(cells: Iterable[str]) -> TableMeta:
    code = name = unit = None
    year = None
    for raw in cells:
        cell = raw.strip()
        if match := _YEAR_CELL.search(cell):
            year = int(match["year"])
        elif match := _UNIT_CELL.match(squash(cell)):
            unit = match["unit"]
        elif (match := _DEPARTMENT_CELL.match(cell)) and not _META_CELL.match(cell):
            code, name = match["code"], match["name"].strip()
    return TableMeta(department_code=code, department_name=name, fiscal_year=year, money_unit=unit)


def header_columns(header_rows: Sequence[Sequence[str]], width: int) -> tuple[Column, ...]:
    """Label the ``width`` columns from the header rows.

    The foot row (the last header row) has a cell per column. The row above it lost its spans: each of its labels
    covers either one column whose foot cell is blank (a cell merged downwards, e.g. ``合计``) or a run of columns
    with foot labels (a cell merged across, e.g. ``本年收入`` over ``小计 | 财政拨款收入 | …``). A run is cut where a
    foot label repeats (``项目 | 预算数 | 项目 | 预算数`` is two groups). When the number of such segments equals the
    number of labels above, they pair up in order; otherwise the groups are left unknown rather than guessed.
    """
    if not header_rows:
        return tuple(Column(index=i, label="") for i in range(width))
    foot = [squash(cell) for cell in header_rows[-1]] + [""] * (width - len(header_rows[-1]))
    upper = [squash(cell) for cell in header_rows[-2]] if len(header_rows) > 1 else []
    # Blank cells after the last label say nothing about positions: a PDF or XLSX grid pads the row the DOCX
    # reader leaves short, so both read the same way.
    while upper and not upper[-1]:
        upper.pop()
    upper_labels = [label for label in upper if label]
    segments = _segments(foot)
    groups: list[str | None] = [None] * width
    if len(upper) < width and len(segments) == len(upper_labels):
        for label, segment in zip(upper_labels, segments, strict=True):
            for index in segment:
                groups[index] = label
    elif len(upper) == width:
        groups = [label or None for label in upper]
    columns = []
    for index in range(width):
        label = foot[index]
        group = groups[index]
        if not label and group is None and index < len(upper):
            group = upper[index] or None
        columns.append(Column(index=index, label=label or (group or ""), group=group if label else None))
    return tuple(columns)


def _segments(foot: Sequence[str]) -> list[list[int]]:
    segments: list[list[int]] = []
    run: list[int] = []
    for index, label in enumerate(foot):
        if not label:
            if run:
                segments.append(run)
                run = []
            segments.append([index])
        elif run and label in (foot[i] for i in run):
            segments.append(run)
            run = [index]
        else:
            run.append(index)
    if run:
        segments.append(run)
    return segments


# --- rows classified by subject code (功能分类 / 经济分类) ------------------------------------------------------------


@dataclass(frozen=True)
class SubjectRow:
    """A row of a table by subject (科目): ``2080101 行政运行 …``; ``code`` is None on the 合计 row."""

    code: str | None
    name: str
    amounts: dict[int, Decimal | None]

    def get(self, column: Column | None) -> Decimal | None:
        return None if column is None else self.amounts.get(column.index)

    @property
    def level(self) -> int:
        """0 for 类 (3 digits), 1 for 款 (5), 2 for 项 (7); -1 for the 合计 row."""
        return -1 if self.code is None else (len(self.code) - 3) // 2


def subject_rows(table: AccountTable, where: str, amounts: AmountReader) -> list[SubjectRow]:
    """The rows of a table by subject code, with every amount column read.

    The code is read from the column labelled ``…编码``/``…代码``, or joined from ``类 | 款 | 项`` columns; the name
    from the column labelled ``…名称``. A row without a code is kept only as the 合计 row.
    """
    code_columns = _code_columns(table)
    name_column = table.find(where=lambda c: "名称" in c.label and c not in code_columns) or table.find(
        contains="科目", where=lambda c: c not in code_columns
    )
    if not code_columns or name_column is None:
        return []
    skip = {name_column.index, *(c.index for c in code_columns)}
    value_columns = [c for c in table.columns if c.index not in skip and c.label not in ("序号", "栏次")]
    result: list[SubjectRow] = []
    for row in table.rows:
        code = "".join(squash(row[c.index]) for c in code_columns)
        name = row[name_column.index].strip()
        if code and not _SUBJECT_CODE.match(code):
            continue
        if not code and not _SUMMARY.search(squash(name)):
            continue
        label = code or squash(name)
        values = {
            c.index: amounts.amount(row[c.index], f"{where}, {label}, {c.label}", table.meta.money_unit)
            for c in value_columns
        }
        result.append(SubjectRow(code=code or None, name=name, amounts=values))
    return result


def _code_columns(table: AccountTable) -> list[Column]:
    split = [table.find(label) for label in ("类", "款", "项")]
    if all(column is not None for column in split):
        return [column for column in split if column is not None]
    code = table.find(where=lambda c: "编码" in c.label or "代码" in c.label)
    return [code] if code is not None else []


def parent_code(code: str) -> str | None:
    """``2080101`` → ``20801`` → ``208`` → None."""
    return code[:-2] if len(code) > 3 else None


# --- two-sided statements (收支总表) ------------------------------------------------------------------------------


@dataclass
class StatementEntry:
    """One printed line of a side of a statement; ``amounts`` follow the side's amount columns."""

    name: str
    amounts: tuple[Decimal | None, ...]
    children: list[StatementEntry] = field(default_factory=list)

    @property
    def amount(self) -> Decimal | None:
        return self.amounts[0] if self.amounts else None

    @property
    def is_summary(self) -> bool:
        """合计 / 总计 / 结转结余 lines: the statement's bottom lines rather than sources or uses of money."""
        name = squash(self.name)
        return bool(_SUMMARY.search(name)) or "结转" in name or "结余" in name


@dataclass
class StatementSide:
    labels: tuple[str, ...]
    entries: list[StatementEntry]

    @property
    def lines(self) -> list[StatementEntry]:
        """The lines above the bottom lines (the income sources or the expenditure categories)."""
        return [entry for entry in self.entries if not entry.is_summary]


def read_statement(
    table: AccountTable, where: str, amounts: AmountReader
) -> tuple[StatementSide, StatementSide] | None:
    """The income side and the expenditure side of a 收支总表, each a list of lines in printed order.

    Each side starts at a column labelled ``项目``/``项目名称``. Lines printed under a bottom line (the split of
    ``年初财政拨款结转和结余`` by fund) become its children.
    """
    starts = [c.index for c in table.columns if c.label in ("项目", "项目名称")]
    if len(starts) != 2:
        return None
    income = _read_side(table, starts[0], starts[1], f"{where}, 收入", amounts)
    expenditure = _read_side(table, starts[1], len(table.columns), f"{where}, 支出", amounts)
    return income, expenditure


def _read_side(
    table: AccountTable, start: int, stop: int, where: str, amounts: AmountReader
) -> StatementSide:
    columns = table.columns[start + 1 : stop]
    entries: list[StatementEntry] = []
    for row in table.rows:
        name = row[start].strip()
        if not name:
            continue
        values = tuple(
            amounts.amount(row[c.index], f"{where}, {squash(name)}, {c.label}", table.meta.money_unit)
            for c in columns
        )
        entry = StatementEntry(name=name, amounts=values)
        if entries and entries[-1].is_summary and not entry.is_summary and has_ordinal(name):
            entries[-1].children.append(entry)
        else:
            entries.append(entry)
    return StatementSide(labels=tuple(c.label for c in columns), entries=entries)


# --- item lists with sub-items (三公经费, 固定资产) ---------------------------------------------------------------


def item_outline(items: Sequence[tuple[str, Decimal | None]]) -> list[Line]:
    """Nest printed items the way the source numbers them.

    A leading 合计/小计/总额 line is the root; numbered lines (``一、`` ``1、``) are its children; ``其中：`` opens
    the sub-items of the numbered line above, and unnumbered lines after it continue them.
    """
    roots: list[Line] = []
    root: Line | None = None
    current: Line | None = None
    in_sub_items = False
    for index, (name, amount) in enumerate(items):
        line = Line(name=strip_ordinal(name), amount=amount)
        if index == 0 and _SUMMARY.search(squash(name)):
            root = line
            roots.append(line)
            continue
        in_sub_items = current is not None and (is_of_which(name) or (in_sub_items and not has_ordinal(name)))
        if in_sub_items and current is not None:
            current.children.append(line)
            continue
        current = line
        (root.children if root is not None else roots).append(line)
    return roots


def flatten(lines: Iterable[Line]) -> list[Line]:
    """Every line of a tree, parents before their children."""
    result: list[Line] = []
    for line in lines:
        result.append(line)
        result.extend(flatten(line.children))
    return result


# --- reconciliation ------------------------------------------------------------------------------------------------
