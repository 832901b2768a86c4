"""The ledger core commands: ingest, snapshots, show, log, verify, digest."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..context import open_ledger, user_errors
from ..options import MAX_INT, FormatOption, NoHeadersOption, finite
from ..output import Format, echo, emit, error, note, print_json

if TYPE_CHECKING:
    from ledger.store import Ledger
    from ledger.store.events import Event


def ingest(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(help="Publication files (text, DOCX, XLSX, PDF, HTML) or folders.", exists=True),
    ],
) -> None:
    """Store publications and record a snapshot of each (same bytes twice: nothing new).

    Every file is tried, one transaction each: a file that fails does not stop the others (and the same bytes fail
    again, with their reason, on a later run). Each result is printed as it happens, then a summary line on
    stderr; the exit status is 1 when any file failed, 130 when interrupted (what was recorded stays).
    """
    from ..progress import run_ingest

    files = _expand(paths)
    if not files:
        error(f"nothing to ingest: no files in {', '.join(map(str, paths))}")
        raise typer.Exit(1)
    with open_ledger(ctx, create=True) as ledger:
        counts = run_ingest(ledger, files)
    if counts.get("failed"):
        raise typer.Exit(1)


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
    year: Annotated[int | None, typer.Option(help="Fiscal year.", min=1900, max=2999)] = None,
    kind: Annotated[str | None, typer.Option(help="Document kind, e.g. department-targets.")] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            min=1, max=MAX_INT, help="Show the first N (a large ledger's table takes seconds to lay out)."
        ),
    ] = None,
    output: FormatOption = Format.table,
    no_headers: NoHeadersOption = False,
) -> None:
    """List snapshots (the newest parse of each publication). Times are shown in the local zone (TZ), and in
    JSON as ISO 8601 UTC."""
    from ledger import store
    from ledger.report.terminal import local_time

    with open_ledger(ctx) as ledger, ledger.read() as session:
        if department and not store.departments_matching(session, department):
            error(f"no department matches {department!r}")
            raise typer.Exit(1)
        found = store.list_snapshots(session, department=department, year=year, kind=kind)
        rows = found[:limit]
        records = [
            {
                "id": row.id,
                "ref": store.describe(session, row),
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
    emit(
        "snapshots",
        records,
        output,
        columns=["id", "department", "year", "kind", "rev", "hash", "recorded"],
        rows=[
            [
                r["id"],
                r["department"],
                r["fiscal_year"],
                r["document_kind"],
                r["revision"],
                str(r["content_hash"])[:12],
                local_time(str(r["recorded_at"])),
            ]
            for r in records
        ],
        numeric=["id", "rev"],
        headers=not no_headers,
    )
    if not found:
        filters = _filters(department=department, year=year, kind=kind)
        note(f"no snapshots match {filters}" if filters else "the ledger has no snapshots yet")
    if len(rows) < len(found):
        # After the listing, where a reader of the terminal looks last.
        note(f"showing {len(rows):,} of {len(found):,} snapshots (--limit {limit})")


def _filters(**given: object) -> str:
    return " ".join(f"--{name} {value}" for name, value in given.items() if value)


def show(
    ctx: typer.Context,
    ref: Annotated[
        str, typer.Argument(help="Snapshot id, hash prefix (8+ hex) or DEPARTMENT@YEAR[rN][/KIND].")
    ],
    output: FormatOption = Format.table,
    no_headers: NoHeadersOption = False,
) -> None:
    """Print one snapshot: as the canonical JSON contract (-f json) or as a summary (table, jsonl, csv, md)."""
    from ledger import store
    from ledger.query.summary import summarise

    with open_ledger(ctx) as ledger, ledger.read() as session:
        row = store.resolve_ref(session, ref)
        snapshot = store.load_named(session, row)
        title = f"{store.describe(session, row)}  #{row.id}  {row.content_hash[:12]}"
    if output is Format.json:
        print_json(snapshot)
        return
    summary = summarise(snapshot)
    emit(
        "summary",
        [{"item": field, "value": value} for field, value in summary],
        output,
        columns=["field", "value"],
        rows=summary,
        title=title,
        headers=not no_headers,
    )


def log(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(min=1, max=MAX_INT, help="Show the last N events.")] = 50,
    event_type: Annotated[str | None, typer.Option("--type", help="Only events of this type.")] = None,
    follow: Annotated[
        bool, typer.Option("--follow", help="Keep printing events as they are recorded (Ctrl-C stops).")
    ] = False,
    interval: Annotated[
        float,
        typer.Option(min=0.05, max=3600, callback=finite, help="With --follow: seconds between polls."),
    ] = 1.0,
    output: FormatOption = Format.table,
    no_headers: NoHeadersOption = False,
) -> None:
    """Show the event log (newest last), each event with what it is about (DEPARTMENT@YEAR rN/KIND).

    Times are shown in the local zone (TZ); JSON keeps the stored ISO 8601 UTC time. --follow streams new events,
    one line each (JSON Lines with -f json or jsonl).
    """
    from ledger.query.event_labels import event_labels
    from ledger.store import events

    with open_ledger(ctx) as ledger:
        with ledger.read() as session, user_errors():
            if event_type is not None:
                events.check_type(session, event_type)
            rows = events.last_events(session, limit, event_type=event_type)
            labels = event_labels(session, rows)
            newest = events.head(session)
        if follow:
            _follow_log(ledger, rows, labels, newest.seq if newest else 0, event_type, interval, output)
            return
    _print_events(rows, labels, output, headers=not no_headers)
    if not rows:
        note(f"no {event_type} events in the ledger" if event_type else "the ledger has no events yet")


def _print_events(rows: list[Event], labels: dict[int, str], output: Format, *, headers: bool) -> None:
    from ledger.report.terminal import local_time

    emit(
        "events",
        [{**e.__dict__, "label": labels.get(e.seq)} for e in rows],
        output,
        columns=["seq", "time", "type", "about", "hash"],
        rows=[[e.seq, local_time(e.created_at), e.type, labels.get(e.seq), e.hash[:12]] for e in rows],
        numeric=["seq"],
        headers=headers,
    )


def _follow_log(
    ledger: Ledger,
    backlog: list[Event],
    labels: dict[int, str],
    after: int,
    event_type: str | None,
    interval: float,
    output: Format,
) -> None:
    """One line per event, flushed as it comes (a table cannot stream)."""
    from ledger.query.event_labels import event_labels
    from ledger.query.follow import follow
    from ledger.report.terminal import local_time

    def emit_line(event: Event, label: str) -> None:
        if output in (Format.json, Format.jsonl):
            sys.stdout.write(json.dumps({**event.__dict__, "label": label}, ensure_ascii=False) + "\n")
            sys.stdout.flush()
        else:
            echo(
                f"{event.seq:>6}  {local_time(event.created_at)}  {event.type:<20}  {label}  {event.hash[:12]}"
            )

    for event in backlog:
        emit_line(event, labels.get(event.seq, event.subject))
    try:
        for event in follow(ledger, after_seq=after, poll_interval_s=interval, event_type=event_type):
            with ledger.read() as session:
                label = event_labels(session, [event]).get(event.seq, event.subject)
            emit_line(event, label)
    except KeyboardInterrupt:
        pass


def verify(
    ctx: typer.Context,
    digest: Annotated[
        str | None, typer.Option("--digest", help="An earlier SEQ:HASH the ledger must still extend.")
    ] = None,
    skip_derived: Annotated[
        bool,
        typer.Option(
            "--skip-derived",
            help="Do not re-derive the query tables (entity values, diffs, findings) to check them.",
        ),
    ] = False,
) -> None:
    """Recompute every hash (events, snapshots, publications) and re-derive the query tables; name the first row
    that does not match.

    Works on a ledger opened read-only (a file this user may not write): the re-derivation runs in a scratch copy."""
    from ledger.errors import IntegrityError
    from ledger.pipeline.derived_check import check_derived
    from ledger.store.verify import Digest, verify_or_raise

    try:
        expected = Digest.parse(digest) if digest else None
    except ValueError as exc:
        error(str(exc))
        raise typer.Exit(2) from None
    with open_ledger(ctx) as ledger:
        with ledger.read() as session:
            report = verify_or_raise(session, expected=expected)
        derived = None if skip_derived else check_derived(ledger)
        if derived is not None and not derived.ok:
            more = f" (and {len(derived.problems) - 1} more tables)" if len(derived.problems) > 1 else ""
            raise IntegrityError(derived.problems[0] + more)
    head = f", head {report.head}" if report.head else ""
    extends = f", extends {digest}" if digest else ""
    typer.echo(
        f"ok: {report.events} events, {report.snapshots} snapshots, {report.publications} publications verified{head}{extends}"
    )
    if derived is not None:
        typer.echo(
            f"ok: {derived.rows} derived rows are what the {derived.snapshots} current snapshots derive to"
        )


def digest(
    ctx: typer.Context,
    sign: Annotated[
        Path | None,
        typer.Option(
            "--sign",
            help="An Ed25519 private key (PEM, kept outside the ledger): print a signed tree head as JSON instead.",
        ),
    ] = None,
) -> None:
    """Print SEQ:HASH of the chain head; keep it, and later `ledger verify --digest` proves the ledger extends it.
    With --sign, a signed Merkle tree head that `ledger prove` proofs are checked against."""
    from ledger.store.verify import digest as head_digest

    if sign is not None:
        from ledger.store.anchoring import signed_tree_head

        try:
            key = sign.read_bytes()
        except OSError as exc:
            error(f"cannot read the signing key {sign}: {exc.strerror}")
            raise typer.Exit(1) from None
        with open_ledger(ctx) as ledger, ledger.read() as session:
            print_json(signed_tree_head(session, key))
        return
    with open_ledger(ctx) as ledger, ledger.read() as session:
        head = head_digest(session)
    if head is None:
        error("the ledger is empty: no events yet")
        raise typer.Exit(1)
    typer.echo(str(head))


def prove(
    ctx: typer.Context,
    event: Annotated[
        int | None, typer.Argument(help="Event seq to prove included (see `ledger log`).")
    ] = None,
    size: Annotated[
        int | None,
        typer.Option("--size", help="Tree size of the signed head to prove against (default: all)."),
    ] = None,
    consistency: Annotated[
        int | None,
        typer.Option(
            "--consistency", help="Prove instead that the tree extends the tree of this many events."
        ),
    ] = None,
) -> None:
    """Print a Merkle proof as JSON: that EVENT is in the tree, or (--consistency OLD) that the tree extends an
    older one. Check it without the ledger: python ledger/model/proofs.py inclusion HEAD PROOF KEY.pub."""
    from ledger.store.anchoring import consistency as consistency_proof
    from ledger.store.anchoring import inclusion

    if (event is None) == (consistency is None):
        error("give an EVENT to prove included, or --consistency OLD_SIZE (one of them)")
        raise typer.Exit(2)
    with open_ledger(ctx) as ledger, ledger.read() as session:
        if consistency is not None:
            print_json(consistency_proof(session, consistency, size))
        else:
            assert event is not None
            print_json(inclusion(session, event, size))


def reparse(
    ctx: typer.Context,
    publication: Annotated[
        list[int] | None,
        typer.Option(
            "--publication", "-p", min=1, max=MAX_INT, help="Only these publication ids (default: all)."
        ),
    ] = None,
) -> None:
    """Re-derive snapshots of stored publications with the current parsers (a parser upgrade, not a revision)."""
    from ledger.pipeline.reparse import reparse_all

    with open_ledger(ctx) as ledger:
        outcomes = reparse_all(ledger, publication_ids=publication or None)
    for outcome in outcomes:
        if outcome.status in ("failed", "mismatch"):
            error(f"{outcome.name}: {outcome.error}")
            continue
        changed = " (content changed)" if outcome.content_changed else ""
        echo(f"{outcome.status:<9} publication {outcome.publication_id} {outcome.name}{changed}")
    if not outcomes:
        note("the ledger has no publications to reparse")
    if any(o.status == "failed" for o in outcomes):
        raise typer.Exit(1)


def redact(
    ctx: typer.Context,
    publication: Annotated[int, typer.Argument(help="Publication id (see `ledger log`).")],
    reason: Annotated[str, typer.Option("--reason", help="Why the bytes must not be kept (recorded).")],
    by: Annotated[
        str | None, typer.Option("--by", help="Who redacts (recorded; default: the current user).")
    ] = None,
) -> None:
    """Replace a publication's bytes by their hash, recording who and why; `verify` still passes."""
    import getpass

    from ledger.store.redaction import redact as redact_publication

    with open_ledger(ctx) as ledger, ledger.write() as session:
        done = redact_publication(session, publication, reason=reason, actor=by or getpass.getuser())
    typer.echo(
        f"redacted publication {done.publication_id} {done.filename}: {done.size} bytes gone, "
        f"sha256 {done.sha256} kept (event {done.event_seq})"
    )


def demo(ctx: typer.Context) -> None:
    """Ingest the bundled sample publications and print one revision diff and one year-over-year diff."""
    from rich.console import RenderableType
    from rich.rule import Rule
    from rich.text import Text

    from ledger.demo import run_demo

    from ..output import console, is_terminal, show
    from ..render_diff import render_diff

    with open_ledger(ctx, create=True) as ledger:
        result = run_demo(ledger)
        where = ledger.url
    for outcome in result.outcomes:
        echo(f"{outcome.status:<17} {outcome.name} -> {outcome.ref or outcome.error}")
    parts: list[RenderableType] = []
    for title, comparison in (
        ("Revision: the second publication of Haigang 2024", result.revision),
        ("Year over year: Laoting 2023 → 2024", result.year_over_year),
    ):
        parts += [
            Rule(title) if is_terminal() else Text(f"── {title} ──"),
            Text(f"{comparison.old_ref}  →  {comparison.new_ref}", style="dim"),
            render_diff(comparison.result, width=console().width),
        ]
    show(*parts)
    typer.echo(
        f"\nledger: {where}  (try: ledger history 海港区 --project 专网维护费, ledger findings 乐亭县@2024)"
    )


def register(app: typer.Typer) -> None:
    for command in (ingest, snapshots, show, log, verify, digest, prove, reparse, redact, demo):
        app.command()(command)
