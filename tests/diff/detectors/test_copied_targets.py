"""Copied targets: goals and indicators repeated from last year, word for word or with the year bumped."""

from __future__ import annotations

from ledger.diff.detectors import copied_targets
from ledger.model import Project
from tests.diff.builders import indicator, project, snapshot


def targets(year: int, basis: str, value: str = "≥95%", goal: str = "完成就业困难人员认定") -> list[Project]:
    return [
        project(
            "就业补助资金",
            code=f"130225{year % 100}P00001910001C",
            goals=[goal],
            indicators=[
                indicator("补贴发放准确率", value, basis=basis),
                indicator("服务满意度", basis=basis),
            ],
        )
    ]


def test_a_project_whose_targets_all_repeat_last_year_is_reported_once() -> None:
    old = snapshot(2023, projects=targets(2023, "县级预算安排"))
    new = snapshot(2024, projects=targets(2024, "县级预算安排"))
    [copied] = copied_targets.detect(old, new, ())
    assert (copied.code, copied.entity, copied.key) == (
        "copied-project-targets",
        "project",
        "13022524P00001910001C",
    )
    assert "word for word" in copied.message


def test_year_bumped_targets_are_a_copy_too() -> None:
    old = snapshot(2023, projects=targets(2023, "2023年预算指标安排", value="≥90%"))
    new = snapshot(2024, projects=targets(2024, "2024年预算指标安排", value="≥95%"))
    [bumped] = copied_targets.detect(old, new, ())
    assert bumped.code == "copied-targets-year-bumped"
    assert bumped.evidence["targets"] == ["产出指标 › 数量指标 › 服务满意度"]
    assert "1 of the 3 targets of 就业补助资金" in bumped.message


def test_a_project_with_new_targets_is_not_reported() -> None:
    old = snapshot(2023, projects=targets(2023, "县级预算安排", value="≥90%", goal="旧目标"))
    new = snapshot(2024, projects=targets(2024, "县级预算安排", value="≥95%", goal="新目标"))
    assert copied_targets.detect(old, new, ()) == []


def test_department_goals_word_for_word_and_year_bumped() -> None:
    old = snapshot(
        2023, goals=[("1", "突出就业优先。"), ("2", "2023年人社工作总体要求。"), ("3", "旧的目标。")]
    )
    new = snapshot(
        2024, goals=[("1", "突出就业优先。"), ("2", "2024年人社工作总体要求。"), ("3", "新的目标。")]
    )
    assert [(d.code, d.key) for d in copied_targets.detect(old, new, ())] == [
        ("copied-goal", "1"),
        ("copied-goal-year-bumped", "2"),
    ]


def test_only_year_over_year() -> None:
    same = snapshot(2024, goals=[("1", "突出就业优先。")])
    assert copied_targets.detect(same, same, ()) == []
    assert copied_targets.detect(None, same, ()) == []
