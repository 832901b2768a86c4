"""Which snapshots to compare: pairs named by references, year-over-year, revision by revision (docs/architecture.md §5–§6).

Year-over-year compares the latest revision of year N with the latest revision of year N-1 of the same document
kind; revision-to-revision compares each publication of a series with the one before it; two parses of one
publication are a ``reparse`` comparison, never a change by the department.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from ledger import store
from ledger.diff import DiffResult, diff_snapshots, scope_between
from ledger.errors import AmbiguousRefError, NotFoundError
from ledger.layouts.claims import with_entities
from ledger.model import NarrativeStatement, Snapshot
from ledger.store.schema import SnapshotRow


@dataclass(frozen=True)
class Comparison:
    old: SnapshotRow
    new: SnapshotRow
    old_ref: str
    new_ref: str
    result: DiffResult


def compare_rows(session: Session, old: SnapshotRow, new: SnapshotRow) -> Comparison:
    new_snapshot = store.load_snapshot(new)
    statements = narrative_statements(session, new, new_snapshot)
    result = diff_rows(old, new, store.load_snapshot(old), new_snapshot, statements)
    return Comparison(old, new, store.describe(session, old), store.describe(session, new), result)


def diff_rows(
    old: SnapshotRow,
    new: SnapshotRow,
    old_snapshot: Snapshot,
    new_snapshot: Snapshot,
    statements: list[NarrativeStatement] | None = None,
) -> DiffResult:
    """The diff of two stored snapshots whose content is already loaded (``old_snapshot`` is ``old``'s);
    ``statements``: the newer side's narrative claims matched to its entities (see :func:`narrative_statements`)."""
    scope = scope_between(
        old_snapshot, new_snapshot, same_publication=old.publication_id == new.publication_id
    )
    return diff_snapshots(
        old_snapshot,
        new_snapshot,
        scope=scope,
        old_hash=old.content_hash,
        new_hash=new.content_hash,
        statements=statements,
    )


def narrative_statements(
    session: Session, row: SnapshotRow, snapshot: Snapshot
) -> list[NarrativeStatement] | None:
    """The claims that explain ``row``'s changes: its own, or — for tables published apart from their narrative —
    those of the latest narrative of the same department and year, matched to these tables."""
    if snapshot.statements or snapshot.document_kind != "budget-tables":
        return None
    narrative = latest_in_series(session, row.department_id, row.fiscal_year, "budget-narrative")
    if narrative is None:
        return None
    return with_entities(store.load_snapshot(narrative).statements, snapshot)


def compare_refs(session: Session, old_ref: str, new_ref: str) -> Comparison:
    return compare_rows(session, store.resolve_ref(session, old_ref), store.resolve_ref(session, new_ref))


def latest_in_series(session: Session, department_id: int, year: int, kind: str) -> SnapshotRow | None:
    return store.latest_of(
        store.current_snapshots(session, department_ids=[department_id], year=year, kind=kind)
    )


def year_over_year(session: Session, department: str, year: int, kind: str | None = None) -> Comparison:
    """Year ``year`` against ``year - 1``: the latest revision of each, same document kind."""
    new = store.resolve_ref(session, f"{department}@{year}" + (f"/{kind}" if kind else ""))
    old = latest_in_series(session, new.department_id, year - 1, new.document_kind)
    if old is None:
        name = store.department_name(session, new.department_id)
        raise NotFoundError(
            f"no {new.document_kind} snapshot of {name} for {year - 1} to compare {year} with"
        )
    return compare_rows(session, old, new)


def previous_year(session: Session, row: SnapshotRow) -> SnapshotRow | None:
    return latest_in_series(session, row.department_id, row.fiscal_year - 1, row.document_kind)


#: The document kinds that carry a department's budget tables, the combined disclosure first.
TABLE_KINDS = ("budget-disclosure", "budget-tables")


def tables_of(session: Session, department_id: int, year: int) -> SnapshotRow | None:
    """The tables of one department-year, whichever file they came in: the latest combined disclosure, else the
    latest tables-only publication. A narrative published on its own is checked against these."""
    for kind in TABLE_KINDS:
        found = latest_in_series(session, department_id, year, kind)
        if found is not None:
            return found
    return None


def claim_tables(session: Session, row: SnapshotRow) -> tuple[SnapshotRow | None, SnapshotRow | None]:
    """The tables a snapshot's narrative claims are checked against: this year's when ``row`` is a narrative
    published apart from them (None when ``row`` has its own), and last year's."""
    this_year = tables_of(session, row.department_id, row.fiscal_year)
    last_year = tables_of(session, row.department_id, row.fiscal_year - 1)
    return (this_year if this_year is not None and this_year.id != row.id else None), last_year


def claims_checked_against(session: Session, tables: SnapshotRow) -> list[SnapshotRow]:
    """The snapshots whose claims :func:`claim_tables` checks against ``tables``: this year's narrative published
    apart from them, and next year's narrative or combined disclosure."""
    candidates = [
        latest_in_series(session, tables.department_id, tables.fiscal_year, "budget-narrative"),
        latest_in_series(session, tables.department_id, tables.fiscal_year + 1, "budget-narrative"),
        latest_in_series(session, tables.department_id, tables.fiscal_year + 1, "budget-disclosure"),
    ]
    found = [row for row in candidates if row is not None and row.id != tables.id]
    return [row for row in found if tables.id in {getattr(t, "id", None) for t in claim_tables(session, row)}]


def previous_revision(session: Session, row: SnapshotRow) -> SnapshotRow | None:
    """The publication before ``row`` in its series (current parse), or None for a first revision."""
    return store.latest_of(
        store.current_snapshots(
            session,
            department_ids=[row.department_id],
            year=row.fiscal_year,
            kind=row.document_kind,
            below_revision=row.revision,
        )
    )


def revisions(session: Session, ref: str) -> list[Comparison]:
    """Each revision of the series named by ``ref`` (``DEPARTMENT@YEAR[/KIND]``) against the one before it."""
    if "@" not in ref:
        raise AmbiguousRefError(f"--revisions needs DEPARTMENT@YEAR, not {ref!r}")
    latest = store.resolve_ref(session, ref)
    series = store.current_snapshots(
        session, department_ids=[latest.department_id], year=latest.fiscal_year, kind=latest.document_kind
    )
    series.sort(key=lambda r: (r.revision, r.id or 0))
    if len(series) < 2:
        raise NotFoundError(f"{store.describe(session, latest)} has no earlier revision to compare with")
    return [compare_rows(session, old, new) for old, new in zip(series, series[1:], strict=False)]
