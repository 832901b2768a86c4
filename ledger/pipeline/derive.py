"""Derived, queryable data of a snapshot: entity values with lineage, diffs against its predecessors, findings.

Recording a snapshot calls :func:`derive_and_announce` (ingest and reparse do, inside the transaction that recorded
it): the derived rows are written and the results appended to the event log as ``changes-detected`` and
``finding-raised`` events, so the snapshot, what was derived from it and the events commit together or not at all.
``ledger rebuild`` runs :func:`derive_snapshot` again for every current snapshot after the derived tables were emptied. Nothing here is evidence: it can always be
recomputed from the immutable snapshots.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, insert, update
from sqlmodel import Session, col, or_, select

from ledger import store
from ledger.clock import now_text
from ledger.diff import DiffResult
from ledger.diff.entities import Entity
from ledger.diff.lineage import lineage, snapshot_entities
from ledger.findings import Finding, find
from ledger.findings import compare as compare_findings
from ledger.model import Snapshot
from ledger.model.canonical import decimal_text, to_jsonable
from ledger.query import comparisons as compare
from ledger.store import events
from ledger.store.schema import ChangeRow, DiffRow, EntityValueRow, FindingRow, SnapshotRow


@dataclass(frozen=True)
class Derived:
    """What deriving one snapshot produced: its stored diffs (with their results) and its findings."""

    diffs: list[tuple[DiffRow, DiffResult]]
    findings: list[Finding]


def _json(value: Any) -> str:
    return json.dumps(to_jsonable(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _value_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return decimal_text(value)
    return str(value)


def derive_and_announce(
    session: Session, row: SnapshotRow, *, reparse_of: SnapshotRow | None = None
) -> Derived:
    """Derive a just-recorded snapshot and append the events that say what was found."""
    derived = derive_snapshot(session, row, reparse_of=reparse_of)
    _announce(session, row, derived)
    return derived


def derive_snapshot(
    session: Session, row: SnapshotRow, *, reparse_of: SnapshotRow | None = None, recheck_claims: bool = True
) -> Derived:
    """Index ``row``'s entities, store its findings and its diffs against the snapshots it follows.

    ``recheck_claims``: tables re-check the claims of the narratives checked against them (off when every snapshot
    is derived anew: each narrative then finds every table already recorded)."""
    assert row.id is not None
    load = _Loader()
    snapshot = load(row)
    department_id = store.root_id(session, row.department_id)
    previous_revision = compare.previous_revision(session, row) or compare.earlier_part(session, row)
    previous_years = compare.previous_years(session, row)
    predecessors = [reparse_of or previous_revision] if (reparse_of or previous_revision) else previous_years
    _index_entities(session, row, department_id, snapshot, [p for p in predecessors if p is not None], load)
    findings = find(snapshot, **_claim_tables(session, row, load))
    _store_findings(session, row, findings)
    if recheck_claims and row.document_kind in compare.TABLE_KINDS:
        _recheck_claims(session, row, load)
    bases = [reparse_of, previous_revision, *previous_years]
    statements = compare.narrative_statements(session, row, snapshot)
    diffs = [
        _store_diff(
            session, compare.diff_rows(session, base, row, load(base), snapshot, statements), base, row
        )
        for base in {b.id: b for b in bases if b is not None}.values()
        if not _has_diff(session, base, row)
    ]
    for successor in _year_successors(session, row):
        if _has_diff(session, row, successor):
            continue
        session.flush()
        _relink(session, row, department_id, snapshot, successor, load(successor))
        diffs.append(
            _store_diff(
                session,
                compare.diff_rows(
                    session,
                    row,
                    successor,
                    snapshot,
                    load(successor),
                    compare.narrative_statements(session, successor, load(successor)),
                ),
                row,
                successor,
            )
        )
    session.flush()
    return Derived(diffs=diffs, findings=findings)


def _store_findings(session: Session, row: SnapshotRow, findings: Iterable[Finding]) -> None:
    assert row.id is not None
    session.add_all(
        FindingRow(snapshot_id=row.id, rule=f.rule, severity=f.severity, key=f.key, record=_json(f))
        for f in findings
    )


def _recheck_claims(session: Session, row: SnapshotRow, load: Callable[[SnapshotRow], Snapshot]) -> None:
    """New tables change what the claims checked against them find: the narrative of the same year (published
    apart from them) and the narratives of the next year (whose last year they are) get their findings again."""
    for dependant in compare.claims_checked_against(session, row):
        if not load(dependant).statements:
            continue
        session.execute(delete(FindingRow).where(col(FindingRow.snapshot_id) == dependant.id))
        _store_findings(session, dependant, find(load(dependant), **_claim_tables(session, dependant, load)))


def _claim_tables(
    session: Session, row: SnapshotRow, load: Callable[[SnapshotRow], Snapshot]
) -> dict[str, Snapshot | None]:
    """The tables the snapshot's narrative claims are checked against (see :func:`compare.claim_tables`)."""
    if not load(row).statements:
        return {}
    this_year, last_year = compare.claim_tables(session, row)
    return {
        "tables": load(this_year) if this_year is not None else None,
        "previous_year": load(last_year) if last_year is not None else None,
    }


class _Loader:
    """Each snapshot's JSON parsed once per derivation: a snapshot is the newer side of one diff and the older
    side of another, and its lineage is computed from the same parse."""

    def __init__(self) -> None:
        self._loaded: dict[int | None, Snapshot] = {}

    def __call__(self, row: SnapshotRow) -> Snapshot:
        if row.id not in self._loaded:
            self._loaded[row.id] = store.load_snapshot(row)
        return self._loaded[row.id]


def _index_entities(
    session: Session,
    row: SnapshotRow,
    department_id: int,
    snapshot: Snapshot,
    predecessors: list[SnapshotRow],
    load: Callable[[SnapshotRow], Snapshot],
) -> None:
    """Entity rows of ``row``; an entity aligned with one of a predecessor's inherits its lineage (a year that came
    as a tables file and a narrative has two predecessors: the first to align an entity gives it its lineage)."""
    inherited: dict[tuple[str, str], str] = {}
    for predecessor in predecessors:
        links = lineage(load(predecessor), snapshot)
        old_lineages = _lineages_of(session, predecessor)
        for (kind, key), old_key in links.items():
            if (kind, old_key) in old_lineages:
                inherited.setdefault((kind, key), old_lineages[(kind, old_key)])
    rows = _entity_rows(row, department_id, snapshot_entities(snapshot), inherited)
    _insert_many(session, EntityValueRow, rows)


def _insert_many(
    session: Session, table: type[EntityValueRow | ChangeRow], rows: list[dict[str, Any]]
) -> None:
    """One multi-row INSERT: derived rows are written, never read back as objects in this transaction, so
    building an ORM object for each (a few hundred per snapshot) would be most of the cost of deriving it."""
    if rows:
        session.execute(insert(table), rows)


def _entity_rows(
    row: SnapshotRow,
    department_id: int,
    entities: Iterable[Entity[Any]],
    inherited: dict[tuple[str, str], str],
) -> list[dict[str, Any]]:
    """``department_id``: the department as the ledger stands (merges followed), which history queries look up."""
    assert row.id is not None
    return [
        {
            "snapshot_id": row.id,
            "department_id": department_id,
            "entity": entity.kind,
            "key": entity.key,
            # A new entity starts its own lineage, named after where it first appeared.
            "lineage": inherited.get((entity.kind, entity.key), f"{row.id}:{entity.key}"),
            "label": entity.label,
            "value": _value_text(entity.main),
            "form": _json(entity.form),
        }
        for entity in entities
    ]


def _year_successors(session: Session, row: SnapshotRow) -> list[SnapshotRow]:
    """The next year's snapshots that compare with ``row`` (ingested after them) as their previous year."""
    following = store.current_snapshots(session, department_ids=[row.department_id], year=row.fiscal_year + 1)
    return [
        successor
        for successor in following
        if any(base.id == row.id for base in compare.previous_years(session, successor))
    ]


def _relink(
    session: Session,
    row: SnapshotRow,
    department_id: int,
    snapshot: Snapshot,
    successor: SnapshotRow,
    successor_snapshot: Snapshot,
) -> None:
    """``row`` arrived after the year that follows it: join the successor's lineages (and so every later
    version's) to the lineages of ``row``'s entities they align with."""
    links = lineage(snapshot, successor_snapshot)
    mine = _lineages_of(session, row)
    theirs = _lineages_of(session, successor)
    for (kind, key), old_key in links.items():
        joined, joining = mine.get((kind, old_key)), theirs.get((kind, key))
        if joined is None or joining is None or joined == joining:
            continue
        session.execute(
            update(EntityValueRow)
            .where(
                col(EntityValueRow.department_id) == department_id,
                col(EntityValueRow.entity) == kind,
                col(EntityValueRow.lineage) == joining,
            )
            .values(lineage=joined)
        )


def _lineages_of(session: Session, row: SnapshotRow) -> dict[tuple[str, str], str]:
    query = select(EntityValueRow).where(EntityValueRow.snapshot_id == row.id)
    return {(r.entity, r.key): r.lineage for r in session.exec(query)}


def _has_diff(session: Session, base: SnapshotRow, row: SnapshotRow) -> bool:
    query = select(DiffRow.id).where(DiffRow.base_snapshot_id == base.id, DiffRow.snapshot_id == row.id)
    return session.exec(query).first() is not None


def _store_diff(
    session: Session, result: DiffResult, base: SnapshotRow, row: SnapshotRow
) -> tuple[DiffRow, DiffResult]:
    assert base.id is not None and row.id is not None
    summary = result.summary
    diff = DiffRow(
        snapshot_id=row.id,
        base_snapshot_id=base.id,
        scope=result.scope,
        added=summary.added,
        removed=summary.removed,
        modified=summary.modified,
        renamed=summary.renamed,
        moved=summary.moved,
        budget_delta=_value_text(summary.budget.delta) if summary.budget else None,
        detections=_json(result.detections),
        created_at=now_text(),
    )
    session.add(diff)
    session.flush()
    assert diff.id is not None
    _insert_many(
        session,
        ChangeRow,
        [
            {
                "diff_id": diff.id,
                "snapshot_id": row.id,
                "entity": change.entity,
                "key": change.key,
                "old_key": change.old_key,
                "change": change.change,
                "field": change.field,
                "direction": change.direction,
                "tags": _json(change.tags),
                "record": _json(change),
            }
            for change in result.changes
        ],
    )
    return diff, result


def clear_derived(session: Session) -> None:
    """Empty every derived table (changes first: they reference diffs)."""
    for table in (ChangeRow, DiffRow, FindingRow, EntityValueRow):
        session.execute(delete(table))


def rebuild(session: Session) -> int:
    """Re-derive every current snapshot, series by series in publication order; returns how many."""
    clear_derived(session)
    return _derive_in_order(session, store.current_snapshots(session))


def _derive_in_order(session: Session, rows: list[SnapshotRow]) -> int:
    roots = {row.department_id: store.root_id(session, row.department_id) for row in rows}
    ordered = sorted(
        rows, key=lambda r: (roots[r.department_id], r.document_kind, r.fiscal_year, r.revision, r.id or 0)
    )
    for row in ordered:
        derive_snapshot(session, row, recheck_claims=False)
    return len(ordered)


def rederive_departments(session: Session, department_ids: Iterable[int]) -> int:
    """Re-derive the snapshots of these departments (each with everything merged into it) after a merge or a
    split changed which snapshots are one department's history; returns how many were derived."""
    members = store.group_ids(session, list(department_ids))
    snapshot_ids = list(
        session.exec(select(SnapshotRow.id).where(col(SnapshotRow.department_id).in_(members)))
    )
    diff_ids = select(DiffRow.id).where(
        or_(col(DiffRow.snapshot_id).in_(snapshot_ids), col(DiffRow.base_snapshot_id).in_(snapshot_ids))
    )
    session.execute(delete(ChangeRow).where(col(ChangeRow.diff_id).in_(diff_ids)))
    session.execute(delete(DiffRow).where(col(DiffRow.id).in_(diff_ids)))
    for table in (FindingRow, EntityValueRow):
        session.execute(delete(table).where(col(table.snapshot_id).in_(snapshot_ids)))
    return _derive_in_order(session, store.current_snapshots(session, department_ids=members))


#: How many new finding keys one finding-raised event lists (the rest are counted).
_LISTED_FINDINGS = 50


def _announce(session: Session, row: SnapshotRow, derived: Derived) -> None:
    """Append what deriving found as events: one changes-detected per stored diff, one finding-raised."""
    for diff, result in derived.diffs:
        events.append(
            session,
            events.CHANGES_DETECTED,
            f"snapshot/{diff.snapshot_id}",
            {
                "snapshot_id": diff.snapshot_id,
                "base_snapshot_id": diff.base_snapshot_id,
                "scope": diff.scope,
                "department": result.new.department,
                "fiscal_year": result.new.fiscal_year,
                "added": diff.added,
                "removed": diff.removed,
                "modified": diff.modified,
                "renamed": diff.renamed,
                "moved": diff.moved,
                "budget_delta": diff.budget_delta,
                "detections": sorted({d.code for d in result.detections}),
            },
        )
    base = _finding_base(session, row, derived)
    previous = _stored_findings(session, base) if base is not None else []
    comparison = compare_findings(previous, derived.findings)
    if comparison.new or comparison.resolved:
        events.append(
            session,
            events.FINDING_RAISED,
            f"snapshot/{row.id}",
            {
                "snapshot_id": row.id,
                "base_snapshot_id": base,
                "new": len(comparison.new),
                "resolved": len(comparison.resolved),
                "persisting": len(comparison.persisting),
                "new_findings": [
                    {"rule": f.rule, "severity": f.severity, "key": f.key}
                    for f in comparison.new[:_LISTED_FINDINGS]
                ],
            },
        )


def _finding_base(session: Session, row: SnapshotRow, derived: Derived) -> int | None:
    """The snapshot the findings are compared with: the closest one the snapshot was diffed against."""
    bases = [diff.base_snapshot_id for diff, _ in derived.diffs if diff.snapshot_id == row.id]
    if bases:
        return bases[0]
    stored = session.exec(select(DiffRow.base_snapshot_id).where(DiffRow.snapshot_id == row.id)).first()
    return stored


def _stored_findings(session: Session, snapshot_id: int) -> list[Finding]:
    rows = session.exec(select(FindingRow).where(FindingRow.snapshot_id == snapshot_id))
    return [Finding.model_validate_json(r.record) for r in rows]
