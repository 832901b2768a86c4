"""Redacting a publication: its bytes replaced by their hash, the chain left whole.

Publications are append-only and ``verify`` recomputes the hash of every one, so content that must not be kept (a
secret captured by mistake, personal data under a removal order) could not be removed without breaking the ledger.
Certificate-transparency logs and ledgers solve this the same way: keep the *hash* of what was there, drop the
bytes, and record who removed them and why. So a redaction

1. appends a ``publication-redacted`` event (publication id, its sha256 and size, who, why, when) to the chain;
2. empties the publication's ``content`` — the one UPDATE the database trigger accepts, and only once that event
   exists, with every other column unchanged (``migrations/versions/0006``).

``verify`` accepts an empty publication whose redaction event names its sha256; the event log and the snapshots
parsed from it stay (they are evidence of what was published; only the bytes are gone). A redacted publication can
no longer be reparsed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from ledger.clock import now_text
from ledger.errors import LedgerError, NotFoundError
from ledger.store import events
from ledger.store.schema import EventRow, PublicationRow


@dataclass(frozen=True)
class Redaction:
    publication_id: int
    sha256: str
    size: int
    filename: str
    event_seq: int


def redacted_ids(session: Session) -> set[int]:
    """Ids of the publications whose bytes were redacted."""
    subjects = session.exec(select(EventRow.subject).where(EventRow.type == events.PUBLICATION_REDACTED))
    return {int(subject.split("/", 1)[1]) for subject in subjects}


def redact(session: Session, publication_id: int, *, reason: str, actor: str) -> Redaction:
    """Redact one publication (inside a write transaction). Raises for an unknown or already redacted one."""
    if not reason.strip():
        raise LedgerError("a redaction needs a reason (--reason)")
    if not actor.strip():
        raise LedgerError("a redaction needs to say who redacts (--by)")
    row = session.get(PublicationRow, publication_id)
    if row is None:
        raise NotFoundError(f"no publication with id {publication_id}")
    if publication_id in redacted_ids(session):
        raise LedgerError(f"publication {publication_id} is already redacted")
    event = events.append(
        session,
        events.PUBLICATION_REDACTED,
        f"publication/{publication_id}",
        {
            "publication_id": publication_id,
            "sha256": row.sha256,
            "size": row.size,
            "filename": row.filename,
            "reason": reason.strip(),
            "actor": actor.strip(),
            "redacted_at": now_text(),
        },
    )
    row.content = b""
    session.add(row)
    session.flush()
    return Redaction(publication_id, row.sha256, row.size, row.filename, event.seq)


def is_redacted(session: Session, publication_id: int) -> bool:
    return (
        session.exec(
            select(col(EventRow.seq)).where(
                EventRow.type == events.PUBLICATION_REDACTED,
                EventRow.subject == f"publication/{publication_id}",
            )
        ).first()
        is not None
    )
