"""Totals that do not add up (合计不符): every place where a publication states a total and the parts it is made of.

Checked, when the snapshot has them:

- the accounts (收支总表): 收入总计 = 支出总计; 本年收入合计 + 上年结转结余 = 收入总计; 本年支出合计 + 年终结转结余 =
  支出总计; 本年支出合计 = 基本支出 + 项目支出 + the other uses of money the document prints (单位预留机动经费,
  事业单位经营支出, 上缴上级支出, 对附属单位补助支出: see :data:`OTHER_USES`); the income and expenditure lines of the 收支总表 against 本年收入合计
  and 本年支出合计;
- the functional classification (功能分类科目, 支出总表 and 一般公共预算财政拨款支出表): each 类/款 line against its
  sub-lines, column by column; 基本支出 + 项目支出 = 合计 on every line; the 类 lines against the accounts' totals;
- the economic classification (经济分类科目): each 类 against its 款, 人员经费 + 公用经费 = 合计 on every line;
- 三公经费: 小计 against its three parts, and 公务用车购置及运维费 against 购置 and 运行维护;
- the projects' 预算数 summed against 项目支出;
- 预算整体情况 (budget_overview): a 合计 line against the other lines, each line against its sub-lines, and
  expenditure against income.

Published figures are rounded to the cent (0.01 万元), so a sum of rounded parts may legitimately miss its rounded
total by up to half a cent per figure: such a difference is reported as ``info`` (a rounding difference), anything
larger as ``error``. Parts introduced by 其中 ("of which") are a partial breakdown: they may sum to less than their
line, never to more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from ledger.findings.finding import Finding, Severity, amount, make_key
from ledger.model import (
    ECONOMIC_LINE_COLUMNS,
    FUNCTION_LINE_COLUMNS,
    Accounts,
    EconomicLine,
    FunctionLine,
    Line,
    LineColumns,
    Snapshot,
)
from ledger.model.names import normalise_name, strip_enumerator

RULE = "totals-mismatch"

#: Half a cent (万元): the most one figure rounded to 0.01 万元 can be off by.
ROUNDING_PER_FIGURE = Decimal("0.005")

_TOTAL_NAME = re.compile(r"^(?:合计|总计|小计|收入合计|支出合计|收入总计|支出总计)$")
_OF_WHICH = re.compile(r"^其中")
_L = TypeVar("_L", FunctionLine, EconomicLine)


@dataclass(frozen=True)
class Sum:
    """A stated total and the parts it should equal the sum of."""

    location: str  # where, as people read it
    identity: str  # where, as the finding key names it
    total_name: str
    total: Decimal | None
    parts_name: str  # ``基本支出 + 项目支出`` or ``the 4 sub-lines of 208 社会保障和就业支出``
    parts: tuple[tuple[str, Decimal | None], ...]
    partial: bool = False  # 其中 parts: a sum below the total is expected
    empty_total_is_zero: bool = False  # a table cell left empty means 0; a figure the source lacks is unknown


def check(item: Sum) -> Finding | None:
    """The finding for one total that its parts do not add up to, or None when they do (or cannot be checked).

    In tables whose empty cells mean zero (``empty_total_is_zero``: the 科目 tables) any empty cell counts as zero.
    Elsewhere a figure may simply not be published: without the total or without any of the parts there is
    nothing to check, and an empty part among published ones counts as zero (no 年终结转结余 printed: none).
    """
    figures = [value for _, value in item.parts if value is not None]
    if item.total is None and not figures:
        return None
    if not item.empty_total_is_zero and (item.total is None or not figures):
        return None
    total = item.total or Decimal(0)
    summed = sum(figures, Decimal(0))
    difference = summed - total
    if difference == 0 or (item.partial and difference < 0):
        return None
    allowance = ROUNDING_PER_FIGURE * (len(item.parts) + 1)
    rounding = abs(difference) <= allowance
    severity: Severity = "info" if rounding else "error"
    note = " (within rounding)" if rounding else ""
    return Finding(
        rule=RULE,
        severity=severity,
        message=(
            f"{item.total_name} {amount(total)} does not equal {item.parts_name} = {amount(summed)} "
            f"(difference {amount(difference)}){note}"
        ),
        location=item.location,
        key=make_key(RULE, item.identity),
        facts={
            "total": total,
            "sum": summed,
            "difference": difference,
            "parts": [f"{name}={amount(value)}" for name, value in item.parts if value is not None],
        },
    )


#: Uses of money (支出用途) besides 基本支出 and 项目支出 that a 收支总表 may print, and that 本年支出合计 includes:
#: 单位预留机动经费 (a reserve line of Jiangsu provincial budgets), 事业单位经营支出, 上缴上级支出, 对附属单位补助支出.
OTHER_USES = ("单位预留机动经费", "预留机动经费", "事业单位经营支出", "上缴上级支出", "对附属单位补助支出")


def find(snapshot: Snapshot) -> list[Finding]:
    sums: list[Sum] = []
    if snapshot.accounts is not None:
        sums += accounts_sums(snapshot.accounts, other_uses(snapshot.budget_overview.expenditure))
        sums += project_sums(snapshot)
    sums += overview_sums("expenditure", "预算支出", snapshot.budget_overview.expenditure)
    sums += overview_sums("income", "收入来源", snapshot.budget_overview.income)
    sums += overview_balance(snapshot.budget_overview.expenditure, snapshot.budget_overview.income)
    return [finding for finding in map(check, sums) if finding is not None]


# --- the accounts (收支总表 and its detail tables) --------------------------------------------------------------------


def other_uses(expenditure: Sequence[Line]) -> tuple[tuple[str, Decimal | None], ...]:
    """The uses of money of :data:`OTHER_USES` the snapshot's 预算整体情况 holds (what the document printed)."""
    return tuple(
        (line.name, line.amount) for line in expenditure if strip_enumerator(line.name).strip() in OTHER_USES
    )


def accounts_sums(accounts: Accounts, uses: tuple[tuple[str, Decimal | None], ...] = ()) -> list[Sum]:
    """The 收支总表's identities; ``uses`` are the document's other uses of money (see :func:`other_uses`)."""
    a = accounts
    named_uses = " + ".join(("基本支出", "项目支出", *(name for name, _ in uses)))
    where = "accounts 收支总表"
    sums = [
        Sum(
            where,
            "accounts:balance",
            "支出总计",
            a.expenditure_total,
            "收入总计",
            (("收入总计", a.income_total),),
        ),
        Sum(
            where,
            "accounts:income-total",
            "收入总计",
            a.income_total,
            "本年收入合计 + 上年结转结余",
            (("本年收入合计", a.current_year_income), ("上年结转结余", a.carry_over)),
        ),
        Sum(
            where,
            "accounts:expenditure-total",
            "支出总计",
            a.expenditure_total,
            "本年支出合计 + 年终结转结余",
            (("本年支出合计", a.current_year_expenditure), ("年终结转结余", a.carry_forward)),
        ),
        Sum(
            where,
            "accounts:basic-plus-project",
            "本年支出合计",
            a.current_year_expenditure,
            named_uses,
            (("基本支出", a.basic_expenditure), ("项目支出", a.project_expenditure), *uses),
        ),
    ]
    if a.income_lines:
        sums.append(_lines_against("income", "本年收入合计", a.current_year_income, a.income_lines))
    if a.expenditure_lines:
        sums.append(
            _lines_against("expenditure", "本年支出合计", a.current_year_expenditure, a.expenditure_lines)
        )
    sums += classification_sums(
        "function lines 支出总表", "function_line", a.function_lines, FUNCTION_LINE_COLUMNS
    )
    sums += function_totals_against_accounts(a)
    sums += classification_sums(
        "function lines 一般公共预算财政拨款支出表",
        "fiscal_function_line",
        a.fiscal_function_lines,
        FUNCTION_LINE_COLUMNS,
    )
    sums += classification_sums(
        "economic lines 经济分类科目", "economic_line", a.economic_lines, ECONOMIC_LINE_COLUMNS
    )
    sums += three_public_sums(a.three_public)
    return sums


def _lines_against(side: str, total_name: str, total: Decimal | None, lines: list[Line]) -> Sum:
    """The income (or expenditure) lines of the 收支总表 against 本年收入合计 (本年支出合计)."""
    named = tuple((line.name, line.amount) for line in lines)
    counted = sum(1 for _, value in named if value is not None)
    described = f"the {counted} {side} lines of the 收支总表 with an amount"
    return Sum("accounts 收支总表", f"accounts:{side}-lines", total_name, total, described, named)


def classification_sums(where: str, entity: str, lines: Sequence[_L], columns: LineColumns) -> list[Sum]:
    """Each parent line (类, 款) against its sub-lines, column by column, and on each line its split columns
    against 合计 (基本支出 + 项目支出 for 功能分类; 人员经费 + 公用经费 for 经济分类)."""
    sums: list[Sum] = []
    for parent, children in _by_parent(lines):
        for column, column_name in columns.fields:
            sums.append(
                Sum(
                    location=f"{where} / {parent.code} {parent.name}",
                    identity=f"{entity}:{parent.code}:{column}",
                    total_name=f"{parent.code} {parent.name} {column_name}",
                    total=getattr(parent, column),
                    parts_name=f"the {column_name} of its {len(children)} sub-lines ({_codes(children)})",
                    parts=tuple((child.code, getattr(child, column)) for child in children),
                    empty_total_is_zero=True,
                )
            )
    split_names = [columns.header(column) for column in columns.split]
    for line in lines:
        if all(getattr(line, column) is None for column in columns.split):
            continue  # a table without the split says nothing to check
        sums.append(
            Sum(
                location=f"{where} / {line.code} {line.name}",
                identity=f"{entity}:{line.code}:{'-plus-'.join(columns.split)}",
                total_name=f"{line.code} {line.name} 合计",
                total=line.total,
                parts_name=" + ".join(split_names),
                parts=tuple((columns.header(c), getattr(line, c)) for c in columns.split),
                empty_total_is_zero=True,
            )
        )
    return sums


def function_totals_against_accounts(accounts: Accounts) -> list[Sum]:
    """The 类 lines of the 支出总表 against the accounts: 合计, 基本支出, 项目支出 and 上年结转 columns.

    A column no line has a figure in is a column the table does not print (e.g. no 上年结转 column): not checked.
    """
    tops = _top_level(accounts.function_lines)
    if not tops:
        return []
    targets = (
        ("total", "合计", "本年支出合计", accounts.current_year_expenditure),
        ("basic", "基本支出", "基本支出", accounts.basic_expenditure),
        ("project", "项目支出", "项目支出", accounts.project_expenditure),
        ("carry_over", "上年结转", "上年结转结余", accounts.carry_over),
    )
    return [
        Sum(
            location="accounts 收支总表",
            identity=f"function_line:total:{column}",
            total_name=total_name,
            total=total,
            parts_name=f"the {column_name} of the {len(tops)} 类 lines ({_codes(tops)})",
            parts=tuple((line.code, getattr(line, column)) for line in tops),
        )
        for column, column_name, total_name, total in targets
        if total is not None and any(getattr(line, column) is not None for line in accounts.function_lines)
    ]


#: The national 三公经费 table: each total and its parts (names as printed, compared normalised).
_THREE_PUBLIC = (
    ("“三公”经费小计", ("因公出国（境）费", "公务用车购置及运维费", "公务接待费")),
    ("公务用车购置及运维费", ("公务用车购置费", "公务用车运行维护费")),
    ("因公出国（境）费", ("教学科研人员因公出国（境）费", "其他因公出国（境）费")),
)


def three_public_sums(three_public: dict[str, Decimal | None]) -> list[Sum]:
    """三公经费: checked only where the table prints the total and every one of its parts."""
    by_name = {_three_public_name(name): (name, value) for name, value in three_public.items()}
    sums: list[Sum] = []
    for total_name, part_names in _THREE_PUBLIC:
        total = by_name.get(_three_public_name(total_name))
        parts = [by_name.get(_three_public_name(name)) for name in part_names]
        if total is None or any(part is None for part in parts):
            continue
        present = [part for part in parts if part is not None]
        sums.append(
            Sum(
                location="accounts 三公经费",
                identity=f"three_public:{_three_public_name(total_name)}",
                total_name=total[0],
                total=total[1],
                parts_name=" + ".join(name for name, _ in present),
                parts=tuple(present),
            )
        )
    return sums


def _three_public_name(name: str) -> str:
    """``“三公”经费小计`` and ``三公经费小计`` are the same row; so are ``因公出国(境)费`` and ``因公出国（境）费``."""
    return re.sub(r"[“”\"'‘’()（）\s]", "", normalise_name(name))


def project_sums(snapshot: Snapshot) -> list[Sum]:
    """The projects' 预算数 against 项目支出. Only a sum above 项目支出 is certain to be wrong: a disclosure may print
    target tables for some projects only, so a sum below it is checked as a partial breakdown."""
    accounts = snapshot.accounts
    amounts = [(p.code or p.name, p.amount) for p in snapshot.projects if p.amount is not None]
    if accounts is None or accounts.project_expenditure is None or not amounts:
        return []
    return [
        Sum(
            location="accounts 收支总表 / projects",
            identity="projects:sum",
            total_name="项目支出",
            total=accounts.project_expenditure,
            parts_name=f"the 预算数 of the {len(amounts)} project tables",
            parts=tuple(amounts),
            partial=True,
        )
    ]


# --- 预算整体情况 (budget_overview) ---------------------------------------------------------------------------------


def overview_sums(side: str, side_name: str, lines: Sequence[Line]) -> list[Sum]:
    """A 合计 line against the other top lines, and every line with sub-lines against them."""
    sums: list[Sum] = []
    total_line, others = _split_total(lines)
    if total_line is not None and others:
        sums.append(
            Sum(
                location=f"budget overview {side_name}",
                identity=f"budget_overview:{side}:total",
                total_name=total_line.name,
                total=total_line.amount,
                parts_name=" + ".join(line.name for line in others),
                parts=tuple((line.name, line.amount) for line in others),
            )
        )
    for path, line in _walk(lines, ()):
        if not line.children:
            continue
        sums.append(
            Sum(
                location=f"budget overview {side_name} / {' / '.join(path)}",
                identity=f"budget_overview:{side}:{'/'.join(_line_key(name) for name in path)}",
                total_name=line.name,
                total=line.amount,
                parts_name=" + ".join(child.name for child in line.children),
                parts=tuple((child.name, child.amount) for child in line.children),
                partial=_is_partial(line.children),
            )
        )
    return sums


def overview_balance(expenditure: Sequence[Line], income: Sequence[Line]) -> list[Sum]:
    """预算支出 and 收入来源 describe the same money: their totals must be equal."""
    spent, received = _side_total(expenditure), _side_total(income)
    if spent is None or received is None:
        return []
    return [
        Sum(
            location="budget overview",
            identity="budget_overview:balance",
            total_name="收入来源合计",
            total=received,
            parts_name="预算支出合计",
            parts=(("预算支出合计", spent),),
        )
    ]


def _side_total(lines: Sequence[Line]) -> Decimal | None:
    total_line, others = _split_total(lines)
    if total_line is not None and total_line.amount is not None:
        return total_line.amount
    figures = [line.amount for line in others if line.amount is not None]
    return sum(figures, Decimal(0)) if figures else None


def _split_total(lines: Sequence[Line]) -> tuple[Line | None, list[Line]]:
    totals = [line for line in lines if _TOTAL_NAME.match(_line_key(line.name))]
    if len(totals) != 1:
        return None, list(lines)
    return totals[0], [line for line in lines if line is not totals[0]]


def _is_partial(children: Sequence[Line]) -> bool:
    return any(_OF_WHICH.match(normalise_name(child.name)) for child in children)


def _line_key(name: str) -> str:
    return strip_enumerator(normalise_name(name))


def _walk(lines: Iterable[Line], path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Line]]:
    for line in lines:
        here = (*path, line.name)
        yield here, line
        yield from _walk(line.children, here)


# --- classification codes (科目编码) ------------------------------------------------------------------------------


def _by_parent(lines: Sequence[_L]) -> list[tuple[_L, list[_L]]]:
    """Each line with sub-lines, and those sub-lines: a line's parent is the longest other code that prefixes it
    (208 → 20801 → 2080101), so any depth of classification works."""
    codes = {line.code for line in lines}
    children: dict[str, list[_L]] = {}
    for line in lines:
        parent = _parent_code(line.code, codes)
        if parent is not None:
            children.setdefault(parent, []).append(line)
    return [(line, children[line.code]) for line in lines if line.code in children]


def _parent_code(code: str, codes: set[str]) -> str | None:
    for length in range(len(code) - 1, 0, -1):
        if code[:length] in codes:
            return code[:length]
    return None


def _top_level(lines: Sequence[FunctionLine]) -> list[FunctionLine]:
    codes = {line.code for line in lines}
    return [line for line in lines if _parent_code(line.code, codes) is None]


def _codes(lines: Sequence[FunctionLine] | Sequence[EconomicLine]) -> str:
    return ", ".join(line.code for line in lines)
