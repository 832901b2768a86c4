"""network rules: whether a watched source or a webhook may reach private addresses, the other hosts a portal's
links may point to (refused by default: a portal or a redirect must not lead the ledger into the local network),
and each webhook subscriber's signing secret (existing subscribers get one here; ``ledger notify secret`` shows it)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08 01:40:00.000000
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
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
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("allow_private", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("secret", sa.Text(), nullable=True))
    connection = op.get_bind()
    for (subscriber_id,) in connection.execute(sa.text("SELECT id FROM subscribers")).all():
        connection.execute(
            sa.text("UPDATE subscribers SET secret = :s WHERE id = :i"),
            {"s": new_secret(), "i": subscriber_id},
        )


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64 (as ledger.watch.notify makes them)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def downgrade() -> None:
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.drop_column("secret")
        batch_op.drop_column("allow_private")
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("allowed_hosts")
        batch_op.drop_column("allow_private")
