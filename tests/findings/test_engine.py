"""The engine: every rule over a snapshot (order, unique keys) and new/resolved/persisting between versions."""

from __future__ import annotations

from collections import Counter

import pytest

from ledger.findings import Finding, compare, find
from tests.findings.builders import (
    GAOXIN,
    HAIGANG,
    LAOTING,
    TAISHAN,
    ZHANJIANG,
    cost,
    d,
    indicator,
    project,
    seed,
    snapshot,
)

#: What every rule finds in the real seeds: each rule required by docs/architecture.md §7 fires on at least one of them, except
#: the totals and spending-plan rules, which the seeds satisfy (their tests change a real figure to make them fire).
EXPECTED = {
    GAOXIN: {"cost-exceeds-budget": 1},
    HAIGANG: {"cost-exceeds-budget": 1, "empty-indicator": 1},
    LAOTING: {"truncated-document": 1, "cost-exceeds-budget": 4, "unit-mismatch": 1},
    TAISHAN: {"placeholder-indicator": 2, "duplicate-indicator": 5, "stale-year-reference": 3},
    ZHANJIANG: {"placeholder-indicator": 2},
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_findings_of_the_seeds(name: str) -> None:
    found = find(seed(name))
    assert Counter(f.rule for f in found) == EXPECTED[name]
    assert len({f.key for f in found}) == len(found)


def test_most_severe_first_then_rule_order_then_document_order() -> None:
    found = find(seed(LAOTING))
    assert [(f.severity, f.rule) for f in found] == [
        ("error", "truncated-document"),
        ("error", "cost-exceeds-budget"),
        ("error", "cost-exceeds-budget"),
        ("error", "cost-exceeds-budget"),
        ("error", "cost-exceeds-budget"),
        ("error", "unit-mismatch"),
    ]


def test_equal_keys_get_ordinals_in_document_order() -> None:
    """Two indicators with the same path in one table: both cost findings keep distinct keys."""
    item = project("甲", "10", cost("项目成本", "≤20万元"), cost("项目成本", "=30万元"))
    found = find(snapshot(projects=[item]))
    costs_found = [f for f in found if f.rule == "cost-exceeds-budget"]
    assert [(f.severity, f.key) for f in costs_found] == [
        ("error", "cost-exceeds-budget|project:甲|indicator:产出指标/成本指标/项目成本#2"),
        ("warning", "cost-exceeds-budget|project:甲|indicator:产出指标/成本指标/项目成本"),
    ]


def test_a_clean_snapshot_has_no_findings() -> None:
    item = project(
        "甲", "10", cost("项目成本", "≤10万元"), indicator("发放人数", "≥100人"), plan={"12": "100"}
    )
    assert find(snapshot(projects=[item])) == []


def _finding(key: str, message: str = "m") -> Finding:
    return Finding(rule=key.split("|")[0], severity="warning", message=message, location="l", key=key)


def test_compare_by_key_not_message() -> None:
    old = [_finding("a|1", "old wording"), _finding("b|1")]
    new = [_finding("a|1", "new wording"), _finding("c|1")]
    result = compare(old, new)
    assert [f.key for f in result.new] == ["c|1"]
    assert [f.key for f in result.resolved] == ["b|1"]
    assert [(f.key, f.message) for f in result.persisting] == [("a|1", "new wording")]


def test_compare_a_corrected_revision_of_laoting() -> None:
    """The department corrects 汇智人才发展劳务费's budget and spoils a spending plan in a later revision."""
    first = seed(LAOTING)
    second = seed(LAOTING)
    huizhi = next(p for p in second.projects if p.name == "汇智人才发展劳务费")
    huizhi.amount = d("10070")
    second.projects[0].spending_plan["12"] = d("95")
    result = compare(find(first), find(second))
    assert [f.location for f in result.resolved] == [
        "project 13022524P00002010001G 汇智人才发展劳务费 / indicator 产出指标/成本指标/"
        "财政开支劳务派遣人员和转业士官及城镇义务兵发放薪酬、缴纳各项社会保险及住房公积金"
    ]
    assert [f.rule for f in result.new] == ["spending-plan-incomplete"]
    assert Counter(f.rule for f in result.persisting) == {
        "truncated-document": 1,
        "cost-exceeds-budget": 3,
        "unit-mismatch": 1,
    }


def test_keys_survive_a_new_year_of_the_same_project() -> None:
    """Project keys mask the year digits of the code: 13022524P… and 13022525P… are one project."""
    old = snapshot(projects=[project("甲", "10", cost("项目成本", "=20万元"), code="13022524P0008F010032K")])
    new = snapshot(
        fiscal_year=2025,
        projects=[project("甲", "10", cost("项目成本", "=20万元"), code="13022525P0008F010032X")],
    )
    result = compare(find(old), find(new))
    assert (len(result.new), len(result.resolved), len(result.persisting)) == (0, 0, 1)
