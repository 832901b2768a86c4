"""``ledger history`` (a department's versions, or the timeline of one line, project or indicator) and
``ledger rebuild`` (re-derive the query tables from the snapshots)."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.text import Text

from ..context import open_ledger
from ..exports import ForceOption, ToOption, check_target, write_sheets
from ..options import NoHeadersOption
from ..output import Format, echo, emit, error

if TYPE_CHECKING:
    from rich.table import Table

    from ledger.query.history import Timeline, Version


def history(
    ctx: typer.Context,
    department: Annotated[str, typer.Argument(help="Department name, alias or part of one.")],
    project: Annotated[
        str | None, typer.Option("--project", help="A project's name or code (part of one).")
    ] = None,
    indicator: Annotated[str | None, typer.Option("--indicator", help="Part of an indicator's name.")] = None,
    line: Annotated[
        str | None, typer.Option("--line", help="A subject code (2080101) or a budget line's name.")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="The ledger as it stood at this moment of ITS clock: what had been recorded (ingested) by then, not "
            "the publication date. A date means the end of that day in UTC; or an ISO 8601 time with a zone.",
        ),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="Only versions of this document kind and those sharing a part with it (budget-tables …).",
        ),
    ] = None,
    output: Annotated[
        Format | None, typer.Option("--format", "-f", help="Output format [default: table].")
    ] = None,
    no_headers: NoHeadersOption = False,
    to: ToOption = None,
    force: ForceOption = False,
) -> None:
    """A department's versions with what changed at each, or the timeline of a line, project or indicator.

    With --to, write a sheet instead: 版本 (one row per version and comparison) or 时间线 (one row per entity per
    version).
    """
    from ledger.query.history import department_history, entity_timelines, parse_as_of
    from ledger.report.workbook import timeline_records, version_records

    check_target(to, output)
    with open_ledger(ctx) as ledger, ledger.read() as session:
        moment = parse_as_of(as_of)
        if project is None and indicator is None and line is None:
            versions = department_history(session, department, as_of=moment, kind=kind)
            if to is not None:
                write_sheets({"versions": version_records(versions)}, to, force=force)
            else:
                _print_versions(versions, output or Format.table, not no_headers)
            if not versions and moment is not None:
                error(
                    f"{department} had no versions recorded by {as_of} (--as-of is the ledger's recording time)"
                )
                raise typer.Exit(1)
            return
        timelines = entity_timelines(
            session, department, project=project, indicator=indicator, line=line, as_of=moment
        )
    if not timelines:
        what = indicator or project or line
        when = f" recorded by {as_of} (--as-of is the ledger's recording time)" if as_of else ""
        error(f"nothing named {what!r} in {department}'s versions{when}")
        raise typer.Exit(1)
    if to is not None:
        write_sheets({"timeline": timeline_records(timelines)}, to, force=force)
    else:
        _print_timelines(timelines, output or Format.table, not no_headers)


def _print_versions(versions: list[Version], output: Format, headers: bool) -> None:
    from ledger.report.terminal import local_time
    from ledger.report.workbook import version_records

    if output in (Format.json, Format.jsonl):
        emit("versions", [asdict(v) for v in versions], output, columns=[], rows=[])
        return
    rows = [
        [
            v.ref,
            v.source,
            local_time(v.recorded_at),
            v.content_hash[:12],
            "; ".join(
                f"{d.scope} vs {d.base}"
                + (f" [{'+'.join(d.facets)}]" if d.facets else "")
                + f": +{d.added} -{d.removed} ~{d.modified}"
                + (f" renamed {d.renamed}" if d.renamed else "")
                + (f" moved {d.moved}" if d.moved else "")
                + (f", budget {_signed(d.budget_delta)} 万元" if d.budget_delta not in (None, "0") else "")
                for d in v.diffs
            )
            or "first version",
        ]
        for v in versions
    ]
    emit(
        "versions",
        version_records(versions),
        output,
        columns=["version", "file", "recorded", "hash", "changes"],
        rows=rows,
        headers=headers,
    )


def _signed(text: str | None) -> str:
    return "" if text is None else (text if text.startswith("-") else f"+{text}")


def _print_timelines(timelines: list[Timeline], output: Format, headers: bool) -> None:
    from ledger.query.history import program_histories
    from ledger.report.workbook import change_summary, timeline_records

    if output in (Format.json, Format.jsonl):
        emit("timeline", [asdict(t) for t in timelines], output, columns=[], rows=[])
        return
    rows = [
        [
            t.entity,
            t.label,
            s.ref,
            s.value if s.present else "(absent)",
            " | ".join(change_summary(c) for c in s.changes),
        ]
        for t in timelines
        for s in t.steps
    ]
    if output is not Format.table:
        emit(
            "timeline",
            timeline_records(timelines),
            output,
            columns=["entity", "label", "version", "value", "changes"],
            rows=rows,
            headers=headers,
        )
        return
    from ..output import show

    tables = []
    for timeline in timelines:
        body = [
            [s.ref, s.value if s.present else "(absent)", "\n".join(change_summary(c) for c in s.changes)]
            for s in timeline.steps
        ]
        tables.append(
            _table(
                f"{timeline.label}  ({timeline.entity})", ["version", "value", "change at this step"], body
            )
        )
    for program in program_histories(timelines):
        body = [[str(a.fund_year), a.notice, ", ".join(a.versions)] for a in program.allocations]
        tables.append(
            _table(
                f"program 资金项目 {program.program}: {program.chain}",
                ["fund year", "allocation", "in versions"],
                body,
            )
        )
    show(*tables)  # one page for all of them


def _table(title: str | None, header: list[str], rows: list[list[Any]]) -> Table:
    from ..output import cell, table

    # The third column (what changed at this step) in yellow where there is something.
    styled = [
        [Text(cell(c).plain, style="yellow" if i == 2 and c else "") for i, c in enumerate(row)]
        for row in rows
    ]
    return table(title, header, styled)


def rebuild(ctx: typer.Context) -> None:
    """Re-derive the query tables (entity values, diffs, changes, findings) from the snapshots; say what changed."""
    from ledger.pipeline.derived_check import rebuild_reporting

    with open_ledger(ctx) as ledger, ledger.write() as session:
        report = rebuild_reporting(session)
    echo(f"rebuilt the derived tables of {report.snapshots} snapshots")
    for difference in report.differences:
        echo(
            f"  {difference.table}: {difference.extra} rows replaced, {difference.missing} rows added"
            + (f" (first replaced: {difference.first_extra})" if difference.first_extra else "")
        )


def register(app: typer.Typer) -> None:
    app.command()(history)
    app.command()(rebuild)
