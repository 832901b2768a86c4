"""Carry-over not reconciled (上年结转结余 与项目不符): the money brought forward from last year against the projects
budgeted for earlier years.

The reconciliation itself is the diff engine's carry-over detector (:mod:`ledger.diff.detectors.carry_over`): one rule,
one implementation. It sums the projects coded for an earlier year (``13030223P…`` in a 2024 budget) or funded by an
earlier year's notice and compares them with 上年结转结余; in Haigang's 2024 budget the four ``…23P…`` projects
(648.60 + 109.40 + 30.00 + 40.39) make exactly the 828.39 carry-over.

This rule adds one condition: the snapshot must have at least one project whose budget year can be told (from its
code or its notice). A publication without project tables, or whose projects carry neither, cannot be reconciled,
and saying "no project matches the carry-over" about it would be noise. A mismatch is a ``warning``: carry-over may
also fund basic expenditure, so the rule points at the difference, it does not prove an error.
"""

from __future__ import annotations

from decimal import Decimal

from ledger.diff.detectors import carry_over as detector
from ledger.diff.detectors.detector import project_budget_year
from ledger.diff.records import Detection
from ledger.findings.finding import FactValue, Finding, amount, make_key
from ledger.model import Snapshot

RULE = "carry-over-unreconciled"


def find(snapshot: Snapshot) -> list[Finding]:
    if not any(project_budget_year(project) is not None for project in snapshot.projects):
        return []
    detections = detector.detect(None, snapshot, ())
    return [_finding(d) for d in detections if d.code == RULE]


def _finding(detection: Detection) -> Finding:
    evidence = detection.evidence
    carry_over = _decimal(evidence.get("carry_over"))
    projects_total = _decimal(evidence.get("earlier_year_projects"))
    listed = evidence.get("projects")
    projects = [str(p) for p in listed] if isinstance(listed, list) else []
    difference = projects_total - carry_over
    facts: dict[str, FactValue] = {
        "carry_over": carry_over,
        "projects_total": projects_total,
        "difference": difference,
        "projects": projects,
    }
    return Finding(
        rule=RULE,
        severity="warning",
        message=(
            f"上年结转结余 {amount(carry_over)}万元 is not matched by the {len(projects)} projects coded or funded for "
            f"earlier years, which sum to {amount(projects_total)}万元 (difference {amount(difference)}万元)"
        ),
        location=f"{'accounts 收支总表' if detection.entity == 'accounts' else 'budget overview'} / 上年结转结余",
        key=make_key(RULE, "carry-over"),
        facts=facts,
    )


def _decimal(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(0)
