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
from ledger.model.official_names import name_key
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


def department_row(session: Session, name: str) -> DepartmentRow | None:
    """The department row whose own name or alias is exactly ``name``, merged or not (merges not followed)."""
    row = session.exec(select(DepartmentRow).where(DepartmentRow.name == name)).first()
    if row is not None:
        return row
    alias = session.get(DepartmentAliasRow, name)
    return session.get(DepartmentRow, alias.department_id) if alias else None


def department_by_name(session: Session, name: str) -> DepartmentRow | None:
    """The department whose canonical name or alias is exactly ``name`` — the one it is merged into, if it is."""
    row = department_row(session, name)
    return root_of(session, row) if row is not None else None


def _merges(session: Session) -> dict[int, int]:
    """Every merged department → the department it was merged into (merges are few: one small indexed query)."""
    query = select(DepartmentRow.id, DepartmentRow.merged_into).where(
        col(DepartmentRow.merged_into).is_not(None)
    )
    return {int(id_): int(into) for id_, into in session.exec(query) if id_ is not None and into is not None}


def _root_id(merges: dict[int, int], department_id: int) -> int:
    seen = {department_id}
    while department_id in merges and merges[department_id] not in seen:  # a cycle cannot be made; never loop
        department_id = merges[department_id]
        seen.add(department_id)
    return department_id


def root_of(session: Session, department: DepartmentRow) -> DepartmentRow:
    """The department ``department`` is (transitively) merged into, or itself."""
    if department.merged_into is None:
        return department
    assert department.id is not None
    root = session.get(DepartmentRow, _root_id(_merges(session), department.id))
    return root if root is not None else department


def root_id(session: Session, department_id: int) -> int:
    return _root_id(_merges(session), department_id)


def same_department(session: Session, first_id: int, second_id: int) -> bool:
    """Whether two department ids are one department as the ledger stands (merges followed)."""
    if first_id == second_id:
        return True
    merges = _merges(session)
    return _root_id(merges, first_id) == _root_id(merges, second_id)


def group_ids(session: Session, department_ids: Collection[int]) -> list[int]:
    """The ids whose snapshots are the given departments' history: each one's root and everything merged into it."""
    merges = _merges(session)
    if not merges:
        return sorted(set(department_ids))
    roots = {_root_id(merges, i) for i in department_ids}
    return sorted(roots | {i for i in merges if _root_id(merges, i) in roots})


def canonical_department(session: Session, name: str, code: str | None) -> tuple[DepartmentRow, bool]:
    """The department row for a parsed name (aliases and merges resolved), created when new. (row, created)."""
    row = department_by_name(session, name)
    if row is not None:
        return row, False
    row = DepartmentRow(name=name, code=code, created_at=now_text())
    session.add(row)
    session.flush()
    return row, True


def named_as(snapshot: Snapshot, department: DepartmentRow) -> Snapshot:
    """``snapshot`` naming ``department`` by its canonical name, as the canonical JSON must (docs/architecture.md §4)."""
    if snapshot.department.name == department.name:
        return snapshot
    renamed = snapshot.department.model_copy(update={"name": department.name})
    return snapshot.model_copy(update={"department": renamed})


def with_canonical_department(session: Session, snapshot: Snapshot) -> tuple[DepartmentRow, Snapshot]:
    """The department of a parsed snapshot (aliases resolved, created when new), and the snapshot naming it by its
    canonical name, as the canonical JSON must (docs/architecture.md §4)."""
    department, _ = canonical_department(session, snapshot.department.name, snapshot.department.code)
    return department, named_as(snapshot, department)


def all_names(session: Session) -> dict[str, int]:
    """Every department name and alias → the id of the department it names as the ledger stands (merges followed)."""
    merges = _merges(session)
    names = {
        name: _root_id(merges, id_)
        for name, id_ in session.exec(select(DepartmentRow.name, DepartmentRow.id))
        if id_ is not None
    }
    for alias, id_ in session.exec(select(DepartmentAliasRow.alias, DepartmentAliasRow.department_id)):
        names[alias] = _root_id(merges, id_)
    return names


def departments_matching(session: Session, text: str) -> list[DepartmentRow]:
    """Departments (merges followed) whose canonical name or an alias contains ``text``.

    An exact canonical name is the answer. An exact alias is the answer unless ``text`` is also part of another
    department's name: an alias never hides a department that names itself that way (``海港区`` declared an alias of
    乐亭县… still matches 秦皇岛市海港区…, and the ambiguity is reported). When nothing contains ``text``, the
    spellings with the same official-name key match (``中共江苏省委办公厅`` finds 江苏省委办公厅).
    """
    own = session.exec(select(DepartmentRow).where(DepartmentRow.name == text)).first()
    if own is not None:
        return [root_of(session, own)]
    merges = _merges(session)
    found: list[int | None] = list(
        session.exec(select(DepartmentRow.id).where(col(DepartmentRow.name).contains(text)))
    )
    found += session.exec(
        select(DepartmentAliasRow.department_id).where(col(DepartmentAliasRow.alias).contains(text))
    ).all()
    hits = {_root_id(merges, id_) for id_ in found if id_ is not None}
    if not hits:  # the names scanned in Python only when no name contains the text
        text_key = name_key(text)
        hits = {id_ for name, id_ in all_names(session).items() if name_key(name) == text_key}
    alias = session.get(DepartmentAliasRow, text)
    if alias is not None and hits <= {_root_id(merges, alias.department_id)}:
        hits = {_root_id(merges, alias.department_id)}
    rows = [session.get(DepartmentRow, id_) for id_ in sorted(hits)]
    return [row for row in rows if row is not None]


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
            col(SnapshotRow.department_id).in_(group_ids(session, [series.department_id])),
            SnapshotRow.fiscal_year == series.fiscal_year,
            SnapshotRow.document_kind == series.document_kind,
        )
    ).one()
    return int(count) + 1


def find_in_series_by_hash(session: Session, series: Series, content_hash: str) -> SnapshotRow | None:
    return session.exec(
        select(SnapshotRow).where(
            col(SnapshotRow.department_id).in_(group_ids(session, [series.department_id])),
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


def load_named(session: Session, row: SnapshotRow) -> Snapshot:
    """The snapshot naming its department as the ledger stands: the canonical name of the department it belongs
    to now (a merge followed). The stored row, and the name in its hashed JSON, stay as they were recorded."""
    return named_as(load_snapshot(row), root_of(session, _department(session, row.department_id)))


def _department(session: Session, department_id: int) -> DepartmentRow:
    row = session.get(DepartmentRow, department_id)
    if row is None:
        raise NotFoundError(f"no department with id {department_id}")
    return row


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
        # A department's snapshots include those of the departments merged into it.
        query = query.where(col(SnapshotRow.department_id).in_(group_ids(session, department_ids)))
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
    merges = _merges(session)
    for department_id, year, count in session.exec(query):
        years = counts.setdefault(_root_id(merges, department_id), {})
        years[year] = years.get(year, 0) + count
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
    merges = _merges(session)
    return sorted(rows, key=lambda row: (_root_id(merges, row.department_id), *_series_order(row)[1:]))


def latest_of(rows: list[SnapshotRow]) -> SnapshotRow | None:
    """The latest revision among ``rows`` (the current parse of the newest publication), or None."""
    return max(rows, key=lambda r: (r.revision, r.id or 0), default=None)


def department_name(session: Session, department_id: int) -> str:
    """The canonical name of the department ``department_id`` is part of (merges followed)."""
    row = session.get(DepartmentRow, root_id(session, department_id))
    return row.name if row else f"#{department_id}"


def describe(session: Session, row: SnapshotRow) -> str:
    """``name@2024r2/kind`` — the REF that names this snapshot."""
    return (
        f"{department_name(session, row.department_id)}@{row.fiscal_year}r{row.revision}/{row.document_kind}"
    )


# --- references ---------------------------------------------------------------------------------------------------

SERIES_REF = re.compile(r"^(?P<dept>.+?)@(?P<year>\d{4})(?:r(?P<rev>\d+))?(?:/(?P<kind>[\w-]+))?$")
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
    match = SERIES_REF.match(ref)
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
    suffix = ref[len(department) :]
    if len(departments) > 1:
        # The choices are the departments the reference would find something in, so each one runs.
        choices = [
            choice for d in departments for choice in _refs_to(session, d, year, revision, kind, suffix)
        ]
        if not choices:
            names = ", ".join(d.name for d in departments)
            raise NotFoundError(f"{department!r} matches several departments ({names}), none with {ref}")
        raise AmbiguousRefError(f"{department!r} matches several departments", ref=ref, choices=choices)
    rows = _series_rows(session, departments[0], year, revision, kind)
    if not rows:
        raise NotFoundError(f"no {'revision ' + revision if revision else 'snapshot'} for {ref}")
    kinds = sorted({r.document_kind for r in rows})
    if len(kinds) > 1:
        at = f"{departments[0].name}@{year}" + (f"r{revision}" if revision else "")
        raise AmbiguousRefError(
            f"{ref} has several document kinds", ref=ref, choices=[f"{at}/{k}" for k in kinds]
        )
    latest = latest_of(rows)
    assert latest is not None
    return latest


def _series_rows(
    session: Session, department: DepartmentRow, year: int, revision: str | None, kind: str | None
) -> list[SnapshotRow]:
    assert department.id is not None
    rows = current_snapshots(session, department_ids=[department.id], year=year, kind=kind)
    return [r for r in rows if r.revision == int(revision)] if revision is not None else rows


def _refs_to(
    session: Session,
    department: DepartmentRow,
    year: int,
    revision: str | None,
    kind: str | None,
    suffix: str,
) -> list[str]:
    """The references that name one snapshot of ``department`` for a reference ending in ``suffix``: none when it
    has no such snapshot, one per document kind when it has several (each choice of a "say which" must work)."""
    kinds = sorted({row.document_kind for row in _series_rows(session, department, year, revision, kind)})
    if len(kinds) > 1:
        return [f"{department.name}@{year}" + (f"r{revision}" if revision else "") + f"/{k}" for k in kinds]
    return [f"{department.name}{suffix}"] if kinds else []
