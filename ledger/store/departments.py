"""Departments (部门) and their aliases: one canonical full name, any number of other spellings.

Publications name their department in many ways (高新区人社局 for a full 人力资源和社会保障局 name). Aliases make those
one department for ingest, references and history. Department rows are not part of the hash-chained record, but every
alias added is an event, so the log shows when two names were declared the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from ledger import store
from ledger.errors import LedgerError, NotFoundError
from ledger.store import events
from ledger.store.schema import DepartmentAliasRow, DepartmentRow, SnapshotRow


@dataclass(frozen=True)
class DepartmentInfo:
    id: int
    name: str
    code: str | None
    aliases: list[str]
    snapshots: int
    years: list[int]


def list_departments(session: Session) -> list[DepartmentInfo]:
    """Every department by name, with its aliases and its current snapshots: three queries whatever the size."""
    counts = store.current_counts_by_department(session)
    aliases: dict[int, list[str]] = {}
    for alias, department_id in session.exec(
        select(DepartmentAliasRow.alias, DepartmentAliasRow.department_id).order_by(
            col(DepartmentAliasRow.alias)
        )
    ):
        aliases.setdefault(department_id, []).append(alias)
    infos = []
    for department in session.exec(select(DepartmentRow).order_by(col(DepartmentRow.name))):
        assert department.id is not None
        years = counts.get(department.id, {})
        infos.append(
            DepartmentInfo(
                id=department.id,
                name=department.name,
                code=department.code,
                aliases=aliases.get(department.id, []),
                snapshots=sum(years.values()),
                years=sorted(years),
            )
        )
    return infos


def add_alias(session: Session, alias: str, canonical: str) -> DepartmentRow:
    """Declare ``alias`` another name of ``canonical``.

    When ``canonical`` is not yet known but ``alias`` is (a department first seen under its short name), that department
    takes ``canonical`` as its name and keeps the old one as an alias. Two departments that both have snapshots are
    not merged: their snapshots were recorded under different identities, and the ledger does not rewrite them.
    """
    alias, canonical = alias.strip(), canonical.strip()
    if not alias or not canonical or alias == canonical:
        raise LedgerError("an alias needs two different, non-empty names")
    target = store.department_by_name(session, canonical)
    existing = store.department_by_name(session, alias)
    if target is None and existing is None:
        raise NotFoundError(f"neither {alias!r} nor {canonical!r} is a known department")
    if target is None:
        assert existing is not None
        return _rename(session, existing, canonical)
    if existing is not None:
        if existing.id == target.id:
            return target  # already one department
        if _snapshot_count(session, existing) and _snapshot_count(session, target):
            raise LedgerError(
                f"{alias!r} and {canonical!r} are two departments with snapshots; they cannot be merged"
            )
        raise LedgerError(f"{alias!r} is already a department of its own; rename one of them instead")
    assert target.id is not None
    session.add(DepartmentAliasRow(alias=alias, department_id=target.id))
    session.flush()
    events.append(
        session, events.ALIAS_ADDED, f"department/{target.id}", {"alias": alias, "department": target.name}
    )
    return target


def _rename(session: Session, department: DepartmentRow, name: str) -> DepartmentRow:
    """The department takes its canonical name; the name it had keeps resolving as an alias."""
    assert department.id is not None
    old = department.name
    department.name = name
    session.add(department)
    session.add(DepartmentAliasRow(alias=old, department_id=department.id))
    session.flush()
    events.append(
        session, events.ALIAS_ADDED, f"department/{department.id}", {"alias": old, "department": name}
    )
    return department


def _snapshot_count(session: Session, department: DepartmentRow) -> int:
    query = select(func.count(col(SnapshotRow.id))).where(SnapshotRow.department_id == department.id)
    return int(session.exec(query).one())
