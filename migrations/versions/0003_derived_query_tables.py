"""Derived query tables: entity values with lineage, diffs, changes, findings (rebuilt by `ledger rebuild`).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 05:29:44.972152
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "diffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("base_snapshot_id", sa.Integer(), nullable=False),
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.Column("modified", sa.Integer(), nullable=False),
        sa.Column("renamed", sa.Integer(), nullable=False),
        sa.Column("moved", sa.Integer(), nullable=False),
        sa.Column("budget_delta", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("detections", sa.Text(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["base_snapshot_id"], ["snapshots.id"], name=op.f("fk_diffs_base_snapshot_id_snapshots")
        ),
        sa.ForeignKeyConstraint(
            ["snapshot_id"], ["snapshots.id"], name=op.f("fk_diffs_snapshot_id_snapshots")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_diffs")),
        sa.UniqueConstraint("base_snapshot_id", "snapshot_id", name=op.f("uq_diffs_base_snapshot_id")),
    )
    with op.batch_alter_table("diffs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_diffs_base_snapshot_id"), ["base_snapshot_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_diffs_snapshot_id"), ["snapshot_id"], unique=False)

    op.create_table(
        "entity_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("entity", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("lineage", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("form", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"], name=op.f("fk_entity_values_department_id_departments")
        ),
        sa.ForeignKeyConstraint(
            ["snapshot_id"], ["snapshots.id"], name=op.f("fk_entity_values_snapshot_id_snapshots")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity_values")),
    )
    with op.batch_alter_table("entity_values", schema=None) as batch_op:
        batch_op.create_index(
            "ix_entity_values_lineage", ["department_id", "entity", "lineage"], unique=False
        )
        batch_op.create_index("ix_entity_values_snapshot", ["snapshot_id", "entity"], unique=False)

    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("rule", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("severity", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["snapshot_id"], ["snapshots.id"], name=op.f("fk_findings_snapshot_id_snapshots")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
    )
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_findings_rule"), ["rule"], unique=False)
        batch_op.create_index(batch_op.f("ix_findings_snapshot_id"), ["snapshot_id"], unique=False)

    op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("diff_id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("entity", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("old_key", sa.Text(), nullable=True),
        sa.Column("change", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("field", sa.Text(), nullable=True),
        sa.Column("direction", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("tags", sa.Text(), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["diff_id"], ["diffs.id"], name=op.f("fk_changes_diff_id_diffs")),
        sa.ForeignKeyConstraint(
            ["snapshot_id"], ["snapshots.id"], name=op.f("fk_changes_snapshot_id_snapshots")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changes")),
    )
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_changes_diff_id"), ["diff_id"], unique=False)
        batch_op.create_index("ix_changes_entity_key", ["entity", "key"], unique=False)
        batch_op.create_index(batch_op.f("ix_changes_snapshot_id"), ["snapshot_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_changes_snapshot_id"))
        batch_op.drop_index("ix_changes_entity_key")
        batch_op.drop_index(batch_op.f("ix_changes_diff_id"))

    op.drop_table("changes")
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_findings_snapshot_id"))
        batch_op.drop_index(batch_op.f("ix_findings_rule"))

    op.drop_table("findings")
    with op.batch_alter_table("entity_values", schema=None) as batch_op:
        batch_op.drop_index("ix_entity_values_snapshot")
        batch_op.drop_index("ix_entity_values_lineage")

    op.drop_table("entity_values")
    with op.batch_alter_table("diffs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_diffs_snapshot_id"))
        batch_op.drop_index(batch_op.f("ix_diffs_base_snapshot_id"))

    op.drop_table("diffs")
