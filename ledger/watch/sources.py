"""The watched sources and their schedules: add, list, remove (docs/architecture.md §8).

A source is one of three kinds:

- ``folder``: a local directory; files matching a glob (default ``*``) are ingested when new or changed.
- ``document``: the URL of one publication, fetched conditionally.
- ``portal``: the URL of a page listing publications (a 信息公开 portal page); its document links are followed,
  filtered by a regular expression matched against each link's URL or its text.

Each source is checked on its own schedule: every N seconds, or by a cron expression in a time zone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePath
from typing import Literal, get_args
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.base import BaseTrigger  # type: ignore[import-untyped]
from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]
from apscheduler.triggers.interval import IntervalTrigger  # type: ignore[import-untyped]
from sqlmodel import Session, col, select

from ledger.clock import now_text
from ledger.errors import LedgerError, NotFoundError
from ledger.store import Ledger
from ledger.store.schema import SourceDocumentRow, SourceRow
from ledger.watch.addresses import AddressRefused, Resolver, redact_url, refuse_literal, system_resolver

SourceKind = Literal["folder", "document", "portal"]
SOURCE_KINDS: tuple[SourceKind, ...] = get_args(SourceKind)

#: URL path endings that name a publication file rather than a page (the formats the readers take, plus the old
#: binary Office formats many portals still post: such a file is still stored as evidence if it cannot be read).
FILE_SUFFIXES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".txt")

_DURATION = re.compile(r"(\d+)\s*([smhdw])", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
MIN_INTERVAL_S = 10
_FIRINGS_SAMPLED = 8
_DEFAULT_GRACE_S = 3600


class SourceError(LedgerError):
    """A source that cannot be watched as given (bad location, pattern or schedule), or a check of it that failed
    before any document was reached (folder gone, portal page unreadable)."""


@dataclass(frozen=True)
class Schedule:
    """When a source is checked: ``every_seconds`` (an interval) or ``cron`` (5 fields) in ``timezone``."""

    every_seconds: int | None = None
    cron: str | None = None
    timezone: str = "UTC"

    @classmethod
    def parse(cls, every: str | None, cron: str | None, timezone: str | None = None) -> Schedule:
        """From ``--every 6h`` or ``--cron "0 8 * * 1-5"`` (exactly one), validated."""
        if (every is None) == (cron is None):
            raise SourceError('say how often to check: --every 6h or --cron "0 8 * * 1-5" (one of them)')
        zone = timezone or local_timezone()
        schedule = cls(every_seconds=parse_every(every) if every else None, cron=cron, timezone=zone)
        if schedule.trigger().get_next_fire_time(None, datetime.now(UTC)) is None:
            # e.g. "0 0 31 2 *" (31 February): the cron parser accepts it, and the source would never be checked
            raise SourceError(f"cron expression {cron!r} never fires (no such date)")
        return schedule

    def trigger(self) -> BaseTrigger:
        """The apscheduler trigger. Raises :class:`SourceError` for an invalid cron expression or time zone."""
        try:
            zone = ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise SourceError(f"unknown time zone {self.timezone!r}") from exc
        if self.every_seconds is not None:
            return IntervalTrigger(seconds=self.every_seconds, timezone=zone)
        if not self.cron:
            raise SourceError("a schedule needs an interval or a cron expression")
        try:
            trigger = CronTrigger.from_crontab(self.cron, timezone=zone)
        except ValueError as exc:
            raise SourceError(f"invalid cron expression {self.cron!r}: {exc}") from exc
        return trigger

    def period_seconds(self) -> int:
        """About one interval: for a cron schedule, the shortest gap between its next firings (a weekday 08:00
        schedule gives one day, not the weekend's three)."""
        if self.every_seconds is not None:
            return self.every_seconds
        trigger = self.trigger()
        moment = datetime.now(UTC)
        firings: list[datetime] = []
        while len(firings) < _FIRINGS_SAMPLED:
            fire = trigger.get_next_fire_time(firings[-1] if firings else None, moment)
            if fire is None:
                break
            firings.append(fire)
            moment = fire + timedelta(seconds=1)
        gaps = [int((b - a).total_seconds()) for a, b in zip(firings, firings[1:], strict=False)]
        return max(MIN_INTERVAL_S, min(gaps)) if gaps else _DEFAULT_GRACE_S

    def describe(self) -> str:
        if self.every_seconds is not None:
            return f"every {format_duration(self.every_seconds)}"
        return f"cron '{self.cron}' {self.timezone}"


def parse_every(text: str) -> int:
    """``"90s"``, ``"15m"``, ``"6h"``, ``"1d"``, ``"1h30m"`` → seconds."""
    compact = text.strip().replace(" ", "")
    parts = _DURATION.findall(compact)
    if not parts or "".join(n + u for n, u in parts) != compact:
        raise SourceError(f"not a duration: {text!r} (use e.g. 90s, 15m, 6h, 1d, 1h30m)")
    seconds = sum(int(number) * _UNIT_SECONDS[unit.lower()] for number, unit in parts)
    if seconds < MIN_INTERVAL_S:
        raise SourceError(f"checking more often than every {MIN_INTERVAL_S}s is not allowed: {text!r}")
    return seconds


def format_duration(seconds: int) -> str:
    """The inverse of :func:`parse_every`: 21600 → ``6h``, 5400 → ``1h30m``."""
    parts = []
    for unit in ("w", "d", "h", "m", "s"):
        count, seconds = divmod(seconds, _UNIT_SECONDS[unit])
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"


def local_timezone() -> str:
    """The machine's IANA time zone name (cron schedules are read in it unless another is given)."""
    import tzlocal

    try:
        return tzlocal.get_localzone_name() or "UTC"
    except (ZoneInfoNotFoundError, ValueError, LookupError):
        return "UTC"


def schedule_of(row: SourceRow) -> Schedule:
    return Schedule(every_seconds=row.every_seconds, cron=row.cron, timezone=row.timezone)


def guess_kind(location: str) -> SourceKind:
    """A directory is a folder; a URL whose path names a file is a document; any other URL is a portal page."""
    if _is_url(location):
        path = urlsplit(location).path.lower()
        return "document" if path.endswith(FILE_SUFFIXES) else "portal"
    return "folder"


def add_source(
    ledger: Ledger,
    location: str,
    *,
    schedule: Schedule,
    kind: SourceKind | None = None,
    pattern: str | None = None,
    department: str | None = None,
    allow_private: bool = False,
    allowed_hosts: Sequence[str] = (),
    resolver: Resolver = system_resolver,
) -> SourceRow:
    """Watch a new source. Raises :class:`SourceError` when it is invalid or already watched.

    ``allow_private``: fetch even from loopback and private addresses (refused otherwise, see
    :mod:`ledger.watch.addresses`). ``allowed_hosts``: other hosts a portal's links may point to.
    """
    kind = kind or guess_kind(location)
    location = _normalise_location(kind, location)
    _validate_pattern(kind, pattern)
    hosts = _validate_hosts(kind, allowed_hosts)
    if kind != "folder":
        try:  # names are resolved before each request; an address literal can be refused now
            refuse_literal(location, allow_private=allow_private, resolver=resolver)
        except AddressRefused as exc:
            raise SourceError(str(exc)) from exc
    schedule.trigger()
    with ledger.write() as session:
        duplicate = session.exec(
            select(SourceRow).where(SourceRow.kind == kind, SourceRow.location == location)
        ).all()
        for row in duplicate:
            if row.pattern == pattern:
                raise SourceError(f"already watched as source {row.id}")
        row = SourceRow(
            kind=kind,
            location=location,
            pattern=pattern,
            department=department,
            every_seconds=schedule.every_seconds,
            cron=schedule.cron,
            timezone=schedule.timezone,
            created_at=now_text(),
            allow_private=allow_private,
            allowed_hosts="\n".join(hosts) or None,
        )
        session.add(row)
        session.flush()
        return detached(row)


def list_sources(session: Session) -> list[SourceRow]:
    return list(session.exec(select(SourceRow).order_by(col(SourceRow.id))))


def get_source(session: Session, source_id: int) -> SourceRow:
    row = session.get(SourceRow, source_id)
    if row is None:
        raise NotFoundError(f"no source with id {source_id}")
    return row


def remove_source(ledger: Ledger, source_id: int) -> SourceRow:
    """Stop watching a source and forget what was seen of its documents (the ledger keeps what was ingested)."""
    with ledger.write() as session:
        row = get_source(session, source_id)
        removed = detached(row)
        for document in session.exec(
            select(SourceDocumentRow).where(SourceDocumentRow.source_id == source_id)
        ):
            session.delete(document)
        session.flush()
        session.delete(row)
    return removed


def detached(row: SourceRow) -> SourceRow:
    """A copy of the row's values that outlives its session."""
    return SourceRow.model_validate(row.model_dump())


def _is_url(location: str) -> bool:
    return urlsplit(location).scheme.lower() in ("http", "https")


def _normalise_location(kind: SourceKind, location: str) -> str:
    if kind == "folder":
        if _is_url(location):
            raise SourceError(f"a folder source needs a local directory, not a URL: {location}")
        folder = Path(location).expanduser()
        if not folder.is_dir():
            raise SourceError(f"not a directory: {location}")
        return str(folder.resolve())
    parts = urlsplit(location.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise SourceError(f"a {kind} source needs an http(s) URL, not {redact_url(location)!r}")
    if parts.username is not None or parts.password is not None:
        # never stored: the location is in every event and notification of the source
        raise SourceError(
            f"the URL carries credentials; they are not stored: give {redact_url(location)} and put them in "
            "~/.netrc (or the file $NETRC names)"
        )
    return parts.geturl()


def allowed_hosts_of(row: SourceRow) -> frozenset[str]:
    return frozenset(host for host in (row.allowed_hosts or "").splitlines() if host)


def _validate_hosts(kind: SourceKind, hosts: Sequence[str]) -> list[str]:
    if hosts and kind != "portal":
        raise SourceError("only a portal source has links to other hosts (--allow-host)")
    cleaned = []
    for host in hosts:
        name = host.strip().lower()
        if not name or any(c in name for c in "/:@ "):
            raise SourceError(f"--allow-host takes a host name, e.g. www.gov.cn, not {host!r}")
        cleaned.append(name)
    return sorted(set(cleaned))


def _validate_pattern(kind: SourceKind, pattern: str | None) -> None:
    if pattern is None:
        return
    if kind == "document":
        raise SourceError("a document source has no pattern (it is one URL)")
    if kind == "folder":
        if PurePath(pattern).is_absolute() or ".." in PurePath(pattern).parts:
            raise SourceError(f"a folder pattern is a glob inside the folder, e.g. '*.pdf': {pattern!r}")
        return
    try:
        re.compile(pattern)
    except re.error as exc:
        raise SourceError(f"invalid regular expression {pattern!r}: {exc}") from exc
