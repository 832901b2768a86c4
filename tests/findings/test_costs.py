"""Cost indicators (成本指标) above the project budget: bounds, unit conversion, severities, the real seeds."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledger.findings import costs
from ledger.findings.costs import stated_bounds
from tests.findings.builders import GAOXIN, HAIGANG, LAOTING, cost, d, indicator, project, seed, snapshot


@pytest.mark.parametrize(
    ("value", "least", "most"),
    [
        ("=7000万元", "7000", "7000"),
        ("10070万元", "10070", "10070"),
        ("≥300万元", "300", "300"),
        ("≤300万元", None, "300"),
        ("<5万元", None, "5"),
        ("≤403860.63元", None, "40.386063"),  # 元 → 万元 exactly
        ("1.5亿元", "15000", "15000"),
        ("100-120万元", "100", "120"),
        ("≤18元/人", None, None),  # a rate, not an amount
        ("100%", None, None),
        ("是", None, None),
    ],
)
def test_stated_bounds(value: str, least: str | None, most: str | None) -> None:
    parsed = indicator("x", value).value
    expected = (None if least is None else Decimal(least), None if most is None else Decimal(most))
    assert stated_bounds(parsed) == expected


@pytest.mark.parametrize(
    ("value", "budget", "severity"),
    [
        ("=7000万元", "4000", "error"),
        ("≥300万元", "171.32", "error"),
        ("≤300万元", "200", "warning"),  # a ceiling above the budget does not bind it
        ("≤200万元", "200", None),
        ("=200万元", "200", None),
        ("≤403860.63元", "40.39", None),  # 40.386063 万元 is within 40.39
        ("≤403960.63元", "40.39", "warning"),  # 40.396063 万元 is not
        ("100-250万元", "200", "warning"),
        ("210-250万元", "200", "error"),
    ],
)
def test_severity(value: str, budget: str, severity: str | None) -> None:
    found = costs.find(snapshot(projects=[project("甲", budget, cost("项目成本", value))]))
    assert [f.severity for f in found] == ([] if severity is None else [severity])


def test_only_cost_indicators_and_only_projects_with_a_budget() -> None:
    loans = indicator("创业担保贷款发放额", "1000万元")  # 数量指标: a loan volume, not a cost
    no_budget = project("乙", None, cost("项目成本", "=50万元"))
    found = costs.find(snapshot(projects=[project("甲", "30", loans), no_budget]))
    assert found == []


def test_fiscal_amount_stands_in_for_a_missing_budget() -> None:
    item = project("甲", None, cost("项目成本", "=50万元"))
    item.fiscal_amount = d("40")
    assert [f.facts["budget"] for f in costs.find(snapshot(projects=[item]))] == [d("40")]


def test_gaoxin_land_acquisition_cost_above_budget() -> None:
    found = costs.find(seed(GAOXIN))
    assert [(f.severity, f.location, f.facts["stated"], f.facts["budget"]) for f in found] == [
        ("error", "project 被征地农民社会保障费 / indicator 产出指标/成本指标/项目金额", d("7000"), d("4000"))
    ]
    assert found[0].message == (
        "被征地农民社会保障费: 成本指标 项目金额 states a cost of 7000万元 (=7000万元), "
        "above the project's 预算数 4000万元 by 3000万元"
    )


def test_laoting_huizhi_labour_cost_above_budget() -> None:
    found = {f.location.split(" / ")[0]: f for f in costs.find(seed(LAOTING))}
    huizhi = found["project 13022524P00002010001G 汇智人才发展劳务费"]
    assert (huizhi.severity, huizhi.facts["stated"], huizhi.facts["budget"], huizhi.facts["excess"]) == (
        "error",
        d("10070"),
        d("9100"),
        d("970"),
    )
    assert huizhi.key == (
        "cost-exceeds-budget|project:130225**P00002010001*|indicator:产出指标/成本指标/"
        "财政开支劳务派遣人员和转业士官及城镇义务兵发放薪酬、缴纳各项社会保险及住房公积金"
    )
    # The interest-subsidy projects state 贴息 costs above their own budgets too: 300 against 30, 171.32, 214.02.
    assert list(found) == [  # document order
        "project 13022524P000056100018 创业担保贷款贴息资金",
        "project 13022524P00002010001G 汇智人才发展劳务费",
        "project 13022524P00000910003C 省级惠普金融发展资金",
        "project 13022524P000009100040 中央惠普金融发展资金",
    ]


def test_haigang_second_retirement_pension_ceiling_above_budget() -> None:
    found = costs.find(seed(HAIGANG))
    assert [(f.severity, f.location, f.facts["stated"], f.facts["budget"]) for f in found] == [
        (
            "warning",
            "project 13030224P00308P12378G 区直机关事业单位离休人员养老金 / indicator 产出指标/成本指标/离休人员养老金总额",
            d("300"),
            d("200"),
        )
    ]
