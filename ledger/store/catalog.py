"""The ledger's store: publications, departments, snapshots and references to them.

:class:`Ledger` is the entry point of the library: it opens (and migrates) the database and hands out transactions.
The functions below work inside one transaction (a :class:`sqlmodel.Session`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func
from sqlalchemy.orm import aliased, defer
from sqlmodel import Session, col, select

from ledger.clock import now_text
from ledger.errors import AmbiguousRefError, NotFoundError
from ledger.model import Snapshot
from ledger.model.canonical import sha256_hex, snapshot_hash, snapshot_json
from ledger.store import db
from ledger.store.schema import DepartmentAliasRow, DepartmentRow, PublicationRow, SnapshotRow


class Ledger:
    """An open ledger database. ``Ledger()`` opens ``./ledger.db`` (or ``LEDGER_DB``), creating it if needed."""

    def __init__(self, url: str | None = None, *, migrate: bool = True, derive: bool = True) -> None:
        self.url = db.resolve_url(url)
        self.engine: Engine = db.create_ledger_engine(self.url)
        #: Whether recording a snapshot also derives its diffs and findings (the pipeline reads this; a ledger
        #: opened with ``derive=False`` stores only, as the benchmarks' storage-only runs need).
        self.derive = derive
        if migrate:
            db.ensure_schema(self.engine)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A serialised write transaction (commit on success, rollback on error)."""
        with db.write_session(self.engine) as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with db.read_session(self.engine) as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


# --- publications -------------------------------------------------------------------------------------------------


def find_publication(session: Session, sha256: str) -> PublicationRow | None:
    return session.exec(select(PublicationRow).where(PublicationRow.sha256 == sha256)).first()


def add_publication(
    session: Session, data: bytes, *, filename: str, source: str, media_type: str
) -> PublicationRow:
    row = PublicationRow(
        sha256=sha256_hex(data),
        size=len(data),
        media_type=media_type,
        filename=filename,
        source=source,
        received_at=now_text(),
        content=data,
    )
    session.add(row)
    session.flush()
    return row


# --- departments --------------------------------------------------------------------------------------------------


def department_by_name(session: Session, name: str) -> DepartmentRow | None:
    """The department whose canonical name or alias is exactly ``name``."""
    row = session.exec(select(DepartmentRow).where(DepartmentRow.name == name)).first()
    if row is not None:
        return row
    alias = session.get(DepartmentAliasRow, name)
    return session.get(DepartmentRow, alias.department_id) if alias else None


def canonical_department(session: Session, name: str, code: str | None) -> tuple[DepartmentRow, bool]:
    """The department row for a parsed name (aliases resolved), created when new. Returns (row, created)."""
    row = department_by_name(session, name)
    if row is not None:
        return row, False
    row = DepartmentRow(name=name, code=code, created_at=now_text())
    session.add(row)
    session.flush()
    return row, True


def with_canonical_department(session: Session, snapshot: Snapshot) -> tuple[DepartmentRow, Snapshot]:
    """The department of a parsed snapshot (aliases resolved, created when new), and the snapshot naming it by its
    canonical name, as the canonical JSON must (docs/architecture.md §4)."""
    department, _ = canonical_department(session, snapshot.department.name, snapshot.department.code)
    if snapshot.department.name != department.name:
        renamed = snapshot.department.model_copy(update={"name": department.name})
        snapshot = snapshot.model_copy(update={"department": renamed})
    return department, snapshot


def departments_matching(session: Session, text: str) -> list[DepartmentRow]:
    """Departments whose canonical name or an alias contains ``text`` (exact matches first)."""
    exact = department_by_name(session, text)
    if exact is not None:
        return [exact]
    by_name = session.exec(select(DepartmentRow).where(col(DepartmentRow.name).contains(text))).all()
    alias_ids = session.exec(
        select(DepartmentAliasRow.department_id).where(col(DepartmentAliasRow.alias).contains(text))
    ).all()
    rows = {row.id: row for row in by_name}
    for department_id in alias_ids:
        if department_id not in rows:
            found = session.get(DepartmentRow, department_id)
            if found is not None:
                rows[department_id] = found
    return sorted(rows.values(), key=lambda r: r.id or 0)


# --- snapshots ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """A series of snapshots (docs/architecture.md §5): one department, one fiscal year, one document kind."""

    department_id: int
    fiscal_year: int
    document_kind: str


def series_of(row: SnapshotRow) -> Series:
    return Series(row.department_id, row.fiscal_year, row.document_kind)


def next_revision(session: Session, series: Series) -> int:
    """Revisions count the publications in a series, never parser versions."""
    count = session.exec(
        select(func.count(func.distinct(SnapshotRow.publication_id))).where(
            SnapshotRow.department_id == series.department_id,
            SnapshotRow.fiscal_year == series.fiscal_year,
            SnapshotRow.document_kind == series.document_kind,
        )
    ).one()
    return int(count) + 1


def find_in_series_by_hash(session: Session, series: Series, content_hash: str) -> SnapshotRow | None:
    return session.exec(
        select(SnapshotRow).where(
            SnapshotRow.department_id == series.department_id,
            SnapshotRow.fiscal_year == series.fiscal_year,
            SnapshotRow.document_kind == series.document_kind,
            SnapshotRow.content_hash == content_hash,
        )
    ).first()


def add_snapshot(
    session: Session,
    snapshot: Snapshot,
    *,
    publication: PublicationRow,
    department: DepartmentRow,
    revision: int,
    parser_name: str,
    parser_version: str,
    canonical_text: str | None = None,
) -> SnapshotRow:
    """Store ``snapshot`` as a row; ``canonical_text`` is its RFC 8785 JSON when the caller has computed it already."""
    text = canonical_text if canonical_text is not None else snapshot_json(snapshot)
    assert publication.id is not None and department.id is not None
    row = SnapshotRow(
        publication_id=publication.id,
        department_id=department.id,
        fiscal_year=snapshot.fiscal_year,
        document_kind=snapshot.document_kind,
        revision=revision,
        content_hash=snapshot_hash(text),
        parser_name=parser_name,
        parser_version=parser_version,
        canonical_json=text,
        recorded_at=now_text(),
    )
    session.add(row)
    session.flush()
    return row


def load_snapshot(row: SnapshotRow) -> Snapshot:
    return Snapshot.model_validate_json(row.canonical_json)


def _newest_parse(as_of: str | None) -> Any:
    """The id of the newest parse of the outer row's publication (by ``as_of`` when given).

    A correlated subquery on the ``publication_id`` index: it lets every filter of :func:`current_snapshots` run
    in SQL on its own index instead of after loading every snapshot of the ledger.
    """
    newer = aliased(SnapshotRow)
    query = select(func.max(newer.id)).where(newer.publication_id == SnapshotRow.publication_id)
    if as_of is not None:
        query = query.where(newer.recorded_at <= as_of)
    return query.scalar_subquery()


def current_snapshots(
    session: Session,
    *,
    as_of: str | None = None,
    department_ids: Collection[int] | None = None,
    year: int | None = None,
    kind: str | None = None,
    below_revision: int | None = None,
    publication_id: int | None = None,
) -> list[SnapshotRow]:
    """For each publication, its snapshot by the newest parser (the highest id): what queries look at.

    ``as_of`` (an ISO 8601 UTC timestamp) answers as the ledger stood then: only what was recorded by that time.
    The other arguments narrow the answer in SQL (``ix_snapshots_series``, the ``publication_id`` index), so a
    question about one department costs the same in a ledger of ten snapshots or of fifty thousand.
    """
    query = select(SnapshotRow).where(SnapshotRow.id == _newest_parse(as_of))
    if department_ids is not None:
        query = query.where(col(SnapshotRow.department_id).in_(list(department_ids)))
    if year is not None:
        query = query.where(SnapshotRow.fiscal_year == year)
    if kind:
        query = query.where(SnapshotRow.document_kind == kind)
    if below_revision is not None:
        query = query.where(SnapshotRow.revision < below_revision)
    if publication_id is not None:
        query = query.where(SnapshotRow.publication_id == publication_id)
    # Listing needs the columns, not each snapshot's JSON: it loads on first use (load_snapshot).
    query = query.order_by(col(SnapshotRow.id)).options(defer(SnapshotRow.canonical_json))  # type: ignore[arg-type]
    return list(session.exec(query))


def current_counts_by_department(session: Session) -> dict[int, dict[int, int]]:
    """For each department, its current snapshots counted by fiscal year, in one grouped query."""
    query = (
        select(SnapshotRow.department_id, SnapshotRow.fiscal_year, func.count(col(SnapshotRow.id)))
        .where(SnapshotRow.id == _newest_parse(None))
        .group_by(col(SnapshotRow.department_id), col(SnapshotRow.fiscal_year))
    )
    counts: dict[int, dict[int, int]] = {}
    for department_id, year, count in session.exec(query):
        counts.setdefault(department_id, {})[year] = count
    return counts


def _series_order(row: SnapshotRow) -> tuple[int, str, int, int, int]:
    return (row.department_id, row.document_kind, row.fiscal_year, row.revision, row.id or 0)


def list_snapshots(
    session: Session,
    *,
    department: str | None = None,
    year: int | None = None,
    kind: str | None = None,
    as_of: str | None = None,
) -> list[SnapshotRow]:
    ids = None
    if department:
        ids = [d.id for d in departments_matching(session, department) if d.id is not None]
    rows = current_snapshots(session, as_of=as_of, department_ids=ids, year=year, kind=kind)
    return sorted(rows, key=_series_order)


def latest_of(rows: list[SnapshotRow]) -> SnapshotRow | None:
    """The latest revision among ``rows`` (the current parse of the newest publication), or None."""
    return max(rows, key=lambda r: (r.revision, r.id or 0), default=None)


def department_name(session: Session, department_id: int) -> str:
    row = session.get(DepartmentRow, department_id)
    return row.name if row else f"#{department_id}"


def describe(session: Session, row: SnapshotRow) -> str:
    """``name@2024r2/kind`` — the REF that names this snapshot."""
    return (
        f"{department_name(session, row.department_id)}@{row.fiscal_year}r{row.revision}/{row.document_kind}"
    )


# --- references ---------------------------------------------------------------------------------------------------

_SERIES_REF = re.compile(r"^(?P<dept>.+?)@(?P<year>\d{4})(?:r(?P<rev>\d+))?(?:/(?P<kind>[\w-]+))?$")
_HASH_REF = re.compile(r"^[0-9a-f]{8,64}$")


def resolve_ref(session: Session, ref: str) -> SnapshotRow:
    """A snapshot by id, content-hash prefix (≥ 8 hex digits) or ``DEPARTMENT@YEAR[rN][/KIND]``.

    ``DEPARTMENT`` matches a name or alias by substring; without ``rN`` the latest revision is meant. An ambiguous
    reference raises :class:`AmbiguousRefError` listing the candidates.
    """
    ref = ref.strip()
    if ref.isdigit() and len(ref) < 8:
        row = session.get(SnapshotRow, int(ref))
        if row is None:
            raise NotFoundError(f"no snapshot with id {ref}")
        return row
    if _HASH_REF.match(ref):
        return _by_hash_prefix(session, ref)
    match = _SERIES_REF.match(ref)
    if not match:
        raise NotFoundError(
            f"not a snapshot reference: {ref!r} (use an id, a hash prefix or DEPARTMENT@YEAR[rN][/KIND])"
        )
    return _by_series(session, match["dept"], int(match["year"]), match["rev"], match["kind"], ref)


def _by_hash_prefix(session: Session, prefix: str) -> SnapshotRow:
    # A range on the content_hash index: prefix <= hash < prefix + "g" ("g" sorts after every hex digit).
    query = (
        select(SnapshotRow)
        .where(SnapshotRow.content_hash >= prefix, SnapshotRow.content_hash < prefix + "g")
        .where(SnapshotRow.id == _newest_parse(None))
        .order_by(col(SnapshotRow.id))
        .options(defer(SnapshotRow.canonical_json))  # type: ignore[arg-type]
    )
    rows = list(session.exec(query))
    if not rows:
        raise NotFoundError(f"no snapshot whose hash starts with {prefix}")
    if len({r.content_hash for r in rows}) > 1:
        raise AmbiguousRefError(
            f"hash prefix {prefix} is ambiguous: " + ", ".join(r.content_hash[:12] for r in rows)
        )
    return rows[-1]


def _by_series(
    session: Session, department: str, year: int, revision: str | None, kind: str | None, ref: str
) -> SnapshotRow:
    departments = departments_matching(session, department)
    if not departments:
        raise NotFoundError(f"no department matches {department!r}")
    if len(departments) > 1:
        names = ", ".join(d.name for d in departments)
        raise AmbiguousRefError(f"{department!r} matches several departments: {names}")
    assert departments[0].id is not None
    rows = current_snapshots(session, department_ids=[departments[0].id], year=year, kind=kind)
    if not rows:
        raise NotFoundError(f"no snapshot for {ref}")
    kinds = sorted({r.document_kind for r in rows})
    if len(kinds) > 1:
        options = ", ".join(f"{departments[0].name}@{year}/{k}" for k in kinds)
        raise AmbiguousRefError(f"{ref} has several document kinds; say which: {options}")
    if revision is not None:
        rows = [r for r in rows if r.revision == int(revision)]
        if not rows:
            raise NotFoundError(f"no revision {revision} for {ref}")
    latest = latest_of(rows)
    assert latest is not None
    return latest
