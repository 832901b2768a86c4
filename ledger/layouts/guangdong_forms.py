"""Front ends of the Guangdong 部门整体预算绩效目标表 template: one textual form in, :class:`TemplateContent` out.

* :func:`from_grid` reads the template as a grid of rows (PDF text in tab-separated rows — Taishan — or any reader
  that keeps the table's rows): the first column names the part (部门名称, 预算整体情况, 绩效指标 …) on the part's
  first row and is empty below it; a row continued across a page break has its key cells empty too, and is merged
  into the row above.
* :func:`from_outline` reads the template flattened to a numbered outline (an XLSX export — Zhanjiang), where each
  table column became one item listing its cells. Columns of one table are paired by position; the indicator
  table's 一级指标/二级指标 columns lost their row spans, so which indicator belongs to which group is unknown
  unless it can be proven (a single group, or as many groups as rows).

Neither interprets a cell: amounts, numbering and values are :func:`build_snapshot`'s business.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import zip_longest

from ledger.layouts.guangdong_template import (
    COLUMNS_MISMATCH,
    GROUPING_LOST,
    LAST_GROUP,
    LAST_PART,
    MISSING,
    UNSTRUCTURED_TASKS,
    BudgetEntry,
    IndicatorRow,
    TaskRow,
    TemplateContent,
    compact,
    cut_off,
    is_numbered_blank,
    join_wrapped,
    label_text,
)
from ledger.model import ParseWarning
from ledger.readers.document import Document

#: The parts of the template, by the label that opens them (compared without whitespace).
PART_LABELS: tuple[tuple[str, str], ...] = (
    ("部门名称", "department"),
    ("基本信息", "basic"),
    ("预算整体情况", "overview"),
    ("总体绩效目标", "goals"),
    ("年度重点工作任务", "tasks"),
    ("其他需完成的任务", "optional"),
    ("绩效指标", "indicators"),
)
#: 其他需完成的任务 is marked 可选填 (optional) in the template: its absence is not worth a warning.
OPTIONAL_PARTS = frozenset({"optional"})
TASK_COLUMNS = ("名称", "主要实施内容", "拟投入的资金", "期望达到的目标")
INDICATOR_COLUMNS = ("一级指标", "二级指标", "三级指标", "指标解释", "指标值")
STAFF_LABEL = "财政供养人员数"
UNITS_LABEL = "下属二级单位数"

_TITLE = re.compile(r"(?:19|20)\d{2}\s*年.*绩效目标")

Row = tuple[str, ...]


def part_of(label: str) -> str | None:
    """Which part of the template a label opens (``预算整体 情况`` → ``overview``), if any."""
    text = compact(label)
    return next((part for prefix, part in PART_LABELS if text.startswith(prefix)), None)


def find_title(texts: Iterable[str]) -> str:
    """The first text naming a year and 绩效目标: the table's title (``2024年…部门整体预算绩效目标批复表``)."""
    return next((text.strip() for text in texts if _TITLE.search(compact(text))), "")


def missing_parts(found: Iterable[str]) -> list[ParseWarning]:
    """A ``missing-section`` warning for each required part of the template that was not found."""
    present = set(found)
    return [
        ParseWarning(code=MISSING, message=f"the document has no {label} part", where=label)
        for label, part in PART_LABELS
        if part not in present and part not in OPTIONAL_PARTS
    ]


def _cell(row: Sequence[str], index: int | None) -> str:
    return row[index] if index is not None and 0 <= index < len(row) else ""


# --- grid form ------------------------------------------------------------------------------------------------


def from_grid(document: Document) -> TemplateContent:
    """Read the template from the document's table rows (first column: the part label)."""
    rows = [row for table in document.tables() for row in table.rows]
    parts = _split_parts(rows)
    texts = [p.text for p in document.paragraphs()] + [cell for row in rows for cell in row[:2]]
    staff, units = _basic_info(parts.get("basic", []))
    expenditure, income = _overview(parts.get("overview", []))
    task_columns = _columns(parts.get("tasks", []), TASK_COLUMNS, default=(1, 2, 3, 4))
    indicators = _indicators(parts.get("indicators", []))
    return TemplateContent(
        title=find_title(texts),
        department=next((cell for row in parts.get("department", []) for cell in row[1:] if cell), ""),
        staff_count=staff,
        subordinate_units=units,
        expenditure=expenditure,
        income=income,
        goals=_goal_texts(parts.get("goals", [])),
        tasks=_tasks(parts.get("tasks", []), task_columns, optional=False)
        + _tasks(parts.get("optional", []), task_columns, optional=True),
        indicators=indicators,
        text=document.text(),
        warnings=missing_parts(parts) + _grid_end(list(parts), indicators),
    )


def _grid_end(parts: list[str], indicators: list[IndicatorRow]) -> list[ParseWarning]:
    """``truncated`` unless the grid reaches the template's end: 绩效指标, its last group 满意度指标, a last row
    with its 指标值.

    Every 部门整体预算绩效目标表 closes with the 绩效指标 table, whose 一级指标 groups run 产出指标, 效益指标,
    满意度指标. A grid that stops earlier reads as a whole, shorter table unless this is checked. (A cut between two
    rows of the 满意度指标 group stays invisible: nothing in the template says how many rows it has.)
    """
    if "indicators" not in parts:
        last = next((label for label, part in reversed(PART_LABELS) if part in parts), None)
        stops = f"in the {last} part" if last else "before any part of the template"
        return [cut_off(stops, f"the {LAST_PART} table the template ends with")]
    if not indicators:
        return [cut_off(f"at the head of {LAST_PART}", "every indicator row")]
    last_row = indicators[-1]
    place = f"at {last_row.where} / {label_text(last_row.name) or 'an unnamed row'}"
    if not compact(last_row.level1 or "").startswith(LAST_GROUP):
        return [cut_off(place, f"the rest of the {LAST_PART} table, through its last group {LAST_GROUP}")]
    if not last_row.value.strip() and not is_numbered_blank(last_row.name):
        # A named row without its value, or a row with only its group cells: the text stops inside that row
        # (an unfilled ``指标 7:`` row names its blank, and is left to the placeholder rule).
        return [
            cut_off(
                f"inside the row {place}", "the rest of that row, through its 指标值 (the table's last cell)"
            )
        ]
    return []


def _split_parts(rows: Iterable[Row]) -> dict[str, list[Row]]:
    """Rows by template part: a labelled first cell opens a part; rows below with an empty first cell belong to it.

    Rows under a label the template does not know (a table of contents, say) are dropped.
    """
    parts: dict[str, list[Row]] = {}
    current: str | None = None
    for row in rows:
        if row and row[0].strip():
            current = part_of(row[0])
        if current is not None:
            parts.setdefault(current, []).append(row)
    return parts


def _basic_info(rows: list[Row]) -> tuple[str, str]:
    """基本信息 is label/value pairs along the row: ``财政供养人员数 (人) | 269 | 下属二级单位 数(个) | 4``."""
    staff = units = ""
    for row in rows:
        for index, cell in enumerate(row):
            label = compact(cell)
            if label.startswith(STAFF_LABEL):
                staff = _next_filled(row, index)
            elif label.startswith(UNITS_LABEL):
                units = _next_filled(row, index)
    return staff, units


def _next_filled(row: Row, index: int) -> str:
    return next((cell for cell in row[index + 1 :] if cell.strip()), "")


def _overview(rows: list[Row]) -> tuple[list[BudgetEntry], list[BudgetEntry]]:
    """预算整体情况: the header row names the expenditure and income label columns; each amount sits to its right."""
    header = next((i for i, row in enumerate(rows) if _column_of(row, "部门预算支出") is not None), None)
    if header is None:
        return [], []
    spend = _column_of(rows[header], "部门预算支出")
    source = _column_of(rows[header], "收入来源")
    expenditure: list[BudgetEntry] = []
    income: list[BudgetEntry] = []
    for row in rows[header + 1 :]:
        for column, side in ((spend, expenditure), (source, income)):
            label = _cell(row, column)
            if label.strip():
                side.append(
                    BudgetEntry(label=label, amount=_cell(row, None if column is None else column + 1))
                )
    return expenditure, income


def _column_of(header: Row, label: str) -> int | None:
    return next((i for i, cell in enumerate(header) if compact(cell).startswith(label)), None)


def _columns(rows: list[Row], labels: tuple[str, ...], default: tuple[int, ...]) -> tuple[int | None, ...]:
    """Column index of each label in the part's header row; the template's usual positions without a header row."""
    header = next((row for row in rows if _is_header(row, labels)), None)
    if header is None:
        return default
    return tuple(_column_of(header, label) for label in labels)


def _is_header(row: Row, labels: tuple[str, ...]) -> bool:
    cells = {compact(cell) for cell in row}
    return sum(1 for label in labels if any(cell.startswith(label) for cell in cells)) >= 2


def _goal_texts(rows: list[Row]) -> list[str]:
    """总体绩效目标 is one cell (often split over two pages): its pieces joined back into one text."""
    text = ""
    for row in rows:
        for cell in row[1:]:
            text = join_wrapped(text, cell.strip())
    return [text] if text else []


def _merge_continued(rows: list[Row], key_columns: tuple[int | None, ...]) -> list[tuple[int, list[str]]]:
    """Rows with their page-break continuations merged in, each with its position in the part.

    A row whose key cells (a task's 名称; an indicator's three levels) are all empty continues the row above:
    each of its cells is appended to the same cell of that row (``…应缴未缴职业年金征`` + ``收金额进度``).
    """
    keys = [column for column in key_columns if column is not None]
    merged: list[tuple[int, list[str]]] = []
    for position, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells[1:]):
            continue
        is_continuation = bool(keys) and all(not _cell(cells, column) for column in keys)
        if is_continuation and merged:
            previous = merged[-1][1]
            previous.extend([""] * (len(cells) - len(previous)))
            for index, cell in enumerate(cells):
                previous[index] = join_wrapped(previous[index], cell)
        else:
            merged.append((position, cells))
    return merged


def _tasks(rows: list[Row], columns: tuple[int | None, ...], optional: bool) -> list[TaskRow]:
    part = "其他需完成的任务" if optional else "年度重点工作任务"
    body = [row for row in rows if not _is_header(row, TASK_COLUMNS)]
    name, content, amount, expected = columns
    return [
        TaskRow(
            name=_cell(cells, name),
            content=_cell(cells, content),
            amount=_cell(cells, amount),
            expected=_cell(cells, expected),
            optional=optional,
            where=f"{part} / row {position}",
        )
        for position, cells in _merge_continued(body, (name,))
    ]


def _indicators(rows: list[Row]) -> list[IndicatorRow]:
    """绩效指标: 一级/二级指标 cells span several rows, so an empty one repeats the level above it."""
    columns = _columns(rows, INDICATOR_COLUMNS, default=(1, 2, 3, 4, 5))
    level1_at, level2_at, name_at, description_at, value_at = columns
    body = [row for row in rows if not _is_header(row, INDICATOR_COLUMNS)]
    result: list[IndicatorRow] = []
    level1 = level2 = ""
    for _, cells in _merge_continued(body, (level1_at, level2_at, name_at)):
        if _cell(cells, level1_at):
            level1, level2 = _cell(cells, level1_at), ""
        if _cell(cells, level2_at):
            level2 = _cell(cells, level2_at)
        result.append(
            IndicatorRow(
                level1=level1 or None,
                level2=level2 or None,
                name=_cell(cells, name_at),
                description=_cell(cells, description_at),
                value=_cell(cells, value_at),
                where=" / ".join(label_text(part) for part in ("绩效指标", level1, level2) if part),
            )
        )
    return result


# --- outline form ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutlineItem:
    """``1.3.2 预算金额（万元）: a, b, …`` as the text reader restored it: number, key and the column's cells."""

    number: str
    key: str
    cells: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.number} {self.key}"

    def is_child_of(self, parent: OutlineItem) -> bool:
        return self.number.startswith(parent.number + ".")


_OUTLINE_NUMBER = re.compile(r"^\d+(?:\.\d+)+$")


def is_outline(document: Document) -> bool:
    """Whether the document's tables are the numbered outline (rows ``1.3.2 | key | cell …``) in whatever format
    carried it — the text reader rebuilds it, a DOCX or PDF of that text keeps it — judged by the rows, not by the
    reader's form: most rows open with a dotted item number."""
    rows = [row for table in document.tables() for row in table.rows if any(cell.strip() for cell in row)]
    numbered = sum(1 for row in rows if len(row) >= 2 and _OUTLINE_NUMBER.match(row[0].strip()))
    return numbered >= 3 and numbered * 2 >= len(rows)


def from_outline(document: Document) -> TemplateContent:
    """Read the template from the outline items (rows ``number, key, cell, …`` of the reader's outline table)."""
    items = [
        OutlineItem(number=row[0], key=row[1], cells=row[2:])
        for table in document.tables()
        for row in table.rows
        if len(row) >= 2
    ]
    warnings = missing_parts(part for label, part in PART_LABELS if _item(items, label) is not None)
    department = _item(items, "部门名称")
    tasks = _outline_tasks(items, "年度重点工作任务", optional=False, warnings=warnings)
    tasks += _outline_tasks(items, "其他需完成的任务", optional=True, warnings=warnings)
    goals = _item(items, "总体绩效目标")
    return TemplateContent(
        title=find_title([p.text for p in document.paragraphs()] + [item.key for item in items]),
        department=_first(department),
        staff_count=_first(_item(items, STAFF_LABEL)),
        subordinate_units=_first(_item(items, UNITS_LABEL)),
        expenditure=_outline_budget(items, "部门预算支出", warnings),
        income=_outline_budget(items, "收入来源", warnings),
        goals=[cell for cell in goals.cells if cell.strip()] if goals else [],
        tasks=tasks,
        indicators=_outline_indicators(items, warnings),
        text=document.text(),
        warnings=warnings + _outline_end(items),
    )


def _outline_end(items: list[OutlineItem]) -> list[ParseWarning]:
    """``truncated`` unless the outline reaches the template's end: the 绩效指标 item's 一级指标 ending with
    满意度指标, and its last column, 指标值, with a value for every 三级指标 name.

    The export lists the indicator table column by column, 指标值 last (the outline's last item), so a cut anywhere
    before the last value leaves a column short or missing.
    """
    level1_key, _, name_key, _, value_key = INDICATOR_COLUMNS
    parent = _item(items, LAST_PART)
    if parent is None:
        stops = f"at {items[-1].label}" if items else "before any item of the template"
        return [cut_off(stops, f"the {LAST_PART} table the template ends with")]
    level1 = _item(items, level1_key, within=parent)
    names = _item(items, name_key, within=parent)
    values = _item(items, value_key, within=parent)
    groups = [compact(cell) for cell in level1.cells if cell.strip()] if level1 else []
    stops = f"at {items[-1].label}"
    if not groups or not groups[-1].startswith(LAST_GROUP):
        return [
            cut_off(stops, f"the {level1_key} column through its last group {LAST_GROUP}, and what follows")
        ]
    if names is None or values is None:
        return [cut_off(stops, f"the {name_key} or {value_key} column")]
    if len(values.cells) < len(names.cells):
        return [
            cut_off(
                stops,
                f"{len(names.cells) - len(values.cells)} of the {len(names.cells)} values of {values.label}",
            )
        ]
    return []


def _item(items: Sequence[OutlineItem], key: str, within: OutlineItem | None = None) -> OutlineItem | None:
    """The first item whose key starts with ``key`` (whitespace ignored), among ``within``'s children if given."""
    return next(
        (
            item
            for item in items
            if compact(item.key).startswith(key) and (within is None or item.is_child_of(within))
        ),
        None,
    )


def _first(item: OutlineItem | None) -> str:
    return next((cell for cell in item.cells if cell.strip()), "") if item else ""


def _paired(columns: Sequence[OutlineItem], warnings: list[ParseWarning]) -> list[tuple[str, ...]]:
    """Columns of one table zipped back into rows; unequal lengths are reported, and the rows padded, not dropped."""
    lengths = {len(column.cells) for column in columns}
    if len(lengths) > 1:
        listed = ", ".join(f"{column.label} has {len(column.cells)}" for column in columns)
        warnings.append(
            ParseWarning(
                code=COLUMNS_MISMATCH,
                message=f"columns of one table have different numbers of cells ({listed}); rows paired by position",
                where=columns[0].label,
            )
        )
    return list(zip_longest(*(column.cells for column in columns), fillvalue=""))


def _outline_budget(items: list[OutlineItem], key: str, warnings: list[ParseWarning]) -> list[BudgetEntry]:
    """A 预算整体情况 side: the label column and, as the next item, its 预算金额 column."""
    labels = _item(items, key)
    if labels is None:
        return []
    following = items[items.index(labels) + 1 :]
    amounts = following[0] if following and "金额" in compact(following[0].key) else None
    if amounts is None:
        warnings.append(
            ParseWarning(
                code=MISSING,
                message=f"{labels.label} is not followed by its 预算金额 column; amounts unknown",
                where=labels.label,
            )
        )
        return [BudgetEntry(label=label, amount="") for label in labels.cells]
    return [BudgetEntry(label=label, amount=amount) for label, amount in _paired((labels, amounts), warnings)]


def _outline_tasks(
    items: list[OutlineItem], key: str, optional: bool, warnings: list[ParseWarning]
) -> list[TaskRow]:
    """年度重点工作任务 (or 其他需完成的任务): child items 名称, 主要实施内容, … are the table's columns."""
    parent = _item(items, key)
    if parent is None:
        return []
    rows = _table_rows(items, parent, TASK_COLUMNS, warnings)
    if not rows:
        return _unstructured_tasks(parent, optional, warnings)
    name, content, amount, expected = TASK_COLUMNS
    return [
        TaskRow(
            name=row.get(name, ""),
            content=row.get(content, ""),
            amount=row.get(amount, ""),
            expected=row.get(expected, ""),
            optional=optional,
            where=f"{parent.label} #{position}",
        )
        for position, row in enumerate(rows, start=1)
    ]


def _table_rows(
    items: list[OutlineItem], parent: OutlineItem, columns: Sequence[str], warnings: list[ParseWarning]
) -> list[dict[str, str]]:
    """The rows of the table whose columns are ``parent``'s child items, each row keyed by column name."""
    found = [(name, column) for name in columns if (column := _item(items, name, within=parent)) is not None]
    if not found:
        return []
    names = [name for name, _ in found]
    return [dict(zip(names, row, strict=True)) for row in _paired([column for _, column in found], warnings)]


def _unstructured_tasks(parent: OutlineItem, optional: bool, warnings: list[ParseWarning]) -> list[TaskRow]:
    """A task item with cells but no 名称/主要实施内容/… columns: each filled cell becomes a task named by its text."""
    filled = [cell for cell in parent.cells if cell.strip()]
    if filled:
        warnings.append(
            ParseWarning(
                code=UNSTRUCTURED_TASKS,
                message=f"{parent.label} lists {len(filled)} entries without 名称/主要实施内容/拟投入的资金 columns; "
                "each kept as a task name only",
                where=parent.label,
            )
        )
    return [
        TaskRow(
            name=cell, content="", amount="", expected="", optional=optional, where=f"{parent.label} #{i}"
        )
        for i, cell in enumerate(filled, start=1)
    ]


def _outline_indicators(items: list[OutlineItem], warnings: list[ParseWarning]) -> list[IndicatorRow]:
    """绩效指标: 三级指标 and 指标值 (and 指标解释 if present) paired by position; the levels only where provable."""
    level1_key, level2_key, name_key, description_key, value_key = INDICATOR_COLUMNS
    parent = _item(items, "绩效指标")
    names = _item(items, name_key, within=parent) if parent is not None else None
    if parent is None or names is None:
        return []
    rows = _table_rows(items, parent, (name_key, description_key, value_key), warnings)
    level1s = provable_levels(_item(items, level1_key, within=parent), len(rows), names, warnings)
    level2s = provable_levels(_item(items, level2_key, within=parent), len(rows), names, warnings)
    return [
        IndicatorRow(
            level1=level1,
            level2=level2,
            name=row.get(name_key, ""),
            description=row.get(description_key, ""),
            value=row.get(value_key, ""),
            where=f"{names.label} #{position}",
        )
        for position, (row, level1, level2) in enumerate(zip(rows, level1s, level2s, strict=True), start=1)
    ]


def provable_levels(
    groups: OutlineItem | None, count: int, names: OutlineItem, warnings: list[ParseWarning]
) -> list[str | None]:
    """The group of each of ``count`` indicator rows, where the flattened group column proves it; else all ``None``.

    The export lists a group column (一级指标, 二级指标) once per merged cell, without how many rows each cell
    spanned. Each group spans at least one row, so one group covers every row, and as many groups as rows means one
    row each; any other count fits many groupings, and choosing one would be a guess.
    """
    filled = [cell for cell in groups.cells if cell.strip()] if groups is not None else []
    if groups is None or not filled:
        return [None] * count
    if len(set(filled)) == 1:
        return [filled[0]] * count
    if len(filled) == len(groups.cells) == count:
        return list(filled)
    warnings.append(
        ParseWarning(
            code=GROUPING_LOST,
            message=(
                f"{groups.key} lists {len(groups.cells)} groups ({'、'.join(groups.cells)}) for {count} "
                f"{names.key} rows without the rows each group spans, so which indicator belongs to which "
                f"{groups.key} cannot be recovered: {groups.key} left unknown (null) for every indicator"
            ),
            where=groups.label,
        )
    )
    return [None] * count
