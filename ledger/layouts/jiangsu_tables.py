"""The account tables of the Jiangsu provincial department budget disclosure (江苏省级部门预算公开表), 2017–2019.

Twelve tables in a fixed family: 收支预算总表 (a statement with three columns of lines: income, expenditure by
function, expenditure by use), 收入预算总表, 支出预算总表, 财政拨款收支预算总表, 财政拨款支出预算表 and
一般公共预算支出预算表 (by 功能科目), 财政拨款/一般公共预算基本支出预算表 (by 经济科目), 机关运行经费,
“三公”经费、会议费、培训费, 政府性基金, 政府采购.

They arrive as PDF tables, whose grids differ from file to file (sliver columns, cells of one printed row split
over two grid rows). Nothing here relies on a column position beyond the order of cells in a row: a label is paired
with the amount printed to its right, an amount left alone on a row of its own is given to the label next to it
that has none (``合计`` above its value, say), and a wrapped label's tail (``出`` of ``…传媒支`` / ``出``) is joined
back. Every printed total is checked against its parts; where the source does not add up, the printed numbers are
kept and a ``totals-mismatch`` warning says where.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ledger.errors import ValueParseError
from ledger.layouts.accounts_tables import mismatch, squash, strip_ordinal
from ledger.model import Accounts, EconomicLine, FunctionLine, Line, ParseWarning
from ledger.model.values import amount_in_wanyuan
from ledger.readers.document import Block, Paragraph, Table

#: Table kinds by the words of their caption, most specific first (财政拨款收支预算总表 before 收支预算总表, a
#: 政府性基金…财政拨款支出预算表 before 财政拨款支出预算表).
TABLE_KINDS: tuple[tuple[str, str], ...] = (
    ("fiscal-statement", "财政拨款收支预算总表"),
    ("statement", "收支预算总表"),
    ("income", "收入预算总表"),
    ("expenditure", "支出预算总表"),
    ("government-fund", "政府性基金"),
    ("three-public", "三公"),
    ("operating-costs", "机关运行经费"),
    ("fiscal-economic", "财政拨款基本支出预算表"),
    ("general-economic", "一般公共预算基本支出预算表"),
    ("fiscal-function", "财政拨款支出预算表"),
    ("general-function", "一般公共预算支出预算表"),
    ("procurement", "政府采购"),
)
#: How far back from a table its caption may stand (``公开01表`` / ``收支预算总表`` / ``部门名称：… 单位：万元``).
CAPTION_REACH = 3

_AMOUNT = re.compile(r"^-?[\d,，]*\d(?:\.\d+)?$")
_SUBJECT_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_CHINESE_ORDINAL = re.compile(r"^[一二三四五六七八九十]+、")
_ARABIC_ORDINAL = re.compile(r"^\d+[.．、](?!\d)")
_TOTAL = re.compile(r"^(合计|总计)$")

#: 收支预算总表 bottom lines and the uses of money (支出用途), by their printed names (ordinals stripped).
INCOME_TOTAL = ("收入合计", "收入总计")
CURRENT_INCOME = ("当年收入小计", "本年收入合计", "本年收入小计")
CARRY_OVER = ("上年结转资金", "上年结转", "上年结转和结余资金")
EXPENDITURE_TOTAL = ("支出合计", "支出总计")
CURRENT_EXPENDITURE = ("当年支出小计", "本年支出合计", "本年支出小计")
CARRY_FORWARD = ("结转下年资金", "结转下年", "年终结转结余")
USES = ("基本支出", "项目支出", "单位预留机动经费", "事业单位经营支出", "对附属单位补助支出", "上缴上级支出")
#: The nine columns of the “三公”经费、会议费、培训费 table, in the template's order.
THREE_PUBLIC_KEYS = (
    "合计",
    "“三公”经费小计",
    "因公出国（境）费",
    "公务用车购置及运行维护费",
    "公务用车购置费",
    "公务用车运行维护费",
    "公务接待费",
    "会议费",
    "培训费",
)


def is_amount(cell: str) -> bool:
    return bool(_AMOUNT.match(squash(cell)))


def table_kind(caption: str) -> str | None:
    text = squash(caption)
    return next((kind for kind, words in TABLE_KINDS if words in text), None)


def captioned_tables(blocks: Sequence[Block]) -> list[tuple[str, Table]]:
    """Each account table with its kind, told by its caption: the table's own title cell, else a paragraph above."""
    found: list[tuple[str, Table]] = []
    for index, block in enumerate(blocks):
        if not isinstance(block, Table):
            continue
        candidates = [block.rows[0][0]] if block.rows and block.rows[0] else []
        for previous in reversed(blocks[max(0, index - CAPTION_REACH) : index]):
            if not isinstance(previous, Paragraph):
                break
            candidates.append(previous.text)
        kind = next((kind for text in candidates if (kind := table_kind(text))), None)
        if kind is not None:
            found.append((kind, block))
    return found


@dataclass
class Readings:
    """Amount reading with its warnings."""

    warnings: list[ParseWarning] = field(default_factory=list)

    def amount(self, cell: str, where: str) -> Decimal | None:
        try:
            return amount_in_wanyuan(squash(cell))
        except ValueParseError:
            self.warn("unreadable-amount", f"not an amount: {cell.strip()!r}", where)
            return None

    def warn(self, code: str, message: str, where: str) -> None:
        self.warnings.append(ParseWarning(code=code, message=message, where=where))

    def check(self, expected: Decimal | None, parts: Iterable[Decimal | None], what: str, where: str) -> None:
        if expected is not None and (warning := mismatch(expected, parts, what, where)) is not None:
            self.warnings.append(warning)


# --- labels and amounts along a row ---------------------------------------------------------------------------


@dataclass
class Entry:
    """A label as printed in a table row, its column, and the amount printed to its right (if any)."""

    row: int
    column: int
    label: str
    amount: Decimal | None = None
    cell: str = ""


def row_entries(table: Table, readings: Readings, where: str) -> list[Entry]:
    """Labels paired with the amount printed to their right, the way a reader pairs them.

    * An amount pairs with the nearest label to its left — unless it lies beyond that label's own amount column
      (the first amount column to its right) with another label column in between: then the amount belongs to
      that other column, whose label sits on a neighbouring grid row (a tall cell split over two grid rows).
    * An amount left without a label on its row goes to the label without an amount in its column on the row above,
      else below; failing both, to the nearest label on its own row (a bottom line spanning several columns).
    * A one- or two-character fragment under a long label of the same column is that label's wrapped tail.
    """
    labels, amounts = _tokens(table)
    entries: list[Entry] = []
    by_position: dict[tuple[int, int], Entry] = {}
    for r, c, text in labels:
        above = _label_above(by_position, r, c, table)
        if (
            above is not None
            and not _has_own_amount(labels, amounts, r, c)
            and _is_wrapped_tail(text, above.label)
        ):
            above.label += text
            continue
        entry = Entry(row=r, column=c, label=text)
        entries.append(entry)
        by_position[(r, c)] = entry
    data_start = min((r for r, _, _ in amounts), default=0)  # rows above the first amount are the header
    label_columns = sorted({entry.column for entry in entries if entry.row >= data_start})
    amount_columns = sorted({c for _, c, _ in amounts})
    own_amount_column = {
        column: min((a for a in amount_columns if a > column), default=column) for column in label_columns
    }
    orphans: list[tuple[int, int, str, int | None]] = []  # row, column, text, the label column it belongs to
    for r, c, text in amounts:
        left = max((e for e in entries if e.row == r and e.column < c), key=lambda e: e.column, default=None)
        between = [
            column
            for column in label_columns
            if left is not None and left.column < column < c and own_amount_column.get(left.column, c) < c
        ]
        if left is not None and not between and not left.cell:
            _give(left, text, readings, where)
        else:
            orphans.append((r, c, text, between[-1] if between else (left.column if left else None)))
    for r, c, text, column in orphans:
        owner = _owner_of(entries, r, c, column)
        if owner is not None:
            _give(owner, text, readings, where)
    return entries


def _tokens(table: Table) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    """(row, column, text) of every label and every amount; a subject code leading its row is neither."""
    labels: list[tuple[int, int, str]] = []
    amounts: list[tuple[int, int, str]] = []
    for r, row in enumerate(table.rows):
        first = next((c for c, cell in enumerate(row) if cell.strip()), None)
        for c, cell in enumerate(row):
            text = squash(cell)
            if not text or (c == first and _SUBJECT_CODE.match(text)):
                continue  # :func:`subject_lines` reads the code (科目编码) back from the row
            (amounts if is_amount(text) else labels).append((r, c, text))
    return labels, amounts


def _label_above(
    by_position: dict[tuple[int, int], Entry], row: int, column: int, table: Table
) -> Entry | None:
    """The label above in the same column, over at most one empty cell."""
    for distance in (1, 2):
        found = by_position.get((row - distance, column))
        if found is not None:
            return found
        if row - distance < 0 or squash(_cell(table, row - distance, column)):
            return None
    return None


def _cell(table: Table, row: int, column: int) -> str:
    cells = table.rows[row]
    return cells[column] if column < len(cells) else ""


def _has_own_amount(
    labels: Sequence[tuple[int, int, str]], amounts: Sequence[tuple[int, int, str]], row: int, column: int
) -> bool:
    """Whether an amount follows the label at (row, column) before the next label of its row."""
    next_label = min((c for r, c, _ in labels if r == row and c > column), default=None)
    return any(r == row and c > column and (next_label is None or c < next_label) for r, c, _ in amounts)


def _give(entry: Entry, text: str, readings: Readings, where: str) -> None:
    entry.cell = text
    entry.amount = readings.amount(text, f"{where}, {entry.label}")


def _is_wrapped_tail(text: str, above: str) -> bool:
    """A one- or two-character fragment under a long label that it completes (``…传媒支`` / ``出``)."""
    return len(text) <= 2 and len(above) >= 8 and not _CHINESE_ORDINAL.match(text) and not _TOTAL.match(text)


def _owner_of(entries: Sequence[Entry], row: int, column: int, label_column: int | None) -> Entry | None:
    """Who a lone amount belongs to: the amountless label of its column above, else below, else on its row."""
    for near in (row - 1, row + 1):
        candidates = [
            e
            for e in entries
            if e.row == near
            and e.column < column
            and not e.cell
            and (label_column is None or e.column == label_column)
        ]
        if candidates:
            return max(candidates, key=lambda e: e.column)
    same_row = [e for e in entries if e.row == row and e.column < column and not e.cell]
    return max(same_row, key=lambda e: e.column, default=None)


def named(entries: Iterable[Entry], names: Sequence[str]) -> Entry | None:
    return next((e for e in entries if strip_ordinal(e.label) in names), None)


# --- 收支预算总表 ---------------------------------------------------------------------------------------------


@dataclass
class Statement:
    income: list[Entry]
    expenditure: list[Entry]


def read_statement(table: Table, readings: Readings, where: str) -> Statement:
    """Split the statement's entries into the income side and the expenditure side at the ``支出`` heading."""
    split = _expenditure_column(table)
    entries = [e for e in row_entries(table, readings, where) if e.row > _header_end(table)]
    income = [e for e in entries if e.column < split]
    expenditure = [e for e in entries if e.column >= split]
    return Statement(income=income, expenditure=expenditure)


def _expenditure_column(table: Table) -> int:
    for row in table.rows:
        cells = [squash(cell) for cell in row]
        if "收入" in cells and "支出" in cells:
            return cells.index("支出")
    return 2  # the template's income side is a label and an amount column


def _header_end(table: Table) -> int:
    """Index of the last header row (the one naming the amount column ``金额``)."""
    last = -1
    for index, row in enumerate(table.rows):
        if any(squash(cell) in ("金额", "项目名称", "功能科目名称") for cell in row):
            last = index
        elif any(is_amount(cell) for cell in row):
            break
    return last


def apply_statement(accounts: Accounts, statement: Statement, readings: Readings, where: str) -> list[Line]:
    """Fill the accounts from the 收支预算总表; returns the uses of money (支出用途) for the overview."""
    income_total = named(statement.income, INCOME_TOTAL)
    current_income = named(statement.income, CURRENT_INCOME)
    carry_over = named(statement.income, CARRY_OVER)
    accounts.income_total = income_total.amount if income_total else None
    accounts.current_year_income = current_income.amount if current_income else None
    accounts.carry_over = carry_over.amount if carry_over else None
    accounts.income_lines = _income_lines(
        [e for e in statement.income if e not in (income_total, current_income, carry_over)]
    )
    bottom = {*EXPENDITURE_TOTAL, *CURRENT_EXPENDITURE, *CARRY_FORWARD}
    expenditure_total = named(statement.expenditure, EXPENDITURE_TOTAL)
    current_expenditure = named(statement.expenditure, CURRENT_EXPENDITURE)
    carry_forward = named(statement.expenditure, CARRY_FORWARD)
    accounts.expenditure_total = expenditure_total.amount if expenditure_total else None
    accounts.current_year_expenditure = current_expenditure.amount if current_expenditure else None
    accounts.carry_forward = carry_forward.amount if carry_forward else None
    uses = [e for e in statement.expenditure if strip_ordinal(e.label) in USES]
    functions = [
        e
        for e in statement.expenditure
        if e not in uses and strip_ordinal(e.label) not in bottom and _is_function_category(e.label)
    ]
    accounts.expenditure_lines = [Line(name=strip_ordinal(e.label), amount=e.amount) for e in functions]
    basic = named(uses, ("基本支出",))
    project = named(uses, ("项目支出",))
    accounts.basic_expenditure = basic.amount if basic else None
    accounts.project_expenditure = project.amount if project else None
    _check_statement(accounts, [e.amount for e in uses], readings, where)
    return [Line(name=strip_ordinal(e.label), amount=e.amount) for e in uses]


def _is_function_category(label: str) -> bool:
    """``一、一般公共服务支出``: a 功能分类 类 line of the statement."""
    return bool(_CHINESE_ORDINAL.match(label)) and label.endswith("支出")


def _income_lines(entries: Sequence[Entry]) -> list[Line]:
    """``一、财政拨款`` with its ``1.一般公共预算`` / ``2.政府性基金预算`` below it, then the other sources."""
    lines: list[Line] = []
    for entry in entries:
        line = Line(name=strip_ordinal(entry.label), amount=entry.amount)
        if _ARABIC_ORDINAL.match(entry.label) and lines:
            lines[-1].children.append(line)
        elif _CHINESE_ORDINAL.match(entry.label) or not lines:
            lines.append(line)
    return lines


def _check_statement(
    accounts: Accounts, uses: Sequence[Decimal | None], readings: Readings, where: str
) -> None:
    readings.check(accounts.income_total, [accounts.expenditure_total], "收入合计 = 支出合计", where)
    readings.check(
        accounts.income_total,
        [accounts.current_year_income, accounts.carry_over],
        "收入合计 = 当年收入小计 + 上年结转资金",
        where,
    )
    readings.check(
        accounts.expenditure_total,
        [accounts.current_year_expenditure, accounts.carry_forward],
        "支出合计 = 当年支出小计 + 结转下年资金",
        where,
    )
    readings.check(
        accounts.current_year_income,
        [line.amount for line in accounts.income_lines],
        "当年收入小计 = 财政拨款 + 财政专户管理资金 + 其他资金",
        where,
    )
    readings.check(
        accounts.current_year_expenditure,
        [line.amount for line in accounts.expenditure_lines],
        "当年支出小计 = 功能分类各类支出之和",
        where,
    )
    readings.check(
        accounts.current_year_expenditure, uses, "当年支出小计 = 基本支出 + 项目支出 + 其他用途", where
    )
    for line in accounts.income_lines:
        if line.children:
            readings.check(
                line.amount, [c.amount for c in line.children], f"{line.name} = 其下各项之和", where
            )


# --- tables by subject (功能科目 / 经济科目) ------------------------------------------------------------------


@dataclass(frozen=True)
class SubjectLine:
    code: str | None  # None on the 合计 row
    name: str
    amount: Decimal | None


def subject_lines(table: Table, readings: Readings, where: str) -> list[SubjectLine]:
    """``2010201 | 行政运行 | 3,233.03`` rows, and the 合计 row (code None)."""
    lines: list[SubjectLine] = []
    for entry in row_entries(table, readings, where):
        text = entry.label
        code = _code_left_of(table, entry)
        if code is None and not _TOTAL.match(text):
            continue
        lines.append(SubjectLine(code=code, name=text, amount=entry.amount))
    return lines


def _code_left_of(table: Table, entry: Entry) -> str | None:
    row = table.rows[entry.row]
    for cell in reversed(row[: entry.column]):
        text = squash(cell)
        if _SUBJECT_CODE.match(text):
            return text
    return None


def check_subject_lines(lines: Sequence[SubjectLine], readings: Readings, where: str) -> None:
    """合计 = the 类 lines; each 类 = its 款 lines; each 款 = its 项 lines."""
    total = next((line for line in lines if line.code is None), None)
    coded = [line for line in lines if line.code is not None]
    if total is not None:
        readings.check(
            total.amount,
            [line.amount for line in coded if len(line.code or "") == 3],
            "合计 = 各类之和",
            where,
        )
    for parent in coded:
        assert parent.code is not None
        children = [
            line.amount
            for line in coded
            if line.code is not None
            and len(line.code) == len(parent.code) + 2
            and line.code.startswith(parent.code)
        ]
        if children:
            readings.check(parent.amount, children, f"{parent.code} {parent.name} = 其下各科目之和", where)


def function_lines(lines: Sequence[SubjectLine]) -> list[FunctionLine]:
    return [FunctionLine(code=line.code, name=line.name, total=line.amount) for line in lines if line.code]


def economic_lines(lines: Sequence[SubjectLine]) -> list[EconomicLine]:
    return [EconomicLine(code=line.code, name=line.name, total=line.amount) for line in lines if line.code]


def total_of(lines: Sequence[SubjectLine]) -> Decimal | None:
    total = next((line for line in lines if line.code is None), None)
    return total.amount if total else None


# --- the other tables -------------------------------------------------------------------------------------------


def income_summary_total(table: Table, readings: Readings, where: str) -> Decimal | None:
    """收入预算总表's 收入总计 (some years leave it blank)."""
    entry = named(row_entries(table, readings, where), ("收入总计",))
    return entry.amount if entry else None


def expenditure_summary(table: Table, readings: Readings, where: str) -> dict[str, Decimal | None]:
    """支出预算总表: the header names each column, the row below holds the amounts."""
    for index, row in enumerate(table.rows[:-1]):
        labels = [squash(cell) for cell in row]
        if "合计" in labels and "基本支出" in labels:
            values = table.rows[index + 1]
            return {
                label: readings.amount(values[c], f"{where}, {label}") if c < len(values) else None
                for c, label in enumerate(labels)
                if label
            }
    return {}


def three_public(table: Table, readings: Readings, where: str) -> dict[str, Decimal | None]:
    """“三公”经费、会议费、培训费: the template's nine columns, read from the row of amounts under the header."""
    header_text = squash(table.text())
    if not all(word in header_text for word in ("三公", "会议费", "培训费")):
        return {}
    amounts_row = next(
        (row for row in reversed(table.rows) if len(row) == len(THREE_PUBLIC_KEYS) and is_amount(row[0])),
        None,
    )
    if amounts_row is None:
        readings.warn("unread-table", "the “三公”经费 table has no row of nine amounts", where)
        return {}
    values = {
        key: readings.amount(cell, f"{where}, {key}")
        for key, cell in zip(THREE_PUBLIC_KEYS, amounts_row, strict=True)
    }
    readings.check(
        values["合计"],
        [values["“三公”经费小计"], values["会议费"], values["培训费"]],
        "合计 = 三公 + 会议费 + 培训费",
        where,
    )
    readings.check(
        values["“三公”经费小计"],
        [values["因公出国（境）费"], values["公务用车购置及运行维护费"], values["公务接待费"]],
        "“三公”经费 = 因公出国（境）费 + 公务用车购置及运行维护费 + 公务接待费",
        where,
    )
    readings.check(
        values["公务用车购置及运行维护费"],
        [values["公务用车购置费"], values["公务用车运行维护费"]],
        "公务用车购置及运行维护费 = 购置费 + 运行维护费",
        where,
    )
    return values


def procurement(table: Table, readings: Readings, where: str) -> tuple[Decimal | None, list[Line]]:
    """政府采购预算表: its 合计 and the 货物/工程/服务 category lines."""
    entries = row_entries(table, readings, where)
    total = next(
        (e.amount for e in entries if _TOTAL.match(e.label) and e.cell), None
    )  # not the 总计 heading
    categories = [
        Line(name=strip_ordinal(e.label), amount=_row_amount(table, e, readings, where))
        for e in entries
        if _CHINESE_ORDINAL.match(e.label)
    ]
    readings.check(total, [line.amount for line in categories], "合计 = 货物 + 工程 + 服务", where)
    return total, categories


def _row_amount(table: Table, entry: Entry, readings: Readings, where: str) -> Decimal | None:
    """The category's amount: the row's last amount (its 总计 column)."""
    cells = [cell for cell in table.rows[entry.row] if is_amount(cell)]
    return readings.amount(cells[-1], f"{where}, {entry.label}") if cells else entry.amount
