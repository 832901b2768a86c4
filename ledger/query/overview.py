"""What a list of departments shows besides their names and years: the document kinds each holds, and how many
audit findings the latest version of each kind has (the web view's department list)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from ledger import store
from ledger.store.schema import DepartmentRow, FindingRow


@dataclass(frozen=True)
class DepartmentOverview:
    """What a list of departments shows besides names: the document kinds held, and the audit findings of the
    latest version of each kind (the newest year's newest revision)."""

    kinds: list[str]
    latest_findings: int


def department_overview(
    session: Session, department_ids: Collection[int] | None = None
) -> dict[int, DepartmentOverview]:
    """Department id → its :class:`DepartmentOverview` (of ``department_ids``, else of every department; merged
    departments counted in the one they were merged into), in a few queries whatever the size of the ledger."""
    # A department merged into another is that one (its snapshots stay recorded under their own id).
    roots = store.all_names(session)
    root_of = {
        department_id: roots[name]
        for name, department_id in session.exec(select(DepartmentRow.name, DepartmentRow.id))
        if department_id is not None
    }
    members = None
    if department_ids is not None:
        wanted = set(department_ids)
        members = [department_id for department_id, root in root_of.items() if root in wanted]
    latest: dict[tuple[int, str], store.SnapshotKey] = {}
    for row in store.current_snapshot_keys(session, members):
        series = (root_of.get(row.department_id, row.department_id), row.document_kind)
        best = latest.get(series)
        if best is None or (row.fiscal_year, row.revision, row.id) > (
            best.fiscal_year,
            best.revision,
            best.id,
        ):
            latest[series] = row
    counts: dict[int, int] = {}
    if latest:
        ids = [row.id for row in latest.values()]
        query = (
            select(FindingRow.snapshot_id, func.count(col(FindingRow.id)))
            .where(col(FindingRow.snapshot_id).in_(ids))
            .group_by(col(FindingRow.snapshot_id))
        )
        counts = {snapshot_id: count for snapshot_id, count in session.exec(query)}
    kinds: dict[int, list[str]] = {}
    findings: dict[int, int] = {}
    for (department_id, kind), row in sorted(latest.items()):
        kinds.setdefault(department_id, []).append(kind)
        findings[department_id] = findings.get(department_id, 0) + counts.get(row.id, 0)
    return {
        department_id: DepartmentOverview(kinds=listed, latest_findings=findings[department_id])
        for department_id, listed in kinds.items()
    }
