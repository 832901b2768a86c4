"""A project's cost indicator (成本指标) above the project's own budget (预算数).

A 成本指标 stated in money (``≤18万元``, ``=7000万元``, ``≤403860.63元``) says what the project will cost; it cannot
sensibly exceed the money the same table budgets for the project. Amounts in 元 and 亿元 are converted to 万元 exactly
(a decimal shift) before comparing.

- a cost stated as exact or as a minimum (``=``, ``≥``, ``>``, or the lower end of a range) above the budget is an
  ``error``: the table contradicts itself (Gaoxin's 被征地农民社会保障费: ``=7000万元`` against 4000);
- a ceiling (``≤``, ``<``, or the upper end of a range) above the budget is a ``warning``: the cap does not bind the
  budget, usually a figure copied from another project or year (Haigang's second 区直机关事业单位离休人员养老金:
  ``≤300万元`` against 200).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ledger.findings.finding import (
    Finding,
    Severity,
    amount,
    in_wanyuan,
    indicator_identity,
    indicator_label,
    make_key,
    project_identity,
)
from ledger.model import Indicator, IndicatorValue, Project, Snapshot

RULE = "cost-exceeds-budget"
COST_LEVEL2 = "成本指标"


def find(snapshot: Snapshot) -> list[Finding]:
    findings: list[Finding] = []
    for project in snapshot.projects:
        budget = project.amount if project.amount is not None else project.fiscal_amount
        if budget is None:
            continue
        for indicator in project.indicators:
            if is_cost_indicator(indicator):
                findings += _check(project, budget, indicator)
    return findings


def is_cost_indicator(indicator: Indicator) -> bool:
    """Filed under 成本指标 (the 二级指标 of 产出指标); an unknown grouping is not guessed."""
    return COST_LEVEL2 in "".join((indicator.level2 or "").split())


def stated_bounds(value: IndicatorValue) -> tuple[Decimal | None, Decimal | None]:
    """(least, most) cost in 万元 that the value states; None where it states no such bound or no money."""
    if value.number is None:
        return None, None
    least = in_wanyuan(value.number, value.unit)
    if least is None:
        return None, None
    if value.upper is not None:
        return least, in_wanyuan(value.upper, value.unit)
    if value.op in ("<=", "<"):
        return None, least
    return least, least


def _values(value: IndicatorValue) -> Iterator[IndicatorValue]:
    """The value, or each part of a compound value (``100万元、20万元``)."""
    if value.parts:
        yield from value.parts
    else:
        yield value


def _check(project: Project, budget: Decimal, indicator: Indicator) -> list[Finding]:
    findings: list[Finding] = []
    for value in _values(indicator.value):
        least, most = stated_bounds(value)
        severity: Severity
        if least is not None and least > budget:
            severity, stated, verb = "error", least, "states a cost of"
        elif most is not None and most > budget:
            severity, stated, verb = "warning", most, "allows a cost of up to"
        else:
            continue
        findings.append(
            Finding(
                rule=RULE,
                severity=severity,
                message=(
                    f"{project.name}: 成本指标 {indicator.name} {verb} {amount(stated)}万元 ({value.raw.strip()}), "
                    f"above the project's 预算数 {amount(budget)}万元 by {amount(stated - budget)}万元"
                ),
                location=indicator_label(indicator, project),
                key=make_key(RULE, project_identity(project), indicator_identity(indicator)),
                facts={
                    "budget": budget,
                    "stated": stated,
                    "excess": stated - budget,
                    "value": value.raw,
                    "unit": value.unit,
                },
            )
        )
    return findings
