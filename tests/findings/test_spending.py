"""Spending plans (资金支出计划): ending below or above 100 %, falling cumulative shares."""

from __future__ import annotations

import pytest

from ledger.findings import spending
from tests.findings.builders import GAOXIN, HAIGANG, d, project, seed, snapshot


@pytest.mark.parametrize(
    ("plan", "rules"),
    [
        ({"03": "25", "06": "50", "10": "75", "12": "100"}, []),
        ({"03": "0", "06": "10", "10": "10", "12": "100"}, []),  # flat is fine
        ({"12": "100"}, []),
        ({}, []),  # no plan published: nothing to check
        ({"03": "25", "06": "50", "10": "75", "12": "90"}, [("spending-plan-incomplete", "warning")]),
        ({"03": "25", "06": "50", "10": "75"}, [("spending-plan-incomplete", "warning")]),  # ends in October
        ({"03": "25", "06": "50", "12": "120"}, [("spending-plan-incomplete", "error")]),
        ({"03": "50", "06": "40", "12": "100"}, [("spending-plan-decreasing", "error")]),
        (
            {"3": "60", "6": "50", "10": "75", "12": "95"},  # one-digit months sort as months
            [("spending-plan-incomplete", "warning"), ("spending-plan-decreasing", "error")],
        ),
    ],
)
def test_plans(plan: dict[str, str], rules: list[tuple[str, str]]) -> None:
    found = spending.find(snapshot(projects=[project("甲", "10", plan=plan)]))
    assert [(f.rule, f.severity) for f in found] == rules


def test_message_lists_the_plan() -> None:
    found = spending.find(snapshot(projects=[project("甲", "10", plan={"03": "50", "06": "40", "12": "90"})]))
    assert [f.message for f in found] == [
        "甲: the 资金支出计划 ends at 90% by 12月底 (below 100%): 3月底 50%, 6月底 40%, 12月底 90%",
        "甲: the cumulative 资金支出计划 falls (3月底 50% → 6月底 40%): 3月底 50%, 6月底 40%, 12月底 90%",
    ]


@pytest.mark.parametrize("name", [GAOXIN, HAIGANG])
def test_real_plans_reach_100_percent(name: str) -> None:
    assert spending.find(seed(name)) == []


def test_a_real_plan_changed_to_stop_short_is_flagged() -> None:
    """None of the seeds publishes a plan that stops short; a Gaoxin table with its 12月底 share lowered must fire."""
    gaoxin = seed(GAOXIN)
    gaoxin.projects[1].spending_plan["12"] = d("80")
    found = spending.find(gaoxin)
    assert [(f.location, f.facts["share"]) for f in found] == [
        ("project 9村村民参加企业职工养老保险财政补贴 / 资金支出计划", d("80"))
    ]
