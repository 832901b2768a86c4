"""Checking the watched sources on their schedules (docs/architecture.md §8): apscheduler 3.x in the foreground, with its jobs kept
in the ledger database (the ``apscheduler_jobs`` table, created by migration 0002).

- One job per source, with a fixed id (``source-<id>``). The jobs follow the ``sources`` table: at start and then
  every minute the scheduler adds, replaces or removes jobs so they match it; a job whose schedule is unchanged is
  left alone, so its next run time survives a restart (a run missed while the scheduler was down then happens once
  at start if it is within the grace time, which is about one interval; older runs are recorded as missed).
- The stored job is a reference to :func:`run_scheduled_check` and the source id: no connection URL or password is
  pickled into the database. The function finds the running :class:`LedgerScheduler` of its process.
- Job errors and missed runs are recorded as events (``source-failed``, ``source-missed``); checks record their own.
- Webhook deliveries run as another job, after the events they carry were committed.
- One scheduler per ledger: a PostgreSQL session advisory lock, or on SQLite an exclusive lock on a file beside the
  database (``ledger.store.db.scheduler.lock``). Both are released by the operating system if the process dies.
- SIGINT and SIGTERM stop it cleanly: running checks finish, nothing is cut mid-transaction.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

import httpx
from apscheduler.events import (  # type: ignore[import-untyped]
    EVENT_JOB_ERROR,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    EVENT_SCHEDULER_STARTED,
    JobExecutionEvent,
    JobSubmissionEvent,
    SchedulerEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor  # type: ignore[import-untyped]
from apscheduler.job import Job  # type: ignore[import-untyped]
from apscheduler.jobstores.memory import MemoryJobStore  # type: ignore[import-untyped]
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore  # type: ignore[import-untyped]
from apscheduler.schedulers import SchedulerNotRunningError  # type: ignore[import-untyped]
from apscheduler.schedulers.blocking import BlockingScheduler  # type: ignore[import-untyped]
from sqlalchemy import Engine, text

from ledger.errors import LedgerError, NotFoundError
from ledger.store import Ledger, events
from ledger.store.db import create_ledger_engine
from ledger.store.schema import SourceRow
from ledger.watch.check import SOURCE_MISSED, CheckReport, SourceChecker
from ledger.watch.fetch import Fetcher, FetchPolicy
from ledger.watch.notify import AttemptOutcome, HttpPoster, Poster, deliver_pending
from ledger.watch.sources import SourceError, detached, list_sources, schedule_of

log = logging.getLogger(__name__)

JOB_PREFIX = "source-"
SYNC_JOB_ID = "sync-sources"
NOTIFY_JOB_ID = "deliver-notifications"
#: Housekeeping jobs live in memory: they belong to the running process, not to the ledger.
INTERNAL_STORE = "internal"
#: Arbitrary constant naming the one-scheduler lock on PostgreSQL (distinct from the writer lock in ledger.db).
PG_SCHEDULER_LOCK = 0x1ED6E6


class SchedulerBusyError(LedgerError):
    """Another scheduler already runs for this ledger."""


@dataclass(frozen=True)
class SchedulerSettings:
    workers: int = 4
    sync_every_s: int = 60
    notify_every_s: int = 15
    fetch_policy: FetchPolicy = field(default_factory=FetchPolicy)


def job_id(source_id: int) -> str:
    return f"{JOB_PREFIX}{source_id}"


def source_id_of(job: str) -> int | None:
    suffix = job.removeprefix(JOB_PREFIX)
    return int(suffix) if job.startswith(JOB_PREFIX) and suffix.isdigit() else None


# --- running once -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunOnce:
    reports: list[CheckReport]
    deliveries: list[AttemptOutcome]


def run_once(
    ledger: Ledger,
    source_ids: Sequence[int] | None = None,
    *,
    policy: FetchPolicy | None = None,
    transport: httpx.BaseTransport | None = None,
    post: Poster | None = None,
) -> RunOnce:
    """Check the sources now (all, or the given ones), then deliver the notifications their events caused."""
    with Fetcher(policy or FetchPolicy(), transport=transport) as fetcher:
        reports = SourceChecker(ledger, fetcher).check_all(source_ids)
    return RunOnce(reports, deliver_pending(ledger, post=post))


# --- the scheduler ------------------------------------------------------------------------------------------------

_active: LedgerScheduler | None = None
_active_lock = threading.Lock()


def run_scheduled_check(source_id: int) -> None:
    """The function every stored job names: check one source with the scheduler running in this process."""
    scheduler = _active
    if scheduler is None:
        raise RuntimeError("no ledger scheduler is running in this process")
    scheduler.check_source(source_id)


class LedgerScheduler:
    """A foreground apscheduler ``BlockingScheduler`` bound to one ledger. :meth:`run` blocks until :meth:`stop`
    (or SIGINT/SIGTERM when run in the main thread). Hold :func:`scheduler_lock` around :meth:`run`."""

    def __init__(
        self,
        ledger: Ledger,
        settings: SchedulerSettings | None = None,
        *,
        on_report: Callable[[CheckReport], None] | None = None,
        transport: httpx.BaseTransport | None = None,
        post: Poster | None = None,
    ) -> None:
        self.ledger = ledger
        self.settings = settings or SchedulerSettings()
        self.on_report = on_report
        self._transport = transport
        self._post = post
        #: Owned when no poster is given, so that a shutdown can interrupt the delivery in progress.
        self._poster = HttpPoster() if post is None else None
        self._stop_requested = threading.Event()
        self._startup_error: BaseException | None = None
        # The job store gets an engine of its own: it disposes of it at shutdown, which must not touch the ledger's.
        self._jobs_engine = create_ledger_engine(ledger.url)
        self.scheduler = BlockingScheduler(
            jobstores={
                "default": SQLAlchemyJobStore(engine=self._jobs_engine),
                INTERNAL_STORE: MemoryJobStore(),
            },
            executors={"default": ThreadPoolExecutor(self.settings.workers)},
            job_defaults={"coalesce": True, "max_instances": 1},
            timezone=UTC,
        )
        self.scheduler.add_listener(self._on_started, EVENT_SCHEDULER_STARTED)
        self.scheduler.add_listener(
            self.record_job_trouble, EVENT_JOB_ERROR | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES
        )

    # --- lifecycle ------------------------------------------------------------------------------------------------

    def run(self, *, handle_signals: bool = True) -> None:
        """Run until stopped. Signal handlers are installed only from the main thread."""
        global _active
        with _active_lock:
            if _active is not None:
                raise SchedulerBusyError("a scheduler is already running in this process")
            _active = self
        restore = self._install_signal_handlers() if handle_signals else None
        try:
            self.scheduler.start()
        finally:
            # The main loop may still have read the job store after shutdown disposed of its engine.
            self._jobs_engine.dispose()
            if self._poster is not None:
                self._poster.close()
            if restore is not None:
                restore()
            with _active_lock:
                _active = None
        if self._startup_error is not None:
            raise self._startup_error

    def stop(self) -> None:
        """Ask the scheduler to stop and wait for its jobs: a delivery in progress is interrupted, a check stops
        at its next read or backoff (each bounded by the fetch policy's read timeout). Safe from any thread,
        before or after start."""
        self._stop_requested.set()
        if self._poster is not None:
            self._poster.abort()
        self._shutdown(wait=True)

    def _shutdown(self, *, wait: bool) -> None:
        # Not running means not started yet (the start listener then stops it) or already stopped.
        with suppress(SchedulerNotRunningError):
            self.scheduler.shutdown(wait=wait)

    def _on_started(self, _event: SchedulerEvent) -> None:
        # Runs inside start(), before the first job: the jobs match the sources before anything is due.
        try:
            self.sync_jobs()
            self.scheduler.add_job(
                self.sync_jobs,
                "interval",
                seconds=self.settings.sync_every_s,
                id=SYNC_JOB_ID,
                jobstore=INTERNAL_STORE,
                replace_existing=True,
            )
            self.scheduler.add_job(
                self.deliver_notifications,
                "interval",
                seconds=self.settings.notify_every_s,
                id=NOTIFY_JOB_ID,
                jobstore=INTERNAL_STORE,
                replace_existing=True,
                next_run_time=datetime.now(UTC),
            )
        except Exception as exc:  # handed back to run()'s caller once the scheduler has stopped
            self._startup_error = exc
            self._stop_requested.set()
        if self._stop_requested.is_set():
            self._shutdown(wait=False)

    def _install_signal_handlers(self) -> Callable[[], None] | None:
        if threading.current_thread() is not threading.main_thread():
            return None

        def handle(_signum: int, _frame: FrameType | None) -> None:
            self.stop()

        previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}

        def restore() -> None:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

        return restore

    # --- jobs -----------------------------------------------------------------------------------------------------

    def sync_jobs(self) -> None:
        """Make the stored jobs match the ``sources`` table (add new, replace changed, remove gone)."""
        with self.ledger.read() as session:
            sources = [detached(row) for row in list_sources(session)]
        wanted = {job_id(row.id): row for row in sources if row.id is not None}
        current: dict[str, Job] = {job.id: job for job in self.scheduler.get_jobs(jobstore="default")}
        for stale in current.keys() - wanted.keys():
            self.scheduler.remove_job(stale, jobstore="default")
        for identifier, source in wanted.items():
            try:
                self._schedule(identifier, source, current.get(identifier))
            except SourceError as exc:
                log.warning("source %s cannot be scheduled: %s", source.id, exc)

    def _schedule(self, identifier: str, source: SourceRow, existing: Job | None) -> None:
        spec = job_spec(source)
        if existing is not None and _same_schedule(existing, spec):
            return
        # A new source is checked at once; a changed schedule takes effect from its next firing.
        first_run: dict[str, Any] = {"next_run_time": datetime.now(UTC)} if existing is None else {}
        self.scheduler.add_job(
            run_scheduled_check,
            spec.trigger,
            args=(spec.source_id,),
            id=identifier,
            name=spec.name,
            jobstore="default",
            replace_existing=True,
            misfire_grace_time=spec.misfire_grace_time,
            coalesce=True,
            max_instances=1,
            **first_run,
        )

    def check_source(self, source_id: int) -> CheckReport | None:
        """What a source's job does. A source removed meanwhile is skipped (the next sync drops its job)."""
        with Fetcher(
            self.settings.fetch_policy,
            transport=self._transport,
            sleep=self._pause,
            stopping=self._stop_requested.is_set,
        ) as fetcher:
            try:
                report = SourceChecker(self.ledger, fetcher).check_isolated(source_id)
            except NotFoundError:
                log.info("source %s is no longer watched; skipping its check", source_id)
                return None
        if self.on_report is not None:
            self.on_report(report)
        return report

    def _pause(self, seconds: float) -> None:
        """A fetch's backoff that a shutdown cuts short."""
        self._stop_requested.wait(seconds)

    def deliver_notifications(self) -> list[AttemptOutcome]:
        return deliver_pending(
            self.ledger, post=self._post or self._poster, stopping=self._stop_requested.is_set
        )

    def record_job_trouble(self, event: JobExecutionEvent | JobSubmissionEvent) -> None:
        """The listener of job errors, missed runs and overlapping runs: each becomes an event of its source."""
        source_id = source_id_of(event.job_id)
        if source_id is None:
            log.error("scheduler job %s: %s", event.job_id, getattr(event, "exception", None))
            return
        try:
            self._record_trouble(source_id, event)
        except Exception:  # a listener must not break the scheduler's loop; the log keeps the reason
            log.exception("could not record the trouble of job %s", event.job_id)

    def _record_trouble(self, source_id: int, event: JobExecutionEvent | JobSubmissionEvent) -> None:
        with self.ledger.write() as session:
            source = session.get(SourceRow, source_id)
            base: dict[str, Any] = {
                "source_id": source_id,
                "kind": source.kind if source else None,
                "location": source.location if source else None,
                "department": source.department if source else None,
            }
            subject = f"source/{source_id}"
            if event.code == EVENT_JOB_ERROR:
                reason = f"job error: {type(event.exception).__name__}: {event.exception}"
                events.append(
                    session, events.SOURCE_FAILED, subject, {**base, "document": None, "reason": reason}
                )
            elif event.code == EVENT_JOB_MISSED:
                events.append(
                    session,
                    SOURCE_MISSED,
                    subject,
                    {
                        **base,
                        "scheduled_at": event.scheduled_run_time,
                        "reason": "not run within the grace time (the scheduler was stopped or busy)",
                    },
                )
            else:
                events.append(
                    session,
                    SOURCE_MISSED,
                    subject,
                    {
                        **base,
                        "scheduled_at": event.scheduled_run_times[-1],
                        "reason": "the previous check of this source was still running",
                    },
                )


@dataclass(frozen=True)
class JobSpec:
    """How a source's job is configured (coalesce and one instance at a time are the scheduler's defaults)."""

    source_id: int
    trigger: Any
    misfire_grace_time: int
    name: str


def job_spec(source: SourceRow) -> JobSpec:
    """The job of a source: its trigger, and a grace time of about one interval (a run later than that would
    overlap the next one anyway)."""
    assert source.id is not None
    schedule = schedule_of(source)
    return JobSpec(
        source_id=source.id,
        trigger=schedule.trigger(),
        misfire_grace_time=schedule.period_seconds(),
        name=f"check source {source.id} ({source.location})",
    )


def _same_schedule(job: Job, spec: JobSpec) -> bool:
    return (
        str(job.trigger) == str(spec.trigger)
        and str(getattr(job.trigger, "timezone", "")) == str(getattr(spec.trigger, "timezone", ""))
        and job.misfire_grace_time == spec.misfire_grace_time
    )


# --- one scheduler per ledger -------------------------------------------------------------------------------------


@contextmanager
def scheduler_lock(ledger: Ledger) -> Iterator[None]:
    """Hold the ledger's one-scheduler lock; raise :class:`SchedulerBusyError` if another process holds it."""
    if ledger.engine.dialect.name == "postgresql":
        with _advisory_lock(ledger.engine):
            yield
        return
    path = lock_file_path(ledger.engine)
    if path is None:  # an in-memory database: no other process can see it
        yield
        return
    with _file_lock(path):
        yield


def lock_file_path(engine: Engine) -> Path | None:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = Path(database).resolve()
    return path.with_name(path.name + ".scheduler.lock")


@contextmanager
def _advisory_lock(engine: Engine) -> Iterator[None]:
    # A session-level lock on a connection held for the scheduler's lifetime, outside any transaction (an open
    # transaction for days would hold back vacuum). The server releases it if the process dies.
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        held = connection.execute(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": PG_SCHEDULER_LOCK}
        ).scalar()
        if not held:
            raise SchedulerBusyError(
                "another scheduler is already running for this ledger (it holds the PostgreSQL advisory lock)"
            )
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": PG_SCHEDULER_LOCK})


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    import fcntl

    # "a+" so that opening never truncates the holder's pid before we know we hold the lock.
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise SchedulerBusyError(
                f"another scheduler is already running for this ledger ({holder}; lock file {path})"
            ) from None
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}")
            handle.flush()
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
