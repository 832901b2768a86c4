"""Reading the standard budget tables (部门预算公开表) the way a person reads them: labels and their amounts.

The finance ministry's reference formats: 收支(预算)总表 (a statement with columns of lines: income, expenditure by
function, expenditure by use), 收入总表, 支出总表, 财政拨款收支总表, 财政拨款/一般公共预算支出表 (by 功能科目),
财政拨款/一般公共预算基本支出表 (by 经济科目), 机关运行经费, “三公”经费(、会议费、培训费), 政府性基金, 政府采购.
:mod:`ledger.layouts.common` finds them by title; this module reads them.

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
from dataclasses import dataclass
from decimal import Decimal

from ledger.layouts.common import AmountReader, is_amount, squash, strip_ordinal
from ledger.model import Accounts, EconomicLine, FunctionLine, Line
from ledger.readers.document import Table

_SUBJECT_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_CHINESE_ORDINAL = re.compile(r"^[一二三四五六七八九十]+、")
_ARABIC_ORDINAL = re.compile(r"^\d+[.．、](?!\d)")
_TOTAL = re.compile(r"^(合计|总计)$")

#: 收支预算总表 bottom lines and the uses of money (支出用途), by their printed names (ordinals stripped).
INCOME_TOTAL = ("收入合计", "收入总计")
CURRENT_INCOME = ("当年收入小计", "本年收入合计", "本年收入小计")
CARRY_OVER = ("上年结转资金", "上年结转", "上年结转和结余资金", "上年结转结余")
EXPENDITURE_TOTAL = ("支出合计", "支出总计")
CURRENT_EXPENDITURE = ("当年支出小计", "本年支出合计", "本年支出小计")
CARRY_FORWARD = ("结转下年资金", "结转下年", "年终结转结余")
USES = ("基本支出", "项目支出", "单位预留机动经费", "事业单位经营支出", "对附属单位补助支出", "上缴上级支出")


# --- labels and amounts along a row ---------------------------------------------------------------------------


@dataclass
class Entry:
    """A label as printed in a table row, its column, and the amount printed to its right (if any)."""

    row: int
    column: int
    label: str
    amount: Decimal | None = None
    cell: str = ""


def row_entries(table: Table, readings: AmountReader, where: str) -> list[Entry]:
    """Labels paired with the amount printed to their right, the way a reader pairs them.

    * A label continued on the next grid row (a tall cell wrapped, or a row cut by a page break:
      ``八、社会保障和就`` / ``业支出``, ``30312 提租`` / ``补贴``) is joined back: see :func:`_continues`.
    * An amount pairs with the nearest label to its left — unless it lies beyond that label's own amount column
      (the first amount column to its right) with another label column in between: then the amount belongs to
      that other column, whose label sits on a neighbouring grid row (a tall cell split over two grid rows).
    * An amount left without a label on its row goes to the label without an amount in its column on the row above,
      else below; failing both, to the nearest label on its own row (a bottom line spanning several columns).
    * An amount no label can claim is an ``incomplete-table`` warning naming the table and the row: never dropped
      silently.
    """
    labels, amounts = tokens(table)
    entries: list[Entry] = []
    by_position: dict[tuple[int, int], Entry] = {}
    for r, c, text in labels:
        above = _label_above(by_position, r, c, table)
        if above is not None and _continues(
            text,
            above,
            own_amount=_has_own_amount(labels, amounts, r, c),
            above_amount=_has_own_amount(labels, amounts, above.row, above.column),
            above_coded=_row_code(table, above.row) is not None,
            coded=_row_code(table, r) is not None,
        ):
            above.label += text
            by_position[(r, c)] = above  # an amount on the continuation's row is the joined label's
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
        left_at = max(
            (pos for pos in by_position if pos[0] == r and pos[1] < c), key=lambda p: p[1], default=None
        )
        left = by_position[left_at] if left_at is not None else None
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
        owner = _owner_of(entries, r, c, column, data_start)
        if owner is not None:
            _give(owner, text, readings, where)
        else:
            readings.warn(
                "incomplete-table",
                f"the amount {text} on row {r + 1} belongs to no line: not read",
                where,
            )
    return entries


#: Line names end like this when complete (``…支出``, ``…资金``, ``…经费``, ``…费``, ``合计``); a name cut by a
#: page break (``八、社会保障和就``) does not.
_COMPLETE_NAME = re.compile(r"(支出|资金|收入|预算|经费|费|计|款|金|补助|补贴|服务|工程|货物|其他)$")
_NEW_ITEM = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、](?!\d)|其中)"
)
_SUMMARY_WORD = re.compile(r"(合计|总计|小计)")


def _continues(
    text: str, above: Entry, *, own_amount: bool, above_amount: bool, above_coded: bool, coded: bool
) -> bool:
    """Whether ``text`` continues the label ``above`` it in the same column rather than starting a line.

    Never when both print an amount, when ``text`` starts an item of its own (its row has a subject code, or it
    has an ordinal ``一、`` ``1.`` ``（一）`` or ``其中``) or is a total. Then it does when it is a one- or
    two-character tail under a long label (``…传媒支`` / ``出``); when the line above has a subject code and this
    row has none (``30312 提租`` / ``补贴``); or when the label above is numbered and stops short of a complete
    name (``八、社会保障和就`` / ``业支出``).
    """
    if (own_amount and above_amount) or coded or _NEW_ITEM.match(text) or _SUMMARY_WORD.search(text):
        return False
    if _TOTAL.match(above.label) or _SUMMARY_WORD.search(above.label):
        return False
    if len(text) <= 2 and len(above.label) >= 8 and not own_amount:
        return True
    if above_coded:
        return True
    return bool(_NEW_ITEM.match(above.label)) and not _COMPLETE_NAME.search(above.label)


def _row_code(table: Table, row: int) -> str | None:
    """The subject code (科目编码) leading a row, if any."""
    first = next((squash(cell) for cell in table.rows[row] if cell.strip()), "")
    return first if _SUBJECT_CODE.match(first) else None


def tokens(table: Table) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
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


def _give(entry: Entry, text: str, readings: AmountReader, where: str) -> None:
    entry.cell = text
    entry.amount = readings.amount(text, f"{where}, {entry.label}")


def _owner_of(
    entries: Sequence[Entry], row: int, column: int, label_column: int | None, data_start: int
) -> Entry | None:
    """Who a lone amount belongs to: the amountless label of its column above, else below, else on its row.

    A header label (above ``data_start``, the first row with an amount) owns no amount: the 合计 printed on the
    grid row above its label belongs to 合计, not to the ``功能科目名称`` heading.
    """
    for near in (row - 1, row + 1):
        if near < data_start:
            continue
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


def read_statement(table: Table, readings: AmountReader, where: str) -> Statement:
    """Split the statement's entries into the income side and the expenditure side at the ``支出`` heading."""
    split = _expenditure_column(table)
    entries = [e for e in row_entries(table, readings, where) if e.row > _header_end(table)]
    income = [e for e in entries if e.column < split]
    expenditure = [e for e in entries if e.column >= split]
    return Statement(income=income, expenditure=expenditure)


#: Headings over the statement's two sides: ``收入 | 支出``, ``收入项目 | 支出项目``, ``收 入 | 支 出``.
_INCOME_SIDE = ("收入", "收入项目")
_EXPENDITURE_SIDE = ("支出", "支出项目")


def _expenditure_column(table: Table) -> int:
    """The first column of the expenditure side: under its heading, else where its bottom lines stand
    (``支出合计``, ``本年支出合计`` …), else past the income side's label and amount."""
    for row in table.rows:
        cells = [squash(cell) for cell in row]
        income = next((c for c, cell in enumerate(cells) if cell in _INCOME_SIDE), None)
        expenditure = next((c for c, cell in enumerate(cells) if cell in _EXPENDITURE_SIDE), None)
        if income is not None and expenditure is not None and income < expenditure:
            return expenditure
    bottom = {*EXPENDITURE_TOTAL, *CURRENT_EXPENDITURE}
    for row in table.rows:
        for column, cell in enumerate(row):
            if strip_ordinal(squash(cell)) in bottom:
                return column
    return 2


def _header_end(table: Table) -> int:
    """Index of the last header row (the one naming the amount column ``金额``)."""
    last = -1
    for index, row in enumerate(table.rows):
        if any(squash(cell) in ("金额", "项目名称", "功能科目名称") for cell in row):
            last = index
        elif any(is_amount(cell) for cell in row):
            break
    return last


def apply_statement(
    accounts: Accounts, statement: Statement, readings: AmountReader, where: str
) -> list[Line]:
    """Fill the accounts from the 收支预算总表; returns the uses of money (支出用途) for the overview."""
    income_total = named(statement.income, INCOME_TOTAL)
    current_income = named(statement.income, CURRENT_INCOME)
    carry_over = named(statement.income, CARRY_OVER)
    accounts.income_total = income_total.amount if income_total else None
    accounts.current_year_income = current_income.amount if current_income else None
    accounts.carry_over = carry_over.amount if carry_over else None
    sources = [e for e in statement.income if e not in (income_total, current_income, carry_over)]
    accounts.income_lines = _income_lines(sources)
    _unread(readings, where, [e for e in sources if not _ARABIC_ORDINAL.match(e.label)][1:], numbered=True)
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
    read = [*uses, *functions, expenditure_total, current_expenditure, carry_forward]
    _unread(readings, where, [e for e in statement.expenditure if not any(e is r for r in read)])
    basic = named(uses, ("基本支出",))
    project = named(uses, ("项目支出",))
    accounts.basic_expenditure = basic.amount if basic else None
    accounts.project_expenditure = project.amount if project else None
    _check_statement(accounts, [e.amount for e in uses], readings, where)
    return [Line(name=strip_ordinal(e.label), amount=e.amount) for e in uses]


def _unread(readings: AmountReader, where: str, entries: Sequence[Entry], *, numbered: bool = False) -> None:
    """A warning for each line with an amount that the table's reading left out (``numbered``: only those without
    the ordinal that makes them a line)."""
    for entry in entries:
        if entry.amount is None or (numbered and _CHINESE_ORDINAL.match(entry.label)):
            continue
        readings.warn(
            "incomplete-table",
            f"row {entry.row + 1} {entry.label!r} ({entry.cell}) is not a line of this table: not read",
            where,
        )


def check_fiscal_statement(table: Table, readings: AmountReader, where: str) -> Decimal | None:
    """财政拨款收支总表: its sources add up to 收入合计, its uses (or its 功能分类 lines) to 支出合计, and the two
    totals agree. Returns 收入合计 (None when the table prints none)."""
    statement = read_statement(table, readings, where)
    income_total = named(statement.income, INCOME_TOTAL)
    expenditure_total = named(statement.expenditure, EXPENDITURE_TOTAL)
    sources = [e.amount for e in statement.income if _CHINESE_ORDINAL.match(e.label)]
    uses = [e.amount for e in statement.expenditure if strip_ordinal(e.label) in USES]
    functions = [
        e.amount
        for e in statement.expenditure
        if _is_function_category(e.label) and strip_ordinal(e.label) not in USES
    ]
    income = income_total.amount if income_total else None
    expenditure = expenditure_total.amount if expenditure_total else None
    readings.check(income, [expenditure], "收入合计 = 支出合计", where)
    readings.check(income, sources, "收入合计 = 各项财政拨款之和", where)
    if any(amount is not None for amount in uses):
        readings.check(expenditure, uses, "支出合计 = 基本支出 + 项目支出 + 其他用途", where)
    if any(amount is not None for amount in functions):
        readings.check(expenditure, functions, "支出合计 = 功能分类各类支出之和", where)
    return income


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
    accounts: Accounts, uses: Sequence[Decimal | None], readings: AmountReader, where: str
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
    if any(use is not None for use in uses):  # a statement without a 支出用途 column has them in 支出总表
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


def subject_lines(table: Table, readings: AmountReader, where: str) -> list[SubjectLine]:
    """``2010201 | 行政运行 | 3,233.03`` rows, and the 合计 row (code None)."""
    lines: list[SubjectLine] = []
    for entry in row_entries(table, readings, where):
        text = entry.label
        code = _code_left_of(table, entry)
        if code is None and not _TOTAL.match(text):
            if entry.amount is not None:
                readings.warn(
                    "incomplete-table",
                    f"row {entry.row + 1} {text!r} ({entry.cell}) has no subject code (科目编码): not read",
                    where,
                )
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


def check_subject_lines(lines: Sequence[SubjectLine], readings: AmountReader, where: str) -> None:
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


def income_summary_total(table: Table, readings: AmountReader, where: str) -> Decimal | None:
    """收入预算总表's 收入总计 (some years leave it blank)."""
    entry = named(row_entries(table, readings, where), ("收入总计",))
    return entry.amount if entry else None


def expenditure_summary(table: Table, readings: AmountReader, where: str) -> dict[str, Decimal | None]:
    """支出预算总表: the header names each column, the row below holds the amounts.

    An amount under a blank header cell belongs to the neighbouring named column whose own cell is blank: the
    grid put the two a column apart (``合计 | | 基本支出`` over ``33,172.15 | 18,570.82 | ``).
    """
    for index, row in enumerate(table.rows[:-1]):
        labels = [squash(cell) for cell in row]
        if "合计" in labels and "基本支出" in labels:
            values = [squash(cell) for cell in table.rows[index + 1]]
            width = max(len(labels), len(values))
            labels += [""] * (width - len(labels))
            values += [""] * (width - len(values))
            cells = {c: values[c] for c, label in enumerate(labels) if label}
            for c, value in enumerate(values):
                if value and not labels[c]:
                    owner = next(
                        (n for n in (c + 1, c - 1) if 0 <= n < width and labels[n] and not values[n]), None
                    )
                    if owner is None:
                        readings.warn("incomplete-table", f"the amount {value} has no column heading", where)
                    else:
                        cells[owner] = value
            return {labels[c]: readings.amount(value, f"{where}, {labels[c]}") for c, value in cells.items()}
    return {}


#: Header words of the “三公”经费 table's columns → the column (checked in this order; ``小计`` is decided by the
#: heading above it, see :func:`_three_public_columns`).
_THREE_PUBLIC_WORDS: tuple[tuple[str, str], ...] = (
    ("会议费", "会议费"),
    ("培训费", "培训费"),
    ("接待", "公务接待费"),
    ("因公出国", "因公出国（境）费"),
    ("运行维护费", "公务用车运行维护费"),
    ("运维费", "公务用车运行维护费"),
    ("购置费", "公务用车购置费"),
    ("合计", "合计"),
)


def three_public(table: Table, readings: AmountReader, where: str) -> dict[str, Decimal | None]:
    """“三公”经费 (、会议费、培训费) table: each column told by its header words, read from the row of amounts.

    A blank cell is None (公务用车购置费 is often blank); a template printing only the three 三公 items, or without
    the 会议费 and 培训费 columns, reads as far as it goes. Totals are checked where the table prints them.
    """
    header_end = next((r for r, row in enumerate(table.rows) if any(is_amount(c) for c in row)), None)
    if header_end is None:
        readings.warn("unread-table", "the “三公”经费 table has no row of amounts", where)
        return {}
    columns = _three_public_columns(table.rows[:header_end])
    if not columns:
        readings.warn("unread-table", "the “三公”经费 table's header names none of its columns", where)
        return {}
    row = table.rows[header_end]
    cells = [cell for cell in row]
    if max(columns) >= len(cells) and sum(1 for c in cells if is_amount(c)) == len(columns):
        cells = [
            c for c in cells if is_amount(c)
        ]  # a text form without the blank cells: the amounts in order
        columns = {index: key for index, key in enumerate(columns[c] for c in sorted(columns))}
    if max(columns) >= len(cells):
        readings.warn(
            "incomplete-table",
            f"the “三公”经费 row {header_end + 1} has {len(cells)} cells for {len(columns)} columns: not read",
            where,
        )
        return {}
    values = {key: readings.amount(cells[index], f"{where}, {key}") for index, key in sorted(columns.items())}
    _check_three_public(values, readings, where)
    return values


def _three_public_columns(header: Sequence[Sequence[str]]) -> dict[int, str]:
    """Column index → name, from the header rows' words stacked per column (``因公出`` over ``国（境）费``).

    ``小计`` under ``“三公”经费`` is the 三公 subtotal, under ``公务用车购置及运行维护费`` the car subtotal; a 小计
    whose heading the reader did not keep above it takes the 三公 subtotal first, then the car subtotal.
    """
    width = max((len(row) for row in header), default=0)
    stacked = [
        "".join(text for row in header if c < len(row) and _is_heading(text := squash(row[c])))
        for c in range(width)
    ]
    columns: dict[int, str] = {}
    subtotals: list[int] = []
    for index, text in enumerate(stacked):
        if "购置及运" in text:
            columns[index] = "公务用车购置及运行维护费"
        elif "三公" in text and ("小计" in text or "合计" in text):
            columns[index] = "“三公”经费小计"  # ``“三公”经费合计`` where the table has only the 三公 items
        elif "小计" in text:
            subtotals.append(index)
        elif (key := next((key for word, key in _THREE_PUBLIC_WORDS if word in text), None)) is not None:
            columns[index] = key
    for index, key in zip(
        subtotals,
        [k for k in ("“三公”经费小计", "公务用车购置及运行维护费") if k not in columns.values()],
        strict=False,
    ):
        columns[index] = key
    return columns


def _is_heading(text: str) -> bool:
    """A column heading, not the table's title (``…支出预算表``, ``一般公共预算“三公”经费支出预算情况``) or a title
    line (``部门：…``, ``单位：万元``): no heading of this table says 表, 预算 or 支出."""
    return not any(word in text for word in ("表", "预算", "支出", "：", ":"))


def _check_three_public(values: dict[str, Decimal | None], readings: AmountReader, where: str) -> None:
    identities = (
        ("合计", ("“三公”经费小计", "会议费", "培训费"), "合计 = 三公 + 会议费 + 培训费"),
        (
            "“三公”经费小计",
            ("因公出国（境）费", "公务用车购置及运行维护费", "公务接待费"),
            "“三公”经费 = 因公出国（境）费 + 公务用车购置及运行维护费 + 公务接待费",
        ),
        (
            "公务用车购置及运行维护费",
            ("公务用车购置费", "公务用车运行维护费"),
            "公务用车购置及运行维护费 = 购置费 + 运行维护费",
        ),
    )
    for total, parts, what in identities:
        if total in values and all(part in values for part in parts):
            readings.check(values[total], [values[part] for part in parts], what, where)


def procurement(table: Table, readings: AmountReader, where: str) -> tuple[Decimal | None, list[Line]]:
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


def _row_amount(table: Table, entry: Entry, readings: AmountReader, where: str) -> Decimal | None:
    """The category's amount: the row's last amount (its 总计 column)."""
    cells = [cell for cell in table.rows[entry.row] if is_amount(cell)]
    return readings.amount(cells[-1], f"{where}, {entry.label}") if cells else entry.amount
