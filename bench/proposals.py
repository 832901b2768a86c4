"""Proposed fixes, measured by the benchmarks but NOT used by the library: the store is the lead's.

``store.current_snapshots`` loads every snapshot row of the ledger — canonical JSON included — and
``store.list_snapshots`` then filters it in Python. Everything that looks up snapshots builds on it:
``resolve_ref`` (every ``ledger show``/``diff``/``findings`` REF), ``ledger snapshots``, ``ledger history``
(``ledger.history._versions``), and on ingest ``ledger.compare.latest_in_series`` / ``previous_revision``, which
recording a snapshot calls three or four times (previous revision, previous year, next year's successor). So every
query costs O(ledger) and a bulk ingest O(ledger²).

The replacements below keep the meaning — a snapshot counts only if it is the newest parse of its publication (the
highest id; recorded by ``as_of`` when given) — but say it in SQL: a correlated subquery on the ``publication_id``
index, the filters (department, year, kind, hash prefix) in the WHERE clause where ``ix_snapshots_series`` and
``content_hash``'s index serve them, and ``canonical_json`` deferred (loaded only for the rows that are shown or
diffed). :func:`installed` swaps them in for the duration of a ``with`` block (benchmarks only).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import aliased, defer
from sqlmodel import Session, col, func, select

from ledger import compare, store
from ledger.errors import AmbiguousRefError, NotFoundError
from ledger.tables import DepartmentRow, EventRow, SnapshotRow


def _newest_parse(as_of: str | None = None) -> Any:
    newer = aliased(SnapshotRow)
    query = select(func.max(newer.id)).where(newer.publication_id == SnapshotRow.publication_id)
    if as_of is not None:
        query = query.where(newer.recorded_at <= as_of)
    return query.scalar_subquery()


def current_snapshots(
    session: Session,
    *,
    as_of: str | None = None,
    department_ids: list[int] | None = None,
    year: int | None = None,
    kind: str | None = None,
    below_revision: int | None = None,
) -> list[SnapshotRow]:
    """``store.current_snapshots`` with its filters in SQL and the JSON left unloaded until used."""
    query = select(SnapshotRow).where(SnapshotRow.id == _newest_parse(as_of))
    if department_ids is not None:
        query = query.where(col(SnapshotRow.department_id).in_(department_ids))
    if year is not None:
        query = query.where(SnapshotRow.fiscal_year == year)
    if kind:
        query = query.where(SnapshotRow.document_kind == kind)
    if below_revision is not None:
        query = query.where(SnapshotRow.revision < below_revision)
    query = query.options(defer(SnapshotRow.canonical_json))  # type: ignore[arg-type]
    return list(session.exec(query.order_by(col(SnapshotRow.id))))


def list_snapshots(
    session: Session,
    *,
    department: str | None = None,
    year: int | None = None,
    kind: str | None = None,
    as_of: str | None = None,
) -> list[SnapshotRow]:
    ids = (
        [d.id for d in store.departments_matching(session, department) if d.id is not None]
        if department
        else None
    )
    rows = current_snapshots(session, as_of=as_of, department_ids=ids, year=year, kind=kind)
    return sorted(
        rows, key=lambda r: (r.department_id, r.document_kind, r.fiscal_year, r.revision, r.id or 0)
    )


def latest_in_series(session: Session, department_id: int, year: int, kind: str) -> SnapshotRow | None:
    rows = current_snapshots(session, department_ids=[department_id], year=year, kind=kind)
    return max(rows, key=lambda r: (r.revision, r.id or 0), default=None)


def previous_revision(session: Session, row: SnapshotRow) -> SnapshotRow | None:
    rows = current_snapshots(
        session,
        department_ids=[row.department_id],
        year=row.fiscal_year,
        kind=row.document_kind,
        below_revision=row.revision,
    )
    return max(rows, key=lambda r: (r.revision, r.id or 0), default=None)


def by_hash_prefix(session: Session, prefix: str) -> SnapshotRow:
    """``store._by_hash_prefix`` as a range scan of the ``content_hash`` index (prefix ≤ hash < prefix + 'g')."""
    query = select(SnapshotRow).where(
        SnapshotRow.content_hash >= prefix,
        SnapshotRow.content_hash < prefix + "g",
        SnapshotRow.id == _newest_parse(),
    )
    rows = list(session.exec(query.order_by(col(SnapshotRow.id))))
    if not rows:
        raise NotFoundError(f"no snapshot whose hash starts with {prefix}")
    if len({r.content_hash for r in rows}) > 1:
        raise AmbiguousRefError(f"hash prefix {prefix} is ambiguous")
    return rows[-1]


def by_series(
    session: Session, department: str, year: int, revision: str | None, kind: str | None, ref: str
) -> SnapshotRow:
    """``store._by_series`` asking for the one department's snapshots of the year, not every department's."""
    departments = store.departments_matching(session, department)
    if not departments:
        raise NotFoundError(f"no department matches {department!r}")
    if len(departments) > 1:
        raise AmbiguousRefError(f"{department!r} matches several departments")
    assert departments[0].id is not None
    rows = current_snapshots(session, department_ids=[departments[0].id], year=year, kind=kind)
    if not rows:
        raise NotFoundError(f"no snapshot for {ref}")
    if len({r.document_kind for r in rows}) > 1:
        raise AmbiguousRefError(f"{ref} has several document kinds")
    if revision is not None:
        rows = [r for r in rows if r.revision == int(revision)]
        if not rows:
            raise NotFoundError(f"no revision {revision} for {ref}")
    return max(rows, key=lambda r: (r.revision, r.id or 0))


def department_versions(session: Session, department: DepartmentRow, as_of: str | None) -> list[SnapshotRow]:
    """``ledger.history._versions``: one department's current snapshots."""
    assert department.id is not None
    rows = current_snapshots(session, as_of=as_of, department_ids=[department.id])
    return sorted(rows, key=lambda r: (r.document_kind, r.fiscal_year, r.revision, r.id or 0))


def last_events(session: Session, limit: int) -> list[EventRow]:
    """``ledger log --limit N``: the last N events, asked of the database (not all events, then sliced)."""
    rows = list(session.exec(select(EventRow).order_by(col(EventRow.seq).desc()).limit(limit)))
    return rows[::-1]


def _replacements() -> list[tuple[Any, str, Any]]:
    targets: list[tuple[Any, str, Any]] = [
        (store, "current_snapshots", current_snapshots),
        (store, "list_snapshots", list_snapshots),
        (store, "_by_hash_prefix", by_hash_prefix),
        (store, "_by_series", by_series),
        (compare, "latest_in_series", latest_in_series),
        (compare, "previous_revision", previous_revision),
    ]
    try:
        from ledger import history
    except ImportError:
        return targets
    return [*targets, (history, "_versions", department_versions)]


def install() -> None:
    """Swap the proposals in for the rest of this process (``bench.ingest --proposed-fix``)."""
    for module, name, replacement in _replacements():
        module.__dict__[name] = replacement


@contextmanager
def installed() -> Iterator[None]:
    """Swap the proposals in for the duration of the block."""
    saved = [(module, name, module.__dict__[name]) for module, name, _ in _replacements()]
    install()
    try:
        yield
    finally:
        for module, name, original in saved:
            module.__dict__[name] = original
