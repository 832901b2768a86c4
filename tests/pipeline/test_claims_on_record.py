"""Claims are checked on ingest, on SQLite and PostgreSQL, whatever order the narrative and the tables arrive in."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlmodel import select

from ledger import store
from ledger.pipeline.ingest import ingest_bytes
from ledger.query.claims_report import claims_report
from ledger.store import Ledger
from ledger.store.schema import FindingRow
from tests.support import key_value_layout

#: A ledger per test (PostgreSQL too), or the seeds ingested: seconds, not the fast loop.
pytestmark = pytest.mark.slow

DEPARTMENT = "江苏省政协办公厅"
#: 江苏省政协办公厅2018年度部门预算.pdf p. 15; its tables print 1,115.85, those of 2017 3,348.98.
CLAIM = (
    "江苏省政协办公厅 2018 年一般公共预算机关运行经费预算支出 1,115.85 万元，与上年相比减少 2,233.13 万元，"
    "下降 66.69%。主要原因是今年此表统计口径发生变化。"
)


def _publication(year: int, kind: str, *lines: str) -> bytes:
    text = ["TEST-PUBLICATION", f"department: {DEPARTMENT}", f"year: {year}", f"kind: {kind}", *lines]
    return ("\n".join(text) + "\n").encode("utf-8")


NARRATIVE = _publication(2018, "budget-narrative", f"claim: {CLAIM}")
TABLES_2018 = _publication(2018, "budget-tables", "operating: 1115.85")
TABLES_2017 = _publication(2017, "budget-tables", "operating: 3348.98")


@pytest.fixture
def ledger(db_url: str) -> Iterator[Ledger]:
    with key_value_layout(), Ledger(db_url) as opened:
        yield opened


def _stored_rules(ledger: Ledger, ref: str) -> list[str]:
    with ledger.read() as session:
        row = store.resolve_ref(session, ref)
        query = select(FindingRow.rule).where(FindingRow.snapshot_id == row.id)
        return sorted(rule for rule in session.exec(query) if rule.startswith("claim-"))


@pytest.mark.parametrize(
    "order",
    [
        (NARRATIVE, TABLES_2018, TABLES_2017),
        (TABLES_2017, TABLES_2018, NARRATIVE),
        (TABLES_2018, NARRATIVE, TABLES_2017),
    ],
    ids=["narrative-first", "narrative-last", "narrative-between"],
)
def test_the_stored_findings_do_not_depend_on_the_order_of_ingest(
    ledger: Ledger, order: tuple[bytes, ...]
) -> None:
    for number, data in enumerate(order):
        ingest_bytes(ledger, data, name=f"p{number}")
    assert _stored_rules(ledger, f"{DEPARTMENT}@2018/budget-narrative") == [
        "claim-arithmetic-off",
        "claim-disagrees-with-last-year",
    ]
    with ledger.read() as session:
        report = claims_report(session, store.resolve_ref(session, f"{DEPARTMENT}@2018/budget-narrative"))
    (claim,) = report.claims
    assert (report.tables, report.previous) == (
        f"{DEPARTMENT}@2018r1/budget-tables",
        f"{DEPARTMENT}@2017r1/budget-tables",
    )
    assert (claim.verdict, claim.table_amount, claim.last_year_amount) == (
        "disagrees-with-last-year",
        claim.statement.amount,
        Decimal("3348.98"),
    )


def test_without_tables_only_its_own_arithmetic_is_checked(ledger: Ledger) -> None:
    """Nothing to match against yet: no claim-unmatched, but 2,233.13 / 3,348.98 is still not 66.69 %."""
    ingest_bytes(ledger, NARRATIVE, name="n")
    assert _stored_rules(ledger, f"{DEPARTMENT}@2018/budget-narrative") == ["claim-arithmetic-off"]


def test_rebuild_reproduces_the_claim_findings(ledger: Ledger) -> None:
    from ledger.pipeline.derive import rebuild

    for number, data in enumerate((NARRATIVE, TABLES_2018, TABLES_2017)):
        ingest_bytes(ledger, data, name=f"p{number}")
    before = _stored_rules(ledger, f"{DEPARTMENT}@2018/budget-narrative")
    with ledger.write() as session:
        rebuild(session)
    assert (
        _stored_rules(ledger, f"{DEPARTMENT}@2018/budget-narrative")
        == before
        == [
            "claim-arithmetic-off",
            "claim-disagrees-with-last-year",
        ]
    )
