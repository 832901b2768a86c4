"""One project (项目) in two versions side by side: its indicators (绩效指标) old | new, paired the way the diff engine
paired them, and which of their fields differ.

It reads the derived ``entity_values`` table: an indicator's key starts with its project's key, and its ``lineage``
is the same in every version where the engine matched it (renamed, moved to another 二级指标, its project recoded),
so the pairing is the engine's, never a second alignment. Which cells changed is what the comparison's change records
say (``100%`` → ``100.00%`` is no change), not a comparison of texts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from ledger.diff import Change
from ledger.errors import NotFoundError
from ledger.store.schema import EntityValueRow, SnapshotRow

#: The fields of an indicator shown side by side, in table order (一级, 二级, 三级指标, 指标值, 描述, 依据).
INDICATOR_FIELDS: tuple[str, ...] = ("level1", "level2", "name", "value", "description", "basis")


@dataclass(frozen=True)
class IndicatorPair:
    """An indicator in the older and the newer version (None where that version does not have it); ``changed`` names
    the fields a change record is about (every field of an added or removed indicator)."""

    old: dict[str, str] | None
    new: dict[str, str] | None
    changed: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class ProjectSides:
    label: str
    old_label: str | None
    new_label: str | None
    pairs: list[IndicatorPair]


def project_sides(
    session: Session, old: SnapshotRow, new: SnapshotRow, project_key: str, changes: Iterable[Change]
) -> ProjectSides:
    """The indicators of the project ``project_key`` (its key in either version) in ``old`` and ``new``, with the
    cells that ``changes`` (the change records of ``old`` → ``new``) are about."""
    new_project = _project(session, new, key=project_key)
    old_project = _project(session, old, key=project_key)
    if new_project is None and old_project is not None:
        new_project = _project(session, new, lineage=old_project.lineage)
    elif old_project is None and new_project is not None:
        old_project = _project(session, old, lineage=new_project.lineage)
    if old_project is None and new_project is None:
        raise NotFoundError(f"no project with key {project_key!r} in either version")
    old_side = _indicators(session, old, old_project)
    new_side = _indicators(session, new, new_project)
    fields = _changed_fields(changes)
    pairs = [
        _pair(old_side.get(lineage), new_side.get(lineage), fields)
        for lineage in _ordered(list(new_side), list(old_side))
    ]
    label = (new_project or old_project).label  # type: ignore[union-attr]
    return ProjectSides(
        label=label,
        old_label=old_project.label if old_project else None,
        new_label=new_project.label if new_project else None,
        pairs=pairs,
    )


def _project(
    session: Session, snapshot: SnapshotRow, *, key: str | None = None, lineage: str | None = None
) -> EntityValueRow | None:
    query = select(EntityValueRow).where(
        EntityValueRow.snapshot_id == snapshot.id, EntityValueRow.entity == "project"
    )
    query = query.where(EntityValueRow.key == key) if key is not None else query
    query = query.where(EntityValueRow.lineage == lineage) if lineage is not None else query
    return session.exec(query.order_by(col(EntityValueRow.id))).first()


def _indicators(
    session: Session, snapshot: SnapshotRow, project: EntityValueRow | None
) -> dict[str, dict[str, str]]:
    """The project's indicators in one version by lineage, in document order, each as its fields."""
    if project is None:
        return {}
    query = (
        select(EntityValueRow)
        .where(
            EntityValueRow.snapshot_id == snapshot.id,
            EntityValueRow.entity == "indicator",
            col(EntityValueRow.key).startswith(project.key + "|", autoescape=True),
        )
        .order_by(col(EntityValueRow.id))
    )
    found: dict[str, dict[str, str]] = {}
    for row in session.exec(query):
        form = json.loads(row.form)
        fields = {name: _text(form.get(name)) for name in INDICATOR_FIELDS}
        found.setdefault(row.lineage, {**fields, _KEY: row.key})
    return found


#: Where a side keeps the indicator's key (not a field of the form, so no clash).
_KEY = "__key__"


def _changed_fields(changes: Iterable[Change]) -> dict[str, set[str]]:
    """Indicator key (either side's) → the fields its change records are about."""
    fields: dict[str, set[str]] = {}
    for change in changes:
        if change.entity != "indicator":
            continue
        named = set(INDICATOR_FIELDS) if change.field is None else {change.field.split(".")[0]}
        for key in (change.key, change.old_key):
            if key is not None:
                fields.setdefault(key, set()).update(named)
    return fields


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _ordered(new: list[str], old: list[str]) -> list[str]:
    """The newer version's order, with indicators only the older one has after the one they followed there."""
    order = list(new)
    for position, lineage in enumerate(old):
        if lineage in order:
            continue
        before = old[position - 1] if position else None
        order.insert(order.index(before) + 1 if before in order else len(order), lineage)
    return order


def _pair(
    old: dict[str, str] | None, new: dict[str, str] | None, fields: dict[str, set[str]]
) -> IndicatorPair:
    if old is None or new is None:
        return IndicatorPair(_fields(old), _fields(new), frozenset(INDICATOR_FIELDS))
    named = fields.get(new[_KEY], set()) | fields.get(old[_KEY], set())
    return IndicatorPair(_fields(old), _fields(new), frozenset(named & set(INDICATOR_FIELDS)))


def _fields(side: dict[str, str] | None) -> dict[str, str] | None:
    return None if side is None else {name: side[name] for name in INDICATOR_FIELDS}
