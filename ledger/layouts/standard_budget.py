"""Layout: a department budget disclosure (部门预算公开) made of the finance ministry's standard tables, any province.

A department publishes, per year, the budget tables (收支预算总表 … 政府采购预算表, found by their titles with
:func:`ledger.layouts.common.captioned_tables` and read by :mod:`ledger.layouts.standard_tables`) and a narrative
(部门概况, 情况说明, 名词解释) — as two files or as one. The document kind is decided by content: account tables and
no narrative → ``budget-tables``; a narrative and no account tables → ``budget-narrative``; both →
``budget-disclosure``.

The accounts come from the tables. A narrative alone states its totals in sentences
(``收入、支出预算总计 9,146.79 万元``, ``基本支出预算数为 5,916.27 万元``); those are read into the same fields, and
when a file has both, the sentences are checked against the tables.

Department and fiscal year come from the content: the tables' ``部门：`` / ``部门名称：`` line, the cover title
(``2017 年度江苏省高级人民法院部门预算公开``, ``江苏省政协办公厅 2018 年度部门预算公开``) or the narrative's own
sentences — never the file name (the court publishes as ``省法院…`` in some file names).

Provinces' own templates adapt this layout (:mod:`ledger.layouts.jiangsu_budget`); this one recognises any
document with enough standard tables, scoring below the adapters so that theirs is tried first.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal

from ledger.errors import ParseError
from ledger.layouts.claims import read_statements, with_entities
from ledger.layouts.common import AmountReader, captioned_tables, squash
from ledger.layouts.standard_tables import (
    USES,
    SubjectLine,
    apply_statement,
    check_fiscal_statement,
    check_subject_lines,
    economic_lines,
    expenditure_summary,
    function_lines,
    income_summary_total,
    procurement,
    read_statement,
    subject_lines,
    three_public,
    total_of,
)
from ledger.model import Accounts, BudgetOverview, Department, Line, Snapshot
from ledger.model.values import amount_in_wanyuan
from ledger.readers.document import Document, Paragraph, Table

#: The standard account tables (not the project target tables or the list of units).
ACCOUNT_KINDS = {
    "statement",
    "income",
    "expenditure",
    "fiscal-statement",
    "fiscal-function",
    "general-function",
    "fiscal-economic",
    "general-economic",
    "three-public",
    "government-fund",
    "state-capital",
    "operating-costs",
    "procurement",
}
#: How many kinds of standard table make a budget disclosure.
MIN_KINDS = 3
#: Section headings only the narrative has.
NARRATIVE_MARKERS = ("部门概况", "主要职能", "情况说明", "名词解释")

_YEAR = r"(?P<year>(?:19|20)\d{2})\s*年度?"
_DEPARTMENT_LINE = re.compile(r"部门(?:名称)?[：:]\s*(?P<name>[^\s：:]+?)(?:\s|单位|$)")
_TITLES = (
    re.compile(rf"^{_YEAR}(?P<name>\S+?)(?:部门)?预算公开"),
    re.compile(rf"^(?P<name>\S+?){_YEAR}部门预算"),
    re.compile(rf"^[一二三四五六七八九十]+、{_YEAR}(?P<name>\S+?)(?:部门)?收支预算总表"),
)
_NARRATIVE_SUBJECT = re.compile(rf"(?P<name>[^\s，。、；]{{4,30}}?)\s*{_YEAR}收入、支出预算总计")
_CAPTION_YEAR = re.compile(rf"{_YEAR}(?:政府采购|部门预算|收支预算|.*?部门)")
#: A department's name ends like an organisation's (办公厅, 法院, 委员会 …); ``第二部分`` in ``第二部分 2019 年度部门预算表``
#: has the shape of a title's subject but is not one.
_ORGANISATION = re.compile(r"(?:厅|局|院|会|委|办|部|署|中心|室|社|馆|所|处|站|队|团|校|行|府)$")
_NOT_A_NAME = re.compile(r"^第[一二三四五六七八九十]+部分|目录")
#: How many leading paragraphs can make up a cover title broken over lines.
COVER_LINES = 4

#: Narrative sentences stating the accounts: (field, pattern).
_NUMBER = r"\s*(?P<amount>-?[\d,，]+(?:\.\d+)?)\s*万元"
NARRATIVE_FIGURES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("income_total", re.compile(rf"收入预算总计{_NUMBER}")),
    ("income_total", re.compile(rf"收入、支出预算总计{_NUMBER}")),
    ("expenditure_total", re.compile(rf"支出预算总计{_NUMBER}")),
    ("current_year_income", re.compile(rf"本年收入预算合计{_NUMBER}")),
    ("current_year_expenditure", re.compile(rf"本年支出预算合计{_NUMBER}")),
    ("basic_expenditure", re.compile(rf"基本支出预算数为{_NUMBER}")),
    ("project_expenditure", re.compile(rf"项目支出预算数为{_NUMBER}")),
    ("carry_over", re.compile(rf"上年结转资金预算数为{_NUMBER}")),
    ("operating_costs", re.compile(rf"机关运行经费支出预算{_NUMBER}")),
    ("operating_costs", re.compile(rf"机关运行经费预算支出{_NUMBER}")),
)


class StandardBudgetLayout:
    """部门预算公开 by its standard tables: tables file, narrative file, or both in one → budget-tables / -narrative /
    -disclosure."""

    name = "standard-budget"
    version = "2"  # 2: the narrative's claims (statements)
    looks_for = (
        "部门预算公开 standard tables (收支总表, 收入总表, 支出总表, 财政拨款收支总表 …), at least three"
    )

    def detect(self, document: Document) -> int:
        """5 per kind of standard account table found, when there are at least :data:`MIN_KINDS` with a 收支总表."""
        kinds = {found.kind for found in captioned_tables(document.blocks)} & ACCOUNT_KINDS
        if "statement" not in kinds or len(kinds) < MIN_KINDS:
            return 0
        return 5 * len(kinds)

    def parse(self, document: Document) -> Snapshot:
        blocks = document.blocks
        paragraphs = [block.text for block in blocks if isinstance(block, Paragraph)]
        tables = [(found.kind, found.table) for found in captioned_tables(blocks) if found.kind is not None]
        readings = AmountReader()
        department = department_name(paragraphs, [table for _, table in tables])
        year = fiscal_year(paragraphs, [table for _, table in tables])
        narrative = has_narrative(paragraphs)
        accounts, uses = accounts_from_tables(tables, readings)
        stated = narrative_figures(paragraphs) if narrative else {}
        if accounts is None and not stated:
            raise ParseError(
                "budget disclosure recognised, but neither account tables nor stated totals found"
            )
        if accounts is None:
            accounts = Accounts(**stated)
        else:
            _check_narrative(accounts, stated, readings)
        kind = _kind(has_tables=bool(tables), has_narrative=narrative)
        overview = BudgetOverview(
            expenditure=uses, income=[line.model_copy(deep=True) for line in accounts.income_lines]
        )
        if not uses and stated:
            overview.expenditure = narrative_uses(paragraphs, stated)
        snapshot = Snapshot(
            department=Department(name=department),
            fiscal_year=year,
            document_kind=kind,
            accounts=accounts,
            budget_overview=overview,
            warnings=readings.warnings,
        )
        if not narrative:
            return snapshot
        statements = read_statements(blocks)
        if tables:  # the claims can be matched to this publication's own tables
            statements = with_entities(statements, snapshot)
        return snapshot.model_copy(update={"statements": statements})


def _kind(*, has_tables: bool, has_narrative: bool) -> str:
    if has_tables and has_narrative:
        return "budget-disclosure"
    return "budget-tables" if has_tables else "budget-narrative"


def has_narrative(paragraphs: Sequence[str]) -> bool:
    """The narrative has its sections (部门概况, 情况说明 …) and prose, not only table captions and notes."""
    text = squash("\n".join(paragraphs))
    sections = sum(1 for marker in NARRATIVE_MARKERS if marker in text)
    prose = sum(1 for paragraph in paragraphs if len(paragraph) >= 60)
    return sections >= 2 and prose >= 5


# --- identity -------------------------------------------------------------------------------------------------


def department_name(paragraphs: Sequence[str], tables: Sequence[Table]) -> str:
    """The most often stated department name: table header lines, the cover title, narrative sentences."""
    candidates: Counter[str] = Counter()
    for text in _texts(paragraphs, tables):
        for match in _DEPARTMENT_LINE.finditer(text):
            candidates[squash(match["name"])] += 1
    for title in _titles(paragraphs):
        if (titled := _title_match(title)) is not None:
            candidates[squash(titled["name"])] += 1
    for paragraph in paragraphs:
        if (sentence := _NARRATIVE_SUBJECT.search(squash(paragraph))) and is_department_name(
            sentence["name"]
        ):
            candidates[sentence["name"]] += 1
    candidates = Counter({name: n for name, n in candidates.items() if is_department_name(name)})
    cleaned: Counter[str] = Counter()
    for name, count in candidates.items():
        cleaned[re.split(r"[：:]", name)[-1]] += count  # ``附件：江苏省政协办公厅`` names the department too
    candidates = cleaned
    if not candidates:
        raise ParseError(
            "budget disclosure: the department is not named (no 部门： line, title or narrative)"
        )
    return candidates.most_common(1)[0][0]


def fiscal_year(paragraphs: Sequence[str], tables: Sequence[Table]) -> int:
    """The year of the cover title, else of the narrative's totals sentence, else of the table captions."""
    for title in _titles(paragraphs):
        if (titled := _title_match(title)) is not None:
            return int(titled["year"])
    for paragraph in paragraphs:
        if (sentence := _NARRATIVE_SUBJECT.search(squash(paragraph))) and is_department_name(
            sentence["name"]
        ):
            return int(sentence["year"])
    years: Counter[int] = Counter()
    for text in _texts(paragraphs, tables):
        for match in _CAPTION_YEAR.finditer(squash(text)):
            years[int(match["year"])] += 1
    if not years:
        raise ParseError(
            "budget disclosure: no fiscal year stated (cover title, 预算总计 sentence or table caption)"
        )
    return years.most_common(1)[0][0]


def is_department_name(name: str) -> bool:
    return bool(_ORGANISATION.search(name)) and not _NOT_A_NAME.search(name)


def _title_match(title: str) -> re.Match[str] | None:
    """The first title pattern matching with an organisation's name as its subject."""
    for pattern in _TITLES:
        if (match := pattern.search(title)) is not None and is_department_name(squash(match["name"])):
            return match
    return None


def _titles(paragraphs: Sequence[str]) -> list[str]:
    """The cover title, however many lines it was set on, and each table caption paragraph."""
    cover = "".join(squash(p) for p in paragraphs[:COVER_LINES])
    return [cover, *(squash(p) for p in paragraphs)]


def _texts(paragraphs: Sequence[str], tables: Sequence[Table]) -> Iterable[str]:
    yield from paragraphs
    for table in tables:
        for row in table.rows[:3]:
            yield from row


# --- accounts -------------------------------------------------------------------------------------------------


def accounts_from_tables(
    tables: Sequence[tuple[str, Table]], readings: AmountReader
) -> tuple[Accounts | None, list[Line]]:
    """The accounts and the uses of money (支出用途) from the captioned tables; None without a 收支预算总表."""
    first: dict[str, Table] = {}
    for kind, table in tables:
        first.setdefault(kind, table)
    statement = first.get("statement")
    if statement is None:
        return None, []
    accounts = Accounts()
    uses = apply_statement(
        accounts, read_statement(statement, readings, "收支预算总表"), readings, "收支预算总表"
    )
    summary_uses = _cross_check_summaries(accounts, first, readings)
    uses = uses or summary_uses
    accounts.fiscal_function_lines = function_lines(
        _subject_table(first, ("fiscal-function", "general-function"), readings)
    )
    accounts.economic_lines = economic_lines(
        _subject_table(first, ("fiscal-economic", "general-economic"), readings)
    )
    if "fiscal-statement" in first:
        check_fiscal_statement(first["fiscal-statement"], readings, "财政拨款收支预算总表")
    if "government-fund" in first:
        where = "政府性基金预算财政拨款支出预算表"
        check_subject_lines(subject_lines(first["government-fund"], readings, where), readings, where)
    if "operating-costs" in first:
        where = "机关运行经费支出预算表"
        lines = subject_lines(first["operating-costs"], readings, where)
        check_subject_lines(lines, readings, where)
        accounts.operating_costs = total_of(lines)
    if "three-public" in first:
        accounts.three_public = three_public(
            first["three-public"], readings, "“三公”经费、会议费、培训费支出预算表"
        )
    if "procurement" in first:
        accounts.government_procurement, accounts.procurement_lines = procurement(
            first["procurement"], readings, "政府采购预算表"
        )
    return accounts, uses


_WHERE = {
    "fiscal-function": "财政拨款支出预算表",
    "general-function": "一般公共预算支出预算表",
    "fiscal-economic": "财政拨款基本支出预算表",
    "general-economic": "一般公共预算基本支出预算表",
}


def _subject_table(
    first: dict[str, Table], kinds: Sequence[str], readings: AmountReader
) -> list[SubjectLine]:
    """Lines of the first of ``kinds`` present (财政拨款 tables cover all appropriations); every one is checked."""
    chosen: list[SubjectLine] = []
    for kind in kinds:
        if kind in first:
            lines = subject_lines(first[kind], readings, _WHERE[kind])
            check_subject_lines(lines, readings, _WHERE[kind])
            chosen = chosen or lines
    return chosen


def _cross_check_summaries(accounts: Accounts, first: dict[str, Table], readings: AmountReader) -> list[Line]:
    """收入预算总表 and 支出预算总表 repeat the statement's totals: they must agree (a blank total is not checked).

    支出总表 is also the uses of money (基本支出, 项目支出 …) where the statement has no 支出用途 column: they fill the
    accounts' 基本/项目支出 the statement left empty, and are returned for the overview.
    """
    uses: list[Line] = []
    if "income" in first:
        summary_total = income_summary_total(first["income"], readings, "收入预算总表")
        if summary_total is not None:
            readings.check(
                accounts.income_total, [summary_total], "收入合计 = 收入预算总表 收入总计", "收入预算总表"
            )
    if "expenditure" in first:
        where = "支出预算总表"
        summary = expenditure_summary(first["expenditure"], readings, where)
        parts = [value for label, value in summary.items() if label != "合计"]
        if "合计" in summary:
            readings.check(summary["合计"], parts, "合计 = 各用途之和", where)
        uses = [Line(name=label, amount=value) for label, value in summary.items() if label in USES]
        if accounts.basic_expenditure is None and accounts.project_expenditure is None:
            accounts.basic_expenditure = summary.get("基本支出")
            accounts.project_expenditure = summary.get("项目支出")
        for label, value in (
            ("基本支出", accounts.basic_expenditure),
            ("项目支出", accounts.project_expenditure),
            ("合计", accounts.current_year_expenditure),
        ):
            if summary.get(label) is not None:
                readings.check(
                    value, [summary[label]], f"收支预算总表 = 支出预算总表 {label}", "支出预算总表"
                )
    return uses


def narrative_figures(paragraphs: Sequence[str]) -> dict[str, Decimal]:
    """The totals the narrative states, by :class:`~ledger.model.Accounts` field (the first statement of each)."""
    figures: dict[str, Decimal] = {}
    for paragraph in paragraphs:
        text = squash(paragraph)
        for field, pattern in NARRATIVE_FIGURES:
            if field in figures:
                continue
            if match := pattern.search(text):
                amount = amount_in_wanyuan(match["amount"])
                if amount is not None:
                    figures[field] = amount
    return figures


#: The narrative's sentence on the reserve line: ``单位预留机动经费预算数为 5011.4 万元``, ``…预算为 106.84 万元``.
_NARRATIVE_RESERVE = re.compile(rf"单位预留机动经费(?:预算数?为)?{_NUMBER}")


def narrative_uses(paragraphs: Sequence[str], stated: dict[str, Decimal]) -> list[Line]:
    """The uses of money (支出用途) a narrative states: 基本支出, 项目支出 and 单位预留机动经费 when it has one."""
    uses = [
        Line(name=name, amount=stated[field])
        for field, name in (("basic_expenditure", "基本支出"), ("project_expenditure", "项目支出"))
        if stated.get(field) is not None
    ]
    for paragraph in paragraphs:
        if (match := _NARRATIVE_RESERVE.search(squash(paragraph))) is not None:
            uses.append(Line(name="单位预留机动经费", amount=amount_in_wanyuan(match["amount"])))
            break
    return uses


def _check_narrative(accounts: Accounts, stated: dict[str, Decimal], readings: AmountReader) -> None:
    """A disclosure's narrative should state the tables' figures; say where it does not."""
    for field, value in stated.items():
        printed = getattr(accounts, field)
        if printed is not None and printed != value:
            readings.warn(
                "narrative-mismatch",
                f"the narrative states {field} {value}, the tables {printed}",
                "情况说明",
            )
