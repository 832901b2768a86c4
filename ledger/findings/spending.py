"""Spending plans (资金支出计划) that do not add up to the whole budget or that go backwards.

The plan gives the cumulative share of the budget spent by the end of given months (``3月底 25%``, ``6月底 50%``,
``10月底 75%``, ``12月底 100%``). By the end of the plan the whole budget should be spent (100 %), and a cumulative
share can never fall from one month to a later one.
"""

from __future__ import annotations

from decimal import Decimal

from ledger.findings.finding import Finding, amount, make_key, project_identity, project_label
from ledger.model import Project, Snapshot

INCOMPLETE_RULE = "spending-plan-incomplete"
DECREASING_RULE = "spending-plan-decreasing"
FULL = Decimal(100)


def find(snapshot: Snapshot) -> list[Finding]:
    findings: list[Finding] = []
    for project in snapshot.projects:
        plan = ordered_plan(project.spending_plan)
        if not plan:
            continue
        findings += _incomplete(project, plan) + _decreasing(project, plan)
    return findings


def ordered_plan(plan: dict[str, Decimal]) -> list[tuple[int, Decimal]]:
    """(month, cumulative %) in calendar order; keys that are not months are ignored."""
    months = [(int(key), share) for key, share in plan.items() if key.isdigit() and 1 <= int(key) <= 12]
    return sorted(months)


def _show(plan: list[tuple[int, Decimal]]) -> str:
    return ", ".join(f"{month}月底 {amount(share)}%" for month, share in plan)


def _incomplete(project: Project, plan: list[tuple[int, Decimal]]) -> list[Finding]:
    month, share = plan[-1]
    if share == FULL:
        return []
    short = share < FULL
    return [
        Finding(
            rule=INCOMPLETE_RULE,
            severity="warning" if short else "error",
            message=(
                f"{project.name}: the 资金支出计划 ends at {amount(share)}% by {month}月底 "
                f"({'below' if short else 'above'} 100%): {_show(plan)}"
            ),
            location=f"{project_label(project)} / 资金支出计划",
            key=make_key(INCOMPLETE_RULE, project_identity(project)),
            facts={"last_month": month, "share": share, "plan": [f"{m}:{amount(s)}" for m, s in plan]},
        )
    ]


def _decreasing(project: Project, plan: list[tuple[int, Decimal]]) -> list[Finding]:
    drops = [
        f"{m1}月底 {amount(s1)}% → {m2}月底 {amount(s2)}%"
        for (m1, s1), (m2, s2) in zip(plan, plan[1:], strict=False)
        if s2 < s1
    ]
    if not drops:
        return []
    return [
        Finding(
            rule=DECREASING_RULE,
            severity="error",
            message=f"{project.name}: the cumulative 资金支出计划 falls ({'; '.join(drops)}): {_show(plan)}",
            location=f"{project_label(project)} / 资金支出计划",
            key=make_key(DECREASING_RULE, project_identity(project)),
            facts={"drops": drops, "plan": [f"{m}:{amount(s)}" for m, s in plan]},
        )
    ]
