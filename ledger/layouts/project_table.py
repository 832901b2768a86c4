"""The Hebei-style project performance target table (项目绩效目标表), shared by the Hebei layouts.

Hebei departments (Laoting, Gaoxin, Haigang …) publish one table per project, from the same provincial template::

    [356001乐亭县人力资源和社会保障局本级 | 单位：万元]                     unit line (optional)
    项目编码 | 13022524P0008F010032K | 项目名称 | 考核奖励经费
    预算规模及资金用途 | 预算数 | 227.00 | 其中：财政资金 | 227.00 | 其他资金 | …
                    | 资金用途 (purpose) text
    资金支出计划（%） | 3月底 | 6月底 | 10月底 | 12月底
                    | 25%   | 50%   | 75%    | 100%
    绩效目标         | 1.… (one cell, numbered lines)   or   目标1 | … (one row per goal)
    一级指标 | 二级指标 | 三级指标 | 绩效指标描述 | 指标值 | 指标值确定依据
    产出指标 | 数量指标 | …        (empty level cells: merged cells, inherit from the row above)

:func:`parse_project_table` reads one such table into a :class:`~ledger.model.Project` plus the warnings an auditor
must see: a table cut off mid-row (``truncated``), placeholder or empty indicator rows, rows rebuilt from two
fragments. Nothing is guessed silently: whatever the parser reconstructs, it says so in a warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ledger.errors import ValueParseError
from ledger.layouts.common import BOOKMARK, AmountReader
from ledger.model import Indicator, IndicatorValue, ParseWarning, Project, Unit
from ledger.model.notices import extract_notices
from ledger.model.values import parse_percent, parse_value
from ledger.readers.document import Table

# Warning codes (ParseWarning.code) raised here; the layouts and the audit checks key on them.
TRUNCATED = "truncated"  # the table stops inside a row or before its indicator rows
PLACEHOLDER = "placeholder-indicator"  # 指标 5: / a name without a value / a value without a name
EMPTY_ROW = "empty-row"  # a wholly blank row among the indicator rows
ROW_JOINED = "row-joined"  # one indicator row rebuilt from two fragments (a cell broken across a page)
ROW_CONTINUED = "row-continued"  # a row without a name whose text was appended to the indicator above
UNREADABLE = "unreadable-cell"  # an amount, a spending-plan cell or a value that could not be read
MISSING = "missing-section"  # a section of the template is absent

#: Words some templates use for the standard 一级指标 (level-1 indicator) names.
LEVEL1_SYNONYMS = {"效果指标": "效益指标"}
#: The 一级指标 group that closes every indicator table of the template (产出指标 → 效益指标 → 满意度指标).
LAST_LEVEL1 = "满意度指标"

#: The sections of the template, in their printed order.
_INDICATOR_SECTION = "指标表 (一级指标/二级指标/三级指标)"
_SECTIONS = ("项目编码", "预算规模及资金用途", "资金支出计划", "绩效目标", _INDICATOR_SECTION)

_WHITESPACE = re.compile(r"\s+")
_UNIT_LINE = re.compile(r"^(?P<code>\d{3,})?\s*(?P<name>\S.*?)$")
_MONEY_UNIT = re.compile(r"^单位[:：]\s*(?P<unit>\S+)$")
_MONTH = re.compile(r"^(?P<month>\d{1,2})月(?:底|末)?$")
_PLACEHOLDER_NAME = re.compile(r"^(?:指标\s*\d+\s*[:：]?|[-—–―/\\]+|无)$")
#: Numbering in front of a goal: ``1.``, ``1.1.``, ``目标1：``, ``（一）``, ``(1)``, ``一、`` (not ``3.0政策``).
_GOAL_NUMBER = re.compile(
    r"^(?:目标\s*\d+\s*[:：]?|\d+(?:\.\d+)*\s*[.、．](?!\d)|[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|[一二三四五六七八九十]+、)\s*"
)
_LEVEL1_LABEL = re.compile(r"^\S{2,6}指标$")


def label(cell: str) -> str:
    """A cell as a label: bookmarks and every blank removed (``产出\\n\\n指标`` → ``产出指标``)."""
    return _WHITESPACE.sub("", BOOKMARK.sub("", cell))


def text(cell: str) -> str:
    """A cell as text: bookmarks removed, each line stripped, blank lines dropped, line breaks kept."""
    lines = (line.strip(" \t\u3000") for line in BOOKMARK.sub("", cell).split("\n"))
    return "\n".join(line for line in lines if line)


def _trimmed(row: Sequence[str]) -> list[str]:
    """The row without trailing empty cells (DOCX rows often carry blank cells after the last merged one)."""
    cells = list(row)
    while cells and not text(cells[-1]):
        cells.pop()
    return cells


# --- unit line --------------------------------------------------------------------------------------------------


def parse_unit_line(line: str) -> Unit | None:
    """``356001乐亭县人力资源和社会保障局本级`` → Unit(code="356001", name="乐亭县…本级"); a money unit → None."""
    cleaned = text(line).replace("\n", "")
    if not cleaned or _MONEY_UNIT.match(label(cleaned)):
        return None
    match = _UNIT_LINE.match(cleaned)
    if match is None:  # pragma: no cover - the pattern matches any non-blank text
        return None
    return Unit(code=match.group("code"), name=match.group("name").strip())


def _is_unit_row(row: Sequence[str]) -> bool:
    """The row above the table proper: ``[单位名称 |] 单位：万元``."""
    cells = [label(c) for c in row if text(c)]
    return bool(cells) and len(cells) <= 2 and any(_MONEY_UNIT.match(c) for c in cells)


def money_unit_of_table(table: Table, default: str = "万元") -> str:
    """The money unit the table states (``单位：万元``); ``default`` when it states none (amounts then carry their
    unit in the cell, as Gaoxin's ``4000万元``)."""
    if table.rows and _is_unit_row(table.rows[0]):
        for cell in table.rows[0]:
            match = _MONEY_UNIT.match(label(cell))
            if match:
                return match.group("unit")
    return default


def unit_of_table(table: Table, unit_line: str | None = None) -> Unit | None:
    """The budget unit (单位) a project table belongs to: from ``unit_line`` or the table's own first row."""
    if unit_line is not None:
        return parse_unit_line(unit_line)
    if table.rows and _is_unit_row(table.rows[0]):
        for cell in table.rows[0]:
            unit = parse_unit_line(cell)
            if unit is not None:
                return unit
    return None


# --- recognising and splitting tables ---------------------------------------------------------------------------


def _row_label(row: Sequence[str]) -> str:
    return label(row[0]) if row else ""


def _is_code_row(row: Sequence[str]) -> bool:
    labels = {label(c) for c in row}
    return "项目编码" in labels or "项目名称" in labels


def is_project_table(table: Table) -> bool:
    """A 项目绩效目标表: a row naming the project (项目编码 and 项目名称), or one of the two with the budget row or
    the indicator header. A table cut off right after its first row still counts: it is a truncated project."""
    named = any({"项目编码", "项目名称"} <= {label(c) for c in row} for row in table.rows)
    has_code = any(_is_code_row(row) for row in table.rows)
    has_body = any(_row_label(row) == "预算规模及资金用途" or _is_indicator_header(row) for row in table.rows)
    return named or (has_code and has_body)


def split_project_tables(table: Table) -> list[Table]:
    """Split a table that holds several project tables back to back (no paragraph between them).

    A new project starts at each 项目编码/项目名称 row after the first, together with the unit row just above it.
    """
    starts: list[int] = []
    for index, row in enumerate(table.rows):
        if _is_code_row(row):
            start = index - 1 if index > 0 and _is_unit_row(table.rows[index - 1]) else index
            starts.append(start)
    if len(starts) <= 1:
        return [table]
    starts[0] = 0
    bounds = [*starts, len(table.rows)]
    return [Table(rows=table.rows[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]


# --- the parse --------------------------------------------------------------------------------------------------


@dataclass
class _Columns:
    """Where each indicator column sits, read from the header row."""

    level1: int
    level2: int
    name: int
    description: int | None
    value: int
    basis: int | None
    width: int


def _is_indicator_header(row: Sequence[str]) -> bool:
    labels = [label(c) for c in row]
    return any("一级指标" in c for c in labels) and any("三级指标" in c for c in labels)


def _indicator_columns(row: Sequence[str]) -> _Columns:
    labels = [label(c) for c in _trimmed(row)]

    def find(*wanted: str, exclude: str = "") -> int | None:
        for index, cell in enumerate(labels):
            if any(w in cell for w in wanted) and not (exclude and exclude in cell):
                return index
        return None

    level1 = find("一级指标")
    level2 = find("二级指标")
    name = find("三级指标")
    value = find("指标值", exclude="依据")
    assert level1 is not None and name is not None  # guaranteed by _is_indicator_header
    level2 = level2 if level2 is not None else level1 + 1
    value = value if value is not None else name + 2
    description = find("描述", "解释", "指标内容")
    basis = find("依据")
    # A header lacking a column still gives every row room for the cells the defaults point at.
    width = max(
        len(labels), *(i + 1 for i in (level1, level2, name, value, description, basis) if i is not None)
    )
    return _Columns(
        level1=level1,
        level2=level2,
        name=name,
        description=description,
        value=value,
        basis=basis,
        width=width,
    )


@dataclass(kw_only=True)
class _State(AmountReader):
    """What the parse has gathered so far; amounts and warnings as every layout reads them."""

    where: str
    money_unit: str = "万元"
    code: str | None = None
    name: str | None = None
    project_amount: Decimal | None = None  # 预算数
    fiscal_amount: Decimal | None = None
    other_amount: Decimal | None = None
    purpose: list[str] = field(default_factory=list)
    months: list[str | None] = field(default_factory=list)
    spending_plan: dict[str, Decimal] = field(default_factory=dict)
    goals: list[str] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)  # template sections met, by their _SECTIONS name
    indicator_rows: int = 0
    level1: str | None = None  # the 一级指标 group of the last indicator row read, placeholders included

    def warn(self, code: str, message: str, where: str | None = None) -> None:
        super().warn(code, message, where or self.where)


def parse_project_table(
    table: Table,
    *,
    title: str | None = None,
    unit_line: str | None = None,
    where: str | None = None,
) -> tuple[Project, list[ParseWarning]]:
    """Read one 项目绩效目标表 into a :class:`Project` and the warnings about it.

    ``title`` is the heading printed above the table (``1.考核奖励经费绩效目标表``); it names the project when the
    table's 项目名称 cell is empty and, by default, locates the warnings. ``unit_line`` is the unit line printed
    above the table when it is not the table's first row (``356001乐亭县…本级``); the project's ``unit`` is that
    unit's name. A table that stops mid-row or before its indicator rows still yields the project as far as it
    was published, with a ``truncated`` warning that says exactly what is missing.
    """
    heading = _title_text(title)
    state = _State(where=where or heading or "项目绩效目标表", money_unit=money_unit_of_table(table))
    rows = [tuple(row) for row in table.rows]
    if rows and _is_unit_row(rows[0]):
        rows = rows[1:]
    unit = unit_of_table(table, unit_line)

    index = 0
    section = ""
    while index < len(rows):
        row = rows[index]
        head = _row_label(row)
        if _is_indicator_header(row):
            _read_indicators(state, rows[index:])
            break
        if _is_code_row(row):
            _read_code_row(state, row)
            section = "code"
            state.seen.add("项目编码")
        elif head == "预算规模及资金用途":
            _read_budget_row(state, row)
            section = "budget"
            state.seen.add("预算规模及资金用途")
        elif "资金支出计划" in head:
            state.months = [_month_key(c) for c in row[1:]]
            _warn_unknown_months(state, row[1:])
            section = "plan-header"
            state.seen.add("资金支出计划")
        elif head in ("绩效目标", "年度绩效目标"):
            state.goals.extend(_goals_of(row[1:]))
            section = "goals"
            state.seen.add("绩效目标")
        elif not head:
            section = _read_continuation(state, section, row)
        else:
            state.warn(UNREADABLE, f"row not in the project template, skipped: {_row_text(row)}")
        index += 1

    _check_complete(state)
    name = state.name or _project_name_from_title(heading)
    if name is None:
        name = state.code or "(unnamed project)"
        state.warn(MISSING, "the table names no project (项目名称 empty and no title)")
    project = Project(
        code=state.code,
        name=name,
        unit=unit.name if unit is not None else None,
        amount=state.project_amount,
        fiscal_amount=state.fiscal_amount,
        other_amount=state.other_amount,
        purpose="\n".join(state.purpose) or None,
        spending_plan=state.spending_plan,
        goals=state.goals,
        indicators=state.indicators,
        notices=_notice_refs([heading or "", name, *state.purpose, *state.goals], state.indicators),
    )
    return project, state.warnings


# --- sections ---------------------------------------------------------------------------------------------------


def _title_text(title: str | None) -> str | None:
    if title is None:
        return None
    cleaned = text(title).replace("\n", "")
    return cleaned or None


def _project_name_from_title(title: str | None) -> str | None:
    """``1.考核奖励经费绩效目标表`` → ``考核奖励经费`` (used only when the table's 项目名称 cell is empty)."""
    if not title:
        return None
    name = re.sub(r"^\d+\s*[.、．]\s*", "", title)
    name = re.sub(r"(?:项目)?绩效目标表$", "", name).strip()
    return name or None


def _read_code_row(state: _State, row: Sequence[str]) -> None:
    """``项目编码 | code | 项目名称 | name``; a code cell of dashes (``————``) or blanks means no code."""
    cells = list(row)
    for index, cell in enumerate(cells[:-1]):
        key = label(cell)
        value = text(cells[index + 1]).replace("\n", "")
        if key == "项目编码":
            state.code = value if value.strip("—-－ ") else None
        elif key == "项目名称":
            state.name = value or None


def _read_budget_row(state: _State, row: Sequence[str]) -> None:
    """``预算规模及资金用途 | 预算数 | a | 其中：财政资金 | b | 其他资金 | c``: each amount follows its label."""
    cells = list(row)
    for index, cell in enumerate(cells[:-1]):
        key = label(cell)
        raw = text(cells[index + 1])
        if key == "预算数":
            state.project_amount = _amount(state, key, raw)
        elif "财政资金" in key:
            state.fiscal_amount = _amount(state, key, raw)
        elif key == "其他资金":
            state.other_amount = _amount(state, key, raw)


def _amount(state: _State, key: str, raw: str) -> Decimal | None:
    return state.amount(raw, f"{state.where}, {key}", state.money_unit)


def _read_continuation(state: _State, section: str, row: Sequence[str]) -> str:
    """A row whose first cell is empty continues the section above it (merged label cell)."""
    cells = [text(c) for c in row[1:]]
    if section in ("budget", "purpose"):
        state.purpose.extend(c for c in cells if c)
        return "purpose"
    if section == "plan-header":
        _read_plan_values(state, row[1:])
        return "plan"
    if section == "goals":
        state.goals.extend(_goals_of(row[1:]))
        return "goals"
    if any(cells):
        state.warn(UNREADABLE, f"row not in the project template, skipped: {_row_text(row)}")
    return section


def _month_key(cell: str) -> str | None:
    match = _MONTH.match(label(cell))
    return f"{int(match.group('month')):02d}" if match else None


def _warn_unknown_months(state: _State, cells: Sequence[str]) -> None:
    for cell in cells:
        if text(cell) and _month_key(cell) is None:
            state.warn(UNREADABLE, f"资金支出计划 column {text(cell)!r} is not a month (expected e.g. 3月底)")


def _read_plan_values(state: _State, cells: Sequence[str]) -> None:
    """资金支出计划: the cumulative share (%) to be spent by the end of each month; blank cells are left out."""
    for month, cell in zip(state.months, cells, strict=False):
        raw = text(cell)
        if month is None:
            continue
        try:
            share = parse_percent(raw)
        except ValueParseError:
            state.warn(UNREADABLE, f"资金支出计划 for month {month} is {raw!r}, not a percentage")
            continue
        if share is not None:
            state.spending_plan[month] = share


def _goals_of(cells: Sequence[str]) -> list[str]:
    """Goals from the cells after 绩效目标: one goal per numbered line; unnumbered lines continue the goal above.

    Gaoxin puts each goal on its own row (``目标1 | text``); Laoting and Haigang put all goals in one cell
    (``1.…\\n2.…``). The numbering (``1.``, ``1.1.``, ``目标1：``) is dropped: the list order keeps it.
    """
    goals: list[str] = []
    starts_goal = True  # a bare number (``目标1`` in a cell of its own) makes the next line a new goal
    for line in "\n".join(text(c) for c in cells if text(c)).split("\n"):
        numbered = _GOAL_NUMBER.match(line) is not None
        content = _strip_goal_number(line)
        if not content:
            starts_goal = starts_goal or numbered
            continue
        if numbered or starts_goal or not goals:
            goals.append(content)
        else:
            goals[-1] = f"{goals[-1]}\n{content}"
        starts_goal = False
    return goals


def _strip_goal_number(line: str) -> str:
    previous = None
    while previous != line:
        previous, line = line, _GOAL_NUMBER.sub("", line, count=1).strip()
    return line


# --- indicators -------------------------------------------------------------------------------------------------


def _read_indicators(state: _State, rows: Sequence[Sequence[str]]) -> None:
    """The indicator table: the header row, then one row per 三级指标."""
    state.seen.add(_INDICATOR_SECTION)
    columns = _indicator_columns(rows[0])
    body = [list(row) for row in rows[1:]]
    level1: str | None = None
    level2: str | None = None
    source_level1: str | None = None
    position = 0
    index = 0
    while index < len(body):
        row = _trimmed(body[index])
        index += 1
        position += 1
        where = f"{state.where}, 指标 row {position}"
        if not row:
            if position > 1:  # a blank row right under the header is the header's second (merged) line
                state.warn(EMPTY_ROW, "blank row among the indicator rows", where)
            continue
        if len(row) < columns.width and index < len(body):
            following = _trimmed(body[index])
            if following and len(row) + len(following) == columns.width and not _is_level1(following[0]):
                state.warn(
                    ROW_JOINED,
                    f"row of {len(row)} cells joined with the next row of {len(following)} cells "
                    f"(a row broken across a page): {_row_text(row)} + {_row_text(following)}",
                    where,
                )
                row = row + following
                index += 1
        if (
            len(row) < columns.width
            and all(not _trimmed(rest) for rest in body[index:])
            and not _continues_previous(columns, row)
        ):
            _warn_cut_off(state, columns, row, where)
            return
        if len(row) > columns.width:
            state.warn(
                UNREADABLE, f"cells beyond the {columns.width} columns ignored: {_row_text(row)}", where
            )
        cells = row + [""] * (columns.width - len(row))
        new_level1 = label(cells[columns.level1]) or None
        if new_level1 is not None:
            source_level1 = new_level1 if new_level1 in LEVEL1_SYNONYMS else None
            level1 = LEVEL1_SYNONYMS.get(new_level1, new_level1)
            level2 = None
        state.level1 = level1
        new_level2 = label(cells[columns.level2]) or None
        if new_level2 is not None:
            level2 = new_level2
        indicator = _indicator(state, columns, cells, level1, level2, source_level1, where)
        if indicator is not None:
            state.indicators.append(indicator)
            state.indicator_rows += 1


def _continues_previous(columns: _Columns, row: Sequence[str]) -> bool:
    """A last row with no label, name or value, only text further right: not a table cut off, but the rest of the
    row above, carried over a page break (its cells padded short by the trim)."""
    keys = (columns.level1, columns.level2, columns.name, columns.value)
    return all(index >= len(row) or not row[index].strip() for index in keys) and any(c.strip() for c in row)


def _is_level1(cell: str) -> bool:
    return _LEVEL1_LABEL.match(label(cell)) is not None


def _indicator(
    state: _State,
    columns: _Columns,
    cells: Sequence[str],
    level1: str | None,
    level2: str | None,
    source_level1: str | None,
    where: str,
) -> Indicator | None:
    name = text(cells[columns.name])
    raw_value = text(cells[columns.value])
    description = text(cells[columns.description]) if columns.description is not None else ""
    basis = text(cells[columns.basis]) if columns.basis is not None else ""
    if not name and not raw_value and (description or basis) and state.indicators:
        _continue_previous(state, description, basis, where)
        return None
    value = _value(raw_value)
    if not name or _PLACEHOLDER_NAME.match(label(name)) or value is None:
        missing = "a name" if not name or _PLACEHOLDER_NAME.match(label(name)) else "a value"
        state.warn(
            PLACEHOLDER, f"indicator row without {missing} is not an indicator: {_row_text(cells)}", where
        )
        return None
    return Indicator(
        level1=level1,
        level2=level2,
        name=name,
        description=description or None,
        value=value,
        basis=basis or None,
        source_level1=source_level1,
    )


def _continue_previous(state: _State, description: str, basis: str, where: str) -> None:
    """A row with neither name nor value but some text: the cells of the row above, broken across a page."""
    previous = state.indicators[-1]
    update: dict[str, str] = {}
    if description:
        update["description"] = "\n".join(filter(None, [previous.description, description]))
    if basis:
        update["basis"] = "\n".join(filter(None, [previous.basis, basis]))
    state.indicators[-1] = previous.model_copy(update=update)
    state.warn(ROW_CONTINUED, f"row without name or value appended to indicator {previous.name!r}", where)


def _value(raw: str) -> IndicatorValue | None:
    """The normalised 指标值; None for an empty or placeholder cell (``—``, ``/``), which is no target at all."""
    try:
        return parse_value(raw)
    except ValueParseError:
        return None


def _warn_cut_off(state: _State, columns: _Columns, row: Sequence[str], where: str) -> None:
    """The last row stops before its last cell: the publication ends inside this table."""
    names = {
        columns.level1: "一级指标",
        columns.level2: "二级指标",
        columns.name: "三级指标",
        columns.value: "指标值",
    }
    if columns.description is not None:
        names[columns.description] = "绩效指标描述"
    if columns.basis is not None:
        names[columns.basis] = "指标值确定依据"
    missing = [names.get(i, f"column {i + 1}") for i in range(len(row), columns.width)]
    state.warn(
        TRUNCATED,
        f"the table ends inside indicator row {state.indicator_rows + 1} ({_row_text(row)}): "
        f"its {', '.join(missing)} and any later indicator rows are missing; "
        f"{state.indicator_rows} complete indicator(s) kept, the cut row is not an indicator",
        where,
    )


def _check_complete(state: _State) -> None:
    """Every section of the template should be there. The template ends with the indicator table, whose rows
    close with the 一级指标 group 满意度指标, so a table without it, without indicator rows or whose rows stop in an
    earlier group stops early (``truncated``); a section missing before it is only ``missing-section``."""
    if _INDICATOR_SECTION not in state.seen:
        absent = [name for name in _SECTIONS if name not in state.seen]
        state.warn(
            TRUNCATED,
            f"the table stops before its {', '.join(absent)}: "
            f"{'no indicators published' if len(absent) == 1 else 'these sections and all indicators are missing'}",
        )
        return
    for name in _SECTIONS:
        if name not in state.seen:
            state.warn(MISSING, f"no {name} section in the table")
    if any(w.code == TRUNCATED for w in state.warnings):
        return
    if state.indicator_rows == 0:
        state.warn(
            TRUNCATED,
            "the indicator table stops after its header: no indicator row, so the whole table through its last "
            f"group {LAST_LEVEL1} is missing",
        )
    elif state.level1 != LAST_LEVEL1:
        state.warn(
            TRUNCATED,
            f"the indicator rows stop in the 一级指标 group {state.level1 or '(none)'} after "
            f"{state.indicator_rows} indicator(s): the rest of the table, through its last group {LAST_LEVEL1}, "
            "is missing",
        )


# --- helpers ----------------------------------------------------------------------------------------------------


def _row_text(row: Iterable[str]) -> str:
    return " | ".join(text(c).replace("\n", "") for c in row)


def _notice_refs(texts: Iterable[str], indicators: Iterable[Indicator]) -> list[str]:
    """The funding notices (资金文件) the project names, in order of first mention, each once."""
    sources = [*texts]
    for indicator in indicators:
        sources.extend(filter(None, [indicator.name, indicator.description, indicator.basis]))
    refs: list[str] = []
    for source in sources:
        for notice in extract_notices(source):
            if notice.ref not in refs:
                refs.append(notice.ref)
    return refs
