"""Audit queries over the ledger's history (docs/architecture.md §7): a department's versions, and the timeline of one budget line,
project or indicator across every version, matched the way the diff engine matches.

Timelines read the derived tables (``entity_values``, ``diffs``, ``changes``), never snapshot JSON. ``as_of``
answers with the ledger as it stood at that moment.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, col, or_, select

from ledger import store
from ledger.diff.facets import common_facets, facets_of
from ledger.diff.programs import allocation_notice, fund_year, program_name
from ledger.errors import AmbiguousRefError, LedgerError, NotFoundError
from ledger.query.comparisons import filename_of
from ledger.store.schema import ChangeRow, DepartmentRow, DiffRow, EntityValueRow, SnapshotRow

_LINE_KINDS = ("function_line", "fiscal_function_line", "economic_line", "budget_line", "account_line")


@dataclass(frozen=True)
class StoredDiffCounts:
    base: str
    scope: str
    added: int
    removed: int
    modified: int
    renamed: int
    moved: int
    budget_delta: str | None
    #: The base's file, and what was compared when it is another kind of file (``["tables"]``; empty: the whole).
    base_source: str = ""
    facets: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Version:
    """One version of a department's publications: a snapshot, with what changed against its predecessors."""

    snapshot_id: int
    ref: str
    fiscal_year: int
    document_kind: str
    revision: int
    recorded_at: str
    content_hash: str
    parser: str
    diffs: list[StoredDiffCounts]
    #: The file this version was parsed from (a year may be a tables file and a narrative).
    source: str = ""


@dataclass
class Step:
    """An entity at one version: its value (``present`` False when that version does not have it) and the change
    records of the comparison that led to this version."""

    snapshot_id: int
    ref: str
    fiscal_year: int
    revision: int
    present: bool
    label: str | None = None
    value: str | None = None
    changes: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Timeline:
    entity: str
    label: str
    steps: list[Step]


@dataclass(frozen=True)
class AllocationSpan:
    """One allocation of a program (资金项目) and the versions that hold it."""

    fund_year: int
    notice: str
    label: str
    versions: list[str]


@dataclass(frozen=True)
class ProgramHistory:
    """A notice-funded program across the versions: its yearly allocations in fund-year order
    (:mod:`ledger.diff.programs`)."""

    program: str
    allocations: list[AllocationSpan]

    @property
    def chain(self) -> str:
        """``2023 秦财企[2022]692号 → 2024 秦财企[2023]649号 → 2025 秦财企[2024]611号``."""
        return " → ".join(f"{a.fund_year} {a.notice}" for a in self.allocations)


def program_histories(timelines: list[Timeline]) -> list[ProgramHistory]:
    """The programs among the project timelines: projects named after a funding notice, grouped by their name
    without notice refs and years, when a program has allocations of more than one fund year."""
    programs: dict[str, list[AllocationSpan]] = defaultdict(list)
    for timeline in timelines:
        if timeline.entity != "project":
            continue
        notice = allocation_notice(timeline.label)
        year = fund_year(timeline.label, None)
        if notice is None or year is None:
            continue
        programs[program_name(timeline.label)].append(
            AllocationSpan(
                fund_year=year,
                notice=notice,
                label=timeline.label,
                versions=[step.ref for step in timeline.steps if step.present],
            )
        )
    return [
        ProgramHistory(program=name, allocations=sorted(spans, key=lambda a: (a.fund_year, a.notice)))
        for name, spans in programs.items()
        if len({span.fund_year for span in spans}) > 1
    ]


def parse_as_of(text: str | None) -> str | None:
    """``2024-05-01`` (the end of that day, UTC) or a full ISO timestamp → the stored timestamp form."""
    if text is None:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text).isoformat() + "T23:59:59.999999Z"
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise LedgerError(f"--as-of takes a date (2024-05-01) or an ISO timestamp, not {text!r}") from exc
    if moment.tzinfo is None:
        raise LedgerError(f"--as-of {text!r} needs a time zone (e.g. 2024-05-01T12:00:00Z)")

    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def department_of(session: Session, text: str) -> DepartmentRow:
    found = store.departments_matching(session, text)
    if not found:
        raise NotFoundError(f"no department matches {text!r}")
    if len(found) > 1:
        raise AmbiguousRefError(
            f"{text!r} matches several departments", ref=text, choices=[d.name for d in found]
        )
    return found[0]


def _versions(
    session: Session, department: DepartmentRow, as_of: str | None, kind: str | None = None
) -> list[SnapshotRow]:
    assert department.id is not None
    rows = store.current_snapshots(session, as_of=as_of, department_ids=[department.id])
    if (
        kind is not None
    ):  # the kind and every kind sharing a facet with it (tables: a combined disclosure too)
        rows = [row for row in rows if set(facets_of(row.document_kind)) & set(facets_of(kind))]
    return sorted(rows, key=lambda r: (r.document_kind, r.fiscal_year, r.revision, r.id or 0))


def department_history(
    session: Session, department: str, *, as_of: str | None = None, kind: str | None = None
) -> list[Version]:
    """Every version of the department's publications, with change counts and budget delta against predecessors
    (year over year, like with like: a tables file against the previous year's tables, from whatever file)."""
    found = department_of(session, department)
    rows = _versions(session, found, as_of, kind)
    by_id = {row.id: row for row in rows}
    diffs: dict[int, list[DiffRow]] = defaultdict(list)
    if rows:
        query = select(DiffRow).where(col(DiffRow.snapshot_id).in_(list(by_id))).order_by(col(DiffRow.id))
        for diff in session.exec(query):
            if diff.base_snapshot_id in by_id or as_of is None:
                diffs[diff.snapshot_id].append(diff)
    names = {row.id: store.describe(session, row) for row in rows}
    return [
        Version(
            snapshot_id=row.id or 0,
            ref=names[row.id],
            fiscal_year=row.fiscal_year,
            document_kind=row.document_kind,
            revision=row.revision,
            recorded_at=row.recorded_at,
            content_hash=row.content_hash,
            parser=f"{row.parser_name}/{row.parser_version}",
            diffs=[_summary(session, d, names, row) for d in diffs[row.id or 0]],
            source=filename_of(session, row),
        )
        for row in rows
    ]


def _summary(
    session: Session, diff: DiffRow, names: dict[int | None, str], row: SnapshotRow
) -> StoredDiffCounts:
    base_row = session.get(SnapshotRow, diff.base_snapshot_id)
    base = names.get(diff.base_snapshot_id)
    if base is None:
        base = store.describe(session, base_row) if base_row else f"#{diff.base_snapshot_id}"
    other_kind = base_row is not None and base_row.document_kind != row.document_kind
    return StoredDiffCounts(
        base_source=filename_of(session, base_row) if base_row else "",
        facets=list(common_facets(base_row.document_kind, row.document_kind))
        if base_row and other_kind
        else [],
        base=base,
        scope=diff.scope,
        added=diff.added,
        removed=diff.removed,
        modified=diff.modified,
        renamed=diff.renamed,
        moved=diff.moved,
        budget_delta=diff.budget_delta,
    )


def entity_timelines(
    session: Session,
    department: str,
    *,
    project: str | None = None,
    indicator: str | None = None,
    line: str | None = None,
    as_of: str | None = None,
) -> list[Timeline]:
    """The value of each matching entity at every version, and the change records at each step.

    ``project``: a project name or code (part of one); ``indicator``: part of an indicator's name (with ``project``,
    only that project's indicators); ``line``: a subject code (2080101, 30101) or part of a budget line's name.
    """
    found = department_of(session, department)
    versions = _versions(session, found, as_of)
    if not versions:
        return []
    query = select(EntityValueRow).where(
        EntityValueRow.department_id == found.id,
        col(EntityValueRow.snapshot_id).in_([v.id for v in versions]),
        *_entity_filter(project, indicator, line),
    )
    matching = list(session.exec(query))
    lineages = {(row.entity, row.lineage) for row in matching}
    if not lineages:
        return []
    members = _lineage_members(session, found, versions, lineages)
    return [_timeline(session, kind, rows, versions) for (kind, _), rows in members.items()]


def _entity_filter(project: str | None, indicator: str | None, line: str | None) -> list[Any]:
    if indicator is not None:
        conditions: list[Any] = [
            EntityValueRow.entity == "indicator",
            col(EntityValueRow.label).contains(indicator),
        ]
        if project is not None:
            conditions.append(
                or_(col(EntityValueRow.label).contains(project), col(EntityValueRow.key).contains(project))
            )
        return conditions
    if project is not None:
        return [
            EntityValueRow.entity == "project",
            or_(col(EntityValueRow.label).contains(project), col(EntityValueRow.key).contains(project)),
        ]
    if line is not None:
        by_code = line.isdigit()
        return [
            col(EntityValueRow.entity).in_(_LINE_KINDS),
            EntityValueRow.key == line if by_code else col(EntityValueRow.label).contains(line),
        ]
    raise LedgerError("say what to follow: --project, --indicator or --line")


def _lineage_members(
    session: Session, department: DepartmentRow, versions: list[SnapshotRow], lineages: set[tuple[str, str]]
) -> dict[tuple[str, str], list[EntityValueRow]]:
    query = select(EntityValueRow).where(
        EntityValueRow.department_id == department.id,
        col(EntityValueRow.lineage).in_(sorted({lineage for _, lineage in lineages})),
        col(EntityValueRow.snapshot_id).in_([v.id for v in versions]),
    )
    members: dict[tuple[str, str], list[EntityValueRow]] = defaultdict(list)
    for row in session.exec(query):
        if (row.entity, row.lineage) in lineages:
            members[(row.entity, row.lineage)].append(row)
    return dict(sorted(members.items(), key=lambda item: min(r.id or 0 for r in item[1])))


def _timeline(
    session: Session, kind: str, rows: list[EntityValueRow], versions: list[SnapshotRow]
) -> Timeline:
    by_snapshot = {row.snapshot_id: row for row in rows}
    kinds = {v.document_kind for v in versions if v.id in by_snapshot}
    series = [v for v in versions if v.document_kind in kinds]
    if (
        len(kinds) > 1
    ):  # a line in a combined year and in a tables year: one timeline, in the order of the years
        series.sort(key=lambda v: (v.fiscal_year, v.publication_id, v.id or 0))
    steps: list[Step] = []
    previous: SnapshotRow | None = None
    previous_key: str | None = None
    for version in series:
        row = by_snapshot.get(version.id or 0)
        step = Step(
            snapshot_id=version.id or 0,
            ref=store.describe(session, version),
            fiscal_year=version.fiscal_year,
            revision=version.revision,
            present=row is not None,
            label=row.label if row else None,
            value=row.value if row else None,
        )
        if previous is not None:
            keys = {k for k in (row.key if row else None, previous_key) if k}
            step.changes = _changes(session, kind, keys, previous, version)
        steps.append(step)
        previous, previous_key = version, (row.key if row else previous_key)
    latest = next((s.label for s in reversed(steps) if s.label), rows[-1].label)
    return Timeline(entity=kind, label=latest, steps=steps)


def _changes(
    session: Session, kind: str, keys: set[str], base: SnapshotRow, row: SnapshotRow
) -> list[dict[str, Any]]:
    diff = session.exec(
        select(DiffRow).where(DiffRow.snapshot_id == row.id, DiffRow.base_snapshot_id == base.id)
    ).first()
    if diff is None or not keys:
        return []
    query = select(ChangeRow).where(
        ChangeRow.diff_id == diff.id,
        ChangeRow.entity == kind,
        or_(col(ChangeRow.key).in_(sorted(keys)), col(ChangeRow.old_key).in_(sorted(keys))),
    )
    return [json.loads(change.record) for change in session.exec(query.order_by(col(ChangeRow.id)))]
