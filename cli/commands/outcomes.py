"""``ledger results``: a self-evaluation's results against the targets of the same project and year."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from ..context import open_ledger, user_errors
from ..output import console, print_json, print_table

if TYPE_CHECKING:
    from ledger.query.outcomes import ProjectOutcome


class ResultsFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


COLUMNS = ("indicator", "target", "result", "status", "gap", "weight", "score", "reason")


def results(
    ctx: typer.Context,
    ref: Annotated[
        str, typer.Argument(help="A self-evaluation: DEPARTMENT@YEAR/project-self-evaluation or id.")
    ],
    output: Annotated[
        ResultsFormat | None, typer.Option("--format", "-f", help="Output format [default: table].")
    ] = None,
) -> None:
    """Each indicator met / missed / not reported (with the gap and the stated reason), the money executed
    against the budget, and what the form's own figures contradict."""
    from ledger.query.outcomes import targets_against_results

    with user_errors(), open_ledger(ctx) as ledger, ledger.read() as session:
        outcomes = targets_against_results(session, ref)
    chosen = output or ResultsFormat.table
    if chosen is ResultsFormat.json:
        print_json([asdict(outcome) for outcome in outcomes])
        return
    for outcome in outcomes:
        _print(outcome, chosen)


def _rows(outcome: ProjectOutcome) -> list[list[str]]:
    from ledger.report.diff_formats import cell_text

    return [
        [
            item.name,
            item.target + (f" (form: {item.form_target})" if item.target_changed else ""),
            item.result,
            item.status,
            cell_text(item.gap),
            cell_text(item.weight),
            cell_text(item.score),
            item.reason or "",
        ]
        for item in outcome.indicators
    ]


def _money(outcome: ProjectOutcome) -> str:
    from ledger.report.diff_formats import cell_text

    return (
        f"{outcome.project}: executed {cell_text(outcome.executed) or '—'} of {cell_text(outcome.budget) or '—'}万元"
        f" ({cell_text(outcome.rate_computed) or '—'}%"
        + (f"; stated {cell_text(outcome.rate_stated)}%" if outcome.rate_stated is not None else "")
        + "); targets from "
        + (outcome.targets_ref or "the self-evaluation itself")
    )


def _print(outcome: ProjectOutcome, output: ResultsFormat) -> None:
    rows = _rows(outcome)
    if output is ResultsFormat.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
        typer.echo(buffer.getvalue(), nl=False)
        return
    if output is ResultsFormat.md:
        lines = [
            f"# {_money(outcome)}",
            "",
            "| " + " | ".join(COLUMNS) + " |",
            "|" + "|".join("---" for _ in COLUMNS) + "|",
        ]
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
        lines += [f"- {finding.rule}: {finding.message}" for finding in outcome.findings]
        typer.echo("\n".join(lines))
        return
    print_table(_money(outcome), COLUMNS, rows)
    for finding in outcome.findings:
        console().print(f"{finding.rule}: {finding.message}", markup=False)


def register(app: typer.Typer) -> None:
    app.command()(results)
