"""One indicator, line or project across departments (横向比较): the question ``ledger compare`` answers.

Auditors ask daily how 城镇新增就业人数 (or a 满意度 measure, or 2080101 行政运行) stands in every department of the
ledger. Each department writes the name its own way (``城镇新增就业人数（人）``, ``城镇新增就业人数``), so entries are
matched by their normalised name without a unit in brackets, and kept apart by unit: 4900 人 and 3.2 万人 are not
set side by side as if comparable. Each entry carries its change from the same department's own previous year
(the latest revision of year N-1 of the same document kind), matched the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from sqlmodel import Session

from ledger import store
from ledger.diff.engine import numeric_delta
from ledger.errors import LedgerError
from ledger.model import EconomicLine, FunctionLine, Indicator, Snapshot
from ledger.model.names import name_without_unit, normalise_name, strip_enumerator, stripped_name
from ledger.model.values import compare_values, direction_of
from ledger.query.comparisons import previous_year
from ledger.store.schema import SnapshotRow

CompareKind = Literal["indicator", "line", "project"]


@dataclass(frozen=True)
class DepartmentEntry:
    """What one department's snapshot has under the asked name: its value this year and last year."""

    department: str
    ref: str
    kind: CompareKind
    owner: str  # 部门整体, or the project an indicator belongs to
    name: str  # as printed
    unit: str | None
    value: str  # 指标值 as printed, or the amount in 万元
    previous_ref: str | None = None
    previous: str | None = None
    delta: Decimal | None = None
    pct: Decimal | None = None
    direction: str | None = None  # tightened / loosened / … for indicators (as the diff says it)


@dataclass(frozen=True)
class _Found:
    owner: str
    name: str
    unit: str | None
    value: str
    number: Decimal | None
    indicator: Indicator | None = None


def compare_across(session: Session, kind: CompareKind, name: str, year: int) -> list[DepartmentEntry]:
    """Every department whose current snapshots of ``year`` hold ``name`` (an indicator, a budget line or subject
    code, a project), one entry per match, ordered by department and reference."""
    wanted = _wanted(kind, name)
    if not wanted:
        raise LedgerError(f"nothing to compare: {name!r} is empty once normalised")
    # Departments merged into one another are one department: one series, under its name.
    rows = store.current_snapshots(session, year=year)
    roots = {row.department_id: store.root_id(session, row.department_id) for row in rows}
    rows.sort(key=lambda r: (roots[r.department_id], r.document_kind))
    entries: list[DepartmentEntry] = []
    for row in _latest_per_series(rows, roots):
        snapshot = store.load_snapshot(row)
        found = list(_matches(snapshot, kind, wanted))
        if not found:
            continue
        before = previous_year(session, row)
        earlier = list(_matches(store.load_snapshot(before), kind, wanted)) if before is not None else []
        department = store.department_name(session, row.department_id)
        ref = store.describe(session, row)
        previous_ref = store.describe(session, before) if before is not None else None
        for item in found:
            entries.append(_entry(department, ref, kind, item, _counterpart(item, earlier), previous_ref))
    return entries


def _latest_per_series(rows: list[SnapshotRow], roots: dict[int, int]) -> list[SnapshotRow]:
    latest: dict[tuple[int, str], SnapshotRow] = {}
    for row in rows:
        series = (roots[row.department_id], row.document_kind)
        if series not in latest or (row.revision, row.id or 0) > (
            latest[series].revision,
            latest[series].id or 0,
        ):
            latest[series] = row
    return list(latest.values())


def _wanted(kind: CompareKind, name: str) -> str:
    if kind == "indicator":
        return name_without_unit(name)
    if kind == "project":
        return stripped_name(name)
    return name.strip() if name.strip().isdigit() else strip_enumerator(normalise_name(name))


def indicator_unit(indicator: Indicator) -> str | None:
    """The unit of an indicator: its value's (``≥4900人`` → 人), else the one in brackets after its name."""
    if indicator.value.unit:
        return indicator.value.unit
    name = normalise_name(indicator.name)
    bare = name_without_unit(indicator.name)
    return name[len(bare) :].strip("()（）") or None if name != bare else None


def _matches(snapshot: Snapshot, kind: CompareKind, wanted: str) -> Iterator[_Found]:
    if kind == "indicator":
        owned = [("部门整体", i) for i in snapshot.indicators]
        owned += [(p.name, i) for p in snapshot.projects for i in p.indicators]
        for owner, indicator in owned:
            if name_without_unit(indicator.name) == wanted:
                yield _Found(
                    owner,
                    indicator.name,
                    indicator_unit(indicator),
                    indicator.value.raw,
                    indicator.value.number,
                    indicator,
                )
    elif kind == "project":
        for project in snapshot.projects:
            if stripped_name(project.name) == wanted:
                yield _Found(
                    project.code or "", project.name, "万元", _amount(project.amount), project.amount
                )
    else:
        accounts = snapshot.accounts
        lines: list[FunctionLine | EconomicLine] = (
            [*accounts.function_lines, *accounts.economic_lines] if accounts is not None else []
        )
        for line in lines:
            if line.code == wanted or strip_enumerator(normalise_name(line.name)) == wanted:
                yield _Found(line.code, line.name, "万元", _amount(line.total), line.total)


def _amount(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")


def _counterpart(item: _Found, earlier: list[_Found]) -> _Found | None:
    """The same entry last year: the same unit, the same owner first (a project keeps its name)."""
    same_unit = [e for e in earlier if e.unit == item.unit]
    same_owner = [e for e in same_unit if stripped_name(e.owner) == stripped_name(item.owner)]
    chosen = same_owner or same_unit
    return chosen[0] if chosen else None


def _entry(
    department: str,
    ref: str,
    kind: CompareKind,
    item: _Found,
    before: _Found | None,
    previous_ref: str | None,
) -> DepartmentEntry:
    delta = pct = None
    direction: str | None = None
    if before is not None:
        delta, pct = numeric_delta(before.number, item.number)
        if item.indicator is not None and before.indicator is not None:
            found = compare_values(before.indicator.value, item.indicator.value)
            direction = direction_of(found) if found is not None else "unchanged"
        elif delta is not None:
            direction = "unchanged" if delta == 0 else ("up" if delta > 0 else "down")
    return DepartmentEntry(
        department=department,
        ref=ref,
        kind=kind,
        owner=item.owner,
        name=item.name,
        unit=item.unit,
        value=item.value,
        previous_ref=previous_ref if before is not None else None,
        previous=before.value if before is not None else None,
        delta=delta,
        pct=pct,
        direction=direction,
    )
