"""``ledger claims REF``: the claims of a budget explanation (预算情况说明) and their verdicts."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from ..context import open_ledger
from ..exports import ToOption, check_target, write_sheets
from ..output import print_json, print_table


class ClaimsFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


def claims(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Snapshot id, hash prefix or DEPARTMENT@YEAR[rN][/KIND].")],
    output: Annotated[
        ClaimsFormat | None, typer.Option("--format", "-f", help="Output format [default: table].")
    ] = None,
    to: ToOption = None,
) -> None:
    """What the narrative says changed, checked: against this year's tables, last year's and its own arithmetic.

    A narrative published apart from its tables is checked against the tables of the same department and year.
    With --to, write the claims to a sheet (预算说明核对) instead.
    """
    from ledger import store
    from ledger.query.claims_report import CLAIMS_SCHEMA, claim_records, claims_report

    check_target(to, output)
    with open_ledger(ctx) as ledger, ledger.read() as session:
        report = claims_report(session, store.resolve_ref(session, ref))
    records = claim_records(report)
    if to is not None:
        write_sheets({"claims": records}, to)
    elif output is ClaimsFormat.json:
        print_json(
            {
                "schema": CLAIMS_SCHEMA,
                "snapshot": report.snapshot,
                "tables": report.tables,
                "previous": report.previous,
                "claims": report.claims,
            }
        )
    elif output is ClaimsFormat.csv:
        from ledger.report.writers import csv_text

        sys.stdout.write(csv_text(records, "claims"))
    elif output is ClaimsFormat.md:
        from ledger.query.claims_report import to_markdown

        typer.echo(to_markdown(report), nl=False)
    else:
        _print_table(report, records)


def _print_table(report: object, records: list[dict[str, object]]) -> None:
    from ledger.query.claims_report import REPORT_COLUMNS, ClaimsReport, against, report_rows, summary

    assert isinstance(report, ClaimsReport)
    if not report.claims:
        typer.echo(
            f"{report.snapshot}: no claims (no sentence of a budget explanation compares with last year)"
        )
        return
    typer.echo(against(report))
    print_table(f"{report.snapshot}: {summary(report)}", REPORT_COLUMNS, report_rows(records))


def register(app: typer.Typer) -> None:
    app.command()(claims)
