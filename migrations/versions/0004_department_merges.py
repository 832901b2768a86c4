"""Department merges: a department may be merged into another (``ledger alias add A B`` when both have snapshots).

``departments.merged_into`` points at the department this one was merged into; queries see the merged departments as
one (their snapshot rows keep their own ``department_id``: immutable rows are never rewritten). The column is state
derived from the department-merged / department-split events, which ``ledger verify`` replays to check it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08 01:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # No foreign key on purpose: on SQLite adding one means copying ``departments``, which snapshots and aliases
    # reference (the copy's DROP TABLE fails on a filled ledger). ``ledger verify`` checks the column against the
    # events instead. Batch mode, so SQLite and PostgreSQL run the same operations (plain ALTERs here).
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_departments_merged_into"), ["merged_into"], unique=False)


def downgrade() -> None:
    # Never a table copy (see upgrade): SQLite drops a column in place since 3.35.
    with op.batch_alter_table("departments", schema=None, recreate="never") as batch_op:
        batch_op.drop_index(batch_op.f("ix_departments_merged_into"))
        batch_op.drop_column("merged_into")
