"""Re-derive snapshots of stored publications with the current parsers (docs/architecture.md §5).

A parser upgrade is not a department change: the new snapshot keeps the publication's revision number and is
recorded as a ``snapshot-reparsed`` event that names the snapshot it supersedes; diffs between the two are labelled
``reparse``. A publication that failed to parse before and parses now gets its first snapshot (``snapshot-recorded``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from sqlmodel import Session, col, select

from ledger import store
from ledger.errors import LedgerError, NotFoundError
from ledger.model.canonical import snapshot_hash, snapshot_json
from ledger.pipeline.derive import derive_and_announce, rederive_departments
from ledger.pipeline.ingest import record_snapshot, snapshot_payload
from ledger.pipeline.parse import ParseResult, parse_or_failure
from ledger.store import events
from ledger.store.redaction import is_redacted
from ledger.store.schema import DepartmentRow, PublicationRow, SnapshotRow

#: ``redacted``: the bytes are gone, nothing to parse. ``mismatch``: the same parser version parses the bytes to
#: another snapshot than the one stored (the stored snapshot was forged, or the parser is not deterministic).
ReparseStatus = Literal["reparsed", "current", "recorded", "failed", "redacted", "mismatch"]


@dataclass(frozen=True)
class ReparseOutcome:
    publication_id: int
    name: str
    status: ReparseStatus
    snapshot_id: int | None = None
    previous_snapshot_id: int | None = None
    content_changed: bool = False
    error: str | None = None


def reparse_all(ledger: store.Ledger, *, publication_ids: list[int] | None = None) -> list[ReparseOutcome]:
    """Reparse every stored publication (or the given ones), one transaction each."""
    with ledger.read() as session:
        query = select(PublicationRow.id).order_by(col(PublicationRow.id))
        ids = [i for i in session.exec(query) if i is not None]
    if publication_ids is not None:
        missing = sorted(set(publication_ids) - set(ids))
        if missing:
            raise NotFoundError(
                f"no publication with id {', '.join(map(str, missing))} (the ledger has {len(ids)} publications"
                + (f", ids {ids[0]}–{ids[-1]})" if ids else ")")
            )
    wanted = [i for i in ids if publication_ids is None or i in publication_ids]
    return [reparse_publication(ledger, publication_id) for publication_id in wanted]


def reparse_publication(ledger: store.Ledger, publication_id: int) -> ReparseOutcome:
    with ledger.read() as session:
        publication = session.get(PublicationRow, publication_id)
        if publication is None:
            raise LedgerError(f"no publication with id {publication_id}")
        data, name = publication.content, publication.filename
        if is_redacted(session, publication_id):
            return ReparseOutcome(publication_id, name, "redacted")
    parsed = parse_or_failure(data, name)
    if isinstance(parsed, LedgerError):
        return ReparseOutcome(publication_id, name, "failed", error=str(parsed))
    with ledger.write() as session:
        return _record(session, publication_id, parsed, derive=ledger.derive)


def _same_parse(parsed: ParseResult, stored: SnapshotRow) -> bool:
    """Whether the stored snapshot is what the bytes parse to. The department is named as the snapshot names it
    (its canonical name when recorded; an alias or rename since then is not a difference of the parse)."""
    named = json.loads(stored.canonical_json).get("department", {}).get("name")
    snapshot = parsed.snapshot
    if isinstance(named, str):
        department = snapshot.department.model_copy(update={"name": named})
        snapshot = snapshot.model_copy(update={"department": department})
    return snapshot_hash(snapshot_json(snapshot)) == stored.content_hash


def _record(session: Session, publication_id: int, parsed: ParseResult, *, derive: bool) -> ReparseOutcome:
    publication = session.get(PublicationRow, publication_id)
    assert publication is not None
    previous = session.exec(
        select(SnapshotRow)
        .where(SnapshotRow.publication_id == publication_id)
        .order_by(col(SnapshotRow.id).desc())
    ).first()
    if previous is None:
        outcome = record_snapshot(session, publication, parsed, name=publication.filename, derive=derive)
        status: ReparseStatus = "recorded" if outcome.status == "recorded" else "current"
        return ReparseOutcome(publication_id, publication.filename, status, snapshot_id=outcome.snapshot_id)
    if (previous.parser_name, previous.parser_version) == (parsed.parser_name, parsed.parser_version):
        if not _same_parse(parsed, previous):
            return ReparseOutcome(
                publication_id,
                publication.filename,
                "mismatch",
                snapshot_id=previous.id,
                error=(
                    f"snapshot {previous.id} does not match what its publication's bytes parse to with the same "
                    f"parser ({previous.parser_name}/{previous.parser_version}): forged, or a parser that is not "
                    "deterministic"
                ),
            )
        return ReparseOutcome(publication_id, publication.filename, "current", snapshot_id=previous.id)
    department, snapshot = store.with_canonical_department(session, parsed.snapshot)
    prior = session.get(DepartmentRow, previous.department_id)
    if (
        prior is not None
        and prior.id is not None
        and store.same_department(session, prior.id, department.id or 0)
    ):
        # A reparse stays with the department row of the parse it supersedes, so a later split keeps it there.
        department, snapshot = prior, store.named_as(snapshot, prior)
    assert department.id is not None
    series = store.Series(department.id, snapshot.fiscal_year, snapshot.document_kind)
    same_series = store.series_of(previous) == series
    row = store.add_snapshot(
        session,
        snapshot,
        publication=publication,
        department=department,
        revision=previous.revision if same_series else store.next_revision(session, series),
        parser_name=parsed.parser_name,
        parser_version=parsed.parser_version,
    )
    payload = snapshot_payload(row, department.name) | {
        "previous_snapshot_id": previous.id,
        "previous_parser": f"{previous.parser_name}/{previous.parser_version}",
        "content_changed": row.content_hash != previous.content_hash,
    }
    events.append(session, events.REPARSED, f"snapshot/{row.id}", payload)
    if derive:
        # The events say what the new parse changed against the old one; the query tables then hold what a
        # rebuild from the current snapshots holds (the superseded parse drops out, lineages restart from the
        # current parses), which is what `ledger verify` re-derives and compares them with.
        derive_and_announce(session, row, reparse_of=previous)
        rederive_departments(session, [row.department_id])
    return ReparseOutcome(
        publication_id,
        publication.filename,
        "reparsed",
        snapshot_id=row.id,
        previous_snapshot_id=previous.id,
        content_changed=row.content_hash != previous.content_hash,
    )
