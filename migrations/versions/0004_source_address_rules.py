"""source address rules: whether a watched source may reach private addresses, and the other hosts a portal's
links may point to (refused by default: a portal or a redirect must not lead the ledger into the local network)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08 01:40:00.000000
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
    with op.batch_alter_table("sources", schema=None) as batch_op:
        # Existing sources keep working only where they were public; one on a private address must be re-added
        # (or updated) with --allow-private deliberately.
        batch_op.add_column(
            sa.Column("allow_private", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("allowed_hosts", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("allowed_hosts")
        batch_op.drop_column("allow_private")
