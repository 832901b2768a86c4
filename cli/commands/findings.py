"""Audit findings and exports: ``ledger findings`` and ``ledger export``."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..context import open_ledger
from ..exports import ForceOption, ToOption, check_target, write_sheets
from ..options import NoHeadersOption
from ..output import Format, echo, error, print_json, print_jsonl, print_table

if TYPE_CHECKING:
    from sqlmodel import Session

    from ledger.findings import Finding, FindingsComparison
    from ledger.report.writers import Record


class Severity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


_COLUMNS = ["severity", "rule", "location", "message"]


def findings(
    ctx: typer.Context,
    ref: Annotated[
        str | None,
        typer.Argument(
            help="Snapshot id, hash prefix or DEPARTMENT@YEAR[rN][/KIND]; all current snapshots if omitted."
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Compare with this older snapshot: new, resolved, persisting."),
    ] = None,
    compare_refs: Annotated[
        tuple[str, str] | None,
        typer.Option("--compare", help="Compare two snapshots OLD NEW: new, resolved, persisting findings."),
    ] = None,
    output: Annotated[
        Format | None, typer.Option("--format", "-f", help="Output format [default: table].")
    ] = None,
    fail_on: Annotated[
        Severity | None,
        typer.Option(
            "--fail-on", help="Exit 1 when a (new) finding is this severe or worse (for scripts and CI)."
        ),
    ] = None,
    no_headers: NoHeadersOption = False,
    to: ToOption = None,
    force: ForceOption = False,
) -> None:
    """Audit findings of snapshots (docs/architecture.md §7): totals, costs above budgets, stale years, truncated documents …

    With --to, write them to a sheet (审计发现) instead, with their status when comparing.
    """
    check_target(to, output)
    if compare_refs is not None and (ref is not None or since is not None):
        error("--compare OLD NEW takes no REF and no --since")
        raise typer.Exit(2)
    if since is not None and ref is None:
        error("--since OLD needs the newer snapshot REF")
        raise typer.Exit(2)
    pair = compare_refs if compare_refs is not None else ((since, ref) if since is not None and ref else None)
    if pair is not None:
        raised = _compare(ctx, pair[0], pair[1], output or Format.table, to, force, not no_headers)
    else:
        raised = _list(ctx, ref, output or Format.table, to, force, not no_headers)
    if fail_on is not None and any(_at_least(f.severity, fail_on) for f in raised):
        raise typer.Exit(1)


def _list(
    ctx: typer.Context, ref: str | None, output: Format, to: Path | None, force: bool, headers: bool
) -> list[Finding]:
    from ledger import store
    from ledger.query.claims_report import findings_of

    with open_ledger(ctx) as ledger, ledger.read() as session:
        rows = [store.resolve_ref(session, ref)] if ref is not None else store.list_snapshots(session)
        found = [(store.describe(session, row), findings_of(session, row)) for row in rows]
    if to is not None:
        write_sheets({"findings": _listed_records(found)}, to, force=force)
    elif output is Format.json:
        _print_json_list(found, single=ref is not None)
    elif output is Format.jsonl:
        print_jsonl([{"snapshot": name, **f.model_dump()} for name, listed in found for f in listed])
    elif output is Format.csv:
        _print_csv_list(found, headers)
    elif output is Format.md:
        from ledger.report.tabular import markdown_table

        listed_rows = [[name, *_cells(f)] for name, listed in found for f in listed]
        sys.stdout.write(markdown_table(["snapshot", *_COLUMNS], listed_rows))
    else:
        _print_table_list(found, single=ref is not None)
    return [finding for _, listed in found for finding in listed]


def _compare(
    ctx: typer.Context,
    old_ref: str,
    new_ref: str,
    output: Format,
    to: Path | None,
    force: bool,
    headers: bool,
) -> list[Finding]:
    from ledger.query.claims_report import findings_between
    from ledger.report.workbook import findings_comparison_records

    with open_ledger(ctx) as ledger, ledger.read() as session:
        between = findings_between(session, old_ref, new_ref)
    old_name, new_name, result = between.old_ref, between.new_ref, between.result
    if to is not None:
        write_sheets({"findings": findings_comparison_records(result)}, to, force=force)
    elif output is Format.jsonl:
        print_jsonl(
            [{"status": status, **f.model_dump()} for status, listed in _statuses(result) for f in listed]
        )
    elif output is Format.md:
        from ledger.report.tabular import markdown_table

        rows = [[status, *_cells(f)] for status, listed in _statuses(result) for f in listed]
        sys.stdout.write(markdown_table(["status", *_COLUMNS], rows))
    elif output is Format.json:
        from ledger.findings import FINDINGS_SCHEMA

        print_json({"schema": FINDINGS_SCHEMA, "from": old_name, "to": new_name, **result.model_dump()})
    elif output is Format.csv:
        from ledger.report.writers import csv_text

        sys.stdout.write(csv_text(findings_comparison_records(result), "findings", headers=headers))
    else:
        title = (
            f"{old_name} → {new_name}: {len(result.new)} new, {len(result.resolved)} resolved, "
            f"{len(result.persisting)} persisting"
        )
        rows = [[status, *(_cells(finding))] for status, listed in _statuses(result) for finding in listed]
        print_table(title, ["status", *_COLUMNS], rows)
    return list(result.new)


def _statuses(result: FindingsComparison) -> list[tuple[str, list[Finding]]]:
    return [("new", result.new), ("resolved", result.resolved), ("persisting", result.persisting)]


def _cells(finding: Finding) -> list[str]:
    # Plain strings: the table prints them as text (never markup), so "[bookmark: …]" and "[/]" stay as they are.
    return [finding.severity, finding.rule, finding.location, finding.message]


def _counts(listed: list[Finding]) -> str:
    if not listed:
        return "no findings"
    by_severity = [
        f"{sum(1 for f in listed if f.severity == severity)} {severity}"
        for severity in ("error", "warning", "info")
        if any(f.severity == severity for f in listed)
    ]
    noun = "finding" if len(listed) == 1 else "findings"
    return f"{len(listed)} {noun} ({', '.join(by_severity)})"


def _print_table_list(found: list[tuple[str, list[Finding]]], *, single: bool) -> None:
    if single:
        name, listed = found[0]
        if not listed:
            echo(f"{name}: no findings")
            return
        print_table(f"{name}: {_counts(listed)}", _COLUMNS, [_cells(f) for f in listed])
        return
    rows = [[name, *_cells(finding)] for name, listed in found for finding in listed]
    total = [finding for _, listed in found for finding in listed]
    title = f"{len(found)} snapshots: {_counts(total)}"
    if not total:
        echo(title)
        return
    print_table(title, ["snapshot", *_COLUMNS], rows)


def _print_json_list(found: list[tuple[str, list[Finding]]], *, single: bool) -> None:
    from ledger.findings import FINDINGS_SCHEMA

    listed = [{"snapshot": name, "findings": findings} for name, findings in found]
    if single:
        print_json({"schema": FINDINGS_SCHEMA, **listed[0]})
    else:
        print_json({"schema": FINDINGS_SCHEMA, "snapshots": listed})


def _listed_records(found: list[tuple[str, list[Finding]]]) -> list[Record]:
    from ledger.report.writers import findings_records

    return [record for name, listed in found for record in findings_records(listed, snapshot=name)]


def _print_csv_list(found: list[tuple[str, list[Finding]]], headers: bool) -> None:
    from ledger.report.writers import csv_text

    sys.stdout.write(csv_text(_listed_records(found), "findings", headers=headers))


def _at_least(severity: str, threshold: Severity) -> bool:
    order = [s.value for s in Severity]
    return order.index(severity) <= order.index(threshold.value)


def export(
    ctx: typer.Context,
    to: Annotated[
        Path,
        typer.Option(
            "--to", help="Output file: .xlsx (one sheet per entity), .csv (one file each) or .json."
        ),
    ],
    ref: Annotated[
        str | None,
        typer.Argument(
            help="Snapshot id, hash prefix or DEPARTMENT@YEAR[rN][/KIND]; with --all a DEPARTMENT "
            "(every department when omitted).",
            show_default=False,
        ),
    ] = None,
    every: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Everything about a department: its versions, every stored change record and detection, the "
            "findings of every version with their status, the projects and indicators of each series' latest.",
        ),
    ] = False,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="Only this entity (projects, indicators, findings …).")
    ] = None,
    with_findings: Annotated[
        bool, typer.Option("--findings/--no-findings", help="Add the audit findings as a sheet.")
    ] = True,
    force: ForceOption = False,
) -> None:
    """Export a snapshot's projects, indicators, budget lines, goals, tasks, notices and warnings for spreadsheets,
    or with --all a department's whole audit trail."""
    check_target(to)
    if every and ref is not None and "@" in ref:
        error(f"--all takes a DEPARTMENT, not a snapshot reference like {ref!r}")
        raise typer.Exit(2)
    if not every and ref is None:
        error("give a snapshot REF, or --all [DEPARTMENT]")
        raise typer.Exit(2)
    with open_ledger(ctx) as ledger, ledger.read() as session:
        if every or ref is None:  # ref is None only with --all (checked above)
            sheets = _audit_sheets(session, ref)
        else:
            sheets = _snapshot_sheets(session, ref, with_findings)
    if not with_findings:
        sheets.pop("findings", None)
    if sheet is not None:
        if sheet not in sheets:
            error(f"no sheet {sheet!r}; the sheets are: {', '.join(sheets)}")
            raise typer.Exit(2)
        sheets = {sheet: sheets[sheet]}
    write_sheets(sheets, to, force=force)


def _snapshot_sheets(session: Session, ref: str, with_findings: bool) -> dict[str, list[Record]]:
    from ledger import store
    from ledger.query.claims_report import findings_of
    from ledger.report import writers as exporting

    row = store.resolve_ref(session, ref)
    sheets = exporting.snapshot_sheets(store.load_named(session, row))
    if with_findings:
        sheets["findings"] = exporting.findings_records(findings_of(session, row))
    return sheets


def _audit_sheets(session: Session, department: str | None) -> dict[str, list[Record]]:
    from ledger.report.workbook import audit_sheets

    return audit_sheets(session, department)


def register(app: typer.Typer) -> None:
    app.command()(findings)
    app.command()(export)
