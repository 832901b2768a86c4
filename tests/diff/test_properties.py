"""Properties of the engine on generated snapshots: it never fails, is empty on equal input, and is symmetric."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.diff import diff_snapshots
from ledger.model import Indicator, Project, Snapshot
from tests.diff.builders import indicator, project, snapshot

names = st.text(alphabet="就业补助资金专网维护费人才库档案", min_size=1, max_size=6)
values = st.sampled_from(
    ["≥95%", "≧95%", "≥98%", "100%", "100.00%", "≤18万元", "较上年有所提升", "≥16000人", "是"]
)
levels = st.sampled_from(["数量指标", "质量指标", "时效指标", None])
amounts = st.decimals(min_value=0, max_value=10000, places=2).map(str)
codes = st.one_of(
    st.none(), st.sampled_from(["13030224P00308P12449R", "13030225P00308P12449X", "13030224P00308P12599E"])
)


@st.composite
def indicators(draw: st.DrawFn) -> Indicator:
    return indicator(draw(names), draw(values), level2=draw(levels))


@st.composite
def projects(draw: st.DrawFn) -> Project:
    return project(
        draw(names),
        code=draw(codes),
        amount=draw(amounts),
        indicators=draw(st.lists(indicators(), max_size=4)),
        goals=draw(st.lists(names, max_size=2)),
    )


@st.composite
def snapshots(draw: st.DrawFn) -> Snapshot:
    return snapshot(
        draw(st.sampled_from([2024, 2025])),
        projects=draw(st.lists(projects(), max_size=4)),
        indicators=draw(st.lists(indicators(), max_size=3)),
        goals=[(str(n), text) for n, text in enumerate(draw(st.lists(names, max_size=3)), 1)],
    )


@settings(max_examples=60, deadline=None)
@given(snapshots())
def test_a_snapshot_has_no_changes_against_itself(one: Snapshot) -> None:
    assert diff_snapshots(one, one.model_copy(deep=True), scope="revision").changes == []


@settings(max_examples=60, deadline=None)
@given(snapshots(), snapshots())
def test_added_and_removed_swap_when_the_sides_swap(a: Snapshot, b: Snapshot) -> None:
    forward = diff_snapshots(a, b, scope="revision", detect=False).summary
    backward = diff_snapshots(b, a, scope="revision", detect=False).summary
    assert (forward.added, forward.removed) == (backward.removed, backward.added)
    assert forward.total == backward.total
    if forward.project_budget.delta is not None and backward.project_budget.delta is not None:
        assert forward.project_budget.delta == -backward.project_budget.delta
    assert all(isinstance(c.pct, Decimal | None) for c in diff_snapshots(a, b, scope="yoy").changes)
