"""Database tables of the ledger (SQLModel). Created only through the alembic migrations in ``migrations/``.

Immutable tables (``publications``, ``snapshots``, ``events``) refuse UPDATE and DELETE by database triggers; every
row of them is covered by a hash that ``ledger verify`` recomputes. Timestamps are stored as ISO 8601 UTC text so the
bytes hashed never depend on a driver's datetime handling.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, LargeBinary, MetaData, Text, UniqueConstraint
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
    """A department (部门) by its canonical full name; other spellings live in ``department_aliases``."""

    __tablename__ = "departments"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    code: str | None = Field(default=None, max_length=50)
    created_at: str = Field(max_length=40)


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
