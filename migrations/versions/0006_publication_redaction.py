"""publication redaction: the publications table stays append-only except for one change — its bytes emptied, all
else unchanged, once a ``publication-redacted`` event for it is in the chain (``ledger redact``)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08 01:50:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The one UPDATE of a publication the database accepts: every column but the bytes unchanged, the bytes emptied,
#: and the redaction already recorded in the (append-only, hash-chained) event log.
_REDACTION = (
    "NEW.id = OLD.id AND NEW.sha256 = OLD.sha256 AND NEW.size = OLD.size AND NEW.media_type = OLD.media_type "
    "AND NEW.filename = OLD.filename AND NEW.source = OLD.source AND NEW.received_at = OLD.received_at "
    "AND {length}(NEW.content) = 0 "
    "AND EXISTS (SELECT 1 FROM events WHERE events.type = 'publication-redacted' "
    "AND events.subject = 'publication/' || OLD.id)"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION ledger_publication_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP = 'UPDATE' AND {_REDACTION.format(length='octet_length')} THEN RETURN NEW; END IF; "
            "RAISE EXCEPTION 'ledger table % is append-only (% refused)', TG_TABLE_NAME, TG_OP; END $$"
        )
        op.execute("DROP TRIGGER publications_append_only ON publications")
        op.execute(
            "CREATE TRIGGER publications_append_only BEFORE UPDATE OR DELETE ON publications "
            "FOR EACH ROW EXECUTE FUNCTION ledger_publication_change()"
        )
        return
    op.execute("DROP TRIGGER publications_no_update")
    op.execute(
        "CREATE TRIGGER publications_no_update BEFORE UPDATE ON publications "
        f"WHEN NOT ({_REDACTION.format(length='length')}) "
        "BEGIN SELECT RAISE(ABORT, 'ledger table publications is append-only (UPDATE refused)'); END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER publications_append_only ON publications")
        op.execute(
            "CREATE TRIGGER publications_append_only BEFORE UPDATE OR DELETE ON publications "
            "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()"
        )
        op.execute("DROP FUNCTION ledger_publication_change()")
        return
    op.execute("DROP TRIGGER publications_no_update")
    op.execute(
        "CREATE TRIGGER publications_no_update BEFORE UPDATE ON publications "
        "BEGIN SELECT RAISE(ABORT, 'ledger table publications is append-only (UPDATE refused)'); END"
    )
