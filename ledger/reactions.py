"""Reacting to events is how work flows (SPEC §5): a recorded snapshot is compared with its predecessors and
checked for findings, and the results are events too.

Handlers run inside the transaction that recorded the snapshot, so the snapshot, its derived rows and the
``changes-detected`` / ``finding-raised`` events commit together or not at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import Session, select

from ledger import events
from ledger.events import Event
from ledger.tables import DiffRow, FindingRow, SnapshotRow

if TYPE_CHECKING:
    from ledger.derive import Derived
    from ledger.findings.model import Finding

# The diff engine and the findings rules are imported when a snapshot is recorded, not when a ledger is opened:
# most commands only read, and should start fast.

#: How many new finding keys one finding-raised event lists (the rest are counted).
_LISTED_FINDINGS = 50


def install() -> None:
    """Subscribe the reactions (idempotent)."""
    events.subscribe(events.SNAPSHOT_RECORDED, on_snapshot_recorded)
    events.subscribe(events.REPARSED, on_snapshot_reparsed)


def on_snapshot_recorded(session: Session, event: Event) -> None:
    from ledger.derive import derive_snapshot

    row = _snapshot(session, event)
    _announce(session, row, derive_snapshot(session, row))


def on_snapshot_reparsed(session: Session, event: Event) -> None:
    from ledger.derive import derive_snapshot

    row = _snapshot(session, event)
    previous = session.get(SnapshotRow, int(event.payload["previous_snapshot_id"]))
    _announce(session, row, derive_snapshot(session, row, reparse_of=previous))


def _snapshot(session: Session, event: Event) -> SnapshotRow:
    row = session.get(SnapshotRow, int(event.payload["snapshot_id"]))
    if row is None:  # the event was appended in this very transaction: this cannot happen
        raise RuntimeError(
            f"event {event.seq} names snapshot {event.payload['snapshot_id']}, which is not there"
        )
    return row


def _announce(session: Session, row: SnapshotRow, derived: Derived) -> None:
    from ledger.findings import compare as compare_findings

    for diff, result in derived.diffs:
        events.append(
            session,
            events.CHANGES_DETECTED,
            f"snapshot/{diff.snapshot_id}",
            {
                "snapshot_id": diff.snapshot_id,
                "base_snapshot_id": diff.base_snapshot_id,
                "scope": diff.scope,
                "department": result.new.department,
                "fiscal_year": result.new.fiscal_year,
                "added": diff.added,
                "removed": diff.removed,
                "modified": diff.modified,
                "renamed": diff.renamed,
                "moved": diff.moved,
                "budget_delta": diff.budget_delta,
                "detections": sorted({d.code for d in result.detections}),
            },
        )
    base = _finding_base(session, row, derived)
    previous = _stored_findings(session, base) if base is not None else []
    comparison = compare_findings(previous, derived.findings)
    if comparison.new or comparison.resolved:
        events.append(
            session,
            events.FINDING_RAISED,
            f"snapshot/{row.id}",
            {
                "snapshot_id": row.id,
                "base_snapshot_id": base,
                "new": len(comparison.new),
                "resolved": len(comparison.resolved),
                "persisting": len(comparison.persisting),
                "new_findings": [
                    {"rule": f.rule, "severity": f.severity, "key": f.key}
                    for f in comparison.new[:_LISTED_FINDINGS]
                ],
            },
        )


def _finding_base(session: Session, row: SnapshotRow, derived: Derived) -> int | None:
    """The snapshot the findings are compared with: the closest one the snapshot was diffed against."""
    bases = [diff.base_snapshot_id for diff, _ in derived.diffs if diff.snapshot_id == row.id]
    if bases:
        return bases[0]
    stored = session.exec(select(DiffRow.base_snapshot_id).where(DiffRow.snapshot_id == row.id)).first()
    return stored


def _stored_findings(session: Session, snapshot_id: int) -> list[Finding]:
    from ledger.findings.model import Finding

    rows = session.exec(select(FindingRow).where(FindingRow.snapshot_id == snapshot_id))
    return [Finding.model_validate_json(r.record) for r in rows]
