"""Targets against results: :func:`assess` (table-driven) and linking a self-evaluation to its targets."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledger.findings.self_evaluation import Assessment, assess, execution_rate
from ledger.model import Execution, Indicator, IndicatorResult, Project
from ledger.model.values import parse_value
from ledger.query.outcomes import project_outcome


@pytest.mark.parametrize(
    ("target", "result", "expected"),
    [
        ("≥95%", "93%", Assessment("missed", gap=Decimal(2))),
        ("≥95%", "95%", Assessment("met")),
        ("≥95%", "100%", Assessment("met")),
        (">95%", "95%", Assessment("missed", gap=Decimal(0))),
        ("≤3.5万元", "3.8万元", Assessment("missed", gap=Decimal("0.3"))),
        ("≤3.5万元", "3.2万元", Assessment("met")),
        ("=100%", "98%", Assessment("missed", gap=Decimal(2))),
        ("610套", "600套", Assessment("missed", gap=Decimal(10))),
        ("90%-95%", "96%", Assessment("missed", gap=Decimal(1))),
        ("≥39500人", "49358人", Assessment("met")),
        ("合规", "合规", Assessment("met", why="compared as text")),
        ("有效", "较有效", Assessment("missed", why="compared as text")),
        ("≥95%", "", Assessment("not-reported", why="no result stated")),
        (
            "较上年有所提升",
            "提升",
            Assessment("not-comparable", why="the target is stated against another period"),
        ),
        ("≥95%", "基本完成", Assessment("not-comparable", why="a numeric target with a result in words")),
        ("≥4000人", "0.4万人", Assessment("not-comparable", why="units differ: 人 / 万人")),
        (
            "约5.5万人次",
            "5.4万人次",
            Assessment("not-comparable", why="an approximate target (约, 左右) sets no bound"),
        ),
    ],
)
def test_a_result_against_its_target(target: str, result: str, expected: Assessment) -> None:
    assert assess(parse_value(target), result) == expected


def test_the_execution_rate_is_executed_over_budget() -> None:
    assert execution_rate(Execution(budget=Decimal(7574), executed=Decimal(6643))) == Decimal("87.71")
    assert execution_rate(Execution(budget=Decimal(0), executed=Decimal(1))) is None
    assert execution_rate(Execution(executed=Decimal(1))) is None


def _indicator(name: str, target: str, result: str | None = None, reason: str | None = None) -> Indicator:
    return Indicator(
        level1="产出指标",
        name=name,
        value=parse_value(target),
        result=IndicatorResult(raw=result, reason=reason) if result is not None else None,
    )


def test_a_self_evaluation_is_read_against_the_targets_the_department_published() -> None:
    evaluated = Project(
        name="就业补助资金",
        amount=Decimal(800),
        indicators=[
            _indicator("城镇新增就业人数", "≥3500人", "3600人"),  # the form lowered its target from 4000
            _indicator("补贴发放准确率", "≥95%", "93%", reason="系统升级，部分补贴延迟核发"),
            _indicator("培训人数", "≥500人"),  # no result at all
        ],
        execution=Execution(budget=Decimal(800), executed=Decimal(760)),
    )
    published = Project(
        name="就业补助资金",
        amount=Decimal(1000),
        indicators=[_indicator("城镇新增就业人数（人）", "≥4000人"), _indicator("补贴发放准确率", "≥95%")],
    )
    outcome = project_outcome(
        "某区@2022/project-self-evaluation", evaluated, published, "某区@2022/project-targets", []
    )
    assert [
        (i.name, i.target, i.form_target, i.target_changed, i.result, i.status, i.gap, i.reason)
        for i in outcome.indicators
    ] == [
        ("城镇新增就业人数", "≥4000人", "≥3500人", True, "3600人", "missed", Decimal(400), None),
        ("补贴发放准确率", "≥95%", "≥95%", False, "93%", "missed", Decimal(2), "系统升级，部分补贴延迟核发"),
        ("培训人数", "≥500人", "≥500人", False, "", "not-reported", None, None),
    ]
    # The money against the published budget (1000), not the form's restated 800.
    assert (outcome.targets_ref, outcome.budget, outcome.executed, outcome.rate_computed) == (
        "某区@2022/project-targets",
        Decimal(1000),
        Decimal(760),
        Decimal("76.00"),
    )
