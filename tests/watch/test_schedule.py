"""The scheduler: job configuration, real BlockingScheduler runs driven from the test thread (time is controlled by
making a job due now, never by waiting for its interval), trouble listeners, the one-scheduler lock, and SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from apscheduler.events import (  # type: ignore[import-untyped]
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobExecutionEvent,
    JobSubmissionEvent,
)
from sqlalchemy import inspect
from sqlmodel import select
from typer.testing import CliRunner

from cli.main import app
from ledger import store
from ledger.store import Ledger, events
from ledger.store.schema import SchedulerJobRow, SourceRow
from ledger.watch.check import SOURCE_MISSED, CheckReport
from ledger.watch.fetch import FetchPolicy
from ledger.watch.schedule import (
    NOTIFY_JOB_ID,
    LedgerScheduler,
    SchedulerBusyError,
    SchedulerSettings,
    job_id,
    job_spec,
    run_scheduled_check,
    scheduler_lock,
    source_id_of,
)
from ledger.watch.sources import Schedule, add_source, remove_source
from tests.httpsite import Site, portal_page, serve
from tests.support import key_value_layout, publication

R1 = publication("甲局", 2024, ("培训经费", "12.50"))
R2 = publication("甲局", 2024, ("培训经费", "13"))
OTHER = publication("乙局", 2024, ("就业补助", "300"))
EVERY_HOUR = Schedule(every_seconds=3600)
SETTINGS = SchedulerSettings(workers=2, fetch_policy=FetchPolicy(read_timeout_s=2.0, attempts=1))
WAIT_S = 20.0


@pytest.fixture
def ledger(db_url: str) -> Iterator[Ledger]:
    with key_value_layout(), Ledger(db_url) as opened:
        yield opened


@pytest.fixture
def site() -> Iterator[Site]:
    with serve() as running:
        yield running


#: What the ledger derives from a recorded snapshot (diffs, findings): reactions with tests of their own.
REACTIONS = {events.CHANGES_DETECTED, events.FINDING_RAISED}


def event_types(ledger: Ledger, after: int = 0, *, reactions: bool = False) -> list[str]:
    with ledger.read() as session:
        found = events.list_events(session, after=after)
    return [e.type for e in found if reactions or e.type not in REACTIONS]


def head(ledger: Ledger) -> int:
    with ledger.read() as session:
        row = events.head(session)
    return row.seq if row else 0


class Running:
    """A LedgerScheduler running in a background thread, with a way to wait until its jobs have run."""

    def __init__(self, scheduler: LedgerScheduler) -> None:
        self.scheduler = scheduler
        self.executed: list[str] = []
        self._changed = threading.Condition()
        scheduler.scheduler.add_listener(self._on_done, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
        self.thread = threading.Thread(target=scheduler.run, kwargs={"handle_signals": False})
        self.thread.start()

    def _on_done(self, event: JobExecutionEvent) -> None:
        with self._changed:
            self.executed.append(event.job_id)
            self._changed.notify_all()

    def wait_for_runs(self, job: str, count: int) -> None:
        with self._changed:
            done = self._changed.wait_for(lambda: self.executed.count(job) >= count, timeout=WAIT_S)
        assert done, f"{job} ran {self.executed.count(job)} times, expected {count}"

    def run_now(self, job: str) -> None:
        """Make a job due now instead of waiting for its interval."""
        self.scheduler.scheduler.modify_job(job, jobstore="default", next_run_time=datetime.now(UTC))

    def stop(self) -> None:
        self.scheduler.stop()
        self.thread.join(timeout=WAIT_S)
        assert not self.thread.is_alive()


@pytest.fixture
def start(ledger: Ledger) -> Iterator[Callable[..., Running]]:
    started: list[Running] = []

    def starter(**options: object) -> Running:
        running = Running(LedgerScheduler(ledger, SETTINGS, **options))  # type: ignore[arg-type]
        started.append(running)
        return running

    yield starter
    for running in started:
        running.stop()


# --- job configuration ----------------------------------------------------------------------------------------------


def _source(**fields: object) -> SourceRow:
    defaults: dict[str, object] = {"id": 7, "kind": "portal", "location": "http://x/", "timezone": "UTC"}
    return SourceRow.model_validate({**defaults, "created_at": "2024-01-01T00:00:00Z", **fields})


def test_interval_job_has_a_grace_time_of_one_interval() -> None:
    spec = job_spec(_source(every_seconds=6 * 3600))
    assert (str(spec.trigger), spec.misfire_grace_time, spec.source_id) == ("interval[6:00:00]", 21600, 7)


def test_cron_job_keeps_its_time_zone() -> None:
    spec = job_spec(_source(cron="0 8 * * 1-5", timezone="Asia/Shanghai"))
    assert str(spec.trigger.timezone) == "Asia/Shanghai" and spec.misfire_grace_time == 86400


@pytest.mark.parametrize(
    ("job", "source_id"), [("source-12", 12), ("sync-sources", None), ("source-x", None)]
)
def test_job_ids_name_their_source(job: str, source_id: int | None) -> None:
    assert source_id_of(job) == source_id
    if source_id is not None:
        assert job_id(source_id) == job


# --- real runs ------------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_portal_under_the_scheduler_two_snapshots_then_a_revision_then_nothing(
    ledger: Ledger, site: Site, start: Callable[..., Running]
) -> None:
    site.put("/ysgk/index.html", portal_page(("jia.txt", "甲局"), ("yi.txt", "乙局")))
    site.put("/ysgk/jia.txt", R1)
    site.put("/ysgk/yi.txt", OTHER)
    source = add_source(ledger, site.url("/ysgk/index.html"), allow_private=True, schedule=EVERY_HOUR)
    assert source.id is not None
    job = job_id(source.id)
    tables_before = set(inspect(ledger.engine).get_table_names())
    reports: list[CheckReport] = []
    running = start(on_report=reports.append)

    running.wait_for_runs(job, 1)  # a new source is checked at once
    assert event_types(ledger) == ["publication-received", "snapshot-recorded"] * 2 + ["source-checked"]

    site.put("/ysgk/jia.txt", R2)
    mark = head(ledger)
    running.run_now(job)
    running.wait_for_runs(job, 2)
    assert event_types(ledger, mark) == ["publication-received", "snapshot-recorded", "source-checked"]

    mark = head(ledger)
    running.run_now(job)
    running.wait_for_runs(job, 3)
    assert event_types(ledger, mark, reactions=True) == ["source-checked"]
    running.stop()

    assert [r.status for r in reports] == ["changed", "changed", "unchanged"]
    with ledger.read() as session:
        refs = [store.describe(session, row) for row in store.list_snapshots(session)]
        jobs = session.exec(select(SchedulerJobRow.id)).all()
    assert refs == [
        "甲局@2024r1/department-targets",
        "甲局@2024r2/department-targets",
        "乙局@2024r1/department-targets",
    ]
    assert list(jobs) == [job]  # the job persists in the ledger, in the table the migration made
    assert set(inspect(ledger.engine).get_table_names()) == tables_before


@pytest.mark.slow
def test_restart_keeps_the_stored_next_run_time(
    ledger: Ledger, tmp_path: Path, start: Callable[..., Running]
) -> None:
    source = add_source(ledger, str(tmp_path), schedule=EVERY_HOUR)
    assert source.id is not None
    first = start()
    first.wait_for_runs(job_id(source.id), 1)
    first.stop()
    with ledger.read() as session:
        stored = session.exec(select(SchedulerJobRow.next_run_time)).one()
    assert stored is not None and stored > time.time() + 3500

    second = start()
    second.wait_for_runs(NOTIFY_JOB_ID, 1)  # started and synced
    second.stop()
    with ledger.read() as session:
        assert session.exec(select(SchedulerJobRow.next_run_time)).one() == stored
    assert job_id(source.id) not in second.executed


@pytest.mark.slow
def test_jobs_follow_sources_added_changed_and_removed(
    ledger: Ledger, tmp_path: Path, start: Callable[..., Running]
) -> None:
    first = add_source(ledger, str(tmp_path), schedule=EVERY_HOUR)
    assert first.id is not None
    running = start()
    running.wait_for_runs(job_id(first.id), 1)

    (tmp_path / "more").mkdir()
    second = add_source(ledger, str(tmp_path / "more"), schedule=EVERY_HOUR)
    assert second.id is not None
    remove_source(ledger, first.id)
    with ledger.write() as session:
        row = session.get(SourceRow, second.id)
        assert row is not None
        row.every_seconds = 7200
        session.add(row)
    running.scheduler.sync_jobs()
    running.wait_for_runs(job_id(second.id), 1)

    jobs = {job.id: job for job in running.scheduler.scheduler.get_jobs(jobstore="default")}
    assert list(jobs) == [job_id(second.id)]
    assert str(jobs[job_id(second.id)].trigger) == "interval[2:00:00]"
    assert jobs[job_id(second.id)].misfire_grace_time == 7200
    assert jobs[job_id(second.id)].coalesce is True and jobs[job_id(second.id)].max_instances == 1


@pytest.mark.slow
def test_job_error_is_recorded_as_a_source_failure(
    ledger: Ledger, tmp_path: Path, start: Callable[..., Running]
) -> None:
    source = add_source(ledger, str(tmp_path), schedule=EVERY_HOUR, department="甲局")
    assert source.id is not None

    def broken_reporter(_report: CheckReport) -> None:
        raise RuntimeError("terminal closed")

    running = start(on_report=broken_reporter)
    running.wait_for_runs(job_id(source.id), 1)
    with ledger.read() as session:
        failed = events.list_events(session, event_type=events.SOURCE_FAILED)
    assert [e.payload["reason"] for e in failed] == ["job error: RuntimeError: terminal closed"]
    assert failed[0].payload["department"] == "甲局"


@pytest.mark.slow
def test_missed_and_overlapping_runs_are_recorded(ledger: Ledger, tmp_path: Path) -> None:
    source = add_source(ledger, str(tmp_path), schedule=EVERY_HOUR)
    assert source.id is not None
    scheduler = LedgerScheduler(ledger, SETTINGS)
    due = datetime(2024, 3, 1, 0, 0, tzinfo=UTC)
    scheduler.record_job_trouble(JobExecutionEvent(EVENT_JOB_MISSED, job_id(source.id), "default", due))
    scheduler.record_job_trouble(
        JobSubmissionEvent(EVENT_JOB_MAX_INSTANCES, job_id(source.id), "default", [due])
    )
    scheduler.record_job_trouble(JobExecutionEvent(EVENT_JOB_MISSED, "sync-sources", "internal", due))
    with ledger.read() as session:
        missed = events.list_events(session, event_type=SOURCE_MISSED)
    assert [(e.subject, e.payload["scheduled_at"], e.payload["reason"]) for e in missed] == [
        (
            f"source/{source.id}",
            "2024-03-01T00:00:00+00:00",
            "not run within the grace time (the scheduler was stopped or busy)",
        ),
        (
            f"source/{source.id}",
            "2024-03-01T00:00:00+00:00",
            "the previous check of this source was still running",
        ),
    ]


def test_the_stored_job_needs_a_scheduler_running_in_the_process() -> None:
    with pytest.raises(RuntimeError, match="no ledger scheduler is running"):
        run_scheduled_check(1)


@pytest.mark.slow
def test_stop_before_start_returns_at_once(ledger: Ledger) -> None:
    scheduler = LedgerScheduler(ledger, SETTINGS)
    scheduler.stop()
    started = time.monotonic()
    scheduler.run(handle_signals=False)
    assert time.monotonic() - started < 5


# --- one scheduler per ledger ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_only_one_scheduler_holds_the_ledger(ledger: Ledger, db_url: str) -> None:
    with Ledger(db_url) as other:
        with scheduler_lock(ledger):
            with pytest.raises(
                SchedulerBusyError, match="another scheduler is already running for this ledger"
            ):
                with scheduler_lock(other):
                    pass
        with scheduler_lock(other):  # released: the next one may start
            pass


@pytest.mark.slow
def test_the_lock_is_held_through_a_run_and_released_after(
    ledger: Ledger, db_url: str, tmp_path: Path, start: Callable[..., Running]
) -> None:
    source = add_source(ledger, str(tmp_path), schedule=EVERY_HOUR)
    assert source.id is not None
    with scheduler_lock(ledger):
        running = start()
        running.wait_for_runs(job_id(source.id), 1)
        with Ledger(db_url) as other, pytest.raises(SchedulerBusyError):
            with scheduler_lock(other):
                pass
        running.stop()
    with Ledger(db_url) as other, scheduler_lock(other):
        pass


def test_second_scheduler_command_exits_with_one_line(tmp_path: Path) -> None:
    database = tmp_path / "ledger.db"
    with Ledger(str(database)) as ledger, scheduler_lock(ledger):
        result = CliRunner().invoke(app, ["--db", str(database), "scheduler", "run"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"ledger: error: another scheduler is already running for this ledger "
        f"(pid {os.getpid()}; lock file {database}.scheduler.lock)\n"
    )


@pytest.mark.slow
def test_sigterm_stops_the_scheduler_cleanly(tmp_path: Path) -> None:
    database = tmp_path / "ledger.db"
    (tmp_path / "inbox").mkdir()
    with Ledger(str(database)) as ledger:
        add_source(ledger, str(tmp_path / "inbox"), schedule=EVERY_HOUR)
    command = "from cli.main import run; run()"
    process = subprocess.Popen(
        [sys.executable, "-c", command, "--db", str(database), "scheduler", "run"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        with Ledger(str(database)) as ledger:
            deadline = time.monotonic() + WAIT_S
            while events.SOURCE_CHECKED not in event_types(ledger) and time.monotonic() < deadline:
                time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=WAIT_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert err.splitlines()[0] == "scheduler running: 1 sources (Ctrl-C to stop)"
    assert err.splitlines()[-1] == "scheduler stopped"
    assert out.startswith("source 1 unchanged: 0 new, 0 unchanged (0 not modified), 0 bytes, ")
