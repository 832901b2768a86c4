"""Stated versus computed: claims of real narratives checked against tables built from the real figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledger.findings import find
from ledger.findings.claim_checks import check_claims, half_unit
from ledger.layouts.claims import flat, read_statements
from ledger.model import Accounts, Department, FunctionLine, Snapshot
from ledger.readers.document import Paragraph

D = Decimal


def narrative(*sentences: str, year: int = 2019, kind: str = "budget-narrative") -> Snapshot:
    return Snapshot(
        department=Department(name="江苏省政协办公厅"),
        fiscal_year=year,
        document_kind=kind,
        statements=read_statements(Paragraph(sentence, page=13) for sentence in sentences),
    )


def tables(year: int, **figures: str) -> Snapshot:
    """Tables with the 住房改革支出 lines and 机关运行经费 of 江苏省政协办公厅 / 省法院 as published."""
    lines = [
        FunctionLine(code="221", name="住房保障支出"),
        FunctionLine(code="22102", name="住房改革支出"),
        FunctionLine(code="2210202", name="提租补贴", total=D(figures["rent"])),
    ]
    return Snapshot(
        department=Department(name="江苏省政协办公厅"),
        fiscal_year=year,
        document_kind="budget-tables",
        accounts=Accounts(
            fiscal_function_lines=lines,
            operating_costs=D(figures["operating"]) if "operating" in figures else None,
        ),
    )


#: 江苏省政协办公厅2019年度部门预算.pdf p. 13–14; the tables of 2019 and 2018 print 1,754.17 and 1,107.60.
RENT_2019 = (
    "2.住房改革支出（款）提租补贴（项）1,754.17 万元，与上年相比增加 646.57 万元，增长 58.38%。"
    "主要原因是提租补贴基数调整，支出增加。"
)


def test_a_claim_that_agrees_three_ways() -> None:
    (claim,) = check_claims(
        narrative(RENT_2019), tables=tables(2019, rent="1754.17"), previous=tables(2018, rent="1107.60")
    )
    assert claim.verdict == "agrees"
    assert claim.entity == "fiscal_function_line:2210202#total"
    assert [(c.check, c.figure, c.computed, c.agrees) for c in claim.checks] == [
        ("tables", "amount", D("1754.17"), True),
        ("last-year", "delta", D("646.57"), True),
        ("last-year", "percent", D("58.3758"), True),
        ("arithmetic", "percent", D("58.3758"), True),
    ]


def test_a_stated_figure_the_tables_do_not_have() -> None:
    """The kind of slip seen in held-back publications: a stated 1670.85 where the tables give 1670.83."""
    sentence = "2.住房改革支出（款）提租补贴（项）1,670.85 万元，与上年相比增加 563.25 万元，增长 50.85%。"
    (claim,) = check_claims(narrative(sentence), tables=tables(2019, rent="1670.83"))
    assert claim.verdict == "disagrees-with-tables"
    (failed,) = [c for c in claim.checks if not c.agrees]
    assert (failed.stated, failed.computed, failed.tolerance) == (D("1670.85"), D("1670.83"), D("0.005"))


def test_a_percentage_its_own_figures_do_not_give() -> None:
    """省法院2017年度部门预算公开.pdf p. 22: 1959.99 up 865.57 was 1094.42 before: 79.09 %, not the stated 79.05 %."""
    sentence = (
        "2．住房改革支出（款）提租补贴（项）支出 1959.99 万元，与上年相比增加 865.57 万元，增长 79.05%。"
        "主要原因是调整了住房补贴、新职工逐月购房补贴标准增加的支出。"
    )
    (claim,) = check_claims(narrative(sentence, year=2017), tables=tables(2017, rent="1959.99"))
    assert claim.verdict == "arithmetic-off"
    (failed,) = [c for c in claim.checks if not c.agrees]
    assert (failed.check, failed.stated, failed.computed, failed.tolerance) == (
        "arithmetic",
        D("79.05"),
        D("79.0894"),
        D("0.0063"),
    )


def test_a_change_last_years_tables_do_not_give() -> None:
    """江苏省政协办公厅2018年度部门预算.pdf p. 15: 机关运行经费 1,115.85, down 2,233.13 from 2017's 3,348.98 — that is
    −66.68 %, not the stated −66.69 %."""
    sentence = (
        "江苏省政协办公厅 2018 年一般公共预算机关运行经费预算支出 1,115.85 万元，与上年相比减少 2,233.13 万元，"
        "下降 66.69%。主要原因是今年此表统计口径发生变化。"
    )
    (claim,) = check_claims(
        narrative(sentence, year=2018),
        tables=tables(2018, rent="0", operating="1115.85"),
        previous=tables(2017, rent="0", operating="3348.98"),
    )
    assert claim.verdict == "disagrees-with-last-year"
    failed = [(c.check, c.figure, c.computed) for c in claim.checks if not c.agrees]
    assert failed == [("last-year", "percent", D("-66.6809")), ("arithmetic", "percent", D("-66.6809"))]


def test_a_percentage_given_without_decimals_is_checked_to_half_a_percent() -> None:
    """ "增长30%" where the figures give 29.15 %: off by more than the 0.5 % a whole percent stands for."""
    sentence = "2.住房改革支出（款）提租补贴（项）1,292.27 万元，与上年相比增加 291.67 万元，增长 30%。"
    (claim,) = check_claims(narrative(sentence), tables=tables(2019, rent="1292.27"))
    (failed,) = [c for c in claim.checks if not c.agrees]
    assert (failed.stated, failed.computed) == (D(30), D("29.1500"))
    assert D("0.5") <= failed.tolerance < D("0.51")


def test_a_claim_no_table_line_matches_is_unmatched_and_reported() -> None:
    """省法院2019 p. 20 names 一般行政事务管理; the tables print 一般行政管理事务."""
    sentence = (
        "2．法院（款）一般行政事务管理（项）支出 5804.83 万元，与上年相比减少 245.14 万元，下降 4.05%。"
        "主要原因是信息化建设经费预算安排减少。"
    )
    snapshot = narrative(sentence)
    (claim,) = check_claims(snapshot, tables=tables(2019, rent="1754.17"))
    assert (claim.verdict, claim.entity, claim.table_amount) == ("unmatched", None, None)
    found = find(snapshot, tables=tables(2019, rent="1754.17"))
    assert [(f.rule, f.severity, f.location) for f in found] == [
        ("claim-unmatched", "info", "statement 法院（款）一般行政事务管理（项）支出 (p. 13)")
    ]


def test_without_any_tables_nothing_is_reported_unmatched() -> None:
    """A narrative ingested before its tables: its claims cannot be matched yet, which is no finding."""
    assert find(narrative(RENT_2019)) == []


def test_findings_carry_both_figures_and_the_tolerance() -> None:
    sentence = "2.住房改革支出（款）提租补贴（项）1,670.85 万元，与上年相比增加 563.25 万元，增长 50.85%。"
    (finding,) = find(narrative(sentence), tables=tables(2019, rent="1670.83"))
    assert finding.rule == "claim-disagrees-with-tables"
    assert finding.severity == "error"
    assert finding.key == ("claim-disagrees-with-tables|claim:function:住房改革支出/提租补贴@|amount")
    assert finding.facts["stated"] == D("1670.85")
    assert finding.facts["computed"] == D("1670.83")
    assert finding.facts["tolerance"] == D("0.005")
    assert finding.message == (
        "the narrative states 住房改革支出（款）提租补贴（项） amount 1670.85 万元; the tables give 1670.83 万元 "
        "(tolerance ±0.005)"
    )


def test_a_disclosure_is_checked_against_its_own_tables() -> None:
    combined = tables(2019, rent="1754.17").model_copy(
        update={"document_kind": "budget-disclosure", "statements": narrative(RENT_2019).statements}
    )
    (claim,) = check_claims(combined, tables=tables(2019, rent="1"))  # its own tables win
    assert (claim.verdict, claim.table_amount) == ("agrees", D("1754.17"))


@pytest.mark.parametrize(
    ("decimals", "half"), [(None, "0.5"), (0, "0.5"), (1, "0.05"), (2, "0.005"), (4, "0.00005")]
)
def test_half_a_unit_of_the_last_printed_digit(decimals: int | None, half: str) -> None:
    assert half_unit(decimals) == D(half)


def test_flat_text_drops_page_numbers_inside_a_sentence() -> None:
    assert flat("与上年- 12 -相比增加") == "与上年相比增加"
