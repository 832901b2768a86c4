"""Database tables of the ledger (SQLModel). Created only through the alembic migrations in ``migrations/``.

Immutable tables (``publications``, ``snapshots``, ``events``) refuse UPDATE and DELETE by database triggers; every
row of them is covered by a hash that ``ledger verify`` recomputes. Timestamps are stored as ISO 8601 UTC text so the
bytes hashed never depend on a driver's datetime handling.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    Index,
    LargeBinary,
    MetaData,
    Text,
    Unicode,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLModel.metadata = MetaData(naming_convention=NAMING_CONVENTION)

#: Tables whose rows never change once written (enforced by triggers, checked by ``verify``).
IMMUTABLE_TABLES = ("publications", "snapshots", "events")


class PublicationRow(SQLModel, table=True):
    """A publication: the raw bytes exactly as received, hashed, never altered."""

    __tablename__ = "publications"

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64, unique=True)
    size: int
    media_type: str = Field(max_length=100)
    filename: str = Field(max_length=500)
    source: str = Field(sa_column=Column(Text, nullable=False))
    received_at: str = Field(max_length=40)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class DepartmentRow(SQLModel, table=True):
    """A department (部门) by its canonical full name; other spellings live in ``department_aliases``.

    ``merged_into`` names the department this one was merged into (a department-merged event): queries see the two
    as one, under the name of the one merged into; a department-split event sets it back to null.
    """

    __tablename__ = "departments"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    code: str | None = Field(default=None, max_length=50)
    created_at: str = Field(max_length=40)
    # Not a foreign key (see migration 0004): ``ledger verify`` checks it against the merge and split events.
    merged_into: int | None = Field(default=None, index=True)


class DepartmentAliasRow(SQLModel, table=True):
    """Another name of a department (e.g. 高新区人社局 for its full name)."""

    __tablename__ = "department_aliases"

    alias: str = Field(max_length=200, primary_key=True)
    department_id: int = Field(foreign_key="departments.id", index=True)


class SnapshotRow(SQLModel, table=True):
    """The canonical parse of one publication by one parser version; content-addressed and immutable.

    ``revision`` counts publications within the series (department, fiscal year, document kind): a reparse of the
    same publication by a newer parser keeps its revision number.
    """

    __tablename__ = "snapshots"
    __table_args__ = (
        UniqueConstraint("publication_id", "parser_name", "parser_version"),
        Index("ix_snapshots_series", "department_id", "fiscal_year", "document_kind", "revision"),
    )

    id: int | None = Field(default=None, primary_key=True)
    publication_id: int = Field(foreign_key="publications.id", index=True)
    department_id: int = Field(foreign_key="departments.id")
    fiscal_year: int
    document_kind: str = Field(max_length=50)
    revision: int
    content_hash: str = Field(max_length=64, index=True)
    parser_name: str = Field(max_length=100)
    parser_version: str = Field(max_length=50)
    canonical_json: str = Field(sa_column=Column(Text, nullable=False))
    recorded_at: str = Field(max_length=40)


class EventRow(SQLModel, table=True):
    """One entry of the append-only, hash-chained event log."""

    __tablename__ = "events"

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    type: str = Field(max_length=50, index=True)
    subject: str = Field(max_length=300)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    created_at: str = Field(max_length=40)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)


# --- scheduled ingestion and subscribers (docs/architecture.md §8, §5) ---------------------------------------------------------
# These tables hold working state, not evidence: they change as sources are checked and notifications delivered,
# and everything that matters about a check or a delivery is also recorded in the event log.


class SourceRow(SQLModel, table=True):
    """A watched source of publications: a local folder, a document URL or a portal page listing documents.

    ``pattern`` is a glob for a folder and a regular expression (matched against a link's URL or its text) for a
    portal page. ``etag`` / ``last_modified`` / ``listing`` are the conditional-GET state of a portal page: on
    ``304 Not Modified`` the documents it listed last time are checked again.

    ``allow_private``: the source may be fetched from loopback and private addresses (refused otherwise).
    ``allowed_hosts``: other hosts a portal page's links may point to (one per line); by default only its own.
    """

    __tablename__ = "sources"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    location: str = Field(sa_column=Column(Text, nullable=False))
    pattern: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    department: str | None = Field(default=None, max_length=200)
    every_seconds: int | None = None
    cron: str | None = Field(default=None, max_length=100)
    timezone: str = Field(max_length=64)
    created_at: str = Field(max_length=40)
    etag: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    last_modified: str | None = Field(default=None, max_length=100)
    listing: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    last_checked_at: str | None = Field(default=None, max_length=40)
    last_status: str | None = Field(default=None, max_length=20)
    allow_private: bool = Field(default=False)
    allowed_hosts: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class SourceDocumentRow(SQLModel, table=True):
    """What was last seen of one document of a source, so an unchanged document is skipped cheaply.

    For a URL: its validators (ETag, Last-Modified) for a conditional GET. For a file: its size and modification
    time, so it is not even read when they are unchanged. For both: the SHA-256 of the last content seen, so new
    bytes identical to the old ones are not parsed again.
    """

    __tablename__ = "source_documents"
    __table_args__ = (UniqueConstraint("source_id", "location"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="sources.id")
    location: str = Field(sa_column=Column(Text, nullable=False))
    etag: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    last_modified: str | None = Field(default=None, max_length=100)
    sha256: str | None = Field(default=None, max_length=64)
    size: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    mtime_ns: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    checked_at: str = Field(max_length=40)
    changed_at: str | None = Field(default=None, max_length=40)


class SubscriberRow(SQLModel, table=True):
    """A subscriber to the event log (a webhook). ``scanned_seq`` is its outbox cursor: every event up to that
    sequence number has been turned into deliveries, in the same transaction that advanced it. ``secret`` signs
    every notification (Standard Webhooks); ``allow_private``: the target may be a loopback or private address."""

    __tablename__ = "subscribers"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    target: str = Field(sa_column=Column(Text, nullable=False))
    event_types: str = Field(sa_column=Column(Text, nullable=False))
    department: str | None = Field(default=None, max_length=200)
    scanned_seq: int
    created_at: str = Field(max_length=40)
    allow_private: bool = Field(default=False)
    secret: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class DeliveryRow(SQLModel, table=True):
    """One event to deliver to one subscriber, and how that went (``pending`` → ``delivered`` | ``failed``)."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("subscriber_id", "event_seq"),
        Index("ix_deliveries_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int = Field(foreign_key="subscribers.id")
    event_seq: int = Field(foreign_key="events.seq")
    status: str = Field(max_length=20)
    attempts: int = 0
    next_attempt_at: str | None = Field(default=None, max_length=40)
    last_attempt_at: str | None = Field(default=None, max_length=40)
    response_status: int | None = None
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    delivered_at: str | None = Field(default=None, max_length=40)


class SchedulerJobRow(SQLModel, table=True):
    """apscheduler's job store table, declared here with exactly the schema its ``SQLAlchemyJobStore`` expects so
    that it is created by a migration like every other table (the job store only creates it when missing)."""

    __tablename__ = "apscheduler_jobs"

    id: str = Field(sa_column=Column(Unicode(191), primary_key=True))
    next_run_time: float | None = Field(default=None, sa_column=Column(Float(25), index=True))
    job_state: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


# --- derived, queryable data (docs/architecture.md §5, §7) ----------------------------------------------------------------------
# Rebuilt from the snapshots by `ledger rebuild`; not evidence (nothing here is hashed), indexed for history queries
# so they never parse snapshot JSON. Decimals are stored as their canonical text (ledger.canonical.decimal_text),
# which keeps them exact on SQLite, whose NUMERIC would turn them into floats.


class EntityValueRow(SQLModel, table=True):
    """One entity (project, indicator, line, goal …) of one snapshot, with its lineage across versions.

    ``lineage`` is the same for an entity and its counterparts in earlier and later versions (aligned the way the
    diff engine aligns: codes with year digits masked, renamed indicators …), so a timeline is one indexed lookup.
    """

    __tablename__ = "entity_values"
    __table_args__ = (
        Index("ix_entity_values_lineage", "department_id", "entity", "lineage"),
        Index("ix_entity_values_snapshot", "snapshot_id", "entity"),
    )

    id: int | None = Field(default=None, primary_key=True)
    snapshot_id: int = Field(foreign_key="snapshots.id")
    department_id: int = Field(foreign_key="departments.id")
    entity: str = Field(max_length=30)
    key: str = Field(sa_column=Column(Text, nullable=False))
    lineage: str = Field(sa_column=Column(Text, nullable=False))
    label: str = Field(sa_column=Column(Text, nullable=False))
    value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    form: str = Field(sa_column=Column(Text, nullable=False))


class DiffRow(SQLModel, table=True):
    """A comparison made when a snapshot was recorded: against its previous revision, the previous year, or (for a
    reparse) the parse it supersedes."""

    __tablename__ = "diffs"
    __table_args__ = (UniqueConstraint("base_snapshot_id", "snapshot_id"),)

    id: int | None = Field(default=None, primary_key=True)
    snapshot_id: int = Field(foreign_key="snapshots.id", index=True)
    base_snapshot_id: int = Field(foreign_key="snapshots.id", index=True)
    scope: str = Field(max_length=20)
    added: int
    removed: int
    modified: int
    renamed: int
    moved: int
    budget_delta: str | None = Field(default=None, max_length=40)
    detections: str = Field(sa_column=Column(Text, nullable=False))
    created_at: str = Field(max_length=40)


class ChangeRow(SQLModel, table=True):
    """One change record of a stored diff (the fields of docs/architecture.md §6; ``record`` keeps the whole record as JSON)."""

    __tablename__ = "changes"
    __table_args__ = (Index("ix_changes_entity_key", "entity", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    diff_id: int = Field(foreign_key="diffs.id", index=True)
    snapshot_id: int = Field(foreign_key="snapshots.id", index=True)
    entity: str = Field(max_length=30)
    key: str = Field(sa_column=Column(Text, nullable=False))
    old_key: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    change: str = Field(max_length=20)
    field: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    direction: str | None = Field(default=None, max_length=20)
    tags: str = Field(sa_column=Column(Text, nullable=False))
    record: str = Field(sa_column=Column(Text, nullable=False))


class FindingRow(SQLModel, table=True):
    """One audit finding of one snapshot (docs/architecture.md §7)."""

    __tablename__ = "findings"

    id: int | None = Field(default=None, primary_key=True)
    snapshot_id: int = Field(foreign_key="snapshots.id", index=True)
    rule: str = Field(max_length=60, index=True)
    severity: str = Field(max_length=10)
    key: str = Field(sa_column=Column(Text, nullable=False))
    record: str = Field(sa_column=Column(Text, nullable=False))
