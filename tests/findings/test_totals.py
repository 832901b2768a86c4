"""Totals that do not add up: the arithmetic of one check, each family of totals, and the real Haigang accounts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledger.findings import totals
from ledger.findings.totals import Sum, check
from ledger.model import Accounts, BudgetOverview, EconomicLine, FunctionLine, Line
from tests.findings.builders import HAIGANG, TAISHAN, ZHANJIANG, d, project, seed, snapshot


def _sum(total: str | None, *parts: str | None, partial: bool = False) -> Sum:
    return Sum(
        location="here",
        identity="x",
        total_name="合计",
        total=None if total is None else Decimal(total),
        parts_name="parts",
        parts=tuple((f"p{i}", None if p is None else Decimal(p)) for i, p in enumerate(parts)),
        partial=partial,
    )


@pytest.mark.parametrize(
    ("item", "severity", "difference"),
    [
        (_sum("10", "4", "6"), None, None),
        (_sum("10.00", "4.00", "6"), None, None),  # equal decimals written differently
        (_sum("10", "4", "5"), "error", "-1"),
        (_sum("10", "4", "7"), "error", "1"),
        (_sum("10.00", "4.00", "5.99"), "info", "-0.01"),  # within half a cent per figure (3 figures: 0.015)
        (_sum("10.00", "4.00", "5.98"), "error", "-0.02"),
        (_sum("10", None, "10"), None, None),  # an empty cell is zero
        (_sum(None, "1", "2"), None, None),  # a total the source lacks is unknown, not zero …
        (_sum("10", None, None), None, None),  # … and so are parts none of which it publishes
        (_sum(None, None, None), None, None),  # nothing to check
        (_sum("10", "3", "4", partial=True), None, None),  # 其中 parts may fall short …
        (_sum("10", "6", "5", partial=True), "error", "1"),  # … never exceed
        (_sum("72807.384975", "10891.615675", "61915.7693"), None, None),  # Zhanjiang's six decimals, exact
    ],
)
def test_check(item: Sum, severity: str | None, difference: str | None) -> None:
    finding = check(item)
    if severity is None:
        assert finding is None
        return
    assert finding is not None
    assert (finding.severity, finding.facts["difference"]) == (severity, Decimal(difference or "0"))
    assert finding.key == "totals-mismatch|x"


def test_message_names_total_and_parts_with_exact_amounts() -> None:
    finding = check(_sum("2132.39", "2000", "132.38"))
    assert finding is not None
    assert (
        finding.message == "合计 2132.39 does not equal parts = 2132.38 (difference -0.01) (within rounding)"
    )
    assert finding.facts["parts"] == ["p0=2000", "p1=132.38"]


def _accounts(**changes: object) -> Accounts:
    base: dict[str, object] = {
        "income_total": d("100"),
        "expenditure_total": d("100"),
        "current_year_income": d("80"),
        "current_year_expenditure": d("100"),
        "carry_over": d("20"),
        "basic_expenditure": d("60"),
        "project_expenditure": d("40"),
    }
    base.update(changes)
    return Accounts.model_validate(base)


@pytest.mark.parametrize(
    ("changes", "identity"),
    [
        (
            {
                "expenditure_total": d("101"),
                "current_year_expenditure": d("101"),
                "basic_expenditure": d("61"),
            },
            "accounts:balance",
        ),
        ({"carry_over": d("21")}, "accounts:income-total"),
        ({"carry_forward": d("1")}, "accounts:expenditure-total"),
        ({"basic_expenditure": d("61")}, "accounts:basic-plus-project"),
    ],
)
def test_accounts_totals(changes: dict[str, object], identity: str) -> None:
    assert totals.find(snapshot(accounts=_accounts())) == []
    found = totals.find(snapshot(accounts=_accounts(**changes)))
    assert [f.key for f in found] == [f"totals-mismatch|{identity}"]


def test_the_documents_other_uses_of_money_are_part_of_the_expenditure_total() -> None:
    """江苏省高级人民法院 2019: 37188.34 = 21968 + 10208.94 + 单位预留机动经费 5011.4 (the court's real figures)."""
    accounts = _accounts(
        income_total=d("37188.34"),
        expenditure_total=d("37188.34"),
        current_year_income=d("37188.34"),
        current_year_expenditure=d("37188.34"),
        carry_over=None,
        basic_expenditure=d("21968"),
        project_expenditure=d("10208.94"),
    )
    uses = [Line(name="基本支出", amount=d("21968")), Line(name="项目支出", amount=d("10208.94"))]
    reserve = Line(name="三、单位预留机动经费", amount=d("5011.4"))
    overview = BudgetOverview(expenditure=[*uses, reserve])
    assert totals.find(snapshot(accounts=accounts, budget_overview=overview)) == []
    short = BudgetOverview(expenditure=[*uses, reserve.model_copy(update={"amount": d("5000")})])
    [finding] = totals.find(snapshot(accounts=accounts, budget_overview=short))
    assert finding.message == (
        "本年支出合计 37188.34 does not equal 基本支出 + 项目支出 + 三、单位预留机动经费 = 37176.94 "
        "(difference -11.4)"
    )
    [without] = totals.find(snapshot(accounts=accounts, budget_overview=BudgetOverview(expenditure=uses)))
    assert without.facts["difference"] == d("-5011.4")


def test_accounts_with_unpublished_figures_are_not_flagged() -> None:
    assert totals.find(snapshot(accounts=Accounts(expenditure_total=d("100"), carry_over=d("20")))) == []


def test_empty_table_cell_is_zero() -> None:
    lines = [
        FunctionLine(code="208", name="社会保障和就业支出", total=d("10"), project=d("10")),
        FunctionLine(code="20807", name="就业补助", total=d("10"), project=d("10"), carry_over=d("5")),
    ]
    found = totals.find(snapshot(accounts=Accounts(function_lines=lines)))
    assert [(f.key, f.facts["total"], f.facts["sum"]) for f in found] == [
        ("totals-mismatch|function_line:208:carry_over", d("0"), d("5"))
    ]


def test_function_lines_children_columns_and_row_sums() -> None:
    lines = [
        FunctionLine(code="208", name="社会保障和就业支出", total=d("10"), basic=d("6"), project=d("4")),
        FunctionLine(
            code="20801", name="人力资源和社会保障管理事务", total=d("7"), basic=d("6"), project=d("1")
        ),
        FunctionLine(code="2080101", name="行政运行", total=d("6"), basic=d("6")),
        FunctionLine(code="2080102", name="一般行政管理事务", total=d("1"), project=d("1")),
        FunctionLine(code="20805", name="行政事业单位养老支出", total=d("3"), project=d("2")),  # 3 ≠ 0 + 2
    ]
    found = totals.find(snapshot(accounts=Accounts(function_lines=lines)))
    assert sorted(f.key for f in found) == [
        "totals-mismatch|function_line:20805:basic-plus-project",
        "totals-mismatch|function_line:208:project",  # 4 ≠ 1 + 2
    ]
    by_key = {f.key: f for f in found}
    assert by_key["totals-mismatch|function_line:208:project"].message == (
        "208 社会保障和就业支出 项目支出 4 does not equal the 项目支出 of its 2 sub-lines (20801, 20805) = 3 "
        "(difference -1)"
    )
    assert (
        by_key["totals-mismatch|function_line:208:project"].location
        == "function lines 支出总表 / 208 社会保障和就业支出"
    )


def test_function_top_lines_against_accounts() -> None:
    """Columns the table prints are checked against the accounts; the 上年结转 column it lacks is not."""
    accounts = _accounts(
        function_lines=[
            FunctionLine(
                code="208", name="社会保障和就业支出", total=d("70"), basic=d("60"), project=d("10")
            ),
            FunctionLine(code="210", name="卫生健康支出", total=d("20"), project=d("20")),
        ]
    )
    found = totals.find(snapshot(accounts=accounts))
    assert sorted(f.key for f in found) == [
        "totals-mismatch|function_line:total:project",  # 40 ≠ 30
        "totals-mismatch|function_line:total:total",  # 100 ≠ 90
    ]


def test_economic_lines() -> None:
    lines = [
        EconomicLine(code="301", name="工资福利支出", total=d("10"), personnel=d("10")),
        EconomicLine(code="30101", name="基本工资", total=d("6"), personnel=d("6")),
        EconomicLine(code="30102", name="津贴补贴", total=d("3"), personnel=d("3")),
        EconomicLine(code="302", name="商品和服务支出", total=d("5"), personnel=d("1"), public=d("3")),
    ]
    found = totals.find(snapshot(accounts=Accounts(economic_lines=lines)))
    assert sorted(f.key for f in found) == [
        "totals-mismatch|economic_line:301:personnel",
        "totals-mismatch|economic_line:301:total",
        "totals-mismatch|economic_line:302:personnel-plus-public",
    ]


def test_three_public_only_where_total_and_all_parts_are_printed() -> None:
    good = {
        "“三公”经费小计": d("7.85"),
        "因公出国（境）费": d("0"),
        "公务用车购置及运维费": d("6.76"),
        "公务接待费": d("1.09"),
    }
    assert totals.find(snapshot(accounts=Accounts(three_public=good))) == []
    bad = {**good, "公务接待费": d("1.19")}
    assert [f.key for f in totals.find(snapshot(accounts=Accounts(three_public=bad)))] == [
        "totals-mismatch|three_public:三公经费小计"
    ]
    partial = {"三公经费小计": d("9"), "公务接待费": d("1.09")}  # parts missing: nothing to check
    assert totals.find(snapshot(accounts=Accounts(three_public=partial))) == []


def test_projects_above_project_expenditure_only() -> None:
    accounts = Accounts(project_expenditure=d("100"))
    below = snapshot(accounts=accounts, projects=[project("甲", "60"), project("乙", "30")])
    assert totals.find(below) == []  # a disclosure may print tables for some projects only
    above = snapshot(accounts=accounts, projects=[project("甲", "60"), project("乙", "50")])
    found = totals.find(above)
    assert [(f.key, f.severity, f.facts["difference"]) for f in found] == [
        ("totals-mismatch|projects:sum", "error", d("10"))
    ]


def _overview(expenditure: list[Line], income: list[Line]) -> list[str]:
    found = totals.find(snapshot(budget_overview={"expenditure": expenditure, "income": income}))
    return sorted(f.key for f in found)


def test_overview_total_line_children_and_balance() -> None:
    expenditure = [
        Line(name="合计", amount=d("100"), children=[Line(name="其中:政府采购支出", amount=d("9.87"))]),
        Line(name="一、基本支出", amount=d("30")),
        Line(
            name="二、项目支出",
            amount=d("70"),
            children=[Line(name="其中:专项资金", amount=d("50")), Line(name="其他", amount=d("20"))],
        ),
    ]
    income = [Line(name="合计", amount=d("100")), Line(name="一、财政拨款", amount=d("100"))]
    assert _overview(expenditure, income) == []
    assert _overview(expenditure, [Line(name="财政拨款", amount=d("90"))]) == [
        "totals-mismatch|budget_overview:balance"
    ]
    expenditure[1] = Line(name="一、基本支出", amount=d("31"))
    assert _overview(expenditure, income) == ["totals-mismatch|budget_overview:expenditure:total"]


def test_overview_children_without_of_which_must_add_up() -> None:
    full = [
        Line(
            name="基本支出",
            amount=d("10"),
            children=[Line(name="人员经费", amount=d("6")), Line(name="公用经费", amount=d("3"))],
        )
    ]
    assert _overview(full, []) == ["totals-mismatch|budget_overview:expenditure:基本支出"]
    partial = [Line(name="基本支出", amount=d("10"), children=[Line(name="其中：人员经费", amount=d("6"))])]
    assert _overview(partial, []) == []


@pytest.mark.parametrize("name", [HAIGANG, TAISHAN, ZHANJIANG])
def test_real_totals_that_reconcile_are_not_flagged(name: str) -> None:
    assert totals.find(seed(name)) == []


def test_haigang_with_one_figure_changed_is_flagged_everywhere_it_counts() -> None:
    haigang = seed(HAIGANG)
    assert haigang.accounts is not None
    haigang.accounts.basic_expenditure = d("1945.94")  # was 1945.84
    found = totals.find(haigang)
    assert sorted((f.key, f.severity) for f in found) == [
        ("totals-mismatch|accounts:basic-plus-project", "error"),
        ("totals-mismatch|function_line:total:basic", "error"),
    ]
    line_20801 = next(line for line in haigang.accounts.function_lines if line.code == "20801")
    line_20801.basic = d("1395.91")  # 0.01 off: rounding-sized, so info, against its sub-lines and its parent
    infos = sorted(f.key for f in totals.find(haigang) if f.severity == "info")
    assert infos == [
        "totals-mismatch|function_line:20801:basic",
        "totals-mismatch|function_line:20801:basic-plus-project",
        "totals-mismatch|function_line:208:basic",
    ]
