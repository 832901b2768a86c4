"""Ingest: a publication's bytes → stored publication → snapshot → events, in one transaction (docs/architecture.md §5).

Reading and parsing happen before the write transaction opens (they are the slow part and need no lock); the
transaction then stores the publication, records the snapshot or the parse failure, and appends the events, so a
crash at any point leaves either all of it or none of it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlmodel import Session

from ledger import store
from ledger.errors import LedgerError
from ledger.model.canonical import sha256_hex, snapshot_hash, snapshot_json
from ledger.pipeline.derive import derive_and_announce
from ledger.pipeline.parse import ParseResult, parse_or_failure
from ledger.readers.limits import LimitExceeded, check_size, largest_size_limit
from ledger.readers.sniff import sniff
from ledger.store import departments, events
from ledger.store.schema import PublicationRow, SnapshotRow

Status = Literal["recorded", "unchanged", "duplicate-content", "failed"]

_FORM_MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html",
}


@dataclass(frozen=True)
class IngestOutcome:
    """What happened to one publication. ``ref`` names the snapshot (``name@year rN/kind``) where there is one."""

    name: str
    status: Status
    sha256: str
    snapshot_id: int | None = None
    ref: str | None = None
    revision: int | None = None
    error: str | None = None
    warnings: int = 0
    #: How the department was recognised when its name was not spelled as before: ``key`` (same official name),
    #: ``region`` (a leading region added or dropped) or ``new``; with ``probably``, known departments the new one is
    #: probably the same as (fuzzy), for the user to confirm with ``ledger alias add``.
    department_match: str | None = None
    published_as: str | None = None
    probably: tuple[str, ...] = ()


def media_type_of(parsed: ParseResult | None) -> str:
    if parsed is None:
        return "application/octet-stream"
    return _FORM_MEDIA_TYPES.get(parsed.document.form, "text/plain")


def ingest_bytes(ledger: store.Ledger, data: bytes, *, name: str, source: str | None = None) -> IngestOutcome:
    """Ingest one publication. Never raises for a bad document: the outcome says ``failed`` and why.

    A file over its format's size limit is refused *before* it is stored: the ``input-refused`` event keeps its
    name, size, hash and the limit, so an auditor sees that something was refused, without the ledger keeping
    hundreds of megabytes nobody can read (docs/limits.md).
    """
    try:
        check_size(sniff(data).format, len(data))
    except LimitExceeded as exc:
        return _refuse(
            ledger, name=name, source=source or name, size=len(data), sha256=sha256_hex(data), why=exc
        )
    outcome = parse_or_failure(data, name)
    parsed = outcome if isinstance(outcome, ParseResult) else None
    failure = outcome if isinstance(outcome, LedgerError) else None
    with ledger.write() as session:
        return _record(
            session,
            data,
            name=name,
            source=source or name,
            parsed=parsed,
            failure=failure,
            derive=ledger.derive,
        )


def ingest_paths(ledger: store.Ledger, paths: Iterable[Path]) -> list[IngestOutcome]:
    """Ingest files one transaction each, so one bad file does not stop the good ones."""
    return [ingest_path(ledger, path) for path in paths]


def ingest_path(ledger: store.Ledger, path: Path) -> IngestOutcome:
    """Ingest one file; one larger than any format's size limit is refused without reading it into memory."""
    size = path.stat().st_size
    limit, value = largest_size_limit()
    if size > value:
        why = LimitExceeded(f"file refused: {size} bytes", limit=limit, value=value)
        return _refuse(
            ledger, name=path.name, source=str(path), size=size, sha256=_file_sha256(path), why=why
        )
    return ingest_bytes(ledger, path.read_bytes(), name=path.name, source=str(path))


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _refuse(
    ledger: store.Ledger, *, name: str, source: str, size: int, sha256: str, why: LimitExceeded
) -> IngestOutcome:
    """Record that input was refused over a limit, without storing it."""
    with ledger.write() as session:
        events.append(
            session,
            events.INPUT_REFUSED,
            f"input/{sha256}",
            {
                "sha256": sha256,
                "size": size,
                "filename": name,
                "source": source,
                "limit": why.limit,
                "limit_value": why.value,
                "reason": str(why),
            },
        )
    return IngestOutcome(name=name, status="failed", sha256=sha256, error=str(why))


def _record(
    session: Session,
    data: bytes,
    *,
    name: str,
    source: str,
    parsed: ParseResult | None,
    failure: LedgerError | None,
    derive: bool,
) -> IngestOutcome:
    digest = sha256_hex(data)
    existing = store.find_publication(session, digest)
    if existing is not None:
        return _again(session, existing, name=name, parsed=parsed, failure=failure, derive=derive)
    publication = store.add_publication(
        session, data, filename=name, source=source, media_type=media_type_of(parsed)
    )
    events.append(
        session,
        events.PUBLICATION_RECEIVED,
        f"publication/{publication.id}",
        {
            "publication_id": publication.id,
            "sha256": digest,
            "size": publication.size,
            "filename": name,
            "source": source,
            "media_type": publication.media_type,
            "received_at": publication.received_at,
        },
    )
    if parsed is None:
        reason = str(failure) if failure else "unknown error"
        events.append(
            session,
            events.PARSE_FAILED,
            f"publication/{publication.id}",
            {
                "publication_id": publication.id,
                "sha256": digest,
                "error": type(failure).__name__,
                "reason": reason,
            },
        )
        return IngestOutcome(name=name, status="failed", sha256=digest, error=reason)
    return record_snapshot(session, publication, parsed, name=name, derive=derive)


def record_snapshot(
    session: Session,
    publication: PublicationRow,
    parsed: ParseResult,
    *,
    name: str,
    derive: bool,
    again: bool = False,
) -> IngestOutcome:
    """Record the snapshot of a stored publication as the next revision of its series (or note duplicate content),
    then — when ``derive`` — derive its diffs and findings in the same transaction.

    ``again``: the bytes were stored before; content already in the series is then ``unchanged`` (its duplicate
    was noted when they arrived), not noted a second time.
    """
    resolution = departments.resolve(session, parsed.snapshot)
    department, snapshot = resolution.department, resolution.snapshot
    assert department.id is not None and publication.id is not None
    series = store.Series(department.id, snapshot.fiscal_year, snapshot.document_kind)
    text = snapshot_json(snapshot)
    content_hash = snapshot_hash(text)
    twin = store.find_in_series_by_hash(session, series, content_hash)
    if twin is not None and again:
        return _unchanged(session, twin, name, publication.sha256)
    if twin is not None:
        events.append(
            session,
            events.DUPLICATE_CONTENT,
            f"publication/{publication.id}",
            {"publication_id": publication.id, "snapshot_id": twin.id, "content_hash": content_hash},
        )
        return IngestOutcome(
            name=name,
            status="duplicate-content",
            sha256=publication.sha256,
            snapshot_id=twin.id,
            ref=store.describe(session, twin),
            revision=twin.revision,
        )
    row = store.add_snapshot(
        session,
        snapshot,
        publication=publication,
        department=department,
        revision=store.next_revision(session, series),
        parser_name=parsed.parser_name,
        parser_version=parsed.parser_version,
        canonical_text=text,
    )
    events.append(
        session, events.SNAPSHOT_RECORDED, f"snapshot/{row.id}", snapshot_payload(row, department.name)
    )
    if derive:
        derive_and_announce(session, row)
    return IngestOutcome(
        name=name,
        status="recorded",
        sha256=publication.sha256,
        snapshot_id=row.id,
        ref=store.describe(session, row),
        revision=row.revision,
        warnings=len(snapshot.warnings),
        department_match=None if resolution.matched_by == "exact" else resolution.matched_by,
        published_as=parsed.snapshot.department.name,
        probably=resolution.probably,
    )


def snapshot_payload(row: SnapshotRow, department: str) -> dict[str, object]:
    """The facts a snapshot-recorded event carries; ``verify`` checks the snapshot rows against them."""
    return {
        "snapshot_id": row.id,
        "publication_id": row.publication_id,
        "department": department,
        "fiscal_year": row.fiscal_year,
        "document_kind": row.document_kind,
        "revision": row.revision,
        "content_hash": row.content_hash,
        "parser": f"{row.parser_name}/{row.parser_version}",
        "recorded_at": row.recorded_at,
    }


def _again(
    session: Session,
    publication: PublicationRow,
    *,
    name: str,
    parsed: ParseResult | None,
    failure: LedgerError | None,
    derive: bool,
) -> IngestOutcome:
    """Bytes stored before: unchanged when they have a snapshot (or their content is another's snapshot).

    Stored bytes that did not parse are never silently "unchanged": when they still do not parse the outcome is
    ``failed`` with today's reason (no new event: the failure was recorded when they arrived); when the parser
    reads them now, their snapshot is recorded.
    """
    assert publication.id is not None
    rows = store.current_snapshots(session, publication_id=publication.id)
    if rows:
        return _unchanged(session, rows[-1], name, publication.sha256)
    if parsed is not None:
        return record_snapshot(session, publication, parsed, name=name, derive=derive, again=True)
    reason = str(failure) if failure else "unknown error"
    return IngestOutcome(
        name=name,
        status="failed",
        sha256=publication.sha256,
        error=f"stored before as publication {publication.id} and still does not parse: {reason}",
    )


def _unchanged(session: Session, row: SnapshotRow, name: str, sha256: str) -> IngestOutcome:
    return IngestOutcome(
        name=name,
        status="unchanged",
        sha256=sha256,
        snapshot_id=row.id,
        ref=store.describe(session, row),
        revision=row.revision,
    )
