"""Stale year references: which texts are read, against which year, and the real Taishan indicators."""

from __future__ import annotations

import pytest

from ledger.findings import stale
from ledger.model import Goal, KeyTask
from tests.findings.builders import (
    GAOXIN,
    HAIGANG,
    LAOTING,
    TAISHAN,
    ZHANJIANG,
    indicator,
    project,
    seed,
    snapshot,
)


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("反映 2023 年机关事业单位养老保险应缴未缴职业年金征收金额进度", ["2023"]),
        ("反映2022年及2021年情况", ["2021", "2022"]),
        ("2024-2025年", []),  # a range reaching the fiscal year
        ("2023-2025年持续发挥作用", []),
        ("秦财企[2023]649号", []),  # a notice ref
        ("较2023年有所提升", []),  # a comparison base
        ("照省政府督查室2022年2月23日转办", []),  # a date
        ("2024年新增扶贫岗位≥1个", []),
        ("发放2000元补贴", []),  # not a year
    ],
)
def test_indicator_description(text: str, years: list[str]) -> None:
    found = stale.find(snapshot(indicators=[indicator("征收工作完成率", "≥95%", description=text)]))
    assert [f.facts["years"] for f in found] == ([years] if years else [])


def test_texts_read_and_their_locations() -> None:
    item = project(
        "2023年就业补助资金",
        "10",
        indicator("新增就业人数", "≥100人", basis="2022年实际完成数"),
        code="13022524P0008F010032K",
        goals=["完成2023年目标"],
    )
    item.purpose = "2017年我局建立调解组织"  # history, not a target: not read
    found = stale.find(
        snapshot(
            goals=[Goal(key="1", text="完成2023年任务")],
            key_tasks=[KeyTask(name="招聘", expected="2023年完成招聘")],
            projects=[item],
        )
    )
    assert [f.location for f in found] == [
        "department / goal 1",
        "department / key task 1 / 期望达到的目标",
        "project 13022524P0008F010032K 2023年就业补助资金 / 项目名称",
        "project 13022524P0008F010032K 2023年就业补助资金 / 绩效目标 1",
        "project 13022524P0008F010032K 2023年就业补助资金 / indicator 产出指标/数量指标/新增就业人数 / 指标值确定依据",
    ]
    assert (
        found[-1].message
        == "the 指标值确定依据 of 新增就业人数 names 2022年 in a 2024 publication: “2022年实际完成数”"
    )
    assert found[-1].key == (
        "stale-year-reference|project:130225**P0008F010032*|indicator:产出指标/数量指标/新增就业人数:basis"
    )


def test_a_project_coded_for_an_earlier_year_may_name_that_year() -> None:
    carried = project(
        "秦财企[2022]692-关于提前下达2023年国有企业退休人员补助资金", "648.6", code="13030223P00MN0M10196D"
    )
    older = project("2022年补助资金", "1", code="13030223P00MN0M10197D")
    found = stale.find(snapshot(projects=[carried, older]))
    assert [(f.location, f.facts["years"]) for f in found] == [
        ("project 13030223P00MN0M10197D 2022年补助资金 / 项目名称", ["2022"])
    ]


def test_taishan_copied_descriptions() -> None:
    found = stale.find(seed(TAISHAN))
    assert [(f.location, f.facts["years"]) for f in found] == [
        ("department / indicator 产出指标/数量指标/预算年度征收工作完成率 / 绩效指标描述", ["2023"]),
        ("department / indicator 产出指标/质量指标/预算年度征收工作完成率 / 绩效指标描述", ["2023"]),
        ("department / indicator 产出指标/时效指标/资金使用及时率 / 绩效指标描述", ["2022"]),
    ]
    assert found[2].message == (
        "the 绩效指标描述 of 资金使用及时率 names 2022年 in a 2024 publication: “反映2022年机关事业单位养老保险应缴未…”"
    )


@pytest.mark.parametrize("name", [GAOXIN, HAIGANG, LAOTING, ZHANJIANG])
def test_no_stale_references_in_the_other_seeds(name: str) -> None:
    """Haigang's carried-over projects name 2023 and its purposes tell history; Laoting cites a 2022 dated memo."""
    assert stale.find(seed(name)) == []
