"""Departments (部门) and their aliases: one canonical full name, any number of other spellings.

Publications name their department in many ways (高新区人社局 for a full 人力资源和社会保障局 name, 中共江苏省委办公厅
for 江苏省委办公厅). On ingest a new spelling joins a known department when its official-name key is the same
(:mod:`ledger.official_names`) or when it only adds or drops a leading region and that matches one department; it is
recorded as an alias (an alias-added event). A name that is only *probably* the same (fuzzy) is not joined: the
ingest says so and names the ``ledger alias add`` command that would.

Declaring two names one department works whenever it is said (``ledger alias add A B``):

- ``A`` unknown: ``A`` becomes an alias of ``B`` (``B`` is created, without snapshots, when it is unknown too);
- ``A`` a department and ``B`` unknown: the department takes the name ``B`` and keeps ``A`` as an alias;
- ``A`` and ``B`` both departments: ``A`` is merged into ``B`` (a department-merged event). Snapshot rows are
  immutable and keep naming ``A``'s row; ``departments.merged_into`` makes every query see one department.
  ``ledger alias remove A`` splits it off again (a department-split event).

An alias never takes a name that is part of another department's name (``海港区`` for 乐亭县… while 秦皇岛市海港区…
exists): references by that name would silently go to the wrong department. Merging is said with both full names.

Department rows are working state, not evidence; every change to them is an event, and ``ledger verify`` replays the
merge and split events against ``merged_into``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Literal

from sqlmodel import Session, col, func, select

from ledger import store
from ledger.clock import now_text
from ledger.errors import AmbiguousRefError, LedgerError, NotFoundError
from ledger.model import Snapshot
from ledger.model.official_names import clean, name_key, probable_matches, region_extension
from ledger.store import events
from ledger.store.schema import DepartmentAliasRow, DepartmentRow, EventRow, SnapshotRow


@dataclass(frozen=True)
class DepartmentInfo:
    id: int
    name: str
    code: str | None
    aliases: list[str]
    snapshots: int
    years: list[int]
    #: Departments merged into this one (their own names; also listed among the aliases).
    merged: list[str] = field(default_factory=list)


AliasEffect = Literal["alias", "created", "renamed", "merged", "already"]


@dataclass(frozen=True)
class AliasOutcome:
    """What ``alias add`` did. ``regrouped``: department ids whose derived data must be rebuilt (a merge)."""

    effect: AliasEffect
    alias: str
    department: str
    snapshots: int = 0
    regrouped: tuple[int, ...] = ()


@dataclass(frozen=True)
class SplitOutcome:
    """What ``alias remove`` did: a merged department split off (``split``) or a plain alias dropped (``alias``)."""

    effect: Literal["split", "alias"]
    name: str
    department: str
    snapshots: int = 0
    regrouped: tuple[int, ...] = ()


@dataclass(frozen=True)
class Resolution:
    """The department a parsed snapshot belongs to, the snapshot naming it canonically, and what was decided."""

    department: DepartmentRow
    snapshot: Snapshot
    #: How the name was matched: exact (a name or alias), key (same official-name key), region (a leading region
    #: added or dropped), or new (a new department).
    matched_by: Literal["exact", "key", "region", "new"]
    #: Known departments the new one is probably the same as (fuzzy): said on ingest, never merged silently.
    probably: tuple[str, ...] = ()


def list_departments(session: Session) -> list[DepartmentInfo]:
    """Every department by name (merged ones inside the one they were merged into), with aliases and snapshots."""
    counts = store.current_counts_by_department(session)
    names = store.all_names(session)
    rows = list(session.exec(select(DepartmentRow).order_by(col(DepartmentRow.name))))
    merged: dict[int, list[str]] = {}
    for row in rows:
        if row.merged_into is not None:
            merged.setdefault(names[row.name], []).append(row.name)
    infos = []
    for department in rows:
        assert department.id is not None
        if department.merged_into is not None:
            continue
        years = counts.get(department.id, {})
        infos.append(
            DepartmentInfo(
                id=department.id,
                name=department.name,
                code=department.code,
                aliases=sorted(n for n, i in names.items() if i == department.id and n != department.name),
                snapshots=sum(years.values()),
                years=sorted(years),
                merged=sorted(merged.get(department.id, [])),
            )
        )
    return infos


# --- ingest ---------------------------------------------------------------------------------------------------------


def resolve(session: Session, snapshot: Snapshot) -> Resolution:
    """The department of a parsed snapshot: by exact name or alias, then by official-name key, then by a leading
    region when that names exactly one department; otherwise a new department (with probable matches to suggest)."""
    name = snapshot.department.name
    known = store.department_by_name(session, name)
    if known is not None:
        return Resolution(known, store.named_as(snapshot, known), "exact")
    names = store.all_names(session)
    key = name_key(name)
    by_key = {id_ for other, id_ in names.items() if name_key(other) == key}
    by_region = {
        id_ for other, id_ in names.items() if region_extension(name, other) or region_extension(other, name)
    }
    matches: tuple[tuple[Literal["key", "region"], set[int]], ...] = (("key", by_key), ("region", by_region))
    for matched_by, ids in matches:
        if len(ids) == 1:
            department = session.get(DepartmentRow, ids.pop())
            assert department is not None and department.id is not None
            _add_alias_row(session, name, department, by=matched_by)
            return Resolution(department, store.named_as(snapshot, department), matched_by)
    department, _ = store.canonical_department(session, name, snapshot.department.code)
    known_names = session.exec(
        select(DepartmentRow.name).where(
            col(DepartmentRow.merged_into).is_(None), DepartmentRow.id != department.id
        )
    )
    probably = probable_matches(name, list(known_names))
    return Resolution(department, store.named_as(snapshot, department), "new", tuple(probably))


def _add_alias_row(session: Session, alias: str, department: DepartmentRow, *, by: str) -> None:
    assert department.id is not None
    session.add(DepartmentAliasRow(alias=alias, department_id=department.id))
    session.flush()
    events.append(
        session,
        events.ALIAS_ADDED,
        f"department/{department.id}",
        {"alias": alias, "department": department.name, "department_id": department.id, "by": by},
    )


# --- alias add / remove ---------------------------------------------------------------------------------------------


def add_alias(session: Session, alias: str, canonical: str) -> AliasOutcome:
    """Declare ``alias`` another name of ``canonical`` — whenever it is said (see the module's docstring)."""
    alias, canonical = alias.strip(), canonical.strip()
    if not alias or not canonical or clean(alias) == clean(canonical):
        raise LedgerError("an alias needs two different, non-empty names")
    target = store.department_by_name(session, canonical)
    source = store.department_by_name(session, alias)
    if target is None and source is None:
        _refuse_hijack(session, alias, canonical, None)
        created = DepartmentRow(name=canonical, created_at=now_text())
        session.add(created)
        session.flush()
        _add_alias_row(session, alias, created, by="declared")
        return AliasOutcome("created", alias, canonical)
    if target is None:
        assert source is not None
        _rename(session, source, canonical)
        return AliasOutcome("renamed", alias, canonical, _snapshot_count(session, source))
    assert target.id is not None
    if source is None:
        _refuse_hijack(session, alias, canonical, target.id)
        _add_alias_row(session, alias, target, by="declared")
        return AliasOutcome("alias", alias, target.name)
    if source.id == target.id:
        return AliasOutcome("already", alias, target.name)
    return _merge(session, alias, source, target)


def _merge(session: Session, alias: str, source: DepartmentRow, target: DepartmentRow) -> AliasOutcome:
    assert source.id is not None and target.id is not None
    moved = _snapshot_count(session, source)
    source.merged_into = target.id
    session.add(source)
    session.flush()
    events.append(
        session,
        events.DEPARTMENT_MERGED,
        f"department/{source.id}",
        {
            "department_id": source.id,
            "department": source.name,
            "into_id": target.id,
            "into": target.name,
            "said_as": alias,
            "snapshots": moved,
        },
    )
    return AliasOutcome("merged", source.name, target.name, moved, regrouped=(target.id,))


def _refuse_hijack(session: Session, alias: str, canonical: str, target_id: int | None) -> None:
    """An alias that is part of another department's name (or spells it) would take its references: refuse,
    and say how to merge the two departments if that is what is meant."""
    others = sorted(
        {
            id_
            for name, id_ in store.all_names(session).items()
            if id_ != target_id and (alias in name or name_key(name) == name_key(alias))
        }
    )
    if not others:
        return
    rows = [session.get(DepartmentRow, id_) for id_ in others]
    names = [row.name for row in rows if row is not None]
    raise AmbiguousRefError(
        f"{alias!r} is part of the name of {', '.join(names)}; as an alias of {canonical!r} it would take that"
        " department's references. If they are one department, merge them",
        ref=alias,
        choices=names,
    )


def remove_alias(session: Session, name: str) -> SplitOutcome:
    """Undo an alias: split a merged department off again, or drop a plain alias (future ingests only)."""
    name = name.strip()
    row = store.department_row(session, name)
    if row is None:
        raise NotFoundError(f"no department or alias is named {name!r}")
    assert row.id is not None
    if row.name == name:
        if row.merged_into is None:
            raise LedgerError(
                f"{name!r} is a department's own name, not merged into another: there is nothing to split"
            )
        into = store.root_of(session, row)
        former = row.merged_into
        row.merged_into = None
        session.add(row)
        session.flush()
        count = _snapshot_count(session, row)
        events.append(
            session,
            events.DEPARTMENT_SPLIT,
            f"department/{row.id}",
            {
                "department_id": row.id,
                "department": row.name,
                "from_id": former,
                "from": into.name,
                "snapshots": count,
            },
        )
        assert into.id is not None
        return SplitOutcome("split", name, into.name, count, regrouped=(row.id, into.id))
    alias = session.get(DepartmentAliasRow, name)
    assert alias is not None
    recorded = _recorded_under(session, name)
    if recorded:
        raise LedgerError(
            f"{name!r} is the name {recorded} snapshot{'' if recorded == 1 else 's'} of"
            f" {store.root_of(session, row).name} were recorded under (before it was renamed): it stays an alias,"
            " so their recording events still name their department"
        )
    session.delete(alias)
    session.flush()
    events.append(
        session,
        events.ALIAS_REMOVED,
        f"department/{row.id}",
        {"alias": name, "department": row.name, "department_id": row.id},
    )
    return SplitOutcome("alias", name, store.root_of(session, row).name)


def _rename(session: Session, department: DepartmentRow, name: str) -> DepartmentRow:
    """The department takes its canonical name; the name it had keeps resolving as an alias."""
    assert department.id is not None
    old = department.name
    department.name = name
    session.add(department)
    session.add(DepartmentAliasRow(alias=old, department_id=department.id))
    session.flush()
    events.append(
        session,
        events.ALIAS_ADDED,
        f"department/{department.id}",
        {"alias": old, "department": name, "department_id": department.id, "by": "renamed"},
    )
    return department


def _snapshot_count(session: Session, department: DepartmentRow) -> int:
    query = select(func.count(col(SnapshotRow.id))).where(SnapshotRow.department_id == department.id)
    return int(session.exec(query).one())


def _recorded_under(session: Session, name: str) -> int:
    """How many snapshot-recorded / snapshot-reparsed events name the department ``name`` (a former name)."""
    needle = json.dumps({"department": name}, ensure_ascii=False, separators=(",", ":"))[1:-1]
    query = select(func.count()).where(
        col(EventRow.type).in_([events.SNAPSHOT_RECORDED, events.REPARSED]),
        col(EventRow.payload).contains(needle),
    )
    return int(session.exec(query).one())
