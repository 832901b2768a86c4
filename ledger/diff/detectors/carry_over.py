"""Carry-over (上年结转结余): changed between versions, and reconciled with the earlier-year projects.

A budget's 上年结转结余 is money allocated in earlier years and spent this year. The projects that spend it are
the ones coded for an earlier year (``13030223P…`` in a 2024 budget) or funded by a notice for an earlier year. In
the Haigang 2024 budget the four ``…23P…`` projects (648.60 + 109.40 + 30.00 + 40.39) make exactly the 828.39
carry-over; a difference means carry-over money no project accounts for, or a project claiming money that was not
carried over.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ledger.diff import entities as ent
from ledger.diff.detectors.detector import is_earlier_year_project, project_budget_year
from ledger.diff.records import Change, Detection
from ledger.model import Project, Snapshot
from ledger.model.canonical import decimal_text
from ledger.model.names import normalise_name

TAG = "carry-over"
_CARRY_OVER_WORD = "上年结转"


def carry_over_amount(snapshot: Snapshot) -> Decimal | None:
    """上年结转结余 of the snapshot: from the accounts, else the 上年结转 line of 预算整体情况 (income side)."""
    if snapshot.accounts is not None and snapshot.accounts.carry_over is not None:
        return snapshot.accounts.carry_over
    for line in snapshot.budget_overview.income:
        if normalise_name(line.name).startswith(_CARRY_OVER_WORD) and line.amount is not None:
            return line.amount
    return None


def detect(old: Snapshot | None, new: Snapshot, changes: Sequence[Change]) -> list[Detection]:
    """Carry-over changes between the versions, the earlier-year projects, and whether they add up."""
    earlier = _earlier_year_projects(new)
    return [
        *(_changed(change) for change in changes if _is_carry_over_change(change)),
        *(_earlier_project(key, project, new.fiscal_year) for key, project in earlier),
        *_reconciliation(new, [project for _, project in earlier]),
    ]


def _is_carry_over_change(change: Change) -> bool:
    if change.field == "carry_over":
        return True
    return change.entity in ("budget_line", "account_line") and _CARRY_OVER_WORD in change.label


def _changed(change: Change) -> Detection:
    what = change.label if change.field_label is None else f"{change.label} {change.field_label}"
    return Detection(
        code="carry-over-changed",
        tag=TAG,
        message=f"上年结转 changed ({change.change}): {what}: {_show(change.old)} → {_show(change.new)}",
        where=change.label,
        entity=change.entity,
        key=change.key,
        field=change.field,
        evidence={"old": change.old, "new": change.new, "delta": change.delta},
    )


def _earlier_year_projects(snapshot: Snapshot) -> list[tuple[str, Project]]:
    return [
        (entity.key, entity.source)
        for entity in ent.project_entities(snapshot.projects)
        if is_earlier_year_project(entity.source, snapshot.fiscal_year)
    ]


def _earlier_project(key: str, project: Project, fiscal_year: int) -> Detection:
    year = project_budget_year(project)
    since = f"for {year}" if year is not None else "by an earlier-year notice"
    return Detection(
        code="earlier-year-project",
        tag=TAG,
        message=f"项目 {project.name} is coded or funded {since} but budgeted in {fiscal_year} (上年结转)",
        where=project.name,
        entity="project",
        key=key,
        evidence={"budget_year": year, "amount": project.amount, "code": project.code},
    )


def _reconciliation(snapshot: Snapshot, earlier: list[Project]) -> list[Detection]:
    carry_over = carry_over_amount(snapshot)
    if carry_over is None or (carry_over == 0 and not earlier):
        return []
    total = sum((project.amount or Decimal(0) for project in earlier), Decimal(0))
    evidence = {
        "carry_over": carry_over,
        "earlier_year_projects": total,
        "difference": carry_over - total,
        "projects": [project.code or project.name for project in earlier],
    }
    where = "上年结转结余"
    if total == carry_over:
        return [
            Detection(
                code="carry-over-reconciled",
                tag=TAG,
                message=(
                    f"上年结转结余 {decimal_text(carry_over)} = the {len(earlier)} earlier-year projects "
                    f"({decimal_text(total)})"
                ),
                where=where,
                entity="accounts" if snapshot.accounts is not None else None,
                key="accounts" if snapshot.accounts is not None else None,
                field="carry_over" if snapshot.accounts is not None else None,
                evidence=evidence,
            )
        ]
    return [
        Detection(
            code="carry-over-unreconciled",
            tag=TAG,
            message=(
                f"上年结转结余 {decimal_text(carry_over)} ≠ the {len(earlier)} earlier-year projects "
                f"({decimal_text(total)}); difference {decimal_text(carry_over - total)}"
            ),
            where=where,
            entity="accounts" if snapshot.accounts is not None else None,
            key="accounts" if snapshot.accounts is not None else None,
            field="carry_over" if snapshot.accounts is not None else None,
            evidence=evidence,
        )
    ]


def _show(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return decimal_text(value)
    return str(value)
