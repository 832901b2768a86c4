"""Scheduled ingestion and subscribers: ``ledger watch …``, ``ledger scheduler run``, ``ledger notify …``."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from ..context import open_ledger, user_errors
from ..output import Format, error, print_json, print_table

if TYPE_CHECKING:
    from ledger.watch.check import CheckReport

FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]

watch_app = typer.Typer(help="Watch sources of publications: a folder, a document URL or a portal page.")
scheduler_app = typer.Typer(help="Run the watched sources on their schedules.")
notify_app = typer.Typer(help="Webhook subscribers to the event log.")


class Kind(StrEnum):
    folder = "folder"
    document = "document"
    portal = "portal"


class SubscriberKind(StrEnum):
    webhook = "webhook"


# --- ledger watch ---------------------------------------------------------------------------------------------------


@watch_app.command("add")
def watch_add(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="A folder, a document URL, or a portal page URL.")],
    every: Annotated[str | None, typer.Option(help="Check every interval: 90s, 15m, 6h, 1d, 1h30m.")] = None,
    cron: Annotated[str | None, typer.Option(help='Check on a cron schedule, e.g. "0 8 * * 1-5".')] = None,
    timezone: Annotated[
        str | None, typer.Option(help="Time zone of --cron (default: this machine's), e.g. Asia/Shanghai.")
    ] = None,
    department: Annotated[
        str | None,
        typer.Option(help="The department publishing there (labels events, filters notifications)."),
    ] = None,
    pattern: Annotated[
        str | None,
        typer.Option(
            help="Folder: a glob (default *). Portal: a regex matched against each link's URL or text."
        ),
    ] = None,
    kind: Annotated[
        Kind | None,
        typer.Option(help="Say what SOURCE is when guessing is wrong (an HTML publication is a document)."),
    ] = None,
    allow_private: Annotated[
        bool,
        typer.Option(
            "--allow-private",
            help="Fetch even from loopback and private addresses (an intranet portal); refused otherwise.",
        ),
    ] = False,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            help="Portal: another host its links may point to (repeatable); by default its own.",
        ),
    ] = None,
) -> None:
    """Watch a source: its new or changed publications are ingested on schedule."""
    from ledger.watch.sources import Schedule, add_source

    with user_errors():  # a bad schedule is refused before any database is opened or created
        schedule = Schedule.parse(every, cron, timezone)
    with open_ledger(ctx) as ledger:
        row = add_source(
            ledger,
            source,
            schedule=schedule,
            kind=kind.value if kind else None,
            pattern=pattern,
            department=department,
            allow_private=allow_private,
            allowed_hosts=allow_host or (),
        )
    typer.echo(f"watching source {row.id}: {row.kind} {row.location} ({schedule.describe()})")


@watch_app.command("list")
def watch_list(ctx: typer.Context, output: FormatOption = Format.table) -> None:
    """List the watched sources and how their last check went."""
    from ledger.watch.sources import list_sources, schedule_of

    with open_ledger(ctx) as ledger, ledger.read() as session:
        records = [
            {
                "id": row.id,
                "kind": row.kind,
                "location": row.location,
                "pattern": row.pattern,
                "department": row.department,
                "schedule": schedule_of(row).describe(),
                "last_checked_at": row.last_checked_at,
                "last_status": row.last_status,
            }
            for row in list_sources(session)
        ]
    if output is Format.json:
        print_json(records)
        return
    print_table(
        None,
        ["id", "kind", "location", "pattern", "department", "schedule", "last check", "status"],
        [
            [
                r["id"],
                r["kind"],
                r["location"],
                r["pattern"],
                r["department"],
                r["schedule"],
                str(r["last_checked_at"] or "")[:19],
                r["last_status"],
            ]
            for r in records
        ],
    )


@watch_app.command("remove")
def watch_remove(ctx: typer.Context, source_id: Annotated[int, typer.Argument(help="Source id.")]) -> None:
    """Stop watching a source (what it brought stays in the ledger)."""
    from ledger.watch.sources import remove_source

    with open_ledger(ctx) as ledger:
        row = remove_source(ledger, source_id)
    typer.echo(f"removed source {row.id}: {row.kind} {row.location}")


@watch_app.command("run-once")
def watch_run_once(
    ctx: typer.Context,
    source_id: Annotated[int | None, typer.Argument(help="Check only this source (default: all).")] = None,
    output: FormatOption = Format.table,
) -> None:
    """Check the sources now, ingest what is new, deliver notifications, and exit (non-zero if a check failed)."""
    from ledger.watch.schedule import run_once

    with open_ledger(ctx) as ledger:
        try:
            result = run_once(ledger, None if source_id is None else [source_id])
        except (
            KeyboardInterrupt
        ):  # each ingest is its own transaction: what finished is kept, nothing is half-done
            error("interrupted")
            raise typer.Exit(130) from None
    if output is Format.json:
        print_json([_report_record(r) for r in result.reports])
    else:
        for report in result.reports:
            _echo_report(report)
    if any(r.status in ("failed", "partial") for r in result.reports):
        raise typer.Exit(1)


def _report_record(report: CheckReport) -> dict[str, object]:
    from ledger.watch.check import checked_payload

    return {**checked_payload(report), "error": report.error}


def _echo_report(report: CheckReport) -> None:
    """One line per check, one indented line per document that brought something or failed; failures on stderr."""
    if report.status == "failed":
        error(f"source {report.source_id} ({report.location}): {report.error}")
        return
    skipped = len(report.documents) - len(report.new) - len(report.failures)
    typer.echo(
        f"source {report.source_id} {report.status}: {len(report.new)} new, {skipped} unchanged "
        f"({report.not_modified} not modified), {report.bytes} bytes, {report.duration_ms} ms"
    )
    for document in report.new:
        target = f" -> {document.ref}" if document.ref else f": {document.error}"
        typer.echo(f"  {document.status:<17} {document.document}{target}")
    for document in report.failures:
        error(f"source {report.source_id}: {document.document}: {document.error}")


# --- ledger scheduler -----------------------------------------------------------------------------------------------


@scheduler_app.command("run")
def scheduler_run(
    ctx: typer.Context,
    workers: Annotated[int, typer.Option(min=1, help="Sources checked at the same time.")] = 4,
    notify_every: Annotated[str, typer.Option(help="How often to deliver webhook notifications.")] = "15s",
) -> None:
    """Run the scheduler in the foreground until Ctrl-C / SIGTERM (one scheduler per ledger)."""
    from ledger.watch.schedule import LedgerScheduler, SchedulerSettings, scheduler_lock
    from ledger.watch.sources import list_sources, parse_every

    with user_errors():
        settings = SchedulerSettings(workers=workers, notify_every_s=parse_every(notify_every))
    with open_ledger(ctx) as ledger:
        with scheduler_lock(ledger):
            with ledger.read() as session:
                count = len(list_sources(session))
            scheduler = LedgerScheduler(ledger, settings, on_report=_echo_report)
            typer.echo(f"scheduler running: {count} sources (Ctrl-C to stop)", err=True)
            scheduler.run()
    typer.echo("scheduler stopped", err=True)


# --- ledger notify --------------------------------------------------------------------------------------------------


@notify_app.command("add")
def notify_add(
    ctx: typer.Context,
    kind: Annotated[SubscriberKind, typer.Argument(help="Subscriber kind.")],
    url: Annotated[str, typer.Argument(help="Where to POST the JSON notifications.")],
    on: Annotated[
        list[str] | None,
        typer.Option(
            "--on",
            help="Event type to send (repeatable; * for all). Default: changes-detected, finding-raised, "
            "source-failed.",
        ),
    ] = None,
    department: Annotated[str | None, typer.Option(help="Only events about this department.")] = None,
    allow_private: Annotated[
        bool,
        typer.Option(
            "--allow-private", help="The URL may be a loopback or private address (refused otherwise)."
        ),
    ] = False,
) -> None:
    """Subscribe a webhook to events recorded from now on; prints the secret its notifications are signed with."""
    from ledger.watch.notify import add_webhook

    with open_ledger(ctx) as ledger:
        row = add_webhook(ledger, url, event_types=on, department=department, allow_private=allow_private)
    typer.echo(f"subscriber {row.id}: {kind.value} {row.target}")
    typer.echo(f"signing secret (Standard Webhooks): {row.secret}", err=True)


@notify_app.command("secret")
def notify_secret(
    ctx: typer.Context, subscriber_id: Annotated[int, typer.Argument(help="Subscriber id.")]
) -> None:
    """Print the secret a subscriber's notifications are signed with (give it to whoever runs the receiver)."""
    from ledger.watch.notify import subscriber_secret

    with open_ledger(ctx) as ledger, ledger.read() as session:
        typer.echo(subscriber_secret(session, subscriber_id))


@notify_app.command("replay")
def notify_replay(
    ctx: typer.Context,
    subscriber: Annotated[int | None, typer.Option(help="Only this subscriber's failed deliveries.")] = None,
    delivery: Annotated[
        list[int] | None, typer.Option("--delivery", help="Only these deliveries (repeatable).")
    ] = None,
) -> None:
    """Make failed deliveries pending again (due now, attempts reset); `notify deliver` or the scheduler sends them."""
    from ledger.watch.notify import replay_failed

    with open_ledger(ctx) as ledger:
        count = replay_failed(ledger, subscriber_id=subscriber, delivery_ids=delivery)
    typer.echo(f"{count} failed deliveries pending again")


@notify_app.command("list")
def notify_list(ctx: typer.Context, output: FormatOption = Format.table) -> None:
    """List subscribers with their delivered, pending and failed notifications."""
    from ledger.watch.notify import list_subscribers

    with open_ledger(ctx) as ledger, ledger.read() as session:
        subscribers = list_subscribers(session)
    if output is Format.json:
        print_json([s.__dict__ for s in subscribers])
        return
    print_table(
        None,
        ["id", "kind", "url", "on", "department", "delivered", "pending", "failed"],
        [
            [s.id, s.kind, s.target, ", ".join(s.event_types), s.department, s.delivered, s.pending, s.failed]
            for s in subscribers
        ],
    )


@notify_app.command("remove")
def notify_remove(
    ctx: typer.Context, subscriber_id: Annotated[int, typer.Argument(help="Subscriber id.")]
) -> None:
    """Unsubscribe."""
    from ledger.watch.notify import remove_subscriber

    with open_ledger(ctx) as ledger:
        row = remove_subscriber(ledger, subscriber_id)
    typer.echo(f"removed subscriber {row.id}: {row.target}")


@notify_app.command("deliver")
def notify_deliver(ctx: typer.Context) -> None:
    """Deliver the notifications due now (the scheduler does this by itself; use after `ledger ingest`)."""
    from ledger.watch.notify import deliver_pending

    with open_ledger(ctx) as ledger:
        outcomes = deliver_pending(ledger)
    delivered = sum(1 for o in outcomes if o.result == "delivered")
    typer.echo(f"{delivered} delivered, {len(outcomes) - delivered} not delivered")
    for outcome in outcomes:
        if outcome.result != "delivered":
            error(
                f"subscriber {outcome.subscriber_id}, event {outcome.event_seq}: {outcome.error} ({outcome.result})"
            )


def register(app: typer.Typer) -> None:
    app.add_typer(watch_app, name="watch")
    app.add_typer(scheduler_app, name="scheduler")
    app.add_typer(notify_app, name="notify")
