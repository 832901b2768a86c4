"""Change records (docs/architecture.md §6): what the diff engine says changed between two snapshots.

A :class:`Change` is one fact an auditor can read on its own: *this* project's 预算数 went from 648.6 to 700 (+51.4,
+7.93 %), matched by its code with the year digits masked. A :class:`DiffResult` is the whole comparison: the
records, a summary (counts and the net budget change) and what the detectors (:mod:`ledger.diff.detectors`) found.

The field names are a public export contract (JSON, CSV): add fields, never rename them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ledger.model.values import Direction

DIFF_SCHEMA = "ledger.diff/1"

#: yoy: year N against year N-1 of the same department (same kind, or the facets two kinds share);
#: revision: a later publication of the same series; reparse: two parses (parser versions) of the *same*
#: publication — never a change by the department (docs/architecture.md §5); cross-department: two different departments, and
#: cross-kind: two kinds of file of one department that carry nothing in common (a tables file and a narrative) —
#: comparisons a user asked for, never a revision or a year-over-year change.
Scope = Literal["yoy", "revision", "reparse", "cross-department", "cross-kind"]
SCOPES: tuple[Scope, ...] = ("yoy", "revision", "reparse", "cross-department", "cross-kind")

#: How a scope is said in a heading.
SCOPE_LABELS: dict[str, str] = {
    "yoy": "yoy",
    "revision": "revision",
    "reparse": "reparse",
    "cross-department": "cross-department comparison",
    "cross-kind": "cross-kind comparison",
}

ChangeKind = Literal["added", "removed", "modified", "renamed", "moved"]
CHANGE_KINDS: tuple[ChangeKind, ...] = ("added", "removed", "modified", "renamed", "moved")

#: What kind of thing changed. One value per family of the canonical snapshot (docs/architecture.md §4).
EntityKind = Literal[
    "department",  # 部门
    "basic_info",  # 基本信息
    "unit",  # 单位
    "budget_line",  # 预算整体情况 (budget_overview)
    "accounts",  # 收支总表 totals, 三公经费, 机关运行经费
    "account_line",  # 收支总表 lines
    "function_line",  # 功能分类科目 (收入总表/支出总表)
    "fiscal_function_line",  # 一般公共预算财政拨款支出表
    "economic_line",  # 经济分类科目
    "procurement_line",  # 政府采购
    "asset_line",  # 国有资产
    "goal",  # 总体绩效目标
    "key_task",  # 年度重点工作任务
    "project",  # 项目
    "project_goal",  # 项目绩效目标
    "indicator",  # 绩效指标
    "notice",  # 资金文件
    "warning",  # parse warnings (truncated document, lost grouping …)
]
ENTITY_KINDS: tuple[EntityKind, ...] = (
    "department",
    "basic_info",
    "unit",
    "budget_line",
    "accounts",
    "account_line",
    "function_line",
    "fiscal_function_line",
    "economic_line",
    "procurement_line",
    "asset_line",
    "goal",
    "key_task",
    "project",
    "project_goal",
    "indicator",
    "notice",
    "warning",
)

#: Chinese names of the entity kinds, for reports.
ENTITY_LABELS: dict[str, str] = {
    "department": "部门",
    "basic_info": "基本信息",
    "unit": "单位",
    "budget_line": "预算整体情况",
    "accounts": "收支总表",
    "account_line": "收支总表科目",
    "function_line": "功能分类科目",
    "fiscal_function_line": "财政拨款支出科目",
    "economic_line": "经济分类科目",
    "procurement_line": "政府采购",
    "asset_line": "国有资产",
    "goal": "总体绩效目标",
    "key_task": "年度重点工作任务",
    "project": "项目",
    "project_goal": "项目绩效目标",
    "indicator": "绩效指标",
    "notice": "资金文件",
    "warning": "解析提示",
}

#: How two entities were paired (each stage of :mod:`ledger.diff.align` has a name). ``None`` on added/removed.
MatchedBy = Literal[
    "identity",  # singletons: the department, its accounts, its basic information
    "code",  # 项目编码 / 科目编码 equal
    "code-year-masked",  # 项目编码 equal once the year digits (and the check character) are masked
    "key",  # the natural key: (project, 一级, 二级, 三级指标), goal number, notice ref, line path
    "name",  # the name, normalised (full-width forms, whitespace)
    "year-shifted-name",  # the name with its years shifted by the fiscal-year gap and notice refs dropped
    "normalised-name",  # the name with years and notice refs stripped
    "name-without-unit",  # the indicator name without its unit in brackets: 人数（万人） ~ 人数（人）
    "description",  # the indicator description (绩效指标描述) equal under another name
    "text",  # a goal's text, normalised
    "fuzzy-name",  # a name similar above the documented threshold (rapidfuzz)
    "fuzzy-text",  # a goal text similar above the documented threshold
    "position",  # what is left, paired by number/position (goal 3 rewritten)
]

#: How an indicator value moved. ``tightened``/``loosened`` follow the operator (≥ raised is tightened,
#: ≤ raised is loosened); ``unit-changed`` when the units differ; ``qualitative`` when either side is text;
#: ``changed`` when the values differ but no direction can be told (e.g. an exact target moved).

#: A value carried by a change record. Money and other numbers are Decimal; texts are the source text.
ChangeValue = Decimal | int | bool | str | list[str] | None


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Change(Record):
    """One change between two snapshots.

    ``key`` identifies the entity in the newer snapshot (the older one for ``removed``) and stays the same across
    versions as long as the entity keeps its identity; ``old_key`` is set when the identity itself moved (a code
    whose year digits changed, an indicator renamed or moved to another 二级指标), so a timeline can follow it.
    ``field`` is a dotted path inside the entity (``amount``, ``spending_plan.06``, ``three_public.公务接待费``);
    ``None`` for an added or removed entity, whose ``old``/``new`` then carry its main value (amount, 指标值, text).
    """

    scope: Scope
    entity: EntityKind
    key: str
    old_key: str | None = None
    label: str
    change: ChangeKind
    field: str | None = None
    field_label: str | None = None
    old: ChangeValue = None
    new: ChangeValue = None
    delta: Decimal | None = None
    pct: Decimal | None = None
    direction: Direction | None = None
    matched_by: MatchedBy | None = None
    score: Decimal | None = None  # similarity 0–100 when matched by a fuzzy stage
    tags: list[str] = Field(default_factory=list)
    # What the newer side's budget explanation (预算情况说明) says about this change, where one of its claims is
    # about this entity: the change it states (signed, 万元), the percentage and its 主要原因.
    stated_delta: Decimal | None = None
    stated_pct: Decimal | None = None
    stated_reason: str | None = None


class Detection(Record):
    """Something a detector (:mod:`ledger.diff.detectors`) points an auditor to.

    ``entity``/``key``/``field`` locate it in the snapshot the way change records do, so a detection can tag the
    change records about the same thing; ``where`` says it in words. ``evidence`` holds the numbers or texts behind
    the message (e.g. the carry-over and the sum of the earlier-year projects).
    """

    code: str
    tag: str
    message: str
    where: str
    entity: EntityKind | None = None
    key: str | None = None
    field: str | None = None
    evidence: dict[str, ChangeValue] = Field(default_factory=dict)


class Totals(Record):
    """An old/new pair of totals with their difference (``pct`` rounded to 2 places, None when old is 0)."""

    old: Decimal | None = None
    new: Decimal | None = None
    delta: Decimal | None = None
    pct: Decimal | None = None


class SnapshotRef(Record):
    """Which snapshot a side of the diff is (enough to print a heading; the store adds ids and hashes)."""

    department: str
    fiscal_year: int
    document_kind: str
    snapshot_hash: str | None = None
    #: The file the snapshot was parsed from (set by the store; a year may come as a tables file and a narrative).
    source: str | None = None
    #: What of the snapshot was compared, when the two sides are different kinds of file (``tables``, ``narrative``).
    facets: list[str] = Field(default_factory=list)


class DiffSummary(Record):
    """Counts of the change records and the net budget change.

    ``budget`` is the department's total expenditure (支出总计, else the 合计 of 预算整体情况); ``project_budget``
    the sum of the projects' 预算数.
    """

    added: int = 0
    removed: int = 0
    modified: int = 0
    renamed: int = 0
    moved: int = 0
    total: int = 0
    by_entity: dict[str, dict[str, int]] = Field(default_factory=dict)
    budget: Totals = Field(default_factory=Totals)
    project_budget: Totals = Field(default_factory=Totals)


AllocationStatus = Literal["ended", "continues", "added"]


class Allocation(Record):
    """One year's allocation (年度资金) of a notice-funded program: a project named after its funding notice (文号).

    ``fund_year`` is the budget year the money was allocated for (the year its name gives, else its code's);
    ``status`` says what the newer snapshot did with it.
    """

    key: str
    code: str | None = None
    name: str
    notice: str | None = None
    fund_year: int
    amount: Decimal | None = None
    status: AllocationStatus


class ProgramChain(Record):
    """A funding program (资金项目) followed across its yearly allocations: the same normalised name with the
    notice refs and years stripped, allocations in consecutive fund years.

    Notice-funded projects recur every year under a new notice and a new code; an allocation that ends while the
    next one begins is not a renamed project. ``summary`` says it in one sentence ("the 2023 allocation ended
    (−648.6); the 2025 allocation was added (+650); program continues 2023 → 2024 → 2025").
    """

    program: str
    years: list[int]
    allocations: list[Allocation]
    summary: str


class DiffResult(Record):
    """The comparison of two snapshots: change records in report order, their summary, and detections.

    ``notes`` says when the result is knowingly incomplete (e.g. the structural diff hit its limit).
    """

    schema_: str = Field(default=DIFF_SCHEMA, alias="schema")
    scope: Scope
    old: SnapshotRef
    new: SnapshotRef
    changes: list[Change] = Field(default_factory=list)
    summary: DiffSummary = Field(default_factory=DiffSummary)
    detections: list[Detection] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    programs: list[ProgramChain] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def filter(
        self,
        *,
        only: Iterable[str] | None = None,
        entity: Iterable[str] | None = None,
        min_pct: Decimal | None = None,
        tags: Iterable[str] | None = None,
    ) -> DiffResult:
        """A copy keeping the change records that pass every given filter; counts are recomputed, totals kept.

        ``only``: change kinds (added, removed, modified, renamed, moved); ``entity``: entity kinds;
        ``min_pct``: keep numeric changes whose |pct| is at least this (records without a pct are dropped, added and
        removed entities with an amount are kept — they are a 100 % change); ``tags``: keep records carrying any.
        Unknown kinds raise :class:`ValueError` so a typo does not silently print nothing.
        """
        kinds = _checked(only, CHANGE_KINDS, "change kind")
        entities = _checked(entity, ENTITY_KINDS, "entity kind")
        wanted_tags = None if tags is None else set(tags)
        kept = [
            change
            for change in self.changes
            if (kinds is None or change.change in kinds)
            and (entities is None or change.entity in entities)
            and (min_pct is None or _reaches(change, min_pct))
            and (wanted_tags is None or wanted_tags.intersection(change.tags))
        ]
        summary = count_changes(kept).model_copy(
            update={"budget": self.summary.budget, "project_budget": self.summary.project_budget}
        )
        return self.model_copy(update={"changes": kept, "summary": summary})


def _checked(values: Iterable[str] | None, known: tuple[str, ...], what: str) -> set[str] | None:
    if values is None:
        return None
    chosen = set(values)
    unknown = sorted(chosen.difference(known))
    if unknown:
        raise ValueError(f"unknown {what}: {', '.join(unknown)} (known: {', '.join(known)})")
    return chosen


def _reaches(change: Change, min_pct: Decimal) -> bool:
    if change.pct is not None:
        return abs(change.pct) >= min_pct
    return change.change in ("added", "removed") and change.delta is not None


def count_changes(changes: Iterable[Change]) -> DiffSummary:
    """Counts by change kind and by entity kind (entity → kind → n)."""
    by_kind: Counter[str] = Counter()
    by_entity: dict[str, Counter[str]] = {}
    for change in changes:
        by_kind[change.change] += 1
        by_entity.setdefault(change.entity, Counter())[change.change] += 1
    return DiffSummary(
        added=by_kind["added"],
        removed=by_kind["removed"],
        modified=by_kind["modified"],
        renamed=by_kind["renamed"],
        moved=by_kind["moved"],
        total=sum(by_kind.values()),
        by_entity={entity: dict(counts) for entity, counts in by_entity.items()},
    )
