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
    skip_derived: Annotated[
        bool,
        typer.Option(
            "--skip-derived",
            help="Do not re-derive the query tables (entity values, diffs, findings) to check them.",
        ),
    ] = False,
) -> None:
    """Recompute every hash (events, snapshots, publications) and re-derive the query tables; name the first row
    that does not match."""
    from ledger.errors import IntegrityError
    from ledger.pipeline.derived_check import check_derived
    from ledger.store.verify import Digest, verify_or_raise

    with open_ledger(ctx) as ledger:
        with ledger.read() as session:
            try:
                expected = Digest.parse(digest) if digest else None
            except ValueError as exc:
                error(str(exc))
                raise typer.Exit(2) from None
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
        typer.Option("--publication", "-p", help="Only these publication ids (default: all)."),
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
        typer.echo(f"{outcome.status:<9} publication {outcome.publication_id} {outcome.name}{changed}")
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
    for command in (ingest, snapshots, show, log, verify, digest, prove, reparse, redact, demo):
        app.command()(command)
