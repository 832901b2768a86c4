"""Indicator-table findings: empty indicators (空指标), duplicate indicators (重复指标) and unit mismatches (单位错配).

Each check looks at one *scope* at a time: the department-wide indicators (部门整体) or one project's table.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from decimal import Decimal

from ledger.findings.costs import is_cost_indicator
from ledger.findings.finding import (
    Finding,
    amount,
    in_wanyuan,
    indicator_identity,
    indicator_label,
    indicator_path,
    is_money_unit,
    make_key,
    scope_identity,
    scope_label,
    scope_name,
)
from ledger.model import Indicator, IndicatorValue, Project, Snapshot
from ledger.model.names import normalise_name

EMPTY_RULE = "empty-indicator"
DUPLICATE_RULE = "duplicate-indicator"
UNIT_RULE = "unit-mismatch"

#: ``指标 5:`` — a numbered template row left unfilled.
_PLACEHOLDER_NAME = re.compile(r"^指标\s*\d+\s*[:：]?$")


def scopes(snapshot: Snapshot) -> Iterator[tuple[Project | None, list[Indicator]]]:
    """(None, department indicators), then (project, its indicators) for every project."""
    yield None, snapshot.indicators
    for project in snapshot.projects:
        yield project, project.indicators


def is_placeholder_name(name: str) -> bool:
    return not name.strip() or bool(_PLACEHOLDER_NAME.match(name.strip()))


# --- empty and placeholder indicators -----------------------------------------------------------------------------


def find_empty(snapshot: Snapshot) -> list[Finding]:
    """Indicators kept with no 指标值 or with a template name (``指标 5:``): one finding per scope, listing them.

    Parsers leave placeholder *rows* out and say so in a ``placeholder-indicator`` warning (reported by
    :mod:`ledger.findings.parse_warnings`); this check covers what a parser kept, e.g. Haigang's 分项绩效目标 duties
    published without any target value.
    """
    findings: list[Finding] = []
    for project, indicators in scopes(snapshot):
        empty = [i for i in indicators if is_placeholder_name(i.name) or not i.value.raw.strip()]
        if not empty:
            continue
        names = [indicator_path(i) or "(no name)" for i in empty]
        shown = "、".join(names[:3]) + (" …" if len(names) > 3 else "")
        findings.append(
            Finding(
                rule=EMPTY_RULE,
                severity="warning",
                message=f"{len(empty)} of {len(indicators)} indicators have no 指标值 or no real name: {shown}",
                location=scope_label(project),
                key=make_key(EMPTY_RULE, scope_identity(project)),
                facts={"count": len(empty), "indicators": names},
            )
        )
    return findings


# --- duplicates ---------------------------------------------------------------------------------------------------


def find_duplicates(snapshot: Snapshot) -> list[Finding]:
    """The same 三级指标 twice in one scope: under the same 一级/二级指标 (a repeated row) or under two (the same
    measure counted as, say, both 数量指标 and 质量指标 — Taishan lists 参保任务完成率 so)."""
    findings: list[Finding] = []
    for project, indicators in scopes(snapshot):
        for name, group in _groups_by_name(indicators):
            findings.append(_duplicate(project, name, group))
    return findings


def _groups_by_name(indicators: Sequence[Indicator]) -> list[tuple[str, list[Indicator]]]:
    groups: dict[str, list[Indicator]] = {}
    for indicator in indicators:
        if not is_placeholder_name(indicator.name):
            groups.setdefault(normalise_name(indicator.name), []).append(indicator)
    return [(name, group) for name, group in groups.items() if len(group) > 1]


def _duplicate(project: Project | None, name: str, group: list[Indicator]) -> Finding:
    places = [indicator_path(i) for i in group]
    branches = sorted({"/".join(p for p in (i.level1, i.level2) if p) or "(ungrouped)" for i in group})
    values = [i.value.raw.strip() for i in group]
    where = (
        f"{len(group)} times under {branches[0]}" if len(branches) == 1 else "under " + " and ".join(branches)
    )
    differing = len({normalise_name(v) for v in values}) > 1
    detail = (
        f" with different 指标值 ({' / '.join(values)})" if differing else f" (指标值 {values[0]} each time)"
    )
    return Finding(
        rule=DUPLICATE_RULE,
        severity="warning",
        message=f"{scope_name(project)}: 三级指标 {group[0].name} is listed {where}{detail}",
        location=f"{scope_label(project)} / indicator {group[0].name}",
        key=make_key(DUPLICATE_RULE, scope_identity(project), f"indicator:{name}"),
        facts={"count": len(group), "places": places, "values": values},
    )


# --- unit mismatches ----------------------------------------------------------------------------------------------

#: Names that end in one of these measure a count (笔数 loans, 人数 people, 个数 items …), never money.
_COUNT_SUFFIX = re.compile(
    r"(?:笔数|人数|户数|个数|次数|件数|家数|场数|场次|人次|项数|册数|台数|套数|篇数|岗位数|名额|天数)$"
)
#: ``…数量`` is a count too, unless the name is about money (贷款数量 could be either: left alone).
_QUANTITY_SUFFIX = re.compile(r"数量$")
_MONEY_WORD = re.compile(r"金额|资金|经费|费|款|额|元")
#: A trailing unit note in brackets: ``城镇新增就业人数（人）`` → ``城镇新增就业人数``.
_TRAILING_NOTE = re.compile(r"[(（][^()（）]*[)）]$")
#: Names of per-unit amounts (人均, 每人, 单价, 标准 …): small figures in 元 are what they should be.
_PER_UNIT = re.compile(r"人均|每|单价|标准|单位|平均|/")

#: A plain-元 cost whose figure, read as 万元, lies between these fractions of the budget is most likely 万元
#: mislabelled as 元 (read as 元 it is then under 0.01 % of the budget); the reverse for a 万元 figure that, read as
#: 元, lies there.
_PLAUSIBLE_SHARE = (Decimal("0.1"), Decimal(1))


def is_count_name(name: str) -> bool:
    """Whether an indicator name says it counts things (``创业担保贷款发放笔数``, ``城镇新增就业人数（人）``)."""
    core = _TRAILING_NOTE.sub("", "".join(name.split()))
    if _COUNT_SUFFIX.search(core):
        return True
    return bool(_QUANTITY_SUFFIX.search(core)) and not _MONEY_WORD.search(core)


def _money_numerator(value: IndicatorValue) -> bool:
    """The unit is money, or money per something (``万元``, ``元/人``)."""
    return is_money_unit((value.unit or "").split("/")[0]) if value.unit else False


def find_unit_mismatches(snapshot: Snapshot) -> list[Finding]:
    """Two conservative checks, both about a unit that contradicts the indicator or the table:

    - a count indicator (its name ends in 笔数, 人数, 个数, 次数 …) whose 指标值 is money (Laoting's
      创业担保贷款发放笔数 ``≥1000万元``): an ``error``, whatever the figure;
    - a project's 成本指标 whose figure makes sense only in the other money unit of the 万元 table: a plain-元 cost
      that read as 万元 would be 10–100 % of the budget (read as 元 it is a ten-thousandth of that), or a 万元 cost
      that read as 元 would be 10–100 % of the budget (it is then 1000 to 10000 times the budget). Per-unit costs
      (人均, 每, 标准, 单价) are left alone: small 元 figures are what they should be. A ``warning``: a strong hint,
      not proof.
    """
    findings: list[Finding] = []
    for project, indicators in scopes(snapshot):
        for indicator in indicators:
            finding = _count_in_money(project, indicator)
            if finding is None and project is not None and is_cost_indicator(indicator):
                finding = _money_magnitude(project, indicator)
            if finding is not None:
                findings.append(finding)
    return findings


def _count_in_money(project: Project | None, indicator: Indicator) -> Finding | None:
    if not is_count_name(indicator.name):
        return None
    values = indicator.value.parts or [indicator.value]
    money = [v for v in values if _money_numerator(v)]
    if not money:
        return None
    return Finding(
        rule=UNIT_RULE,
        severity="error",
        message=(
            f"{scope_name(project)}: {indicator.name} counts things but its 指标值 {indicator.value.raw.strip()} "
            f"is an amount of money ({money[0].unit})"
        ),
        location=indicator_label(indicator, project),
        key=make_key(UNIT_RULE, scope_identity(project), indicator_identity(indicator)),
        facts={"kind": "count-in-money", "value": indicator.value.raw, "unit": money[0].unit},
    )


def _money_magnitude(project: Project, indicator: Indicator) -> Finding | None:
    budget = project.amount if project.amount is not None else project.fiscal_amount
    value = indicator.value
    if budget is None or budget <= 0 or value.number is None or _PER_UNIT.search(indicator.name):
        return None
    low, high = (share * budget for share in _PLAUSIBLE_SHARE)
    if value.unit == "元":
        if not low <= value.number <= high:
            return None
        kind, meant = "yuan-for-wanyuan", "万元"
    elif value.unit == "万元":
        as_yuan = in_wanyuan(value.number, "元")
        if as_yuan is None or not (low <= as_yuan <= high):
            return None
        kind, meant = "wanyuan-for-yuan", "元"
    else:
        return None
    return Finding(
        rule=UNIT_RULE,
        severity="warning",
        message=(
            f"{project.name}: 成本指标 {indicator.name} {value.raw.strip()} against a budget of {amount(budget)}万元 "
            f"makes sense only if the figure is in {meant}, not {value.unit}"
        ),
        location=indicator_label(indicator, project),
        key=make_key(UNIT_RULE, scope_identity(project), indicator_identity(indicator)),
        facts={"kind": kind, "value": value.raw, "unit": value.unit, "budget": budget},
    )
