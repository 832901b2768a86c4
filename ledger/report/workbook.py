"""What the exports of diffs, histories and findings hold, and a department's audit workbook (审计底稿).

:mod:`ledger.report.writers` writes sheets of records; this module builds the records that are not a snapshot's:

- a diff (docs/architecture.md §6), :func:`diff_sheets`: ``diff_summary`` (汇总: counts and budget totals of each comparison),
  ``changes`` (变更: one row per change record), ``detections`` (检测);
- a history (docs/architecture.md §7), :func:`version_records` (版本: each version, one row per comparison it was diffed in) and
  :func:`timeline_records` (时间线: one row per entity per version);
- findings between two versions, :func:`findings_comparison_records` (status new, resolved, persisting);
- everything about a department at once, :func:`audit_sheets`: its versions, every *stored* change record and
  detection (the ``changes`` and ``diffs`` tables, never recomputed), the findings of every version with their
  status against the version it was diffed against, and the projects and indicators of the latest version of
  each series.

Change records are built from their JSON form, the form the ``changes`` table stores, so that a diff exported
straight from the engine and the same diff read back from the ledger give the same rows. In that form money is a
string; ``old`` and ``new`` become numbers again exactly when the record is a numeric change (it has a Δ): a
project's 预算数 ``16.5`` is a number, its code ``2080101`` stays text.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from ledger import store
from ledger.diff.records import DiffResult, Totals
from ledger.findings import Finding, FindingsComparison, compare
from ledger.model.canonical import decimal_text, to_jsonable
from ledger.query.history import Timeline, Version, department_history, department_of
from ledger.report.writers import Record, Sheets, findings_records, indicator_records, project_record
from ledger.store.schema import ChangeRow, DepartmentRow, DiffRow, FindingRow, SnapshotRow

#: ``(old version, new version, result)``: a comparison named the way people name versions
#: (``乐亭县人力资源和社会保障局@2024r1/department-targets``).
NamedDiff = tuple[str, str, DiffResult]

#: Entity kinds whose main value (the ``value`` of a timeline step) is an amount in 万元: the kinds whose entities
#: :mod:`ledger.diff.entities` builds with an amount, a line's 金额 or a 合计 as their main value.
AMOUNT_ENTITIES = frozenset(
    {
        "accounts",
        "budget_line",
        "account_line",
        "function_line",
        "fiscal_function_line",
        "economic_line",
        "procurement_line",
        "asset_line",
        "key_task",
        "project",
    }
)

#: The exact decimal text of a number as the canonical JSON writes it (never an exponent).
_DECIMAL_TEXT = re.compile(r"-?\d+(?:\.\d+)?")

#: Which comparison a version's findings are measured against: the revision before it, else the year before.
#: A reparse compares two parses of one publication, never what the department changed.
_FINDING_BASE_SCOPES = ("revision", "yoy")


# --- diffs ----------------------------------------------------------------------------------------------------


def diff_sheets(diffs: Iterable[NamedDiff]) -> Sheets:
    """汇总, 变更 and 检测 of one comparison or of several (``ledger diff --revisions``), each row naming its pair."""
    summary: list[Record] = []
    changes: list[Record] = []
    detections: list[Record] = []
    for old, new, result in diffs:
        summary.append(diff_summary_record(result, old, new))
        changes += [change_record(to_jsonable(change), old, new) for change in result.changes]
        detections += [detection_record(to_jsonable(found), old, new) for found in result.detections]
    return {"diff_summary": summary, "changes": changes, "detections": detections}


def snapshot_name(result: DiffResult, side: str) -> str:
    """``DEPARTMENT@YEAR/KIND`` for one side of a result compared outside the ledger (no revision is known)."""
    ref = result.old if side == "old" else result.new
    return f"{ref.department}@{ref.fiscal_year}/{ref.document_kind}"


def diff_summary_record(result: DiffResult, old: str, new: str) -> Record:
    summary = result.summary
    record: Record = {
        "old_version": old,
        "new_version": new,
        "scope": result.scope,
        "total": summary.total,
        "added": summary.added,
        "removed": summary.removed,
        "modified": summary.modified,
        "renamed": summary.renamed,
        "moved": summary.moved,
    }
    record.update(_totals("budget", summary.budget))
    record.update(_totals("project_budget", summary.project_budget))
    record["detections"] = len(result.detections)
    record["notes"] = list(result.notes)
    return record


def _totals(name: str, totals: Totals) -> Record:
    return {
        f"{name}_old": _number(totals.old),
        f"{name}_new": _number(totals.new),
        f"{name}_delta": _number(totals.delta),
        f"{name}_pct": _number(totals.pct),
    }


def change_record(change: Mapping[str, Any], old: str, new: str) -> Record:
    """One change record (its JSON form, as stored in the ``changes`` table) as a row of 变更."""
    delta = _number(change.get("delta"))
    numeric = delta is not None
    return {
        "old_version": old,
        "new_version": new,
        "scope": change["scope"],
        "entity": change["entity"],
        "label": change["label"],
        "change": change["change"],
        "field": change.get("field"),
        "field_label": change.get("field_label"),
        "old": _change_value(change.get("old"), numeric=numeric),
        "new": _change_value(change.get("new"), numeric=numeric),
        "delta": delta,
        "pct": _number(change.get("pct")),
        "direction": change.get("direction"),
        "matched_by": change.get("matched_by"),
        "score": _number(change.get("score")),
        "tags": [str(tag) for tag in change.get("tags") or ()],
        "key": change["key"],
        "old_key": change.get("old_key"),
    }


def detection_record(detection: Mapping[str, Any], old: str, new: str) -> Record:
    """One detection (its JSON form, as stored with the diff) as a row of 检测."""
    return {
        "old_version": old,
        "new_version": new,
        "code": detection["code"],
        "tag": detection["tag"],
        "entity": detection.get("entity"),
        "where": detection["where"],
        "message": detection["message"],
        "field": detection.get("field"),
        "key": detection.get("key"),
        # In key order: the stored form sorts its keys, and both forms must give the same row.
        "evidence": dict(sorted((detection.get("evidence") or {}).items())),
    }


def _number(value: object) -> Decimal | None:
    """A Decimal (or its canonical text) as one spelling per number: ``16.50`` and ``"16.5"`` are both 16.5."""
    if isinstance(value, Decimal):
        return Decimal(decimal_text(value))
    if isinstance(value, str) and _DECIMAL_TEXT.fullmatch(value):
        return Decimal(value)
    return None


def _change_value(value: object, *, numeric: bool) -> str | int | bool | Decimal | list[str] | None:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    if numeric and isinstance(value, str) and _DECIMAL_TEXT.fullmatch(value):
        return Decimal(value)
    return str(value)


# --- history --------------------------------------------------------------------------------------------------


def version_records(versions: Iterable[Version]) -> list[Record]:
    """版本: each version; a version diffed against several predecessors (its revision and its year) has a row per
    comparison, a first version one row without a comparison."""
    records: list[Record] = []
    for version in versions:
        identity: Record = {
            "version": version.ref,
            "snapshot_id": version.snapshot_id,
            "fiscal_year": version.fiscal_year,
            "document_kind": version.document_kind,
            "revision": version.revision,
            "recorded_at": version.recorded_at,
            "content_hash": version.content_hash,
            "parser": version.parser,
        }
        if not version.diffs:
            records.append(identity)
        records += [
            {
                **identity,
                "base": diff.base,
                "scope": diff.scope,
                "added": diff.added,
                "removed": diff.removed,
                "modified": diff.modified,
                "renamed": diff.renamed,
                "moved": diff.moved,
                "budget_delta": _number(diff.budget_delta),
            }
            for diff in version.diffs
        ]
    return records


def timeline_records(timelines: Iterable[Timeline]) -> list[Record]:
    """时间线: one row per entity per version, with its value then and the changes that led to it."""
    return [
        {
            "entity": timeline.entity,
            "label": timeline.label,
            "version": step.ref,
            "fiscal_year": step.fiscal_year,
            "revision": step.revision,
            "present": step.present,
            "label_then": step.label,
            "value": _entity_value(timeline.entity, step.value),
            "changes": [change_summary(change) for change in step.changes],
        }
        for timeline in timelines
        for step in timeline.steps
    ]


def _entity_value(entity: str, value: str | None) -> str | Decimal | None:
    if value is not None and entity in AMOUNT_ENTITIES and _DECIMAL_TEXT.fullmatch(value):
        return Decimal(value)
    return value


def change_summary(change: Mapping[str, Any]) -> str:
    """A change record (JSON form) in one line: ``modified 指标值: ≥8次 → ≥6次; loosened; Δ -2; matched by key``."""
    what = change.get("field_label") or change.get("field") or ""
    if change["change"] in ("added", "removed"):
        text = f"{change['change']} ({_shown(change.get('new') or change.get('old'))})"
    else:
        text = f"{change['change']} {what}: {_shown(change.get('old'))} → {_shown(change.get('new'))}"
    delta = change.get("delta")
    extras = [
        change.get("direction"),
        f"Δ {_signed(str(delta))}" if delta else None,
        f"matched by {change['matched_by']}" if change.get("matched_by") else None,
    ]
    return text + "".join(f"; {extra}" for extra in extras if extra)


def _shown(value: object) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def _signed(text: str) -> str:
    return text if text.startswith("-") else f"+{text}"


# --- findings -------------------------------------------------------------------------------------------------


def findings_comparison_records(
    comparison: FindingsComparison, *, snapshot: str | None = None, base: str | None = None
) -> list[Record]:
    """The findings of a newer version against an older one: new, resolved (the older version's), persisting."""
    statuses = (
        ("new", comparison.new),
        ("resolved", comparison.resolved),
        ("persisting", comparison.persisting),
    )
    return [
        record
        for status, listed in statuses
        for record in findings_records(listed, snapshot=snapshot, status=status, base=base)
    ]


# --- the audit workbook ---------------------------------------------------------------------------------------


def audit_sheets(session: Session, department: str | None = None) -> Sheets:
    """Everything the ledger knows about ``department`` (every department when None), as sheets.

    版本 (versions), 变更 (changes) and 检测 (detections) of every stored diff, 审计发现 (findings) of every current
    snapshot with their status, and 项目 / 绩效指标 of the latest revision of each series.
    """
    departments = _departments(session, department)
    ids = [d.id for d in departments if d.id is not None]
    rows = sorted(
        store.current_snapshots(session, department_ids=ids),
        key=lambda r: (r.department_id, r.document_kind, r.fiscal_year, r.revision, r.id or 0),
    )
    names = _Names(session)
    diffs = _stored_diffs(session, rows)
    changes, detections = _stored_changes(session, diffs, names)
    latest = [(names(row.id), store.load_named(session, row)) for row in _latest_of_each_series(rows)]
    return {
        "versions": [
            record
            for found in departments
            for record in version_records(department_history(session, found.name))
        ],
        "changes": changes,
        "detections": detections,
        "findings": _findings_with_status(session, rows, diffs, names),
        "projects": [
            {"snapshot": name, **project_record(project)}
            for name, snapshot in latest
            for project in snapshot.projects
        ],
        "indicators": [
            {"snapshot": name, **record}
            for name, snapshot in latest
            for record in indicator_records(snapshot)
        ],
    }


class _Names:
    """``store.describe`` of snapshots by id, each looked up once."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.known: dict[int, str] = {}

    def __call__(self, snapshot_id: int | None) -> str:
        assert snapshot_id is not None
        if snapshot_id not in self.known:
            row = self.session.get(SnapshotRow, snapshot_id)
            self.known[snapshot_id] = store.describe(self.session, row) if row else f"#{snapshot_id}"
        return self.known[snapshot_id]


def _departments(session: Session, department: str | None) -> list[DepartmentRow]:
    if department is not None:
        return [department_of(session, department)]
    # Merged departments are part of the one they were merged into: listed once, under its name.
    query = select(DepartmentRow).where(col(DepartmentRow.merged_into).is_(None))
    return list(session.exec(query.order_by(col(DepartmentRow.id))))


def _stored_diffs(session: Session, rows: Sequence[SnapshotRow]) -> list[DiffRow]:
    """The diffs leading to these snapshots, in the order of the snapshots, then in the order they were recorded
    (a year ingested after its successor is compared with it later, but read in year order)."""
    position = {row.id: number for number, row in enumerate(rows)}
    if not position:
        return []
    query = select(DiffRow).where(col(DiffRow.snapshot_id).in_(list(position)))
    return sorted(session.exec(query), key=lambda d: (position[d.snapshot_id], d.id or 0))


def _stored_changes(
    session: Session, diffs: Sequence[DiffRow], names: _Names
) -> tuple[list[Record], list[Record]]:
    pairs = {diff.id: (names(diff.base_snapshot_id), names(diff.snapshot_id)) for diff in diffs}
    order = {diff.id: number for number, diff in enumerate(diffs)}
    changes: list[Record] = []
    if pairs:
        query = select(ChangeRow).where(col(ChangeRow.diff_id).in_(list(pairs)))
        stored = sorted(session.exec(query), key=lambda c: (order[c.diff_id], c.id or 0))
        changes = [change_record(json.loads(row.record), *pairs[row.diff_id]) for row in stored]
    detections = [
        detection_record(found, *pairs[diff.id]) for diff in diffs for found in json.loads(diff.detections)
    ]
    return changes, detections


def _findings_with_status(
    session: Session, rows: Sequence[SnapshotRow], diffs: Sequence[DiffRow], names: _Names
) -> list[Record]:
    """Each version's stored findings, as new/resolved/persisting against the version its findings were compared
    with when it was recorded (see :mod:`ledger.reactions`); a first version's findings are all new."""
    bases = {row.id: _finding_base(row, diffs) for row in rows}
    wanted = {row.id for row in rows} | {base for base in bases.values() if base is not None}
    stored = _stored_findings(session, [snapshot_id for snapshot_id in wanted if snapshot_id is not None])
    records: list[Record] = []
    for row in rows:
        base = bases[row.id]
        comparison = compare(stored[base] if base is not None else [], stored[row.id or 0])
        records += findings_comparison_records(
            comparison, snapshot=names(row.id), base=names(base) if base is not None else None
        )
    return records


def _finding_base(row: SnapshotRow, diffs: Sequence[DiffRow]) -> int | None:
    """The previous revision (its newest parse), else the previous year, that ``row`` was diffed against."""
    candidates = [d for d in diffs if d.snapshot_id == row.id and d.scope in _FINDING_BASE_SCOPES]
    best = min(
        candidates,
        key=lambda d: (_FINDING_BASE_SCOPES.index(d.scope), -d.base_snapshot_id),
        default=None,
    )
    return best.base_snapshot_id if best is not None else None


def _stored_findings(session: Session, snapshot_ids: Sequence[int]) -> dict[int, list[Finding]]:
    found: dict[int, list[Finding]] = defaultdict(list)
    if snapshot_ids:
        query = (
            select(FindingRow)
            .where(col(FindingRow.snapshot_id).in_(snapshot_ids))
            .order_by(col(FindingRow.id))
        )
        for row in session.exec(query):
            found[row.snapshot_id].append(Finding.model_validate_json(row.record))
    return found


def _latest_of_each_series(rows: Sequence[SnapshotRow]) -> list[SnapshotRow]:
    """The latest revision of each (department, fiscal year, document kind), in department, kind, year order."""
    latest: dict[store.Series, SnapshotRow] = {}
    for row in rows:
        series = store.series_of(row)
        if series not in latest or (row.revision, row.id or 0) > (
            latest[series].revision,
            latest[series].id or 0,
        ):
            latest[series] = row
    return sorted(latest.values(), key=lambda r: (r.department_id, r.document_kind, r.fiscal_year))
