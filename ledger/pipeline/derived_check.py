"""Checking the derived tables (entity values, diffs, changes, findings) against what the snapshots derive to.

The derived tables are not evidence and carry no hashes: anyone who can write to the database could change a value
or a direction there, and ``history`` would show it. But they are a pure function of the (hash-checked) snapshots,
so they can be checked by deriving them again: :func:`check_derived` copies the snapshots into a scratch SQLite
ledger, rebuilds there (the real ledger is only read, so this works on a read-only one and takes no write lock),
and compares row by row. :func:`rebuild_reporting` rebuilds in place and says what the rebuild changed.

Rows are compared by content, not by id, and a lineage by its members (the string naming a lineage depends on the
order snapshots arrived in; which entities share it does not).
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from ledger.pipeline.derive import rebuild
from ledger.store import Ledger
from ledger.store.schema import (
    ChangeRow,
    DepartmentAliasRow,
    DepartmentRow,
    DiffRow,
    EntityValueRow,
    FindingRow,
    PublicationRow,
    SnapshotRow,
)

DERIVED_TABLES = ("entity_values", "diffs", "changes", "findings")

#: A derived row as compared: (table, id in its table, the content that must match).
_Row = tuple[str, int, tuple[Any, ...]]


@dataclass(frozen=True)
class TableDifference:
    """Rows of one derived table that are not what the snapshots derive to (``extra``: stored but not derived,
    i.e. forged or stale; ``missing``: derived but not stored) and, for each kind, the first one's description."""

    table: str
    extra: int
    missing: int
    first_extra: str | None = None
    first_missing: str | None = None

    def describe(self) -> str:
        parts = []
        if self.extra:
            parts.append(f"{self.extra} rows not derived from the snapshots (first: {self.first_extra})")
        if self.missing:
            parts.append(f"{self.missing} derived rows missing (first: {self.first_missing})")
        return f"{self.table}: " + "; ".join(parts)


@dataclass(frozen=True)
class DerivedReport:
    snapshots: int
    rows: int
    differences: list[TableDifference] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences

    @property
    def problems(self) -> list[str]:
        return [difference.describe() for difference in self.differences]


def check_derived(ledger: Ledger) -> DerivedReport:
    """Derive every current snapshot again in a scratch ledger and compare with the stored derived rows."""
    with ledger.read() as session:
        stored = derived_rows(session)
        copies = {
            table: [row.model_dump() for row in session.exec(select(table))]
            for table in (DepartmentRow, DepartmentAliasRow, SnapshotRow)
        }
        # the bytes are not needed to derive (and may be large): every column but ``content``
        columns = [column for column in PublicationRow.__table__.columns if column.name != "content"]  # type: ignore[attr-defined]
        publications = [{**row._asdict(), "content": b""} for row in session.execute(core_select(*columns))]
    with tempfile.TemporaryDirectory(prefix="ledger-derived-") as folder:
        with Ledger(f"sqlite:///{Path(folder) / 'scratch.db'}") as scratch, scratch.write() as session:
            if publications:
                session.execute(insert(PublicationRow), publications)
            # a department merged into another refers to it: rows first, then the references (foreign keys hold)
            merged = [(row["id"], row.pop("merged_into", None)) for row in copies[DepartmentRow]]
            for table in (DepartmentRow, DepartmentAliasRow, SnapshotRow):
                if copies[table]:
                    session.execute(insert(table), copies[table])
            for department_id, target in merged:
                if target is not None:
                    session.execute(
                        update(DepartmentRow)
                        .where(col(DepartmentRow.id) == department_id)
                        .values(merged_into=target)
                    )
            count = rebuild(session)
            derived = derived_rows(session)
            scratch.engine.dispose()
    return DerivedReport(count, len(stored), compare_rows(stored, derived))


def rebuild_reporting(session: Session) -> DerivedReport:
    """``rebuild`` in place, reporting which rows it replaced (``extra``) and added (``missing``)."""
    before = derived_rows(session)
    count = rebuild(session)
    return DerivedReport(count, len(before), compare_rows(before, derived_rows(session)))


def compare_rows(stored: list[_Row], derived: list[_Row]) -> list[TableDifference]:
    """Per table, the stored rows not derived and the derived rows not stored (by content, first by id)."""
    differences = []
    for table in DERIVED_TABLES:
        mine = [row for row in stored if row[0] == table]
        theirs = [row for row in derived if row[0] == table]
        extra = _not_in(mine, theirs)
        missing = _not_in(theirs, mine)
        if extra or missing:
            differences.append(
                TableDifference(
                    table,
                    len(extra),
                    len(missing),
                    _describe(extra[0]) if extra else None,
                    _describe(missing[0]) if missing else None,
                )
            )
    return differences


def _not_in(rows: list[_Row], other: list[_Row]) -> list[_Row]:
    """``rows`` left over once each is matched with an equal one of ``other`` (a multiset difference), by id."""
    available = Counter(content for _, _, content in other)
    left = []
    for row in sorted(rows, key=lambda r: r[1]):
        if available[row[2]]:
            available[row[2]] -= 1
        else:
            left.append(row)
    return left


def _describe(row: _Row) -> str:
    table, row_id, content = row
    names = _COLUMNS[table]
    shown = ", ".join(
        f"{name}={value!r}" for name, value in zip(names, content, strict=True) if len(str(value)) < 80
    )
    return f"{table} id {row_id}: {shown}"


_COLUMNS = {
    "entity_values": ("snapshot_id", "department_id", "entity", "key", "lineage", "label", "value", "form"),
    "diffs": (
        "snapshot_id", "base_snapshot_id", "scope", "added", "removed", "modified", "renamed", "moved",
        "budget_delta", "detections",
    ),
    "changes": (
        "diff", "snapshot_id", "entity", "key", "old_key", "change", "field", "direction", "tags", "record",
    ),
    "findings": ("snapshot_id", "rule", "severity", "key", "record"),
}  # fmt: skip


def derived_rows(session: Session) -> list[_Row]:
    """Every derived row as (table, id, content), content free of ids and times that differ between derivations."""
    rows: list[_Row] = []
    entity_rows = list(session.exec(select(EntityValueRow)))
    lineage_names = _lineage_names(entity_rows)
    for e in entity_rows:
        assert e.id is not None
        lineage = lineage_names[(e.department_id, e.entity, e.lineage)]
        content: tuple[Any, ...] = (
            e.snapshot_id,
            e.department_id,
            e.entity,
            e.key,
            lineage,
            e.label,
            e.value,
            e.form,
        )
        rows.append(("entity_values", e.id, content))
    diffs = {d.id: d for d in session.exec(select(DiffRow))}
    for d in diffs.values():
        assert d.id is not None
        counts = (d.added, d.removed, d.modified, d.renamed, d.moved)
        content = (d.snapshot_id, d.base_snapshot_id, d.scope, *counts, d.budget_delta, d.detections)
        rows.append(("diffs", d.id, content))
    for c in session.exec(select(ChangeRow)):
        assert c.id is not None
        diff = diffs.get(c.diff_id)
        pair = (
            f"{diff.base_snapshot_id}->{diff.snapshot_id}"
            if diff is not None
            else f"missing diff {c.diff_id}"
        )
        content = (
            pair,
            c.snapshot_id,
            c.entity,
            c.key,
            c.old_key,
            c.change,
            c.field,
            c.direction,
            c.tags,
            c.record,
        )
        rows.append(("changes", c.id, content))
    for f in session.exec(select(FindingRow)):
        assert f.id is not None
        rows.append(("findings", f.id, (f.snapshot_id, f.rule, f.severity, f.key, _canonical(f.record))))
    return rows


def _lineage_names(rows: Iterable[EntityValueRow]) -> dict[tuple[int, str, str], str]:
    """Each lineage named by its first member (snapshot id, key): the same name however it was first spelled."""
    members: dict[tuple[int, str, str], list[tuple[int, str]]] = {}
    for row in rows:
        members.setdefault((row.department_id, row.entity, row.lineage), []).append(
            (row.snapshot_id, row.key)
        )
    return {group: "{}:{}".format(*min(found)) for group, found in members.items()}


def _canonical(text: str) -> str:
    try:
        return json.dumps(json.loads(text), sort_keys=True, ensure_ascii=False)
    except ValueError:
        return text
