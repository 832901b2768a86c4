"""From the account tables of a budget disclosure to :class:`ledger.model.Accounts`, with reconciliation.

The tables are found by their caption (the paragraph printed above them) and read by column label
(:mod:`ledger.layouts.accounts_tables`). Every total the source prints is checked against its parts; where the
source does not add up the numbers are kept as printed and a ``totals-mismatch`` warning says where.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ledger.layouts.accounts_tables import (
    AccountTable,
    Column,
    StatementEntry,
    StatementSide,
    SubjectRow,
    flatten,
    item_outline,
    parent_code,
    read_statement,
    subject_rows,
)
from ledger.layouts.common import AmountReader, is_of_which, mismatch, squash, strip_ordinal
from ledger.model import (
    ECONOMIC_LINE_COLUMNS,
    FUNCTION_LINE_COLUMNS,
    Accounts,
    BudgetOverview,
    EconomicLine,
    FunctionLine,
    Line,
    LineColumns,
    ParseWarning,
)


@dataclass(frozen=True)
class Captioned:
    """An account table with the caption it was printed under (used in warnings' ``where``)."""

    caption: str
    table: AccountTable


@dataclass
class StatementFigures:
    """The bottom lines of a two-sided 收支总表."""

    income: StatementSide
    expenditure: StatementSide
    income_total: Decimal | None = None
    current_year_income: Decimal | None = None
    carry_over: Decimal | None = None
    expenditure_total: Decimal | None = None
    current_year_expenditure: Decimal | None = None
    carry_forward: Decimal | None = None
    carry_over_entry: StatementEntry | None = None


@dataclass
class AccountsBuilder:
    """Collects the figures of every account table of one publication, then checks and assembles them."""

    tables: dict[str, list[Captioned]]
    amounts: AmountReader = field(default_factory=AmountReader)
    warnings: list[ParseWarning] = field(default_factory=list)
    #: Figures kept for the budget overview: the 财政拨款收支总表 and the 基本支出表's 合计 row.
    fiscal: StatementFigures | None = None
    economic_total: tuple[Decimal | None, Decimal | None, Decimal | None] | None = None

    def first(self, *kinds: str) -> Captioned | None:
        """The first table of the first of ``kinds`` the publication has."""
        return next((self.tables[kind][0] for kind in kinds if self.tables.get(kind)), None)

    def build(self) -> Accounts | None:
        statement = self._statement("statement")
        expenditure = self._subject_table("expenditure")
        income = self._subject_table("income")
        if statement is None and expenditure is None and income is None:
            return None
        accounts = Accounts()
        if statement is not None:
            self._apply_statement(accounts, statement)
        if expenditure is not None:
            self._apply_expenditure(accounts, expenditure, income)
        if income is not None:
            self._check_income(income, statement, expenditure)
        accounts.fiscal_function_lines = self._fiscal_function_lines()
        accounts.economic_lines = self._economic_lines()
        self._check_fiscal_statement()
        accounts.three_public = self._three_public()
        accounts.government_procurement, accounts.procurement_lines = self._procurement()
        accounts.assets = self._assets()
        self.warnings.extend(self.amounts.warnings)
        return accounts

    def _warn(self, expected: Decimal | None, parts: Iterable[Decimal | None], what: str, where: str) -> None:
        if (warning := mismatch(expected, parts, what, where)) is not None:
            self.warnings.append(warning)

    # --- 收支总表 -----------------------------------------------------------------------------------------------

    def _statement(self, kind: str) -> tuple[Captioned, StatementFigures] | None:
        found = self.first(kind)
        if found is None:
            return None
        sides = read_statement(found.table, found.caption, self.amounts)
        if sides is None:
            self.warnings.append(
                ParseWarning(
                    code="unreadable-table",
                    message="a 收支总表 without an income and an expenditure 项目 column",
                    where=found.caption,
                )
            )
            return None
        figures = StatementFigures(income=sides[0], expenditure=sides[1])
        for entry in sides[0].entries:
            self._classify_income_bottom_line(figures, entry)
        for entry in sides[1].entries:
            self._classify_expenditure_bottom_line(figures, entry)
        self._check_statement(found.caption, figures)
        return found, figures

    @staticmethod
    def _classify_income_bottom_line(figures: StatementFigures, entry: StatementEntry) -> None:
        name = squash(entry.name)
        if not entry.is_summary:
            return
        if "总计" in name:
            figures.income_total = entry.amount
        elif "结转" in name or "结余" in name:
            figures.carry_over, figures.carry_over_entry = entry.amount, entry
        elif "合计" in name:
            figures.current_year_income = entry.amount

    @staticmethod
    def _classify_expenditure_bottom_line(figures: StatementFigures, entry: StatementEntry) -> None:
        name = squash(entry.name)
        if not entry.is_summary:
            return
        if "总计" in name:
            figures.expenditure_total = entry.amount
        elif "结转" in name or "结余" in name:
            figures.carry_forward = entry.amount
        elif "合计" in name:
            figures.current_year_expenditure = entry.amount

    def _check_statement(self, where: str, figures: StatementFigures) -> None:
        self._warn(figures.income_total, [figures.expenditure_total], "收入总计 = 支出总计", where)
        self._warn(
            figures.income_total,
            [figures.current_year_income, figures.carry_over],
            "收入总计 = 本年收入合计 + 上年结转结余",
            where,
        )
        self._warn(
            figures.expenditure_total,
            [figures.current_year_expenditure, figures.carry_forward],
            "支出总计 = 本年支出合计 + 年终结转结余",
            where,
        )
        self._warn(
            figures.current_year_income,
            (e.amount for e in figures.income.lines),
            "本年收入合计 = sum of the income sources",
            where,
        )
        self._warn(
            figures.current_year_expenditure,
            (e.amount for e in figures.expenditure.lines),
            "本年支出合计 = sum of the expenditure categories",
            where,
        )
        entry = figures.carry_over_entry
        if entry is not None and entry.children:
            self._warn(
                entry.amount,
                (c.amount for c in entry.children),
                f"{squash(entry.name)} = sum of its split by fund",
                where,
            )

    def _apply_statement(self, accounts: Accounts, statement: tuple[Captioned, StatementFigures]) -> None:
        _, figures = statement
        accounts.income_total = figures.income_total
        accounts.expenditure_total = figures.expenditure_total
        accounts.current_year_income = figures.current_year_income
        accounts.current_year_expenditure = figures.current_year_expenditure
        accounts.carry_over = figures.carry_over
        accounts.carry_forward = figures.carry_forward
        accounts.income_lines = [_statement_line(e) for e in figures.income.lines]
        accounts.expenditure_lines = [_statement_line(e) for e in figures.expenditure.lines]

    def _check_fiscal_statement(self) -> None:
        """财政拨款收支总表: read for its checks and its split of the carry-over by fund; its other figures repeat
        the 收支总表 for fiscal money only."""
        fiscal = self._statement("fiscal-statement")
        self.fiscal = fiscal[1] if fiscal is not None else None

    # --- 收入总表 / 支出总表 -------------------------------------------------------------------------------------

    def _subject_table(self, *kinds: str) -> tuple[Captioned, list[SubjectRow]] | None:
        found = self.first(*kinds)
        if found is None:
            return None
        rows = subject_rows(found.table, found.caption, self.amounts)
        if not rows:
            self.warnings.append(
                ParseWarning(
                    code="unreadable-table", message="no rows with a subject code", where=found.caption
                )
            )
            return None
        return found, rows

    def _apply_expenditure(
        self,
        accounts: Accounts,
        expenditure: tuple[Captioned, list[SubjectRow]],
        income: tuple[Captioned, list[SubjectRow]] | None,
    ) -> None:
        found, rows = expenditure
        table = found.table
        # 上年结转 of each line comes from the 收入总表 (by code), not from this table.
        columns = _columns_of(table, FUNCTION_LINE_COLUMNS, omit=("carry_over",))
        total = columns["total"]
        self._check_subject_rows(found.caption, rows, total, _components(table, total))
        grand = _grand_total(rows)
        if grand is not None:
            accounts.basic_expenditure = grand.get(columns["basic"])
            accounts.project_expenditure = grand.get(columns["project"])
            self._warn(
                grand.get(total),
                [accounts.current_year_expenditure],
                "合计 = the 收支总表 本年支出合计",
                found.caption,
            )
        carry = _carry_over_by_code(income)
        accounts.function_lines = [
            FunctionLine(
                code=row.code,
                name=row.name,
                carry_over=carry.get(row.code),
                **{name: row.get(column) for name, column in columns.items()},
            )
            for row in rows
            if row.code is not None
        ]
        unmatched = sorted(set(carry) - {line.code for line in accounts.function_lines})
        if unmatched:
            self.warnings.append(
                ParseWarning(
                    code="unmatched-line",
                    message=f"上年结转 of subjects not in the 支出总表: {', '.join(unmatched)}",
                    where=income[0].caption if income else found.caption,
                )
            )

    def _check_income(
        self,
        income: tuple[Captioned, list[SubjectRow]],
        statement: tuple[Captioned, StatementFigures] | None,
        expenditure: tuple[Captioned, list[SubjectRow]] | None,
    ) -> None:
        found, rows = income
        table = found.table
        total = table.find("合计")
        current = table.find("小计") or table.find("本年收入")
        carry = table.find(contains="上年结转")
        self._check_subject_rows(found.caption, rows, total, [c for c in (current, carry) if c is not None])
        if current is not None and current.group is not None:
            sources = [c for c in table.columns if c.group == current.group and c is not current]
            for row in rows:
                self._warn(
                    row.get(current),
                    (row.get(c) for c in sources),
                    f"{_row_label(row)} {current.label} = {_sum_of(sources)}",
                    found.caption,
                )
        grand = _grand_total(rows)
        if grand is not None and statement is not None:
            figures = statement[1]
            self._warn(
                grand.get(total), [figures.income_total], "合计 = the 收支总表 收入总计", found.caption
            )
            self._warn(
                grand.get(current),
                [figures.current_year_income],
                "本年收入 = the 收支总表 本年收入合计",
                found.caption,
            )
            self._warn(
                grand.get(carry), [figures.carry_over], "上年结转 = the 收支总表 上年结转结余", found.caption
            )
        if expenditure is not None:
            spent = expenditure[0].table.find("合计")
            spent_by_code = {row.code: row.get(spent) for row in expenditure[1]}
            for row in rows:
                if row.code is not None and row.code in spent_by_code:
                    self._warn(
                        row.get(total),
                        [spent_by_code[row.code]],
                        f"{row.code} 合计 = its 合计 in the 支出总表",
                        found.caption,
                    )

    def _check_subject_rows(
        self, where: str, rows: Sequence[SubjectRow], total: Column | None, components: Sequence[Column]
    ) -> None:
        """Each row's total is the sum of its components; children add up to parents; 合计 to the 类 lines."""
        if total is None:
            return
        for row in rows:
            if components:
                self._warn(
                    row.get(total),
                    (row.get(c) for c in components),
                    f"{_row_label(row)} {total.label} = {_sum_of(components)}",
                    where,
                )
        by_code = {row.code: row for row in rows if row.code is not None}
        for column in (total, *components):
            for code, parent in by_code.items():
                children = [row for row in rows if row.code is not None and parent_code(row.code) == code]
                if children:
                    self._warn(
                        parent.get(column),
                        (c.get(column) for c in children),
                        f"{code} {column.label} = sum of its sub-subjects",
                        where,
                    )
            grand = _grand_total(rows)
            if grand is not None:
                self._warn(
                    grand.get(column),
                    (row.get(column) for row in rows if row.level == 0),
                    f"合计 {column.label} = sum of the 类 lines",
                    where,
                )

    # --- 一般公共预算财政拨款支出表, 基本支出表 ---------------------------------------------------------------------

    def _fiscal_function_lines(self) -> list[FunctionLine]:
        found = self._subject_table("general-function", "fiscal-function")
        for kind in ("government-fund", "state-capital"):
            self._checked_function_table(kind)
        if found is None:
            return []
        table, rows = found[0].table, found[1]
        columns = _columns_of(table, FUNCTION_LINE_COLUMNS, omit=("carry_over",))
        self._check_subject_rows(
            found[0].caption, rows, columns["total"], _components(table, columns["total"])
        )
        return [
            FunctionLine(code=row.code, name=row.name, **{name: row.get(c) for name, c in columns.items()})
            for row in rows
            if row.code is not None
        ]

    def _checked_function_table(self, kind: str) -> None:
        """政府性基金 / 国有资本经营 tables: checked, not kept (their lines repeat the 支出总表's for one fund)."""
        found = self.first(kind)
        if found is None:
            return
        rows = subject_rows(found.table, found.caption, self.amounts)
        total = found.table.find("合计")
        self._check_subject_rows(found.caption, rows, total, _components(found.table, total))

    def _economic_lines(self) -> list[EconomicLine]:
        found = self._subject_table("general-economic", "fiscal-economic")
        if found is None:
            return []
        table, rows = found[0].table, found[1]
        columns = _columns_of(table, ECONOMIC_LINE_COLUMNS)
        self._check_subject_rows(
            found[0].caption, rows, columns["total"], _components(table, columns["total"])
        )
        grand = _grand_total(rows)
        if grand is not None:
            self.economic_total = (
                grand.get(columns["total"]),
                grand.get(columns["personnel"]),
                grand.get(columns["public"]),
            )
        return [
            EconomicLine(code=row.code, name=row.name, **{name: row.get(c) for name, c in columns.items()})
            for row in rows
            if row.code is not None
        ]

    # --- 三公经费, 政府采购, 固定资产 ------------------------------------------------------------------------------

    def _three_public(self) -> dict[str, Decimal | None]:
        """三公经费 by the table's own item names (ordinals and ``其中：`` dropped), from its 合计 column."""
        outline = self._item_outline("three-public", "合计")
        return {line.name: line.amount for line in flatten(outline)}

    def _assets(self) -> list[Line]:
        return self._item_outline("assets", "价值", contains=True)

    def _item_outline(self, kind: str, amount_label: str, *, contains: bool = False) -> list[Line]:
        found = self.first(kind)
        if found is None:
            return []
        table = found.table
        name_column = table.find("项目") or table.find("项目名称")
        amount_column = table.find(contains=amount_label) if contains else table.find(amount_label)
        if name_column is None or amount_column is None:
            self.warnings.append(
                ParseWarning(code="unreadable-table", message="no 项目 or amount column", where=found.caption)
            )
            return []
        items = [
            (
                row[name_column.index].strip(),
                self.amounts.amount(row[amount_column.index], found.caption, table.meta.money_unit),
            )
            for row in table.rows
            if row[name_column.index].strip()
        ]
        outline = item_outline(items)
        self._check_outline(outline, [name for name, _ in items], found.caption)
        return outline

    def _check_outline(self, outline: Sequence[Line], printed: Sequence[str], where: str) -> None:
        """A root 合计 equals its numbered items; ``其中`` sub-items may not exceed their line."""
        partial = {strip_ordinal(name) for name in printed if is_of_which(name)}
        for line in flatten(outline):
            if not line.children:
                continue
            if any(child.name in partial for child in line.children):
                parts = sum((c.amount or Decimal(0) for c in line.children), Decimal(0))
                if parts > (line.amount or Decimal(0)):
                    self.warnings.append(
                        ParseWarning(
                            code="totals-mismatch",
                            message=f"{line.name}: 其中 items sum to {parts}, more than the printed {line.amount}",
                            where=where,
                        )
                    )
            else:
                self._warn(
                    line.amount, (c.amount for c in line.children), f"{line.name} = sum of its items", where
                )

    def _procurement(self) -> tuple[Decimal | None, list[Line]]:
        """政府采购预算: the 合计 row and, per unit 小计, the items as ``项目名称：采购物品名称`` lines."""
        found = self.first("procurement")
        if found is None:
            return None, []
        table, where = found.table, found.caption
        project, item = table.find("项目名称"), table.find("采购物品名称")
        catalogue, amount = table.find(contains="目录"), table.find("合计")
        if project is None or amount is None:
            self.warnings.append(
                ParseWarning(code="unreadable-table", message="no 项目名称 or 合计 column", where=where)
            )
            return None, []
        grand: Decimal | None = None
        units: list[Line] = []
        loose: list[Line] = []
        for row in table.rows:
            name = row[project.index].strip()
            value = self.amounts.amount(row[amount.index], f"{where}, {squash(name)}", table.meta.money_unit)
            if squash(name) in ("合计", "总计"):
                grand = value
            elif squash(name).endswith("小计"):
                units.append(Line(name=name.removesuffix("小计").strip(), amount=value))
            else:
                what = row[item.index].strip() if item is not None else ""
                line = Line(
                    name=f"{name}：{what}" if what else name,
                    amount=value,
                    code=(row[catalogue.index].strip() or None) if catalogue is not None else None,
                )
                (units[-1].children if units else loose).append(line)
        lines = units + loose
        self._warn(
            grand, (line.amount for line in lines), "政府采购 合计 = sum of the unit 小计 lines", where
        )
        for unit in units:
            self._warn(
                unit.amount, (c.amount for c in unit.children), f"{unit.name}小计 = sum of its items", where
            )
        return grand, lines

    # --- 预算整体情况 ----------------------------------------------------------------------------------------------

    def overview(self, accounts: Accounts) -> BudgetOverview:
        """Income by source and expenditure by type, nested where the tables split a line further.

        本年收入 holds the sources the 收支总表 gives an amount; 上年结转结余 holds its split by fund from the
        财政拨款收支总表 and 基本支出 its split into 人员经费/公用经费 from the 基本支出表 — each only when the
        split table's total is the same money (equal totals), since those tables cover fiscal money only.
        """
        income: list[Line] = []
        if accounts.current_year_income is not None:
            sources = [line for line in accounts.income_lines if line.amount is not None]
            income.append(Line(name="本年收入", amount=accounts.current_year_income, children=sources))
        if accounts.carry_over is not None:
            income.append(
                Line(name="上年结转结余", amount=accounts.carry_over, children=self._carry_split(accounts))
            )
        expenditure: list[Line] = []
        if accounts.basic_expenditure is not None:
            expenditure.append(
                Line(name="基本支出", amount=accounts.basic_expenditure, children=self._basic_split(accounts))
            )
        if accounts.project_expenditure is not None:
            expenditure.append(Line(name="项目支出", amount=accounts.project_expenditure))
        return BudgetOverview(income=income, expenditure=expenditure)

    def _carry_split(self, accounts: Accounts) -> list[Line]:
        entry = self.fiscal.carry_over_entry if self.fiscal is not None else None
        if entry is None or entry.amount != accounts.carry_over:
            return []
        return [_statement_line(child) for child in entry.children if child.amount is not None]

    def _basic_split(self, accounts: Accounts) -> list[Line]:
        if self.economic_total is None or self.economic_total[0] != accounts.basic_expenditure:
            return []
        _, personnel, public = self.economic_total
        return [Line(name="人员经费", amount=personnel), Line(name="公用经费", amount=public)]


def _statement_line(entry: StatementEntry) -> Line:
    return Line(
        name=strip_ordinal(entry.name),
        amount=entry.amount,
        children=[_statement_line(child) for child in entry.children],
    )


def _components(table: AccountTable, total: Column | None) -> list[Column]:
    """The amount columns that make up ``total``: every later column that is not a sub-total of its own."""
    if total is None:
        return []
    return [c for c in table.columns if c.index > total.index and c.label not in ("小计",)]


def _columns_of(
    table: AccountTable, spec: LineColumns, *, omit: tuple[str, ...] = ()
) -> dict[str, Column | None]:
    """The table's column for each amount field of a classification line, found by the spec's header (表头);
    ``omit`` names fields this table never holds (the 一般公共预算 function table has no 上年结转)."""
    return {name: table.find(header) for name, header in spec.fields if name not in omit}


def _grand_total(rows: Sequence[SubjectRow]) -> SubjectRow | None:
    return next((row for row in rows if row.code is None), None)


def _sum_of(columns: Sequence[Column]) -> str:
    return " + ".join(column.label for column in columns)


def _row_label(row: SubjectRow) -> str:
    return row.code or squash(row.name)


def _carry_over_by_code(income: tuple[Captioned, list[SubjectRow]] | None) -> dict[str, Decimal | None]:
    """上年结转 by subject code, from the 收入总表."""
    if income is None:
        return {}
    carry = income[0].table.find(contains="上年结转")
    if carry is None:
        return {}
    return {row.code: row.get(carry) for row in income[1] if row.code is not None}
