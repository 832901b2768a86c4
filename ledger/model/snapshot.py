"""The canonical snapshot (docs/architecture.md §4): what one publication says, in one typed shape.

Every layout parser returns a :class:`Snapshot`; the store keeps its canonical JSON; the diff engine compares two of
them. Field names are a public export contract (``ledger show --format json``): add fields, never rename them.

Money is :class:`~decimal.Decimal` end to end, in 万元 (ten-thousand yuan) unless a field says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SNAPSHOT_SCHEMA = "ledger.snapshot/1"

#: How a number target is stated: ``>=`` (不低于, ≥, 以上), ``<=`` (不超过, ≤, 以内), ``=`` (the figure itself),
#: ``>``/``<`` (超过/低于) and ``~`` — approximately (约, 大约, 左右): a figure the source itself calls approximate,
#: neither a floor nor a ceiling nor exact. ``~`` was added after ``ledger.snapshot/1`` was first published; the
#: schema name stays (see docs/snapshot-contract.md): an old snapshot never holds it and still reads unchanged.
Operator = Literal[">=", "<=", "=", ">", "<", "~"]

#: Document kinds (docs/architecture.md §5). A series is (department, fiscal year, document kind).
DOCUMENT_KINDS = (
    "budget-disclosure",  # 部门预算公开: the full disclosure (tables and narrative)
    "budget-tables",  # 预算公开表: the tables-only file
    "budget-narrative",  # 预算说明 / 部门预算 narrative file
    "department-targets",  # 部门整体绩效目标
    "project-targets",  # 项目绩效目标
    "project-application",  # 项目申报表
    "project-self-evaluation",  # 项目支出绩效自评表
)


class Model(BaseModel):
    """Base: unknown keys are an error, so a typo in a parser never silently drops data."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Department(Model):
    """部门: the publishing department. ``name`` is the canonical full name once aliases are resolved."""

    name: str
    code: str | None = None


class Unit(Model):
    """单位: a budget unit of the department (e.g. ``356001 乐亭县人力资源和社会保障局本级``)."""

    code: str | None = None
    name: str


class BasicInfo(Model):
    """基本信息: 财政供养人员数 (staff paid from the budget) and 下属二级单位数 (subordinate units)."""

    staff_count: int | None = None
    subordinate_units: int | None = None


class Line(Model):
    """One budget line (预算整体情况), possibly with sub-lines (其中: …)."""

    name: str
    amount: Decimal | None = None
    code: str | None = None
    children: list[Line] = Field(default_factory=list)


class BudgetOverview(Model):
    """预算整体情况: expenditure by type (基本支出/项目支出 …) and income by source (财政拨款/其他资金 …)."""

    expenditure: list[Line] = Field(default_factory=list)
    income: list[Line] = Field(default_factory=list)


class FunctionLine(Model):
    """A 功能分类科目 (functional classification subject) line, e.g. ``2080101 行政运行``."""

    code: str
    name: str
    total: Decimal | None = None
    basic: Decimal | None = None
    project: Decimal | None = None
    carry_over: Decimal | None = None


class EconomicLine(Model):
    """A 经济分类科目 (economic classification) line of basic expenditure, e.g. ``30101 基本工资``."""

    code: str
    name: str
    total: Decimal | None = None
    personnel: Decimal | None = None  # 人员经费
    public: Decimal | None = None  # 公用经费


@dataclass(frozen=True)
class LineColumns:
    """The amount columns of a classification line, in the order the tables print them (合计 first).

    One spec serves every reader of these lines: the diff compares these fields, the totals findings add them up
    (each parent line against its sub-lines, column by column; the ``split`` columns against 合计 on every line).
    """

    fields: tuple[tuple[str, str], ...]  # (field of the line, its column header 表头)
    split: tuple[str, ...]  # the columns that add up to ``total`` on each line

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.fields)

    def header(self, name: str) -> str:
        return dict(self.fields)[name]


#: 功能分类科目: 合计 = 基本支出 + 项目支出 (上年结转 is how much of the line was brought forward).
FUNCTION_LINE_COLUMNS = LineColumns(
    fields=(("total", "合计"), ("basic", "基本支出"), ("project", "项目支出"), ("carry_over", "上年结转")),
    split=("basic", "project"),
)
#: 经济分类科目 of basic expenditure: 合计 = 人员经费 + 公用经费.
ECONOMIC_LINE_COLUMNS = LineColumns(
    fields=(("total", "合计"), ("personnel", "人员经费"), ("public", "公用经费")),
    split=("personnel", "public"),
)


class Accounts(Model):
    """The accounts of a full budget disclosure (部门预算公开表): 收支总表, 收入总表, 支出总表 and their detail tables.

    ``carry_over`` is 上年结转结余 (brought forward from last year); ``carry_forward`` is 年终结转结余.
    """

    income_total: Decimal | None = None  # 收入总计
    expenditure_total: Decimal | None = None  # 支出总计
    current_year_income: Decimal | None = None  # 本年收入合计
    current_year_expenditure: Decimal | None = None  # 本年支出合计
    carry_over: Decimal | None = None  # 上年结转结余
    carry_forward: Decimal | None = None  # 年终结转结余
    basic_expenditure: Decimal | None = None  # 基本支出
    project_expenditure: Decimal | None = None  # 项目支出
    income_lines: list[Line] = Field(default_factory=list)  # 收支总表, income side
    expenditure_lines: list[Line] = Field(
        default_factory=list
    )  # 收支总表, expenditure side (by function category)
    function_lines: list[FunctionLine] = Field(default_factory=list)
    fiscal_function_lines: list[FunctionLine] = Field(default_factory=list)  # 一般公共预算财政拨款支出表
    economic_lines: list[EconomicLine] = Field(default_factory=list)
    three_public: dict[str, Decimal | None] = Field(default_factory=dict)  # 三公经费
    operating_costs: Decimal | None = None  # 机关运行经费
    government_procurement: Decimal | None = None  # 政府采购预算
    procurement_lines: list[Line] = Field(default_factory=list)
    assets: list[Line] = Field(default_factory=list)  # 国有资产占用情况


class Goal(Model):
    """总体绩效目标 / 绩效目标: one goal; ``key`` is its number (``目标1`` → ``1``) or position."""

    key: str
    text: str


class KeyTask(Model):
    """年度重点工作任务; ``optional`` marks 其他需完成的任务（可选填）."""

    name: str
    content: str | None = None
    amount: Decimal | None = None
    expected: str | None = None
    optional: bool = False


class IndicatorValue(Model):
    """指标值, normalised (docs/architecture.md §4). ``raw`` always keeps the source text.

    Numeric targets have ``op``/``number``/``unit``; ranges also ``upper``. ``op`` is one of ``>=`` (不低于/不少于,
    以上), ``<=`` (不超过/不高于, 以内/以下), ``>``, ``<``, ``=`` and ``~`` for an approximate figure (约5.5万人次,
    100人左右): approximately is what the source says, so it is kept, never rounded to ``=``. Qualitative targets keep ``text``;
    ``relative`` marks targets stated against another period (``较上年有所提升``, ``不低于上年度水平``).
    Compound values (``1600人、200人``) list their parts.
    """

    raw: str
    op: Operator | None = None
    number: Decimal | None = None
    unit: str | None = None
    text: str | None = None
    upper: Decimal | None = None
    relative: bool = False
    parts: list[IndicatorValue] = Field(default_factory=list)


def _absent(value: object) -> bool:
    return value is None


class IndicatorResult(Model):
    """What a self-evaluation (项目支出绩效自评表) reports for one indicator: 实际完成值/全年完成值 as printed (with
    the form's 计量单位 when the cell states a bare number), 分值/指标权重, 得分, 偏差原因.

    ``reported_met`` is the form's own verdict when it states one (a 是否完成 column); None otherwise.
    """

    raw: str
    weight: Decimal | None = None
    score: Decimal | None = None
    reason: str | None = None
    reported_met: bool | None = None


class Execution(Model):
    """预算执行情况 of a self-evaluation, in 万元: 全年预算数, 全年执行数 and the 执行率 the form states (in %)."""

    budget: Decimal | None = None
    executed: Decimal | None = None
    rate: Decimal | None = None


class Indicator(Model):
    """三级指标 with its place in the tree (一级指标 level1 / 二级指标 level2).

    ``level2`` is null where the source lost the grouping (never guessed). ``source_level1`` keeps the word the
    source used when it was mapped (``效果指标`` → ``效益指标``).
    """

    level1: str | None = None
    level2: str | None = None
    name: str
    description: str | None = None
    value: IndicatorValue
    basis: str | None = None  # 指标值确定依据
    source_level1: str | None = None
    # Only self-evaluations carry results; absent, the field is left out of the JSON, so snapshots without results
    # keep their bytes and content hashes.
    result: IndicatorResult | None = Field(default=None, exclude_if=_absent)


class Project(Model):
    """项目: one project's performance target table (项目绩效目标表)."""

    code: str | None = None  # 项目编码
    name: str
    unit: str | None = None
    amount: Decimal | None = None  # 预算数
    fiscal_amount: Decimal | None = None  # 其中：财政资金
    other_amount: Decimal | None = None  # 其他资金
    purpose: str | None = None  # 资金用途
    spending_plan: dict[str, Decimal] = Field(default_factory=dict)  # 资金支出计划: month → cumulative %
    goals: list[str] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    notices: list[str] = Field(default_factory=list)  # refs of funding notices named by the project
    execution: Execution | None = Field(default=None, exclude_if=_absent)  # self-evaluations only


class Notice(Model):
    """A funding notice (资金文件) referenced by the publication, e.g. ``秦财企[2023]649号``."""

    ref: str
    issuer: str
    year: int
    number: str


class ParseWarning(Model):
    """Something the parser could not read as fact: a truncated table, a lost grouping, a placeholder row."""

    code: str
    message: str
    where: str


ClaimDirection = Literal["increase", "decrease", "unchanged"]


class NarrativeStatement(Model):
    """A claim of the budget explanation (预算情况说明): a figure and how it changed from last year, as stated.

    ``一般公共服务支出（类）政协事务（款）行政运行（项）5,223.22 万元，与上年相比增加 790.44 万元，增长 17.83%。
    主要原因是政策性增资…``: ``amount`` 5223.22, ``delta`` +790.44, ``percent`` +17.83, ``reason`` 政策性增资….
    ``delta`` and ``percent`` are signed (a 减少 is negative); ``与上年数一致`` is ``unchanged`` with delta 0.

    ``target`` names what the claim is about independently of any table (``accounts.income_total``,
    ``three_public.公务接待费``, ``function:一般公共服务支出/政协事务/行政运行``), so a narrative published apart from
    its tables can still be checked against them; ``entity`` is the matched table entity as the diff engine keys it
    (``fiscal_function_line:2010201#total``), set when the publication's own tables have it.

    ``*_decimals`` keep the precision the figure was printed with (``1,027.90`` → 2): the canonical JSON spells
    numbers without trailing zeros, and a claim is checked to the precision it was stated in.
    """

    text: str  # the sentence as printed (line breaks and page furniture removed)
    subject: str  # what the sentence names, numbering and the department's name dropped
    path: list[str] = Field(default_factory=list)  # 类/款/项 names, or the subject alone
    section: str | None = None  # the heading of the section it is in (五、财政拨款支出预算情况说明)
    target: str | None = None
    entity: str | None = None
    amount: Decimal | None = None
    amount_decimals: int | None = None
    direction: ClaimDirection
    delta: Decimal | None = None
    delta_decimals: int | None = None
    percent: Decimal | None = None
    percent_decimals: int | None = None
    reason: str | None = None  # 主要原因
    page: int | None = None


class Snapshot(Model):
    """The canonical parse of one publication for one department and fiscal year."""

    schema_: str = Field(default=SNAPSHOT_SCHEMA, alias="schema")
    department: Department
    fiscal_year: int
    document_kind: str
    units: list[Unit] = Field(default_factory=list)
    basic_info: BasicInfo = Field(default_factory=BasicInfo)
    budget_overview: BudgetOverview = Field(default_factory=BudgetOverview)
    accounts: Accounts | None = None
    goals: list[Goal] = Field(default_factory=list)
    key_tasks: list[KeyTask] = Field(default_factory=list)
    projects: list[Project] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    notices: list[Notice] = Field(default_factory=list)
    statements: list[NarrativeStatement] = Field(default_factory=list)  # claims of the 预算情况说明
    warnings: list[ParseWarning] = Field(default_factory=list)
