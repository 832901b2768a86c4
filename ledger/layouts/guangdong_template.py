"""The Guangdong 部门整体预算绩效目标表 template: what it says, whichever textual form carried it.

Guangdong's department-wide performance target table (部门整体预算绩效目标表, also published as the approved
批复表) has seven parts: 部门名称; 基本信息 (财政供养人员数, 下属二级单位数); 预算整体情况 (部门预算支出 and 收入来源
side by side, each with its 预算金额); 总体绩效目标; 年度重点工作任务 (名称 / 主要实施内容 / 拟投入的资金 / 期望达到的
目标); 其他需完成的任务 (optional tasks, same columns); 绩效指标 (一级/二级/三级指标, 指标解释, 指标值).

The same template reaches us in several textual forms (PDF text rows, a flattened spreadsheet outline …). A front
end (:mod:`ledger.layouts.guangdong_forms`) copies one form's cells into :class:`TemplateContent` without
interpreting them; :func:`build_snapshot` does all the interpretation, once, for every form: amounts, counts, the
nesting of budget lines, goal numbering, placeholder rows and indicator values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ledger.errors import ParseError, ValueParseError
from ledger.layouts.common import AmountReader
from ledger.model import (
    BasicInfo,
    BudgetOverview,
    Department,
    Goal,
    Indicator,
    IndicatorValue,
    KeyTask,
    Line,
    ParseWarning,
    Snapshot,
)
from ledger.model.notices import extract_notices
from ledger.model.values import normalise_text, parse_value

DOCUMENT_KIND = "department-targets"

# Warning codes (ParseWarning.code); the first three mean what they mean in the Hebei project-table parser.
#: 指标 5: / an empty row / a name without a value / a value without a name
PLACEHOLDER = "placeholder-indicator"
UNREADABLE = "unreadable-cell"  # an amount, a count or a value that could not be read
MISSING = "missing-section"  # a part of the template is absent
COLUMNS_MISMATCH = "column-length-mismatch"  # flattened columns of one table have different lengths
GROUPING_LOST = "indicator-grouping-lost"  # 一级/二级指标 of each indicator not recoverable from the form
RATE_AS_FRACTION = "rate-as-fraction"  # a rate whose target is a bare 0 < n <= 1 (a flattened percent cell?)
UNNAMED_TASK = "task-without-name"  # a task row with text but no 名称
UNSTRUCTURED_TASKS = "unstructured-tasks"  # task entries without their columns
TRUNCATED = "truncated"  # the document stops before the template's end (same code as the Hebei parsers')

#: The template's last part, and the 一级指标 group that closes its indicator table (产出 → 效益 → 满意度指标).
LAST_PART = "绩效指标"
LAST_GROUP = "满意度指标"


def cut_off(stops: str, missing: str) -> ParseWarning:
    """The ``truncated`` warning of a document that stops before the template's end: where, and what is missing."""
    return ParseWarning(
        code=TRUNCATED,
        message=f"the publication is cut off: it stops {stops}; missing: {missing}",
        where=LAST_PART,
    )


_WHITESPACE = re.compile(r"\s+")
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE_BETWEEN_HAN = re.compile(rf"(?<=[{_HAN}])\s+(?=[{_HAN}])")


def compact(text: str) -> str:
    """All whitespace removed: for recognising a label whatever spaces and line breaks the extraction put in it."""
    return _WHITESPACE.sub("", text)


def label_text(text: str) -> str:
    """A label or name cell, cleaned: :func:`~ledger.values.normalise_text`, then spaces between Han characters dropped.

    PDF text extraction breaks a short label cell where the printed line wrapped (``其中:其他特 定目标类``,
    ``下属二级单位 数``). Chinese writes no spaces inside a word, so in a label such a space is an artefact and goes
    (``其中:其他特定目标类``). Running text (goals, task contents, indicator descriptions) is left to
    ``normalise_text``, which keeps a space between two Chinese words because prose may use one as a separator.
    """
    return _SPACE_BETWEEN_HAN.sub("", normalise_text(text))


def join_wrapped(head: str, tail: str) -> str:
    """Join a cell with its continuation on the next page: no space, unless it would glue two Latin words or numbers."""
    if not head or not tail:
        return head or tail
    if head[-1].isascii() and head[-1].isalnum() and tail[0].isascii() and tail[0].isalnum():
        return f"{head} {tail}"
    return head + tail


@dataclass(frozen=True)
class BudgetEntry:
    """One label/amount pair on one side of 预算整体情况, as the source has it (amount text may be a header)."""

    label: str
    amount: str


@dataclass(frozen=True)
class TaskRow:
    """One row of 年度重点工作任务 (or of 其他需完成的任务 when ``optional``), cells as the source has them."""

    name: str
    content: str
    amount: str
    expected: str
    optional: bool
    where: str


@dataclass(frozen=True)
class IndicatorRow:
    """One row of 绩效指标. ``level1``/``level2`` are ``None`` where the form lost the grouping (never guessed)."""

    level1: str | None
    level2: str | None
    name: str
    description: str
    value: str
    where: str


@dataclass
class TemplateContent:
    """The template's cells as one front end read them, not yet interpreted."""

    title: str
    department: str
    staff_count: str = ""
    subordinate_units: str = ""
    expenditure: list[BudgetEntry] = field(default_factory=list)
    income: list[BudgetEntry] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    tasks: list[TaskRow] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    #: All the document's text, for the funding notices it cites.
    text: str = ""
    #: What the front end could not read as fact (lost grouping, columns of unequal length …).
    warnings: list[ParseWarning] = field(default_factory=list)


def build_snapshot(content: TemplateContent) -> Snapshot:
    """Interpret the template's cells into the canonical snapshot; :class:`ParseError` without a department or year."""
    warnings = list(content.warnings)
    department = label_text(content.department)
    if not department:
        raise ParseError("the 部门名称 (department name) cell is empty")
    return Snapshot(
        department=Department(name=department),
        fiscal_year=fiscal_year(content.title),
        document_kind=DOCUMENT_KIND,
        basic_info=BasicInfo(
            staff_count=_count(content.staff_count, "财政供养人员数", warnings),
            subordinate_units=_count(content.subordinate_units, "下属二级单位数", warnings),
        ),
        budget_overview=BudgetOverview(
            expenditure=budget_lines(content.expenditure, "部门预算支出", warnings),
            income=budget_lines(content.income, "收入来源", warnings),
        ),
        goals=goals(content.goals),
        key_tasks=[task for row in content.tasks if (task := _key_task(row, warnings)) is not None],
        indicators=[
            indicator for row in content.indicators if (indicator := _indicator(row, warnings)) is not None
        ],
        notices=extract_notices(content.text),
        warnings=warnings,
    )


_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def fiscal_year(title: str) -> int:
    """The budget year the title names (``2024年台山市部门整体预算绩效目标批复表`` → 2024)."""
    match = _YEAR.search(title)
    if match is None:
        raise ParseError(
            f"no budget year in the title {title!r}" if title else "no title naming the budget year"
        )
    return int(match[1])


def _count(raw: str, label: str, warnings: list[ParseWarning]) -> int | None:
    text = compact(raw)
    if not text:
        return None
    if text.isdigit():
        return int(text)
    warnings.append(
        ParseWarning(code=UNREADABLE, message=f"{label} {raw!r} is not a count", where="基本信息")
    )
    return None


# 预算整体情况 lines: how a label places itself in the tree.
_TOTAL = re.compile(r"^(合计|总计)")
_ORDINAL = re.compile(r"^[一二三四五六七八九十]+[、.．]|^[(（][一二三四五六七八九十]+[)）]")
_OF_WHICH = re.compile(r"^其中\s*[:：]?")
_HEADER_AMOUNT = re.compile(r"金额|万元")


def budget_lines(entries: list[BudgetEntry], side: str, warnings: list[ParseWarning]) -> list[Line]:
    """Nest one side of 预算整体情况 into lines with children.

    The template prints the tree flat, one label per row, and marks the levels in the labels: ``合计`` and ordinals
    (``一、基本支出``) are top-level lines; ``其中:…`` opens the sub-lines of the line above, and unmarked labels after
    it stay sub-lines (``其中:其他特定目标类``, ``其他运转类``, ``专项资金`` under ``二、项目支出``) until the next
    top-level label. A row whose amount cell holds a column header (``预算金额（万元）``) is a sub-table heading
    (``按预算级次划分``): it has no amount and the rows after it are its sub-lines.

    Labels go through :func:`label_text`, which rejoins a label the PDF extraction broke where the cell wrapped
    (``其中:其他特 定目标类`` → ``其中:其他特定目标类``).
    """
    lines: list[Line] = []
    parent: Line | None = None
    for entry in entries:
        label = label_text(entry.label)
        if not label:
            continue
        is_heading = bool(_HEADER_AMOUNT.search(entry.amount)) and not re.search(r"\d", entry.amount)
        amount = None if is_heading else _amount(entry.amount, f"预算整体情况 / {side} / {label}", warnings)
        line = Line(name=label, amount=amount)
        if _OF_WHICH.match(label) and lines:
            parent = lines[-1]
        elif is_heading or _TOTAL.match(label) or _ORDINAL.match(label) or parent is None:
            lines.append(line)
            parent = line if is_heading else None
            continue
        parent.children.append(line)
    return lines


def _amount(raw: str, where: str, warnings: list[ParseWarning]) -> Decimal | None:
    return AmountReader(warnings).amount(raw, where)  # its warnings are these


_PARAGRAPH_TAG = re.compile(r"</?p\s*>", re.IGNORECASE)
_GOAL_MARKER = re.compile(r"目标\s*(\d{1,2})\s*[：:]")
_GOAL_NUMBER = re.compile(r"^(?:目标\s*)?(\d{1,2})\s*(?:[.．、：:](?!\d)|\s)\s*")


def goals(texts: list[str]) -> list[Goal]:
    """总体绩效目标 → numbered goals. ``<p>1. …</p>`` and ``目标1：…目标2：…`` give keys ``1``, ``2`` …

    A goal without a number is keyed by its position.
    """
    pieces = [
        piece for text in texts for part in _PARAGRAPH_TAG.split(text) for piece in _split_goal_markers(part)
    ]
    result: list[Goal] = []
    for position, piece in enumerate((p for p in pieces if p), start=1):
        match = _GOAL_NUMBER.match(piece)
        key, text = (match[1], piece[match.end() :]) if match else (str(position), piece)
        result.append(Goal(key=key, text=normalise_text(text)))
    return result


def _split_goal_markers(text: str) -> list[str]:
    """Split ``目标1：…目标2：…`` at its markers, but only where they count up from 1 (``目标任务`` is not one)."""
    starts: list[int] = []
    for match in _GOAL_MARKER.finditer(text):
        if int(match[1]) == len(starts) + 1:
            starts.append(match.start())
    if len(starts) < 2:
        return [text.strip()]
    bounds = [0, *starts, len(text)] if starts[0] > 0 else [*starts, len(text)]
    return [text[start:end].strip() for start, end in zip(bounds, bounds[1:], strict=False)]


def _key_task(row: TaskRow, warnings: list[ParseWarning]) -> KeyTask | None:
    name = label_text(row.name)
    if not name:
        if any((row.content.strip(), row.amount.strip(), row.expected.strip())):
            warnings.append(
                ParseWarning(
                    code=UNNAMED_TASK, message="a task row has text but no 名称; left out", where=row.where
                )
            )
        return None
    return KeyTask(
        name=name,
        content=normalise_text(row.content) or None,
        amount=_amount(row.amount, row.where, warnings),
        expected=normalise_text(row.expected) or None,
        optional=row.optional,
    )


#: ``指标 5:`` — the template's numbered blank rows, left unfilled.
_PLACEHOLDER_NAME = re.compile(r"^指标\s*\d+\s*[:：]?$")
#: A rate (…率, …比例) whose value is a bare fraction: what a percent-formatted spreadsheet cell flattens to.
_RATE_NAME = re.compile(r"(率|比例)(\(%\))?$")


def _indicator(row: IndicatorRow, warnings: list[ParseWarning]) -> Indicator | None:
    """One 三级指标 row; a row without a real name or without a value is a placeholder, reported and left out."""
    name = label_text(row.name)
    raw_value = row.value.strip()  # parse_value keeps the source text as ``raw`` and normalises on its own
    has_name = bool(name) and not _PLACEHOLDER_NAME.match(name)
    has_value = bool(normalise_text(raw_value))
    if not (has_name and has_value):
        shown_name = repr(row.name.strip()) if name else "empty"
        shown_value = repr(raw_value) if has_value else "empty"
        warnings.append(
            ParseWarning(
                code=PLACEHOLDER,
                message=f"indicator row with 三级指标 {shown_name} and 指标值 {shown_value} is not an indicator",
                where=row.where,
            )
        )
        return None
    value = _value(raw_value, name, row.where, warnings)
    _check_fraction_of_rate(name, value, row.where, warnings)
    return Indicator(
        level1=_level(row.level1),
        level2=_level(row.level2),
        name=name,
        description=normalise_text(row.description) or None,
        value=value,
    )


def is_numbered_blank(name: str) -> bool:
    """``指标 5:``: a 三级指标 row of the template the publisher left unfilled."""
    return bool(_PLACEHOLDER_NAME.match(label_text(name)))


def _level(level: str | None) -> str | None:
    return None if level is None else label_text(level) or None


def _value(raw: str, name: str, where: str, warnings: list[ParseWarning]) -> IndicatorValue:
    try:
        return parse_value(raw)
    except ValueParseError as exc:
        warnings.append(
            ParseWarning(code=UNREADABLE, message=f"{name}: 指标值 {raw!r} kept as text ({exc})", where=where)
        )
        return IndicatorValue(raw=raw, text=normalise_text(raw))


def _check_fraction_of_rate(
    name: str, value: IndicatorValue, where: str, warnings: list[ParseWarning]
) -> None:
    """Flag a rate whose target is a bare number in (0, 1]: perhaps a percent cell (100%) flattened to ``1``.

    A spreadsheet stores a cell formatted as ``100%`` as the number 1, and a flattened export writes ``1``. The value
    is kept as the source states it (op ``=``, number 1, no unit) rather than turned into 100%: it might as well be a
    slip, and only the publisher knows. Zero is left alone: 0 and 0% are the same target.
    """
    if value.op != "=" or value.number is None or value.unit is not None or not _RATE_NAME.search(name):
        return
    if Decimal(0) < value.number <= Decimal(1):
        warnings.append(
            ParseWarning(
                code=RATE_AS_FRACTION,
                message=(
                    f"{name} is a rate but its 指标值 {value.raw!r} is a bare number: perhaps a percent-formatted "
                    f"spreadsheet cell ({value.number * 100:g}%) flattened to a fraction, perhaps a slip; "
                    "kept as stated, not converted to a percentage"
                ),
                where=f"{where} / {name}",
            )
        )
