"""The ledger core commands: ingest, snapshots, show, log, verify, digest."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..context import open_ledger
from ..output import Format, command_line, error, note, print_json, print_table

if TYPE_CHECKING:
    from ledger.pipeline.ingest import IngestOutcome
    from ledger.store import Ledger
    from ledger.store.events import Event

FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


def ingest(
    ctx: typer.Context,
    paths: Annotated[
        list[Path], typer.Argument(help="Publication files (text, DOCX, XLSX, PDF, HTML).", exists=True)
    ],
) -> None:
    """Store publications and record a snapshot of each (same bytes twice: nothing new)."""
    from ledger.pipeline.ingest import ingest_paths

    with open_ledger(ctx) as ledger:
        outcomes = ingest_paths(ledger, _expand(paths))
    failed = 0
    for outcome in outcomes:
        if outcome.status == "failed":
            failed += 1
            error(f"{outcome.name}: {outcome.error}")
            continue
        detail = (
            f" ({outcome.warnings} warning{'s' if outcome.warnings > 1 else ''})" if outcome.warnings else ""
        )
        # A publication stored before without a snapshot (it failed to parse) has no ref to point at.
        target = outcome.ref or "no snapshot (it did not parse)"
        typer.echo(f"{outcome.status:<17} {outcome.name} -> {target}{detail}")
        _department_notes(outcome)
    if failed:
        raise typer.Exit(1)


def _department_notes(outcome: IngestOutcome) -> None:
    """Say how a department spelled another way was recognised, and what a probably-same name would need."""
    published, department = outcome.published_as, (outcome.ref or "").split("@")[0]
    if outcome.department_match in ("key", "region"):
        how = "the same official name" if outcome.department_match == "key" else "the same name, region added"
        note(f"{published!r} is {department} ({how}); recorded as an alias")
    for other in outcome.probably:
        note(
            f"{published!r} is a new department, probably the same as {other!r}; if so, say: "
            f"{command_line(['ledger', 'alias', 'add', str(published), other])}"
        )


def _expand(paths: list[Path]) -> list[Path]:
    """Directories stand for the files in them (sorted, hidden files skipped)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.is_file() and not p.name.startswith("."))
        else:
            files.append(path)
    return files


def snapshots(
    ctx: typer.Context,
    department: Annotated[str | None, typer.Option(help="Department name, alias or part of one.")] = None,
    year: Annotated[int | None, typer.Option(help="Fiscal year.")] = None,
    kind: Annotated[str | None, typer.Option(help="Document kind, e.g. department-targets.")] = None,
    limit: Annotated[
        int | None,
        typer.Option(min=1, help="Show the first N (a large ledger's table takes seconds to lay out)."),
    ] = None,
    output: FormatOption = Format.table,
) -> None:
    """List snapshots (the newest parse of each publication)."""
    from ledger import store

    with open_ledger(ctx) as ledger, ledger.read() as session:
        found = store.list_snapshots(session, department=department, year=year, kind=kind)
        rows = found[:limit]
        records = [
            {
                "id": row.id,
                "department": store.department_name(session, row.department_id),
                "fiscal_year": row.fiscal_year,
                "document_kind": row.document_kind,
                "revision": row.revision,
                "content_hash": row.content_hash,
                "parser": f"{row.parser_name}/{row.parser_version}",
                "recorded_at": row.recorded_at,
            }
            for row in rows
        ]
    if output is Format.json:
        print_json(records)
    else:
        _print_snapshot_table(records)
    if len(rows) < len(found):
        # After the listing, where a reader of the terminal looks last.
        note(f"showing {len(rows):,} of {len(found):,} snapshots (--limit {limit})")


def _print_snapshot_table(records: list[dict[str, Any]]) -> None:
    print_table(
        None,
        ["id", "department", "year", "kind", "rev", "hash", "recorded"],
        [
            [
                r["id"],
                r["department"],
                r["fiscal_year"],
                r["document_kind"],
                r["revision"],
                str(r["content_hash"])[:12],
                str(r["recorded_at"])[:19],
            ]
            for r in records
        ],
    )


def show(
    ctx: typer.Context,
    ref: Annotated[
        str, typer.Argument(help="Snapshot id, hash prefix (8+ hex) or DEPARTMENT@YEAR[rN][/KIND].")
    ],
    output: FormatOption = Format.table,
) -> None:
    """Print one snapshot: as the canonical JSON contract (--format json) or as a summary."""
    from ledger import store
    from ledger.query.summary import summarise

    with open_ledger(ctx) as ledger, ledger.read() as session:
        row = store.resolve_ref(session, ref)
        snapshot = store.load_named(session, row)
        title = f"{store.describe(session, row)}  #{row.id}  {row.content_hash[:12]}"
    if output is Format.json:
        print_json(snapshot)
        return
    print_table(title, ["field", "value"], summarise(snapshot))


def log(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="Show the last N events.")] = 50,
    event_type: Annotated[str | None, typer.Option("--type", help="Only events of this type.")] = None,
    follow: Annotated[
        bool, typer.Option("--follow", help="Keep printing events as they are recorded (Ctrl-C stops).")
    ] = False,
    interval: Annotated[float, typer.Option(help="With --follow: seconds between polls.")] = 1.0,
    output: FormatOption = Format.table,
) -> None:
    """Show the event log (newest last); --follow streams new events, one line each (JSON Lines with -f json)."""
    from ledger.store import events

    with open_ledger(ctx) as ledger:
        with ledger.read() as session:
            rows = events.last_events(session, limit, event_type=event_type)
            newest = events.head(session)
        if follow:
            _follow_log(ledger, rows, newest.seq if newest else 0, event_type, interval, output)
            return
    if output is Format.json:
        print_json([e.__dict__ for e in rows])
        return
    print_table(
        None,
        ["seq", "time", "type", "subject", "hash"],
        [[e.seq, e.created_at[:19], e.type, e.subject, e.hash[:12]] for e in rows],
    )


def _follow_log(
    ledger: Ledger, backlog: list[Event], after: int, event_type: str | None, interval: float, output: Format
) -> None:
    """One line per event, flushed as it comes (a table cannot stream)."""
    from ledger.query.follow import follow

    def emit(event: Event) -> None:
        if output is Format.json:
            line = json.dumps(event.__dict__, ensure_ascii=False)
        else:
            line = f"{event.seq:>6}  {event.created_at[:19]}  {event.type:<20}  {event.subject}  {event.hash[:12]}"
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    for event in backlog:
        emit(event)
    try:
        for event in follow(ledger, after_seq=after, poll_interval_s=interval, event_type=event_type):
            emit(event)
    except KeyboardInterrupt:
        pass


def verify(
    ctx: typer.Context,
    digest: Annotated[
        str | None, typer.Option("--digest", help="An earlier SEQ:HASH the ledger must still extend.")
    ] = None,
) -> None:
    """Recompute every hash (events, snapshots, publications); name the first row that does not match."""
    from ledger.store.verify import Digest, verify_or_raise

    with open_ledger(ctx) as ledger, ledger.read() as session:
        try:
            expected = Digest.parse(digest) if digest else None
        except ValueError as exc:
            error(str(exc))
            raise typer.Exit(2) from None
        report = verify_or_raise(session, expected=expected)
    head = f", head {report.head}" if report.head else ""
    extends = f", extends {digest}" if digest else ""
    typer.echo(
        f"ok: {report.events} events, {report.snapshots} snapshots, {report.publications} publications verified{head}{extends}"
    )


def digest(ctx: typer.Context) -> None:
    """Print SEQ:HASH of the chain head; keep it, and later `ledger verify --digest` proves the ledger extends it."""
    from ledger.store.verify import digest as head_digest

    with open_ledger(ctx) as ledger, ledger.read() as session:
        head = head_digest(session)
    if head is None:
        error("the ledger is empty: no events yet")
        raise typer.Exit(1)
    typer.echo(str(head))


def reparse(
    ctx: typer.Context,
    publication: Annotated[
        list[int] | None,
        typer.Option("--publication", "-p", help="Only these publication ids (default: all)."),
    ] = None,
) -> None:
    """Re-derive snapshots of stored publications with the current parsers (a parser upgrade, not a revision)."""
    from ledger.pipeline.reparse import reparse_all

    with open_ledger(ctx) as ledger:
        outcomes = reparse_all(ledger, publication_ids=publication or None)
    for outcome in outcomes:
        if outcome.status == "failed":
            error(f"{outcome.name}: {outcome.error}")
            continue
        changed = " (content changed)" if outcome.content_changed else ""
        typer.echo(f"{outcome.status:<9} publication {outcome.publication_id} {outcome.name}{changed}")
    if any(o.status == "failed" for o in outcomes):
        raise typer.Exit(1)


def demo(ctx: typer.Context) -> None:
    """Ingest the bundled sample publications and print one revision diff and one year-over-year diff."""
    from ledger.demo import run_demo

    from ..output import console
    from ..render_diff import render_diff

    with open_ledger(ctx) as ledger:
        result = run_demo(ledger)
        where = ledger.url
    for outcome in result.outcomes:
        typer.echo(f"{outcome.status:<17} {outcome.name} -> {outcome.ref or outcome.error}")
    out = console()
    for title, comparison in (
        ("Revision: the second publication of Haigang 2024", result.revision),
        ("Year over year: Laoting 2023 → 2024", result.year_over_year),
    ):
        out.rule(title)
        out.print(f"{comparison.old_ref}  →  {comparison.new_ref}", style="dim", soft_wrap=True)
        out.print(render_diff(comparison.result))
    typer.echo(
        f"\nledger: {where}  (try: ledger history 海港区 --project 专网维护费, ledger findings 乐亭县@2024)"
    )


def register(app: typer.Typer) -> None:
    for command in (ingest, snapshots, show, log, verify, digest, reparse, demo):
        app.command()(command)
