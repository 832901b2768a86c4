"""The claims report (``ledger claims REF``): every claim of a budget explanation with its verdict.

One row per claim an auditor can hand on: what the narrative says (amount, change, percentage, reason, page), what the
tables say (this year's figure, last year's), the verdict — agrees, disagrees with the tables, disagrees with last
year, arithmetic off, unmatched, unchecked — and for each figure that failed, the stated and the computed figure
and the tolerance used. The records are plain dicts for the export writers (XLSX, CSV, JSON) and for Markdown.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from ledger import store
from ledger.findings import Finding, FindingsComparison, find
from ledger.findings import compare as compare_findings
from ledger.findings.claim_checks import VERDICTS, Claim, check_claims, tables_in
from ledger.model import Snapshot
from ledger.query import comparisons as compare
from ledger.store.schema import SnapshotRow

CLAIMS_SCHEMA = "ledger.claims/1"


@dataclass(frozen=True)
class ClaimsReport:
    """The claims of one snapshot and which snapshots they were checked against."""

    snapshot: str
    tables: str | None  # the snapshot whose tables this year's figures came from
    previous: str | None  # last year's tables, when in the ledger
    claims: list[Claim]

    def counts(self) -> Counter[str]:
        return Counter(claim.verdict for claim in self.claims)


@dataclass(frozen=True)
class _Context:
    snapshot: Snapshot
    tables: tuple[SnapshotRow, Snapshot] | None
    previous: tuple[SnapshotRow, Snapshot] | None


def _context(session: Session, row: SnapshotRow) -> _Context:
    this_year, last_year = compare.claim_tables(session, row)
    return _Context(
        store.load_snapshot(row),
        (this_year, store.load_snapshot(this_year)) if this_year is not None else None,
        (last_year, store.load_snapshot(last_year)) if last_year is not None else None,
    )


def claims_report(session: Session, row: SnapshotRow) -> ClaimsReport:
    """The claims of ``row`` checked against the tables of its department-year and of the year before."""
    context = _context(session, row)
    claims = check_claims(
        context.snapshot,
        tables=context.tables[1] if context.tables else None,
        previous=context.previous[1] if context.previous else None,
    )
    own = tables_in(context.snapshot) is not None
    tables = store.describe(session, row) if own else _described(session, context.tables)
    return ClaimsReport(
        snapshot=store.describe(session, row),
        tables=tables,
        previous=_described(session, context.previous),
        claims=claims,
    )


def _described(session: Session, pair: tuple[SnapshotRow, Snapshot] | None) -> str | None:
    return store.describe(session, pair[0]) if pair is not None else None


def findings_of(session: Session, row: SnapshotRow) -> list[Finding]:
    """The findings of a stored snapshot, its claims checked against the tables the ledger holds (as on ingest)."""
    snapshot = store.load_snapshot(row)
    if not snapshot.statements:  # nothing needs other snapshots' tables
        return find(snapshot)
    context = _context(session, row)
    return find(
        context.snapshot,
        tables=context.tables[1] if context.tables else None,
        previous_year=context.previous[1] if context.previous else None,
    )


@dataclass(frozen=True)
class FindingsBetween:
    """The audit findings of two versions told apart: new, resolved, persisting (``ledger findings --compare``)."""

    old_ref: str
    new_ref: str
    result: FindingsComparison


def findings_between(session: Session, old_ref: str, new_ref: str) -> FindingsBetween:
    """The findings of ``old_ref`` and ``new_ref`` (claims checked as on ingest), compared by key."""
    old, new = store.resolve_ref(session, old_ref), store.resolve_ref(session, new_ref)
    result = compare_findings(findings_of(session, old), findings_of(session, new))
    return FindingsBetween(store.describe(session, old), store.describe(session, new), result)


# --- records ------------------------------------------------------------------------------------------------------


def claim_records(report: ClaimsReport) -> list[dict[str, Any]]:
    """One record per claim: the statement, the table figures, the verdict and what failed."""
    return [_record(claim) for claim in report.claims]


def _record(claim: Claim) -> dict[str, Any]:
    statement = claim.statement
    computed = {(c.check, c.figure): c for c in claim.checks}
    last_year_delta = computed.get(("last-year", "delta"))
    last_year_percent = computed.get(("last-year", "percent"))
    return {
        "page": statement.page,
        "subject": statement.subject,
        "entity": claim.entity,
        "stated_amount": printed(statement.amount, statement.amount_decimals),
        # Tables print to the cent.
        "table_amount": printed(claim.table_amount, 2),
        "last_year_amount": printed(claim.last_year_amount, 2),
        "direction": statement.direction,
        "stated_delta": printed(statement.delta, statement.delta_decimals),
        "computed_delta": printed(last_year_delta.computed, 2) if last_year_delta else None,
        "stated_percent": printed(statement.percent, statement.percent_decimals),
        "computed_percent": last_year_percent.computed if last_year_percent else None,
        "verdict": claim.verdict,
        "failed": "; ".join(
            f"{c.check} {c.figure}: {_text(c.stated)} ≠ {_text(c.computed)} (±{_text(c.tolerance)})"
            for c in claim.checks
            if not c.agrees
        )
        or None,
        "reason": statement.reason,
        "text": statement.text,
    }


def printed(value: Decimal | None, decimals: int | None) -> Decimal | None:
    """A figure with the decimals it was printed with (``37.10``, not ``37.1``: the canonical JSON drops them)."""
    if value is None or decimals is None:
        return value
    return value.quantize(Decimal(1).scaleb(-decimals))


def _text(value: Decimal) -> str:
    return format(value, "f")


#: The columns the terminal and Markdown reports show, in order.
REPORT_COLUMNS = (
    "page",
    "subject",
    "stated_amount",
    "table_amount",
    "stated_delta",
    "computed_delta",
    "stated_percent",
    "computed_percent",
    "verdict",
    "failed",
)


def report_rows(records: list[dict[str, Any]]) -> list[list[str]]:
    """The records as text cells of :data:`REPORT_COLUMNS` (numbers as printed, empty for none)."""
    return [[_cell(record[column]) for column in REPORT_COLUMNS] for record in records]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return _text(value)
    return str(value)


def to_markdown(report: ClaimsReport) -> str:
    """A Markdown table of the claims, with a heading saying what they were checked against."""
    lines = [f"## Claims of {report.snapshot}", "", against(report), "", summary(report), ""]
    lines.append("| " + " | ".join(REPORT_COLUMNS) + " |")
    lines.append("|" + "---|" * len(REPORT_COLUMNS))
    for row in report_rows(claim_records(report)):
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    return "\n".join(lines) + "\n"


def against(report: ClaimsReport) -> str:
    """``Checked against …; last year: ….``"""
    tables = (
        "its own tables"
        if report.tables == report.snapshot
        else report.tables or "no tables of this department and year in the ledger"
    )
    previous = report.previous or "no tables of last year in the ledger"
    return f"Checked against {tables}; last year: {previous}."


def summary(report: ClaimsReport) -> str:
    """``33 claims: 32 agrees, 1 unmatched``."""
    counts = report.counts()
    parts = ", ".join(f"{counts[verdict]} {verdict}" for verdict in sorted(counts, key=_verdict_order))
    noun = "claim" if len(report.claims) == 1 else "claims"
    return f"{len(report.claims)} {noun}" + (f": {parts}" if parts else "")


def _verdict_order(verdict: str) -> int:
    return [str(v) for v in VERDICTS].index(verdict)
