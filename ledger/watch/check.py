"""Checking a watched source: fetch what may have changed, skip what has not, ingest what is new (docs/architecture.md §8).

Unchanged documents are skipped as cheaply as each kind allows: a URL answered ``304 Not Modified`` is not
downloaded; a file whose size and modification time are unchanged is not read; content whose SHA-256 equals the last
one seen (or that the ledger already holds) is not parsed. New content goes through :func:`ledger.pipeline.ingest.ingest_bytes`,
which records the publication and its snapshot (or the parse failure) in its own transaction.

Every check ends in one transaction that saves what was seen and appends the events: ``source-checked`` (status,
documents, bytes, not-modified count, duration) for a check that reached its documents, ``source-failed`` for a check
that failed as a whole, and one ``source-failed`` per document that could not be fetched. A failing source or
document never stops the others.
"""

from __future__ import annotations

import json
import logging
import os
import stat as stat_module
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from sqlmodel import Session, select

from ledger import store
from ledger.clock import now_text
from ledger.errors import NotFoundError
from ledger.model.canonical import sha256_hex
from ledger.pipeline.ingest import ingest_bytes
from ledger.store import events
from ledger.store.schema import SourceDocumentRow, SourceRow
from ledger.watch.addresses import redact_url, same_host
from ledger.watch.fetch import Fetched, Fetcher, FetchError, Validators
from ledger.watch.links import document_links
from ledger.watch.sources import SourceError, allowed_hosts_of, detached, get_source, list_sources

log = logging.getLogger(__name__)

#: A scheduled check that did not run (the scheduler was down past the grace time, or the previous check of the same
#: source was still running). Recorded by :mod:`ledger.watch.schedule`; the other source events are in :mod:`ledger.store.events`.
SOURCE_MISSED = "source-missed"

DocumentStatus = Literal[
    "recorded", "duplicate-content", "parse-failed", "unchanged", "not-modified", "failed"
]
CheckStatus = Literal["changed", "unchanged", "partial", "failed"]

#: Outcomes that mean the source published bytes the ledger had never seen.
NEW_CONTENT: frozenset[DocumentStatus] = frozenset({"recorded", "duplicate-content", "parse-failed"})
_INGEST_STATUS: dict[str, DocumentStatus] = {
    "recorded": "recorded",
    "duplicate-content": "duplicate-content",
    "failed": "parse-failed",
    "unchanged": "unchanged",
}


@dataclass(frozen=True)
class DocumentOutcome:
    """What one check did with one document (a URL, or a file path relative to the folder)."""

    document: str
    status: DocumentStatus
    bytes: int = 0
    ref: str | None = None
    error: str | None = None

    def payload(self) -> dict[str, Any]:
        fields: dict[str, Any] = {"document": self.document, "status": self.status, "bytes": self.bytes}
        if self.ref:
            fields["ref"] = self.ref
        if self.error:
            fields["error"] = self.error
        return fields


@dataclass(frozen=True)
class CheckReport:
    """One check of one source. ``status``: ``changed`` (new content arrived), ``unchanged``, ``partial`` (some
    documents could not be fetched) or ``failed`` (the source itself could not be read; ``error`` says why)."""

    source_id: int
    kind: str
    location: str
    department: str | None
    status: CheckStatus
    documents: tuple[DocumentOutcome, ...]
    bytes: int
    not_modified: int
    duration_ms: int
    error: str | None = None
    #: A portal's links to other hosts, not followed (see :mod:`ledger.watch.addresses`).
    refused_links: tuple[str, ...] = ()

    @property
    def new(self) -> tuple[DocumentOutcome, ...]:
        return tuple(d for d in self.documents if d.status in NEW_CONTENT)

    @property
    def failures(self) -> tuple[DocumentOutcome, ...]:
        return tuple(d for d in self.documents if d.status == "failed")


@dataclass
class _DocumentState:
    """What is remembered of one document between checks (a :class:`SourceDocumentRow` being edited)."""

    location: str
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None
    size: int | None = None
    mtime_ns: int | None = None
    changed_at: str | None = None
    touched: bool = False

    @classmethod
    def of(cls, row: SourceDocumentRow) -> _DocumentState:
        return cls(
            location=row.location,
            etag=row.etag,
            last_modified=row.last_modified,
            sha256=row.sha256,
            size=row.size,
            mtime_ns=row.mtime_ns,
            changed_at=row.changed_at,
        )


@dataclass
class _Check:
    """The state of one check in progress."""

    source: SourceRow
    documents: dict[str, _DocumentState]
    outcomes: list[DocumentOutcome] = field(default_factory=list)
    bytes: int = 0
    not_modified: int = 0
    page_validators: Validators | None = None
    page_listing: list[str] | None = None
    #: A portal's links to hosts other than its own and those allowed (not followed).
    refused_links: list[str] = field(default_factory=list)
    error: str | None = None

    def state(self, location: str) -> _DocumentState:
        state = self.documents.setdefault(location, _DocumentState(location))
        state.touched = True
        return state

    def status(self) -> CheckStatus:
        if self.error is not None:
            return "failed"
        if any(o.status == "failed" for o in self.outcomes):
            return "partial"
        if any(o.status in NEW_CONTENT for o in self.outcomes):
            return "changed"
        return "unchanged"


class SourceChecker:
    """Checks sources against one ledger with one fetcher. ``monotonic`` measures durations (tests inject it)."""

    def __init__(
        self, ledger: store.Ledger, fetcher: Fetcher, *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.ledger = ledger
        self.fetcher = fetcher
        self.monotonic = monotonic
        self._started = monotonic()

    def check_all(self, source_ids: Sequence[int] | None = None) -> list[CheckReport]:
        """Check the given sources (default: all, by id). One source failing never stops the others."""
        if source_ids is None:
            with self.ledger.read() as session:
                source_ids = [row.id for row in list_sources(session) if row.id is not None]
        return [self.check_isolated(source_id) for source_id in source_ids]

    def check_isolated(self, source_id: int) -> CheckReport:
        """:meth:`check`, turning even an unexpected error into a recorded ``source-failed``."""
        started = self.monotonic()
        try:
            return self.check(source_id)
        except NotFoundError:
            raise
        except Exception as exc:  # a bug or a database outage must not stop the other sources
            log.exception("checking source %s failed", source_id)
            return self._record_crash(source_id, f"{type(exc).__name__}: {exc}", started)

    def check(self, source_id: int) -> CheckReport:
        """Check one source and record the check. Raises :class:`ledger.errors.NotFoundError` for an unknown id;
        problems with the source itself are recorded as ``source-failed``, not raised."""
        started = self._started = self.monotonic()
        with self.ledger.read() as session:
            source = detached(get_source(session, source_id))
            documents = _load_states(session, source_id)
        check = _Check(source, documents)
        try:
            self._run(check)
        except (FetchError, SourceError, OSError) as exc:
            check.error = _reason(exc)
        report = _report(check, self._elapsed_ms(started))
        self._save(check, report)
        return report

    # --- the three kinds ------------------------------------------------------------------------------------------

    def _run(self, check: _Check) -> None:
        kind = check.source.kind
        if kind == "folder":
            self._check_folder(check)
        elif kind == "document":
            check.outcomes.append(self._check_url(check, check.source.location))
        elif kind == "portal":
            self._check_portal(check)
        else:
            raise SourceError(f"unknown source kind {kind!r}")

    def _check_folder(self, check: _Check) -> None:
        folder = Path(check.source.location)
        if not folder.is_dir():
            raise SourceError(f"folder not found: {folder}")
        own = _ledger_files(self.ledger)
        root = folder.resolve()
        for path in _matching_files(folder, check.source.pattern or "*"):
            if path.resolve() in own:  # a folder holding the ledger's own database must not ingest it
                continue
            relative = path.relative_to(folder).as_posix()
            try:
                _refuse_links_out(path, folder, root)
                outcome = self._check_file(check, path, relative)
            except (OSError, SourceError) as exc:
                outcome = DocumentOutcome(relative, "failed", error=_reason(exc))
            check.outcomes.append(outcome)

    def _check_file(self, check: _Check, path: Path, relative: str) -> DocumentOutcome:
        stat = path.stat()
        known = check.documents.get(relative)
        if known is not None and (known.size, known.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
            check.state(relative)
            return DocumentOutcome(relative, "unchanged")
        limit = self.fetcher.policy.max_bytes
        if stat.st_size > limit:
            raise SourceError(f"too large: {stat.st_size} bytes, limit {limit}")
        data = _read_regular_file(path, limit)
        check.bytes += len(data)
        state = check.state(relative)
        # The size and time read *before* the content: a file rewritten meanwhile differs next time and is read again.
        state.size, state.mtime_ns = stat.st_size, stat.st_mtime_ns
        return self._take(check, relative, data, name=path.name, origin=str(path))

    def _check_portal(self, check: _Check) -> None:
        source = check.source
        remembered = json.loads(source.listing) if source.listing is not None else None
        sent = Validators(source.etag, source.last_modified) if remembered is not None else None
        page = self.fetcher.get(source.location, sent, allow_private=source.allow_private)
        check.bytes += page.size
        check.page_validators = page.validators
        if page.not_modified and remembered is not None:
            check.not_modified += 1
            urls = [str(url) for url in remembered]
        else:
            found = document_links(
                page.content, base_url=page.url, content_type=page.content_type, pattern=source.pattern
            )
            urls = [link.url for link in found]
        allowed = allowed_hosts_of(source)
        check.refused_links = [url for url in urls if not _may_follow(url, page.url, allowed)]
        urls = [url for url in urls if url not in check.refused_links]
        check.page_listing = urls
        self._check_urls(check, urls)

    def _check_urls(self, check: _Check, urls: list[str]) -> None:
        """Fetch a portal's documents a few at a time (the policy's ``concurrency``), then take each in page order
        (ingestion writes one at a time). Past the check's deadline the remaining documents are left for the
        next check, each saying so."""
        deadline = self._started + self.fetcher.policy.check_deadline_s
        batch_size = max(1, self.fetcher.policy.concurrency)
        with ThreadPoolExecutor(max_workers=batch_size, thread_name_prefix="fetch") as pool:
            for start in range(0, len(urls), batch_size):
                batch = urls[start : start + batch_size]
                if self.monotonic() > deadline:
                    reason = f"not checked: the check's deadline ({self.fetcher.policy.check_deadline_s:g}s) passed"
                    check.outcomes.extend(
                        DocumentOutcome(url, "failed", error=reason) for url in urls[start:]
                    )
                    return
                fetches = [pool.submit(self._fetch_url, check, url, deadline) for url in batch]
                for url, fetch in zip(batch, fetches, strict=True):
                    try:
                        outcome = self._take_fetched(check, url, fetch.result())
                    except FetchError as exc:
                        outcome = DocumentOutcome(url, "failed", error=exc.reason)
                    check.outcomes.append(outcome)

    def _check_url(self, check: _Check, url: str) -> DocumentOutcome:
        deadline = self._started + self.fetcher.policy.check_deadline_s
        return self._take_fetched(check, url, self._fetch_url(check, url, deadline))

    def _fetch_url(self, check: _Check, url: str, deadline: float) -> Fetched:
        """The network part (runs in a worker thread): reads the check's state, never writes it."""
        known = check.documents.get(url)
        sent = Validators(known.etag, known.last_modified) if known is not None else None
        return self.fetcher.get(url, sent, allow_private=check.source.allow_private, deadline=deadline)

    def _take_fetched(self, check: _Check, url: str, fetched: Fetched) -> DocumentOutcome:
        check.bytes += fetched.size
        state = check.state(url)
        state.etag, state.last_modified = fetched.validators.etag, fetched.validators.last_modified
        if fetched.not_modified:
            check.not_modified += 1
            return DocumentOutcome(url, "not-modified")
        return self._take(check, url, fetched.content, name=_file_name(fetched.url), origin=url)

    # --- new content ----------------------------------------------------------------------------------------------

    def _take(self, check: _Check, location: str, data: bytes, *, name: str, origin: str) -> DocumentOutcome:
        """Ingest ``data`` unless it is what this document held last time or what the ledger already holds."""
        digest = sha256_hex(data)
        state = check.state(location)
        if state.sha256 == digest:
            return DocumentOutcome(location, "unchanged", bytes=len(data))
        state.sha256, state.changed_at = digest, now_text()
        if self._already_stored(digest):
            return DocumentOutcome(location, "unchanged", bytes=len(data))
        outcome = ingest_bytes(self.ledger, data, name=name, source=origin)
        return DocumentOutcome(
            location, _INGEST_STATUS[outcome.status], bytes=len(data), ref=outcome.ref, error=outcome.error
        )

    def _already_stored(self, digest: str) -> bool:
        with self.ledger.read() as session:
            return store.find_publication(session, digest) is not None

    # --- recording ------------------------------------------------------------------------------------------------

    def _save(self, check: _Check, report: CheckReport) -> None:
        """Remember what was seen and record the check, in one transaction."""
        source_id = report.source_id
        with self.ledger.write() as session:
            row = session.get(SourceRow, source_id)
            if row is not None:  # removed while being checked: record the check, remember nothing
                _update_source(row, check, report)
                _save_states(session, source_id, check.documents.values())
            base = _event_base(report)
            for failure in report.failures:
                events.append(
                    session,
                    events.SOURCE_FAILED,
                    f"source/{source_id}",
                    {**base, "document": failure.document, "reason": failure.error},
                )
            if report.status == "failed":
                events.append(
                    session,
                    events.SOURCE_FAILED,
                    f"source/{source_id}",
                    {**base, "document": None, "reason": report.error, "duration_ms": report.duration_ms},
                )
            else:
                events.append(session, events.SOURCE_CHECKED, f"source/{source_id}", checked_payload(report))

    def _record_crash(self, source_id: int, reason: str, started: float) -> CheckReport:
        with self.ledger.read() as session:
            row = session.get(SourceRow, source_id)
            kind, location, department = (row.kind, row.location, row.department) if row else ("?", "?", None)
        report = CheckReport(
            source_id, kind, location, department, "failed", (), 0, 0, self._elapsed_ms(started), reason
        )
        with self.ledger.write() as session:
            events.append(
                session,
                events.SOURCE_FAILED,
                f"source/{source_id}",
                {
                    **_event_base(report),
                    "document": None,
                    "reason": reason,
                    "duration_ms": report.duration_ms,
                },
            )
        return report

    def _elapsed_ms(self, started: float) -> int:
        return max(0, round((self.monotonic() - started) * 1000))


def checked_payload(report: CheckReport) -> dict[str, Any]:
    """The ``source-checked`` event: counts for every check, details only of documents that brought something."""
    return {
        **_event_base(report),
        "status": report.status,
        "documents": len(report.documents),
        "new": len(report.new),
        "not_modified": report.not_modified,
        "bytes": report.bytes,
        "duration_ms": report.duration_ms,
        "outcomes": [d.payload() for d in report.documents if d.status in NEW_CONTENT],
        **({"refused_links": list(report.refused_links)} if report.refused_links else {}),
    }


def _event_base(report: CheckReport) -> dict[str, Any]:
    return {
        "source_id": report.source_id,
        "kind": report.kind,
        "location": redact_url(report.location),
        "department": report.department,
    }


def _report(check: _Check, duration_ms: int) -> CheckReport:
    source = check.source
    assert source.id is not None
    return CheckReport(
        source_id=source.id,
        kind=source.kind,
        location=source.location,
        department=source.department,
        status=check.status(),
        documents=tuple(check.outcomes),
        bytes=check.bytes,
        not_modified=check.not_modified,
        duration_ms=duration_ms,
        error=check.error,
        refused_links=tuple(check.refused_links),
    )


def _update_source(row: SourceRow, check: _Check, report: CheckReport) -> None:
    row.last_checked_at = now_text()
    row.last_status = report.status
    if check.page_validators is not None and check.page_listing is not None:
        row.etag = check.page_validators.etag
        row.last_modified = check.page_validators.last_modified
        row.listing = json.dumps(check.page_listing, ensure_ascii=False)


def _load_states(session: Session, source_id: int) -> dict[str, _DocumentState]:
    return {row.location: _DocumentState.of(row) for row in _document_rows(session, source_id)}


def _save_states(session: Session, source_id: int, states: Iterable[_DocumentState]) -> None:
    checked_at = now_text()
    existing = {row.location: row for row in _document_rows(session, source_id)}
    for state in states:
        if not state.touched:
            continue
        row = existing.get(state.location) or SourceDocumentRow(
            source_id=source_id, location=state.location, checked_at=checked_at
        )
        row.etag, row.last_modified = state.etag, state.last_modified
        row.sha256, row.size, row.mtime_ns = state.sha256, state.size, state.mtime_ns
        row.changed_at, row.checked_at = state.changed_at, checked_at
        session.add(row)


def _document_rows(session: Session, source_id: int) -> list[SourceDocumentRow]:
    return list(session.exec(select(SourceDocumentRow).where(SourceDocumentRow.source_id == source_id)))


def _matching_files(folder: Path, pattern: str) -> list[Path]:
    """Files under ``folder`` matching the glob, sorted, hidden files and folders skipped; symbolic links are
    included so that they are reported as refused, not silently skipped."""
    return sorted(
        path
        for path in folder.glob(pattern)
        if (path.is_file() or path.is_symlink())
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )


def _refuse_links_out(path: Path, folder: Path, root: Path) -> None:
    """A folder source reads regular files inside it: no symbolic link (to ``/proc/self/environ``, to ``~/.ssh``),
    at any level below the folder, and nothing that resolves outside it."""
    current = folder
    for part in path.relative_to(folder).parts:
        current = current / part
        if current.is_symlink():
            raise SourceError("refused: a symbolic link (a folder source reads only regular files inside it)")
    if not path.resolve().is_relative_to(root):
        raise SourceError("refused: the file is outside the folder")


def _read_regular_file(path: Path, limit: int) -> bytes:
    """The file's bytes, opened without following a link swapped in since it was checked, and only if regular."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as stream:
        if not stat_module.S_ISREG(os.fstat(stream.fileno()).st_mode):
            raise SourceError("refused: not a regular file")
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise SourceError(f"too large: more than {limit} bytes")
    return data


def _ledger_files(ledger: store.Ledger) -> frozenset[Path]:
    """The files of an SQLite ledger (database, WAL, shared memory, journal, scheduler lock)."""
    database = ledger.engine.url.database
    if ledger.engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return frozenset()
    path = Path(database).resolve()
    suffixes = ("", "-wal", "-shm", "-journal", ".scheduler.lock")
    return frozenset(path.with_name(path.name + suffix) for suffix in suffixes)


def _may_follow(url: str, page_url: str, allowed: frozenset[str]) -> bool:
    """A portal's link is followed to the portal's own host, or to a host the source lists."""
    return same_host(url, page_url) or (urlsplit(url).hostname or "").lower() in allowed


def _file_name(url: str) -> str:
    return PurePosixPath(unquote(urlsplit(url).path)).name or "document"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, FetchError):  # the URL is the source's location, already in the report
        return exc.reason
    if isinstance(exc, OSError):
        return f"{exc.strerror or type(exc).__name__}: {exc.filename}" if exc.filename else str(exc)
    return str(exc)
