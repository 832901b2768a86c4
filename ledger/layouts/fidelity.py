"""How completely the standard tables of a document are read: the figures of the fidelity report.

For each standard table found (see :func:`ledger.layouts.common.captioned_tables`): how many amounts it prints, how
many of them were read into a line, how many of the table's own identities (its totals against their parts) were
checked and which did not hold, and what the reading had to leave out. Measured with the readers of
:mod:`ledger.layouts.standard_tables`, independently of which layout parsed the document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from ledger.layouts.common import TABLE_TITLES, AmountReader, captioned_tables
from ledger.layouts.standard_tables import (
    apply_statement,
    check_fiscal_statement,
    check_subject_lines,
    expenditure_summary,
    procurement,
    read_statement,
    row_entries,
    subject_lines,
    three_public,
    tokens,
)
from ledger.model import Accounts
from ledger.readers.document import Document, Table

#: Warning codes that say part of a table was not read.
UNREAD_CODES = ("incomplete-table", "unreadable-amount", "unread-table", "unreadable-table")
#: Tables outside the accounts (project target tables, the list of units): found, not measured here.
NOT_ACCOUNTS = ("project", "units")


@dataclass
class _Counting(AmountReader):
    """An amount reader that also counts the identities it checks."""

    checks: int = 0

    def check(self, expected: Decimal | None, parts: Iterable[Decimal | None], what: str, where: str) -> None:
        if expected is not None:
            self.checks += 1
        super().check(expected, parts, what, where)


@dataclass(frozen=True)
class TableReading:
    """One standard table: where it stands, what it prints and what of it was read."""

    position: int  # the table's number among the document's tables, from 1
    kind: str
    caption: str
    rows: int  # rows holding an amount
    amounts: int  # amount cells printed
    read: int  # amount cells read into a line
    checks: int  # identities of the table's own totals checked
    mismatches: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return TABLE_TITLES.get(self.kind, self.kind)


def _reconcile_statement(table: Table, reader: AmountReader, where: str) -> None:
    apply_statement(Accounts(), read_statement(table, reader, where), reader, where)


def _reconcile_subjects(table: Table, reader: AmountReader, where: str) -> None:
    check_subject_lines(subject_lines(table, reader, where), reader, where)


def _reconcile_expenditure(table: Table, reader: AmountReader, where: str) -> None:
    summary = expenditure_summary(table, reader, where)
    if "合计" in summary:
        parts = [value for label, value in summary.items() if label != "合计"]
        reader.check(summary["合计"], parts, "合计 = 各用途之和", where)


def _reconcile_procurement(table: Table, reader: AmountReader, where: str) -> None:
    procurement(table, reader, where)


def _reconcile_three_public(table: Table, reader: AmountReader, where: str) -> None:
    three_public(table, reader, where)


def _reconcile_fiscal_statement(table: Table, reader: AmountReader, where: str) -> None:
    check_fiscal_statement(table, reader, where)


#: Tables of one row of amounts under named columns: read by their headings, not label by label.
_SUMMARY_READERS: dict[str, Callable[[Table, AmountReader, str], dict[str, Decimal | None]]] = {
    "three-public": three_public,
    "expenditure": expenditure_summary,
}
_SUBJECT_KINDS = (
    "fiscal-function",
    "general-function",
    "fiscal-economic",
    "general-economic",
    "operating-costs",
    "government-fund",
    "state-capital",
    "project-expenditure",
)
_RECONCILE: dict[str, Callable[[Table, AmountReader, str], None]] = {
    "statement": _reconcile_statement,
    "fiscal-statement": _reconcile_fiscal_statement,
    "expenditure": _reconcile_expenditure,
    "three-public": _reconcile_three_public,
    "procurement": _reconcile_procurement,
    **{kind: _reconcile_subjects for kind in _SUBJECT_KINDS},
}


def read_tables(document: Document) -> list[TableReading]:
    """Every standard account table of ``document`` with the figures of its reading, in document order."""
    readings: list[TableReading] = []
    for position, found in enumerate(captioned_tables(document.blocks), start=1):
        if found.kind is None or found.kind in NOT_ACCOUNTS:
            continue
        readings.append(_reading(position, found.kind, found.caption, found.table))
    return readings


def _reading(position: int, kind: str, caption: str, table: Table) -> TableReading:
    where = TABLE_TITLES.get(kind, kind)
    amounts = tokens(table)[1]
    pairing = AmountReader()
    entries = row_entries(table, pairing, where)
    if kind in ("three-public", "expenditure"):
        read_values = _SUMMARY_READERS[kind](table, AmountReader(), where)
        read = sum(1 for value in read_values.values() if value is not None)
    else:
        read = sum(1 for entry in entries if entry.cell)
    reader = _Counting()
    reconcile = _RECONCILE.get(kind)
    if reconcile is not None:
        reconcile(table, reader, where)
    warnings = reader.warnings if reconcile is not None else pairing.warnings
    unread = [w.message for w in warnings if w.code in UNREAD_CODES]
    return TableReading(
        position=position,
        kind=kind,
        caption=caption,
        rows=len({r for r, _, _ in amounts}),
        amounts=len(amounts),
        read=max(0, read - len(unread)),  # a line found but not kept (no subject code …) was not read
        checks=reader.checks,
        mismatches=[w.message for w in warnings if w.code == "totals-mismatch"],
        unread=unread,
    )
