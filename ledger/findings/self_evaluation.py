"""Targets against results (目标与完成值): how a self-evaluation's results stand against the indicators' targets.

A 项目支出绩效自评表 reports, per indicator, the target (年度指标值) and the result (全年完成值/实际完成值), a weight
(分值/指标权重) and a score (得分); for the money, 全年预算数, 全年执行数 and often 执行率. :func:`assess` says whether
a result meets its target and by how much it falls short; the rules below point an auditor to what the form says
about itself that its own figures contradict:

- ``result-contradicts-target`` — a result reported as met (the form's 是否完成 says so, or its 得分 is the full
  weight) whose figures say missed (``≥95%`` target, ``93%`` result);
- ``score-above-weight`` — an 得分 above its 分值;
- ``execution-rate-mismatch`` — a stated 执行率 (or a 预算执行率 indicator's result) that is not 全年执行数 /
  全年预算数 (to within half a point: forms round to whole percents).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from ledger.errors import ValueParseError
from ledger.findings.finding import (
    Finding,
    amount,
    indicator_identity,
    indicator_label,
    make_key,
    project_identity,
)
from ledger.model import Execution, Indicator, IndicatorValue, Project, Snapshot
from ledger.model.names import normalise_name
from ledger.model.values import parse_value

Status = Literal["met", "missed", "not-reported", "not-comparable"]

#: A stated 执行率 may differ from 执行数/预算数 by rounding to whole percents, no more.
RATE_TOLERANCE = Decimal("0.5")
_HUNDRED = Decimal(100)
_RATE_NAMES = ("预算执行率", "执行率")


@dataclass(frozen=True)
class Assessment:
    """How a result stands against its target: ``gap`` is how far it falls short, in the target's unit
    (``≥95%`` with ``93%`` → 2, i.e. 2 points); None when met or not numeric."""

    status: Status
    gap: Decimal | None = None
    why: str = ""


def assess(target: IndicatorValue, result: str) -> Assessment:
    """Compare a result as printed with its target (numbers by the target's operator, texts as normalised text)."""
    if not result.strip():
        return Assessment("not-reported", why="no result stated")
    if target.relative:
        return Assessment("not-comparable", why="the target is stated against another period")
    try:
        achieved = parse_value(result)
    except ValueParseError:
        return Assessment("not-reported", why="no result stated")
    if target.number is None or target.parts:
        same = normalise_name(target.text or target.raw) == normalise_name(achieved.text or achieved.raw)
        return Assessment("met" if same else "missed", why="compared as text")
    if achieved.number is None:
        return Assessment("not-comparable", why="a numeric target with a result in words")
    if target.unit and achieved.unit and target.unit != achieved.unit:
        return Assessment("not-comparable", why=f"units differ: {target.unit} / {achieved.unit}")
    if target.op == "~":
        return Assessment("not-comparable", why="an approximate target (约, 左右) sets no bound")
    return _against(target, achieved.number)


def _against(target: IndicatorValue, value: Decimal) -> Assessment:
    assert target.number is not None  # checked by the caller
    low, high = target.number, target.upper
    if high is not None:
        gap = low - value if value < low else value - high if value > high else None
    elif target.op in (">=", None):  # no operator: a count to reach (610套)
        gap = low - value if value < low else None
    elif target.op == ">":
        gap = low - value if value <= low else None
    elif target.op == "<=":
        gap = value - low if value > low else None
    elif target.op == "<":
        gap = value - low if value >= low else None
    else:  # "=": an exact target is met only exactly
        gap = abs(value - low) if value != low else None
    return Assessment("met") if gap is None else Assessment("missed", gap=gap)


def execution_rate(execution: Execution) -> Decimal | None:
    """全年执行数 / 全年预算数 in %, two places (None without both, or with a zero budget)."""
    if execution.budget is None or execution.executed is None or execution.budget == 0:
        return None
    rate = execution.executed / execution.budget * _HUNDRED
    return rate.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- the rules ----------------------------------------------------------------------------------------------------


def find(snapshot: Snapshot) -> list[Finding]:
    return [finding for project in snapshot.projects for finding in find_in_project(project)]


def find_in_project(project: Project) -> list[Finding]:
    """The findings of one evaluated project (nothing for a project without results)."""
    findings: list[Finding] = []
    for indicator in project.indicators:
        if indicator.result is not None:
            findings += _contradiction(project, indicator) + _score(project, indicator)
    return findings + _rate(project)


def _reported_met(indicator: Indicator) -> bool:
    result = indicator.result
    if result is None:
        return False
    if result.reported_met is not None:
        return result.reported_met
    return result.score is not None and result.weight is not None and result.score >= result.weight


def _contradiction(project: Project, indicator: Indicator) -> list[Finding]:
    result = indicator.result
    if result is None or not _reported_met(indicator):
        return []
    found = assess(indicator.value, result.raw)
    if found.status != "missed":
        return []
    rule = "result-contradicts-target"
    short = f", short by {amount(found.gap)}" if found.gap is not None else ""
    return [
        Finding(
            rule=rule,
            severity="warning",
            message=(
                f"{project.name}: {indicator.name} is reported as met (得分 {_text(result.score)} of"
                f" {_text(result.weight)}) but its result {result.raw} misses the target {indicator.value.raw}{short}"
            ),
            location=indicator_label(indicator, project),
            key=make_key(rule, project_identity(project), indicator_identity(indicator)),
            facts={
                "target": indicator.value.raw,
                "result": result.raw,
                "gap": found.gap,
                "score": result.score,
            },
        )
    ]


def _score(project: Project, indicator: Indicator) -> list[Finding]:
    result = indicator.result
    if result is None or result.score is None or result.weight is None or result.score <= result.weight:
        return []
    rule = "score-above-weight"
    return [
        Finding(
            rule=rule,
            severity="error",
            message=(
                f"{project.name}: {indicator.name} scores {amount(result.score)} of a weight of"
                f" {amount(result.weight)}"
            ),
            location=indicator_label(indicator, project),
            key=make_key(rule, project_identity(project), indicator_identity(indicator)),
            facts={"score": result.score, "weight": result.weight},
        )
    ]


def _rate(project: Project) -> list[Finding]:
    execution = project.execution
    computed = execution_rate(execution) if execution is not None else None
    if execution is None or computed is None:
        return []
    stated: list[tuple[str, Decimal]] = []
    if execution.rate is not None:
        stated.append(("执行率", execution.rate))
    for indicator in project.indicators:
        if indicator.result is None or normalise_name(indicator.name) not in _RATE_NAMES:
            continue
        try:
            value = parse_value(indicator.result.raw)
        except ValueParseError:
            continue
        if value.number is not None and value.unit in ("%", None):
            stated.append((indicator.name, value.number))
    rule = "execution-rate-mismatch"
    return [
        Finding(
            rule=rule,
            severity="warning",
            message=(
                f"{project.name}: {where} {amount(rate)}% is not 全年执行数/全年预算数"
                f" = {_text(execution.executed)}/{_text(execution.budget)} = {amount(computed)}%"
            ),
            location=f"project {project.name} / {where}",
            key=make_key(rule, project_identity(project), where),
            facts={
                "stated": rate,
                "computed": computed,
                "executed": execution.executed,
                "budget": execution.budget,
            },
        )
        for where, rate in stated
        if abs(rate - computed) > RATE_TOLERANCE
    ]


def _text(value: Decimal | None) -> str:
    return "—" if value is None else amount(value)
