"""Targets against results for a self-evaluation in the ledger (``ledger results``).

A 项目支出绩效自评表 restates each target next to its result. When the ledger also holds the targets the department
set for the same project and year (a 项目绩效目标表, a 项目申报表, a budget disclosure), the results are read against
*those* targets — a self-evaluation that quietly lowered a target shows — and the money executed against the budget
of that publication. Otherwise the form's own targets serve, and the report says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlmodel import Session

from ledger import store
from ledger.errors import LedgerError
from ledger.findings import Finding
from ledger.findings import self_evaluation as evaluation
from ledger.model import Indicator, Project, Snapshot
from ledger.model.names import name_without_unit, stripped_name
from ledger.model.values import compare_values
from ledger.store.schema import SnapshotRow

SELF_EVALUATION = "project-self-evaluation"


@dataclass(frozen=True)
class IndicatorOutcome:
    """One indicator: the target (from ``targets_ref`` when linked), the result, and how it stands."""

    level1: str | None
    name: str
    target: str
    result: str
    status: evaluation.Status
    gap: Decimal | None
    weight: Decimal | None
    score: Decimal | None
    reason: str | None
    form_target: str  # the target as the self-evaluation restates it
    target_changed: bool  # the form's target differs from the linked one


@dataclass(frozen=True)
class ProjectOutcome:
    """A project of a self-evaluation: its indicators' outcomes and its money executed against the budget."""

    ref: str
    project: str
    targets_ref: str | None  # the publication the targets come from; None: the form's own
    budget: Decimal | None
    executed: Decimal | None
    rate_stated: Decimal | None
    rate_computed: Decimal | None
    indicators: list[IndicatorOutcome] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def targets_against_results(session: Session, ref: str) -> list[ProjectOutcome]:
    """The outcome of every project of the self-evaluation named by ``ref``."""
    row = store.resolve_ref(session, ref)
    if row.document_kind != SELF_EVALUATION:
        raise LedgerError(f"{store.describe(session, row)} is a {row.document_kind}, not a {SELF_EVALUATION}")
    snapshot = store.load_snapshot(row)
    candidates = [
        (store.describe(session, other), store.load_snapshot(other)) for other in _same_year(session, row)
    ]
    outcomes = []
    for project in snapshot.projects:
        linked = next(
            ((where, target) for where, other in candidates if (target := _same_project(project, other))),
            None,
        )
        outcomes.append(
            project_outcome(
                store.describe(session, row),
                project,
                linked[1] if linked else None,
                linked[0] if linked else None,
                evaluation.find_in_project(project),
            )
        )
    return outcomes


def _same_year(session: Session, row: SnapshotRow) -> list[SnapshotRow]:
    """The latest revision of each other document kind of the same department and year."""
    rows = store.current_snapshots(session, department_ids=[row.department_id], year=row.fiscal_year)
    kinds = sorted({other.document_kind for other in rows if other.document_kind != SELF_EVALUATION})
    latest = [store.latest_of([other for other in rows if other.document_kind == kind]) for kind in kinds]
    return [other for other in latest if other is not None]


def _same_project(project: Project, snapshot: Snapshot) -> Project | None:
    name = stripped_name(project.name)
    return next(
        (
            other
            for other in snapshot.projects
            if (project.code and other.code == project.code) or stripped_name(other.name) == name
        ),
        None,
    )


def project_outcome(
    ref: str, project: Project, targets: Project | None, targets_ref: str | None, findings: list[Finding]
) -> ProjectOutcome:
    """The outcome of one evaluated project; ``targets`` is the same project in the targets' publication."""
    execution = project.execution
    budget = targets.amount if targets is not None and targets.amount is not None else project.amount
    return ProjectOutcome(
        ref=ref,
        project=project.name,
        targets_ref=targets_ref,
        budget=budget,
        executed=execution.executed if execution else None,
        rate_stated=execution.rate if execution else None,
        rate_computed=evaluation.execution_rate(execution.model_copy(update={"budget": budget}))
        if execution
        else None,
        indicators=[_indicator_outcome(indicator, targets) for indicator in project.indicators],
        findings=findings,
    )


def _indicator_outcome(indicator: Indicator, targets: Project | None) -> IndicatorOutcome:
    target = _target(indicator, targets)
    result = indicator.result
    raw = result.raw if result is not None else ""
    assessment = evaluation.assess(target.value, raw)
    return IndicatorOutcome(
        level1=indicator.level1,
        name=indicator.name,
        target=target.value.raw,
        result=raw,
        status=assessment.status,
        gap=assessment.gap,
        weight=result.weight if result else None,
        score=result.score if result else None,
        reason=result.reason if result else None,
        form_target=indicator.value.raw,
        # The same target written differently (≧ for ≥) is not a change.
        target_changed=target is not indicator and compare_values(target.value, indicator.value) is not None,
    )


def _target(indicator: Indicator, targets: Project | None) -> Indicator:
    """The linked project's indicator of the same name (without its unit), else the form's own."""
    if targets is None:
        return indicator
    name = name_without_unit(indicator.name)
    return next((other for other in targets.indicators if name_without_unit(other.name) == name), indicator)
