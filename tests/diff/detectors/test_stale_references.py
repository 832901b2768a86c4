"""Stale year references: earlier years named in a year's targets, and what does not count."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.diff.detectors import stale_references
from ledger.diff.detectors.stale_references import stale_years
from ledger.pipeline.parse import parse_publication
from tests.diff.builders import indicator, project, snapshot

ROOT = Path(__file__).resolve().parents[3]
TAISHAN = ROOT / "samples" / "seeds" / "taishan-hrss-2024-targets.txt"


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("反映 2022 年机关事业单位养老保险应缴未缴职业年金征收及时情况", [2022]),
        ("反映2023年度征收金额进度", [2023]),
        ("2022年、2023年两年任务", [2022, 2023]),
        ("2024-2025年", []),  # a range reaching the budget year
        ("2023-2025年就业规划", []),
        ("2022-2023年度", [2022]),  # a range that ended before
        ("秦财企[2023]649号-关于提前下达2024年国有企业退休人员", []),  # a notice ref and the budget year
        ("照省政府督查室2022年2月23日转办", []),  # a date
        ("较2023年增长5%", []),  # a base year
        ("与2023年相比持平", []),
        ("自2019年以来", []),
        ("2019年以来累计", []),
        ("2024年完成", []),
        ("补贴2000元", []),
        ("2030年远景目标", []),
    ],
)
def test_stale_years(text: str, years: list[int]) -> None:
    assert stale_years(text, 2024) == years


def test_taishan_2024_names_2023_and_2022_in_three_descriptions() -> None:
    parsed = parse_publication(TAISHAN.read_bytes(), TAISHAN.name).snapshot
    found = stale_references.detect(None, parsed, ())
    assert [(d.field, d.evidence["years"]) for d in found] == [
        ("description", ["2023"]),
        ("description", ["2023"]),
        ("description", ["2022"]),
    ]
    assert all(d.entity == "indicator" and d.key and d.key.startswith("部门整体|") for d in found)
    assert "反映2022年机关事业单位" in found[2].message


def test_a_carried_over_project_is_measured_against_its_own_year_and_purposes_are_left_out() -> None:
    new = snapshot(
        2024,
        projects=[
            project(
                "秦财社[2022]794-提前下达2023年中央就业补助资金预算指标",
                code="13030223P00MN0M10193J",
                goals=["完成2023年就业困难人员认定"],
                purpose="2017年我局建立调解委员会",
            ),
            project(
                "劳动纠纷人民调解工作经费",
                code="13030224P00308P12445B",
                purpose="2017年我局建立调解委员会",
                indicators=[indicator("调解案件数", description="反映2022年调解案件")],
            ),
        ],
    )
    [stale] = stale_references.detect(None, new, ())
    assert (stale.entity, stale.key, stale.field) == (
        "indicator",
        "13030224P00308P12445B|产出指标|数量指标|调解案件数",
        "description",
    )
