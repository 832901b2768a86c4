"""Indicator-table findings: empty and placeholder indicators, duplicates, unit mismatches."""

from __future__ import annotations

import pytest

from ledger.findings import indicators
from ledger.findings.indicators import is_count_name
from ledger.model import Indicator
from tests.findings.builders import HAIGANG, LAOTING, TAISHAN, cost, indicator, project, seed, snapshot

# --- empty ----------------------------------------------------------------------------------------------------


def test_empty_and_placeholder_indicators_one_finding_per_scope() -> None:
    department = [indicator("参保率", "100%"), indicator("负责督办工作。", ""), indicator("指标 5:", "1")]
    item = project("甲", "10", indicator("发放人数", " "), code="13022524P0008F010032K")
    found = indicators.find_empty(snapshot(indicators=department, projects=[item]))
    assert [(f.location, f.key, f.facts["count"]) for f in found] == [
        ("department", "empty-indicator|department", 2),
        ("project 13022524P0008F010032K 甲", "empty-indicator|project:130225**P0008F010032*", 1),
    ]
    assert (
        found[0].message
        == "2 of 3 indicators have no 指标值 or no real name: 产出指标/数量指标/负责督办工作。、产出指标/数量指标/指标 5:"
    )


def test_haigang_duties_without_values() -> None:
    found = indicators.find_empty(seed(HAIGANG))
    assert [(f.location, f.facts["count"]) for f in found] == [("department", 35)]


# --- duplicates -----------------------------------------------------------------------------------------------


def test_duplicates_in_one_branch_and_across_branches() -> None:
    department = [
        indicator("参保任务完成率", "100%", level2="数量指标"),
        indicator("参保任务完成率", "100%", level2="质量指标"),
        indicator("受理案件数", "≥260件"),
        indicator("受理案件数", "≥250件"),
        indicator("指标 5:", ""),
        indicator("指标 5:", ""),  # placeholders are another finding, not duplicates
    ]
    other = project("甲", "10", indicator("受理案件数", "≥260件"))  # another scope: no duplicate
    found = indicators.find_duplicates(snapshot(indicators=department, projects=[other]))
    assert [f.message for f in found] == [
        "部门整体: 三级指标 参保任务完成率 is listed under 产出指标/数量指标 and 产出指标/质量指标 (指标值 100% each time)",
        "部门整体: 三级指标 受理案件数 is listed 2 times under 产出指标/数量指标 with different 指标值 (≥260件 / ≥250件)",
    ]
    assert [f.key for f in found] == [
        "duplicate-indicator|department|indicator:参保任务完成率",
        "duplicate-indicator|department|indicator:受理案件数",
    ]


def test_taishan_repeats() -> None:
    found = indicators.find_duplicates(seed(TAISHAN))
    assert sorted(f.location for f in found) == [
        "department / indicator 参保任务完成率",
        "department / indicator 扶持创业项目数量",
        "department / indicator 新增扶贫岗位个数",
        "department / indicator 电梯可供使用次数",
        "department / indicator 预算年度征收工作完成率",
    ]


# --- unit mismatches ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("创业担保贷款发放笔数", True),
        ("城镇新增就业人数（人）", True),
        ("城镇新增就业人数(人)", True),
        ("开展劳动保障监察专项检查行动次数", True),
        ("举办公益招聘会数量", True),
        ("设立校长教师工作室个数", True),
        ("创业担保贷款发放额", False),
        ("资金数量", False),  # money words: left alone
        ("人均补助标准", False),
        ("参保人数比例", False),
    ],
)
def test_count_names(name: str, count: bool) -> None:
    assert is_count_name(name) is count


@pytest.mark.parametrize(
    ("item", "kind"),
    [
        (indicator("创业担保贷款发放笔数", "≥1000万元"), "count-in-money"),
        (indicator("补贴人数", "≥1000元/人"), "count-in-money"),
        (indicator("补贴人数", "≥1000人"), None),
        (cost("项目成本", "≤80元"), "yuan-for-wanyuan"),  # budget 100万元: 80万元 is plausible, 80元 is not
        (cost("项目成本", "≤5元"), None),  # 5万元 would be 5 % of the budget: no strong hint either way
        (cost("人均成本", "≤80元"), None),  # a per-unit cost is meant to be small
        (cost("项目成本", "≤800000万元"), "wanyuan-for-yuan"),  # 800000元 = 80万元 of a 100万元 budget
        (cost("项目成本", "≤80万元"), None),
        (cost("项目成本", "100%"), None),
    ],
)
def test_unit_mismatch(item: Indicator, kind: str | None) -> None:
    found = indicators.find_unit_mismatches(snapshot(projects=[project("甲", "100", item)]))
    assert [f.facts["kind"] for f in found] == ([] if kind is None else [kind])


def test_count_in_money_at_department_level_too() -> None:
    found = indicators.find_unit_mismatches(snapshot(indicators=[indicator("发放笔数", "20万元")]))
    assert [(f.severity, f.location) for f in found] == [
        ("error", "department / indicator 产出指标/数量指标/发放笔数")
    ]


def test_laoting_loan_count_in_wanyuan() -> None:
    found = indicators.find_unit_mismatches(seed(LAOTING))
    assert [(f.severity, f.location, f.facts["value"]) for f in found] == [
        (
            "error",
            "project 13022524P00000910003C 省级惠普金融发展资金 / indicator 产出指标/数量指标/创业担保贷款发放笔数",
            "≥1000万元",
        )
    ]
    assert found[0].message == (
        "省级惠普金融发展资金: 创业担保贷款发放笔数 counts things but its 指标值 ≥1000万元 is an amount of money (万元)"
    )
