"""Names people read for the subjects of events: ``海港区@2024r2/department-targets`` instead of ``snapshot/7``."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from ledger import store
from ledger.store.events import Event
from ledger.store.schema import PublicationRow, SnapshotRow


def event_labels(session: Session, listed: Sequence[Event]) -> dict[int, str]:
    """For each event (by seq), the snapshot reference it is about (``name@year rN/kind``), or the file name of its
    publication; the raw subject when it names neither (a source, a department)."""
    snapshots: dict[int, str] = {}
    publications: dict[int, str] = {}
    labels: dict[int, str] = {}
    for event in listed:
        kind, _, ident = event.subject.partition("/")
        snapshot_id = (
            int(ident) if kind == "snapshot" and ident.isdigit() else event.payload.get("snapshot_id")
        )
        if isinstance(snapshot_id, int):
            if snapshot_id not in snapshots:
                row = session.get(SnapshotRow, snapshot_id)
                snapshots[snapshot_id] = store.describe(session, row) if row else event.subject
            labels[event.seq] = snapshots[snapshot_id]
        elif kind == "publication" and ident.isdigit():
            number = int(ident)
            if number not in publications:
                publication = session.get(PublicationRow, number)
                publications[number] = publication.filename if publication else event.subject
            labels[event.seq] = publications[number]
        else:
            labels[event.seq] = event.subject
    return labels
