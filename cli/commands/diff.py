"""``ledger diff``: what changed between two versions, year over year, or revision by revision."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from ..context import open_ledger, user_errors
from ..exports import ToOption, check_target, write_sheets
from ..output import console, error

if TYPE_CHECKING:
    from ledger.diff import DiffResult
    from ledger.query.comparisons import Comparison


class DiffFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


def diff(
    ctx: typer.Context,
    refs: Annotated[
        list[str],
        typer.Argument(
            help="OLD NEW (two snapshot refs), or one DEPARTMENT[@YEAR] with --year / --revisions."
        ),
    ],
    year: Annotated[
        int | None, typer.Option("--year", help="Compare year N with N-1 (latest revisions).")
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="Document kind, when the department has several.")
    ] = None,
    revisions: Annotated[
        bool, typer.Option("--revisions", help="Each revision of DEPARTMENT@YEAR against the one before.")
    ] = False,
    output: Annotated[
        DiffFormat | None, typer.Option("--format", "-f", help="Output format [default: table].")
    ] = None,
    only: Annotated[
        str | None,
        typer.Option("--only", help="Change kinds, comma-separated: added,removed,modified,renamed,moved."),
    ] = None,
    entity: Annotated[
        str | None,
        typer.Option("--entity", help="Entity kinds, comma-separated: project,indicator,function_line …"),
    ] = None,
    min_pct: Annotated[
        str | None, typer.Option("--min-pct", help="Only numeric changes of at least this many percent.")
    ] = None,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 when there are changes (like git diff --exit-code).")
    ] = False,
    to: ToOption = None,
) -> None:
    """Show what changed: budgets, projects, indicators and targets, with how each entity was matched.

    With --to, write the comparison to a workbook instead: 汇总 (totals), 变更 (change records), 检测 (detections).
    """
    from ledger.query import comparisons as compare

    check_target(to, output)
    threshold = _percent(min_pct)
    with open_ledger(ctx) as ledger, ledger.read() as session:
        if revisions:
            comparisons = compare.revisions(session, _single(refs, "--revisions"), kind)
        elif year is not None or (len(refs) == 1 and "@" in refs[0]):
            comparisons = compare.year_over_year(session, _single(refs, "--year"), year, kind)
        elif len(refs) == 2:
            comparisons = [compare.compare_refs(session, refs[0], refs[1])]
        else:
            error("give OLD NEW, or DEPARTMENT --year N (or DEPARTMENT@YEAR), or DEPARTMENT@YEAR --revisions")
            raise typer.Exit(2)
    with user_errors():
        results = [_filtered(c.result, only, entity, threshold) for c in comparisons]
    if to is not None:
        from ledger.report.workbook import diff_sheets

        named = [(c.old_ref, c.new_ref, r) for c, r in zip(comparisons, results, strict=True)]
        write_sheets(diff_sheets(named), to)
    else:
        _print(comparisons, results, output or DiffFormat.table, as_list=revisions or len(comparisons) > 1)
    if exit_code and any(r.changes for r in results):
        raise typer.Exit(1)


def _single(refs: list[str], option: str) -> str:
    if len(refs) != 1:
        error(f"{option} takes one DEPARTMENT reference, got {len(refs)}")
        raise typer.Exit(2)
    return refs[0]


def _percent(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        error(f"--min-pct takes a number, not {text!r}")
        raise typer.Exit(2) from None


def _split(text: str | None) -> list[str] | None:
    return None if text is None else [part.strip() for part in text.split(",") if part.strip()]


def _filtered(
    result: DiffResult, only: str | None, entity: str | None, min_pct: Decimal | None
) -> DiffResult:
    if only is None and entity is None and min_pct is None:
        return result
    try:
        return result.filter(only=_split(only), entity=_split(entity), min_pct=min_pct)
    except ValueError as exc:
        error(str(exc))
        raise typer.Exit(2) from None


def _print(
    comparisons: list[Comparison], results: list[DiffResult], output: DiffFormat, *, as_list: bool
) -> None:
    """One result prints as one JSON object; --revisions always prints a list, however many steps there are."""
    from ledger.report.diff_formats import to_csv, to_json, to_markdown

    if output is DiffFormat.json:
        body = ",\n".join(to_json(r) for r in results)
        typer.echo(f"[\n{body}\n]" if as_list else body)
        return
    if output is DiffFormat.csv:
        typer.echo("".join(to_csv(r) for r in results), nl=False)
        return
    if output is DiffFormat.md:
        typer.echo("\n".join(to_markdown(r) for r in results), nl=False)
        return
    from ..render_diff import render_diff

    out = console()
    for comparison, result in zip(comparisons, results, strict=True):
        out.print(sides(comparison), style="dim", soft_wrap=True)
        out.print(render_diff(result))


def sides(comparison: Comparison) -> str:
    """Which snapshots and files each side is, and what of them was compared when they are different kinds."""
    old = f"{comparison.old_ref} ({comparison.old_file})" if comparison.old_file else comparison.old_ref
    new = f"{comparison.new_ref} ({comparison.new_file})" if comparison.new_file else comparison.new_ref
    cross = comparison.result.scope in ("cross-department", "cross-kind")
    facets = f"  [{'+'.join(comparison.facets)} compared]" if comparison.facets else ""
    return f"{old}  {'vs' if cross else '→'}  {new}{facets}"


def register(app: typer.Typer) -> None:
    app.command()(diff)
