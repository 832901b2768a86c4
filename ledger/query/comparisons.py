"""Which snapshots to compare: pairs named by references, year-over-year, revision by revision (docs/architecture.md §5–§6).

A department's year is one version for comparison whatever files it came in (:mod:`ledger.diff.facets`): year N is
compared with year N-1 facet by facet — the tables with the tables, the narrative with the narrative — each side
taken from the file that carries that facet (a tables file rather than a combined disclosure when a year has both).
Revision-to-revision compares each publication carrying a facet with the one before it in the same year; two parses
of one publication are a ``reparse`` comparison, never a change by the department. Two departments, or two kinds
of file with nothing in common, are a ``cross-department`` / ``cross-kind`` comparison.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlmodel import Session, select

from ledger import store
from ledger.diff import DiffResult, diff_snapshots, scope_between
from ledger.diff.facets import KIND_FACETS, common_facets, facet_view, facets_of
from ledger.errors import AmbiguousRefError, LedgerError, NotFoundError
from ledger.layouts.claims import with_entities
from ledger.model import NarrativeStatement, Snapshot
from ledger.store.schema import DepartmentRow, PublicationRow, SnapshotRow


@dataclass(frozen=True)
class Comparison:
    """One comparison: the two snapshots, their refs and the files they came from, the facets compared (when the
    two are a year's parts: ``("tables",)``) and the diff."""

    old: SnapshotRow
    new: SnapshotRow
    old_ref: str
    new_ref: str
    result: DiffResult
    old_file: str = ""
    new_file: str = ""
    facets: tuple[str, ...] = ()


def compare_rows(session: Session, old: SnapshotRow, new: SnapshotRow) -> Comparison:
    """``old`` against ``new``, each naming its department as the ledger stands (merges followed)."""
    new_snapshot = store.load_named(session, new)
    statements = narrative_statements(session, new, new_snapshot)
    result = diff_rows(session, old, new, store.load_named(session, old), new_snapshot, statements)
    old_file, new_file, facets = (
        filename_of(session, old),
        filename_of(session, new),
        _facets_compared(old, new),
    )
    result = result.model_copy(
        update={
            "old": result.old.model_copy(update={"source": old_file, "facets": list(facets)}),
            "new": result.new.model_copy(update={"source": new_file, "facets": list(facets)}),
        }
    )
    return Comparison(
        old,
        new,
        store.describe(session, old),
        store.describe(session, new),
        result,
        old_file=old_file,
        new_file=new_file,
        facets=facets,
    )


def _facets_compared(old: SnapshotRow, new: SnapshotRow) -> tuple[str, ...]:
    """The facets compared when the two are different kinds of file (empty: the same kind, compared whole)."""
    if old.document_kind == new.document_kind:
        return ()
    return common_facets(old.document_kind, new.document_kind)


def filename_of(session: Session, row: SnapshotRow) -> str:
    """The name of the file the snapshot was parsed from (the publication's bytes are not loaded)."""
    query = select(PublicationRow.filename).where(PublicationRow.id == row.publication_id)
    return session.exec(query).first() or ""


def diff_rows(
    session: Session,
    old: SnapshotRow,
    new: SnapshotRow,
    old_snapshot: Snapshot,
    new_snapshot: Snapshot,
    statements: list[NarrativeStatement] | None = None,
) -> DiffResult:
    """The diff of two stored snapshots whose content is already loaded (``old_snapshot`` is ``old``'s);
    ``statements``: the newer side's narrative claims matched to its entities (see :func:`narrative_statements`).

    Two kinds of file are compared on the facets they share, both sides projected onto them; two snapshots of one
    department (merged departments included) compare under one name, so a merge is not a department change.
    """
    same_department = store.same_department(session, old.department_id, new.department_id)
    facets = common_facets(old.document_kind, new.document_kind)
    if old.document_kind != new.document_kind and facets:
        old_snapshot, new_snapshot = facet_view(old_snapshot, facets), facet_view(new_snapshot, facets)
    if same_department and old_snapshot.department.name != new_snapshot.department.name:
        department = old_snapshot.department.model_copy(update={"name": new_snapshot.department.name})
        old_snapshot = old_snapshot.model_copy(update={"department": department})
    scope = scope_between(
        old_snapshot,
        new_snapshot,
        same_publication=old.publication_id == new.publication_id,
        same_department=same_department,
        comparable_kinds=bool(facets),
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
    if snapshot.statements:  # explicit: a view of one facet of the snapshot would not carry them
        return list(snapshot.statements)
    if snapshot.document_kind != "budget-tables":
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


def provider(rows: list[SnapshotRow], facet: str) -> SnapshotRow | None:
    """Among one year's snapshots, the one to compare ``facet`` on: the latest publication of the kind that carries
    only that facet (a tables file), else of a kind that carries it with others (a combined disclosure)."""
    carrying = [row for row in rows if facet in facets_of(row.document_kind)]
    dedicated = [row for row in carrying if facets_of(row.document_kind) == (facet,)]
    return max(dedicated or carrying, key=lambda r: (r.publication_id, r.id or 0), default=None)


def year_pairs(
    old_rows: list[SnapshotRow], new_rows: list[SnapshotRow], facets: tuple[str, ...] | None = None
) -> list[tuple[SnapshotRow, SnapshotRow]]:
    """Year N-1 against year N facet by facet (``facets``: only those), one pair per distinct couple of files."""
    wanted = facets or tuple(dict.fromkeys(f for row in new_rows for f in facets_of(row.document_kind)))
    pairs: dict[tuple[int | None, int | None], tuple[SnapshotRow, SnapshotRow]] = {}
    for facet in wanted:
        old, new = provider(old_rows, facet), provider(new_rows, facet)
        if old is not None and new is not None:
            pairs.setdefault((old.id, new.id), (old, new))
    return list(pairs.values())


_T = TypeVar("_T", int, str)
_TARGET = re.compile(r"^(?P<dept>.+?)(?:@(?P<year>\d{4})(?:r\d+)?)?(?:/(?P<kind>[\w-]+))?$")


def year_over_year(
    session: Session, target: str, year: int | None = None, kind: str | None = None
) -> list[Comparison]:
    """Year ``year`` against ``year - 1`` of one department, like with like (see the module's docstring).

    ``target`` is a department name (or part of one), or a REF ``DEPARTMENT@YEAR[/KIND]`` — its year and kind
    stand for ``year`` and ``kind`` when those are not given, and must agree with them when they are.
    """
    match = _TARGET.match(target.strip())
    if match is None:
        raise NotFoundError(f"no department matches {target!r}")
    year = _agreeing("year", year, int(match["year"]) if match["year"] else None, target)
    kind = _agreeing("kind", kind, match["kind"], target)
    if year is None:
        raise LedgerError(
            f"a year is needed to compare with the one before it: {target}@YEAR, or --year YEAR"
        )
    department = one_department(
        session, match["dept"], ref=target, works=lambda d: _comparable(session, d, year, kind)
    )
    assert department.id is not None
    old_rows, new_rows = _year_rows(session, department.id, year, kind)
    if not new_rows:
        raise NotFoundError(f"no {kind + ' ' if kind else ''}snapshot of {department.name} for {year}")
    pairs = year_pairs(old_rows, new_rows, facets_of(kind) if kind else None)
    if not pairs:
        kinds = kind or "/".join(sorted({r.document_kind for r in new_rows}))
        have = ", ".join(sorted({r.document_kind for r in old_rows}))
        raise NotFoundError(
            f"no {kinds} snapshot of {department.name} for {year - 1} to compare {year} with"
            + (f" ({year - 1} has {have})" if have else "")
        )
    return [compare_rows(session, old, new) for old, new in pairs]


def _agreeing(what: str, given: _T | None, in_ref: _T | None, target: str) -> _T | None:
    if given is not None and in_ref is not None and given != in_ref:
        raise LedgerError(f"{target} names {what} {in_ref}, but --{what} says {given}")
    return given if given is not None else in_ref


def one_department(
    session: Session, text: str, *, ref: str | None = None, works: Callable[[int], bool] | None = None
) -> DepartmentRow:
    """The one department ``text`` names. An ambiguity lists the references that would each name one — those of
    the departments where ``works`` (given a department id) says the command would find what it needs."""
    found = store.departments_matching(session, text)
    if not found:
        raise NotFoundError(f"no department matches {text!r}")
    if len(found) > 1:
        having = [d for d in found if works is None or works(d.id or 0)]
        if not having:
            names = ", ".join(d.name for d in found)
            raise NotFoundError(
                f"{text!r} matches several departments ({names}), none with {ref or text} to compare"
            )
        suffix = (ref or text)[len(text) :]
        raise AmbiguousRefError(
            f"{text!r} matches several departments",
            ref=ref or text,
            choices=[f"{d.name}{suffix}" for d in having],
        )
    return found[0]


def _year_rows(
    session: Session, department_id: int, year: int, kind: str | None
) -> tuple[list[SnapshotRow], list[SnapshotRow]]:
    """A department's snapshots of ``year - 1`` and of ``year`` (those sharing a facet with ``kind``, if given)."""
    new_rows = store.current_snapshots(session, department_ids=[department_id], year=year)
    old_rows = store.current_snapshots(session, department_ids=[department_id], year=year - 1)
    if kind is not None:
        new_rows = [row for row in new_rows if set(facets_of(row.document_kind)) & set(facets_of(kind))]
    return old_rows, new_rows


def _comparable(session: Session, department_id: int, year: int, kind: str | None) -> bool:
    old_rows, new_rows = _year_rows(session, department_id, year, kind)
    return bool(year_pairs(old_rows, new_rows, facets_of(kind) if kind else None))


def _has_revisions(session: Session, department_id: int, year: int) -> bool:
    return len(store.current_snapshots(session, department_ids=[department_id], year=year)) > 1


def previous_years(session: Session, row: SnapshotRow) -> list[SnapshotRow]:
    """The snapshots of the year before that ``row`` compares with, one per facet it carries (deduplicated)."""
    old_rows = store.current_snapshots(session, department_ids=[row.department_id], year=row.fiscal_year - 1)
    return [old for old, _ in year_pairs(old_rows, [row])]


def previous_year(session: Session, row: SnapshotRow) -> SnapshotRow | None:
    """The closest previous-year snapshot ``row`` compares with (its first facet's)."""
    found = previous_years(session, row)
    return found[0] if found else None


#: The document kinds that carry a department's budget tables (the ``tables`` facet).
TABLE_KINDS = tuple(kind for kind, facets in KIND_FACETS.items() if "tables" in facets)


def tables_of(session: Session, department_id: int, year: int) -> SnapshotRow | None:
    """The tables of one department-year, whichever file they came in (:func:`provider` of the ``tables`` facet:
    a tables file, else a combined disclosure). A narrative published on its own is checked against these."""
    return provider(store.current_snapshots(session, department_ids=[department_id], year=year), "tables")


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


def earlier_part(session: Session, row: SnapshotRow) -> SnapshotRow | None:
    """For the first file of its kind in a year that already has files of other kinds (a combined disclosure after
    a tables file): the latest earlier publication of that year sharing a facet with it — what ``--revisions``
    compares it with first."""
    earlier = [
        other
        for other in store.current_snapshots(
            session, department_ids=[row.department_id], year=row.fiscal_year
        )
        if other.publication_id < row.publication_id
        and set(facets_of(other.document_kind)) & set(facets_of(row.document_kind))
    ]
    return max(earlier, key=lambda r: (r.publication_id, r.id or 0), default=None)


def revisions(session: Session, ref: str, kind: str | None = None) -> list[Comparison]:
    """Each publication of the year named by ``ref`` (``DEPARTMENT@YEAR[/KIND]``) against the one before it that
    carries the same facet — within a kind, a revision; a combined disclosure after a tables file, on the tables."""
    match = store.SERIES_REF.match(ref.strip())
    if match is None:
        raise LedgerError(f"--revisions needs DEPARTMENT@YEAR[/KIND], not {ref!r}")
    year = int(match["year"])
    department = one_department(
        session, match["dept"], ref=ref, works=lambda d: _has_revisions(session, d, year)
    )
    assert department.id is not None
    kind = _agreeing("kind", kind, match["kind"], ref)
    rows = store.current_snapshots(session, department_ids=[department.id], year=year)
    if kind is not None:
        rows = [row for row in rows if set(facets_of(row.document_kind)) & set(facets_of(kind))]
    if not rows:
        raise NotFoundError(f"no snapshot for {ref}")
    rows.sort(key=lambda r: (r.publication_id, r.id or 0))
    pairs: dict[tuple[int | None, int | None], tuple[SnapshotRow, SnapshotRow]] = {}
    for facet in dict.fromkeys(f for row in rows for f in facets_of(row.document_kind)):
        if kind is not None and facet not in facets_of(kind):
            continue
        carrying = [row for row in rows if facet in facets_of(row.document_kind)]
        for old, new in zip(carrying, carrying[1:], strict=False):
            pairs.setdefault((old.id, new.id), (old, new))
    if not pairs:
        what = store.describe(session, rows[0]) if len(rows) == 1 else f"{department.name}@{year}"
        raise NotFoundError(f"{what} has no earlier revision to compare with")
    ordered = sorted(pairs.values(), key=lambda pair: (pair[1].publication_id, pair[0].publication_id))
    return [compare_rows(session, old, new) for old, new in ordered]
