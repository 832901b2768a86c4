"""``ledger history`` (a department's versions, or the timeline of one line, project or indicator) and
``ledger rebuild`` (re-derive the query tables from the snapshots)."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from ..context import open_ledger
from ..exports import ToOption, check_target, write_sheets
from ..output import console, print_json

if TYPE_CHECKING:
    from ledger.query.history import Timeline, Version


class HistoryFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


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
        str | None, typer.Option("--as-of", help="The ledger as it stood then (2024-05-01 or ISO).")
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="Only versions of this document kind and those sharing a part with it (budget-tables …).",
        ),
    ] = None,
    output: Annotated[
        HistoryFormat | None, typer.Option("--format", "-f", help="Output format [default: table].")
    ] = None,
    to: ToOption = None,
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
                write_sheets({"versions": version_records(versions)}, to)
            else:
                _print_versions(versions, output or HistoryFormat.table)
            return
        timelines = entity_timelines(
            session, department, project=project, indicator=indicator, line=line, as_of=moment
        )
    if not timelines:
        what = indicator or project or line
        typer.echo(f"nothing named {what!r} in {department}'s versions", err=True)
        raise typer.Exit(1)
    if to is not None:
        write_sheets({"timeline": timeline_records(timelines)}, to)
    else:
        _print_timelines(timelines, output or HistoryFormat.table)


def _print_versions(versions: list[Version], output: HistoryFormat) -> None:
    if output is HistoryFormat.json:
        print_json([asdict(v) for v in versions])
        return
    rows = [
        [
            v.ref,
            v.source,
            v.recorded_at[:19],
            v.content_hash[:12],
            "; ".join(
                f"{d.scope} vs {d.base}"
                + (f" [{'+'.join(d.facets)}]" if d.facets else "")
                + f": +{d.added} -{d.removed} ~{d.modified}"
                + (f" renamed {d.renamed}" if d.renamed else "")
                + (f" moved {d.moved}" if d.moved else "")
                + (f", budget {_signed(d.budget_delta)}" if d.budget_delta not in (None, "0") else "")
                for d in v.diffs
            )
            or "first version",
        ]
        for v in versions
    ]
    header = ["version", "file", "recorded", "hash", "changes"]
    if output is HistoryFormat.csv:
        _write_csv(header, rows)
        return
    _table(None, header, rows)


def _signed(text: str | None) -> str:
    return "" if text is None else (text if text.startswith("-") else f"+{text}")


def _print_timelines(timelines: list[Timeline], output: HistoryFormat) -> None:
    from ledger.query.history import program_histories
    from ledger.report.workbook import change_summary

    if output is HistoryFormat.json:
        print_json([asdict(t) for t in timelines])
        return
    header = ["entity", "label", "version", "value", "changes"]
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
    if output is HistoryFormat.csv:
        _write_csv(header, rows)
        return
    for timeline in timelines:
        body = [
            [s.ref, s.value if s.present else "(absent)", "\n".join(change_summary(c) for c in s.changes)]
            for s in timeline.steps
        ]
        _table(f"{timeline.label}  ({timeline.entity})", ["version", "value", "change at this step"], body)
    for program in program_histories(timelines):
        body = [[str(a.fund_year), a.notice, ", ".join(a.versions)] for a in program.allocations]
        _table(
            f"program 资金项目 {program.program}: {program.chain}",
            ["fund year", "allocation", "in versions"],
            body,
        )


def _table(title: str | None, header: list[str], rows: list[list[Any]]) -> None:
    table = Table(title=title, header_style="bold", title_justify="left")
    for column in header:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            *(
                Text("" if c is None else str(c), style="yellow" if i == 2 and c else "")
                for i, c in enumerate(row)
            )
        )
    console().print(table)


def _write_csv(header: list[str], rows: list[list[Any]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if c is None else c for c in row] for row in rows)
    typer.echo(buffer.getvalue(), nl=False)


def rebuild(ctx: typer.Context) -> None:
    """Re-derive the query tables (entity values, diffs, changes, findings) from the snapshots; say what changed."""
    from ledger.pipeline.derived_check import rebuild_reporting

    with open_ledger(ctx) as ledger, ledger.write() as session:
        report = rebuild_reporting(session)
    typer.echo(f"rebuilt the derived tables of {report.snapshots} snapshots")
    for difference in report.differences:
        typer.echo(
            f"  {difference.table}: {difference.extra} rows replaced, {difference.missing} rows added"
            + (f" (first replaced: {difference.first_extra})" if difference.first_extra else "")
        )


def register(app: typer.Typer) -> None:
    app.command()(history)
    app.command()(rebuild)
