"""``ledger compare``: one indicator, budget line or project across every department of the ledger."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..context import open_ledger, user_errors
from ..output import error, print_json, print_table

if TYPE_CHECKING:
    from ledger.query.across import CompareKind, DepartmentEntry


class CompareFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


COLUMNS = ("department", "ref", "owner", "name", "unit", "value", "previous", "delta", "pct", "direction")


def compare(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", help="The fiscal year to compare the departments in.")],
    indicator: Annotated[
        str | None, typer.Option("--indicator", help="An indicator's name (matched without its unit).")
    ] = None,
    line: Annotated[
        str | None, typer.Option("--line", help="A subject code (2080101) or a classification line's name.")
    ] = None,
    project: Annotated[
        str | None,
        typer.Option("--project", help="A project's name (matched without notice refs and years)."),
    ] = None,
    output: Annotated[
        CompareFormat | None, typer.Option("--format", "-f", help="Output format [default: table].")
    ] = None,
) -> None:
    """Every department with this indicator, line or project in YEAR: its value, unit and change from its own
    previous year."""
    from ledger.query.across import compare_across

    options: tuple[tuple[CompareKind, str | None], ...] = (
        ("indicator", indicator),
        ("line", line),
        ("project", project),
    )
    asked = [(kind, name) for kind, name in options if name]
    if len(asked) != 1:
        error("say what to compare: one of --indicator, --line or --project")
        raise typer.Exit(2)
    kind, name = asked[0]
    with user_errors(), open_ledger(ctx) as ledger, ledger.read() as session:
        entries = compare_across(session, kind, name, year)
    if not entries:
        typer.echo(f"no department has {name!r} in {year}", err=True)
        raise typer.Exit(1)
    _print(entries, output or CompareFormat.table, f"{name} — {year}")


def _cells(entry: DepartmentEntry) -> list[str]:
    from ledger.report.diff_formats import cell_text

    values: dict[str, Any] = asdict(entry)
    return [cell_text(values[column]) for column in COLUMNS]


def _print(entries: list[DepartmentEntry], output: CompareFormat, title: str) -> None:
    if output is CompareFormat.json:
        print_json([asdict(entry) for entry in entries])
        return
    rows = [_cells(entry) for entry in entries]
    if output is CompareFormat.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
        typer.echo(buffer.getvalue(), nl=False)
    elif output is CompareFormat.md:
        lines = [
            f"# {title}",
            "",
            "| " + " | ".join(COLUMNS) + " |",
            "|" + "|".join("---" for _ in COLUMNS) + "|",
        ]
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
        typer.echo("\n".join(lines))
    else:
        print_table(title, COLUMNS, rows)


def register(app: typer.Typer) -> None:
    app.command()(compare)
