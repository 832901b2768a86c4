"""The diff engine on hand-built snapshots: one behaviour per test."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ledger.diff import diff_snapshots, scope_between
from ledger.diff import engine as engine_module
from ledger.diff.engine import numeric_delta
from ledger.diff.records import Change, DiffResult
from ledger.model import Accounts, FunctionLine, Line, Project, Snapshot
from ledger.pipeline.parse import parse_publication
from tests.diff.builders import indicator, project, snapshot

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "samples" / "seeds").glob("*.txt"))


def changes(old: Snapshot, new: Snapshot, scope: str = "revision") -> list[Change]:
    return diff_snapshots(old, new, scope=scope, detect=False).changes  # type: ignore[arg-type]


def brief(result: list[Change]) -> list[tuple[str, str, str | None, object, object]]:
    return [(c.entity, c.change, c.field, c.old, c.new) for c in result]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_a_snapshot_compared_with_itself_has_no_changes(seed: Path) -> None:
    parsed = parse_publication(seed.read_bytes(), seed.name).snapshot
    assert changes(parsed, parsed.model_copy(deep=True)) == []


@pytest.mark.parametrize(
    ("old_raw", "new_raw"),
    [
        ("≧95%", "≥95%"),
        ("100%", "100.00%"),
        ("$\\geq 95\\%$", "≥95%"),
        ("不低于95%", "≥95%"),
        ("≥ 95 ％", "≥95%"),
    ],
)
def test_equal_meaning_is_not_a_change(old_raw: str, new_raw: str) -> None:
    old = snapshot(projects=[project("专网维护费", indicators=[indicator("专网线路连接率", old_raw)])])
    new = snapshot(projects=[project("专网维护费", indicators=[indicator("专网线路连接率", new_raw)])])
    assert changes(old, new) == []


def test_amounts_compare_by_value_and_whitespace_is_no_change() -> None:
    old = snapshot(projects=[project("专网维护费", amount="16.5", purpose="负责区本级人社专网 的管理维护")])
    new = snapshot(projects=[project("专网维护费", amount="16.50", purpose="负责区本级人社专网　的管理维护")])
    assert changes(old, new) == []


def test_an_amount_change_carries_delta_and_pct() -> None:
    old = snapshot(projects=[project("专网维护费", code="13030224P00308P12454K", amount="16.50")])
    new = snapshot(projects=[project("专网维护费", code="13030224P00308P12454K", amount="14.50")])
    found = changes(old, new)
    assert brief(found) == [
        ("project", "modified", "amount", Decimal("16.50"), Decimal("14.50")),
        ("project", "modified", "fiscal_amount", Decimal("16.50"), Decimal("14.50")),
    ]
    first = found[0]
    assert (first.delta, first.pct) == (Decimal("-2.00"), Decimal("-12.12"))
    assert first.key == "13030224P00308P12454K"
    assert first.label == "专网维护费"
    assert first.field_label == "预算数"
    assert first.matched_by == "code"


@pytest.mark.parametrize(
    ("old", "new", "delta", "pct"),
    [
        (Decimal("0"), Decimal("5"), Decimal("5"), None),  # pct is None when old is 0
        (Decimal("3"), Decimal("4"), Decimal("1"), Decimal("33.33")),
        (Decimal("3"), Decimal("2"), Decimal("-1"), Decimal("-33.33")),
        (Decimal("2"), Decimal("3"), Decimal("1"), Decimal("50.00")),
        (None, Decimal("3"), None, None),
        ("文本", Decimal("3"), None, None),
        (True, Decimal("3"), None, None),
    ],
)
def test_numeric_delta(old: object, new: object, delta: Decimal | None, pct: Decimal | None) -> None:
    assert numeric_delta(old, new) == (delta, pct)


@pytest.mark.parametrize(
    ("old_raw", "new_raw", "direction", "delta", "pct"),
    [
        ("≥95%", "≥98%", "tightened", Decimal("3"), Decimal("3.16")),
        ("≥200元每人每月", "≥190元每人每月", "loosened", Decimal("-10"), Decimal("-5.00")),
        ("≥16000人", "≥16000人次", "unit-changed", None, None),
        ("较上年有所提升", "≥95%", "qualitative", None, None),
    ],
)
def test_indicator_value_changes_say_their_direction(
    old_raw: str, new_raw: str, direction: str, delta: Decimal | None, pct: Decimal | None
) -> None:
    old = snapshot(indicators=[indicator("城乡居民基础养老金标准", old_raw)])
    new = snapshot(indicators=[indicator("城乡居民基础养老金标准", new_raw)])
    [change] = changes(old, new)
    assert (change.entity, change.change, change.field, change.old, change.new) == (
        "indicator",
        "modified",
        "value",
        old_raw,
        new_raw,
    )
    assert (change.direction, change.delta, change.pct) == (direction, delta, pct)


def test_an_indicator_moved_to_another_level2_is_moved_not_added_and_removed() -> None:
    old = snapshot(indicators=[indicator("人员认定完成率", "100%", level2="数量指标")])
    new = snapshot(indicators=[indicator("人员认定完成率", "100%", level2="质量指标")])
    [change] = changes(old, new)
    assert (change.change, change.field, change.old, change.new, change.matched_by) == (
        "moved",
        "level2",
        "数量指标",
        "质量指标",
        "name",
    )
    assert change.key == "部门整体|产出指标|质量指标|人员认定完成率"
    assert change.old_key == "部门整体|产出指标|数量指标|人员认定完成率"


def test_an_indicator_whose_unit_in_the_name_changed_is_renamed() -> None:
    old = snapshot(indicators=[indicator("城镇新增就业人数（万人）", "5")])
    new = snapshot(indicators=[indicator("城镇新增就业人数（人）", "5")])
    [change] = changes(old, new)
    assert (change.change, change.field, change.matched_by) == ("renamed", "name", "name-without-unit")
    assert (change.old, change.new) == ("城镇新增就业人数（万人）", "城镇新增就业人数（人）")


def test_duplicate_project_names_told_apart_by_code_stay_distinct() -> None:
    def pensions(first: str, second: str) -> Snapshot:
        return snapshot(
            projects=[
                project("区直机关事业单位离休人员养老金", code="13030224P00308P12125P", amount=first),
                project("区直机关事业单位离休人员养老金", code="13030224P00308P12378G", amount=second),
            ]
        )

    found = changes(pensions("100", "200"), pensions("100", "250"))
    assert [(c.key, c.field, c.old, c.new) for c in found] == [
        ("13030224P00308P12378G", "amount", Decimal("200"), Decimal("250")),
        ("13030224P00308P12378G", "fiscal_amount", Decimal("200"), Decimal("250")),
    ]


def test_duplicate_names_without_codes_get_distinct_keys() -> None:
    old = snapshot(projects=[project("离休人员养老金", amount="1"), project("离休人员养老金", amount="2")])
    new = snapshot(projects=[project("离休人员养老金", amount="1"), project("离休人员养老金", amount="3")])
    [amount, _fiscal] = changes(old, new)
    assert amount.key == "离休人员养老金#2"


def test_added_and_removed_projects_carry_their_amount() -> None:
    old = snapshot(projects=[project("劳动争议仲裁办案费", amount="25.00")])
    new = snapshot(projects=[project("高校毕业生就业见习补贴经费", amount="30.00")])
    found = changes(old, new)
    assert brief(found) == [
        ("project", "added", None, None, Decimal("30.00")),
        ("project", "removed", None, Decimal("25.00"), None),
    ]
    assert [c.delta for c in found] == [Decimal("30.00"), Decimal("-25.00")]
    assert all(c.matched_by is None for c in found)


def test_year_over_year_recoding_is_not_a_change_but_a_revision_recoding_is() -> None:
    old = snapshot(2024, projects=[project("考核奖励经费", code="13022524P0008F010032K")])
    new = snapshot(2025, projects=[project("考核奖励经费", code="13022525P0008F010032K")])
    assert changes(old, new, "yoy") == []
    revised = snapshot(2024, projects=[project("考核奖励经费", code="13022525P0008F010032K")])
    [change] = changes(old, revised, "revision")
    assert (change.field, change.matched_by, change.old_key) == (
        "code",
        "code-year-masked",
        "13022524P0008F010032K",
    )


def test_a_code_that_skips_a_year_is_reported_even_year_over_year() -> None:
    old = snapshot(2024, projects=[project("考核奖励经费", code="13022524P0008F010032K")])
    new = snapshot(2025, projects=[project("考核奖励经费", code="13022526P0008F010032K")])
    [change] = changes(old, new, "yoy")
    assert (change.field, change.old, change.new) == (
        "code",
        "13022524P0008F010032K",
        "13022526P0008F010032K",
    )


def test_year_over_year_a_text_whose_years_move_on_is_the_same_and_one_that_keeps_them_too() -> None:
    def laoting(year: int, basis: str) -> Snapshot:
        return snapshot(
            year, projects=[project("考核奖励经费", indicators=[indicator("考核奖励人数", basis=basis)])]
        )

    assert changes(laoting(2023, "2023年预算指标安排"), laoting(2024, "2024年预算指标安排"), "yoy") == []
    assert changes(laoting(2023, "2023年预算指标安排"), laoting(2024, "2023年预算指标安排"), "yoy") == []
    [change] = changes(laoting(2023, "2023年预算指标安排"), laoting(2024, "2022年预算指标安排"), "yoy")
    assert (change.field, change.old, change.new) == ("basis", "2023年预算指标安排", "2022年预算指标安排")


def _allocation(notice: str, year: int, code: str, amount: str = "648.6", kind: str = "中央") -> Project:
    name = f"{notice}-关于提前下达{year}年国有企业退休人员社会化管理{kind}财政补助资金预算的通知"
    return project(name, code=code, amount=amount)


def test_next_years_allocation_is_a_new_allocation_of_the_program_not_a_renamed_project() -> None:
    old = snapshot(
        2024,
        projects=[
            _allocation("秦财企[2022]692", 2023, "13030223P00MN0M10196D"),
            _allocation("秦财企[2023]649号", 2024, "13030224P00MN0M10402E"),
        ],
    )
    new = snapshot(
        2025,
        projects=[
            _allocation("秦财企[2022]692", 2023, "13030223P00MN0M10196D"),
            _allocation("秦财企[2024]588号", 2025, "13030225P00MN0M10655A", "650"),
        ],
    )
    result = diff_snapshots(old, new, scope="yoy", detect=False)
    assert [(c.key, c.change, c.delta, c.tags) for c in result.changes] == [
        ("13030225P00MN0M10655A", "added", Decimal("650"), ["program"]),
        ("13030224P00MN0M10402E", "removed", Decimal("-648.6"), ["program"]),
    ]
    [chain] = result.programs
    assert chain.summary == (
        "the 2024 allocation ended (-648.6); the 2025 allocation was added (+650);"
        " program continues 2023 → 2024 → 2025"
    )
    assert chain.program == "关于提前下达国有企业退休人员社会化管理中央财政补助资金预算的通知"
    assert [(a.fund_year, a.notice, a.status) for a in chain.allocations] == [
        (2023, "秦财企[2022]692号", "continues"),
        (2024, "秦财企[2023]649号", "ended"),
        (2025, "秦财企[2024]588号", "added"),
    ]


def test_the_issue_case_the_2023_allocation_ends_the_2024_one_carries_over_the_2025_one_begins() -> None:
    old = snapshot(
        2024,
        projects=[
            _allocation("秦财企[2022]692", 2023, "13030223P00MN0M10196D", "40.39"),
            _allocation("秦财企[2023]649号", 2024, "13030224P00MN0M10402E"),
        ],
    )
    new = snapshot(
        2025,
        projects=[
            _allocation("秦财企[2023]649号", 2024, "13030224P00MN0M10402E"),
            _allocation("秦财企[2024]611号", 2025, "13030225P00MN0M10700A", "700"),
        ],
    )
    result = diff_snapshots(old, new, scope="yoy", detect=False)
    assert [(c.key, c.change) for c in result.changes] == [
        ("13030225P00MN0M10700A", "added"),
        ("13030223P00MN0M10196D", "removed"),
    ]
    assert [chain.summary for chain in result.programs] == [
        "the 2023 allocation ended (-40.39); the 2025 allocation was added (+700);"
        " program continues 2023 → 2024 → 2025"
    ]


def test_allocations_of_one_notice_still_pair_by_name_and_other_programs_do_not_link() -> None:
    # The same notice under a new code (the project library re-registered it) is the same allocation.
    old = snapshot(2024, projects=[_allocation("秦财企[2023]649号", 2024, "13030224P00MN0M10402E")])
    new = snapshot(2025, projects=[_allocation("秦财企[2023]649号", 2024, "13030225P00MN0M10999Z")])
    result = diff_snapshots(old, new, scope="yoy", detect=False)
    assert [(c.change, c.field, c.matched_by) for c in result.changes] == [("modified", "code", "name")]
    assert result.programs == []
    # Another program (省级, not 中央) and a skipped fund year never make a chain.
    old = snapshot(2024, projects=[_allocation("秦财企[2022]692", 2023, "13030223P00MN0M10196D")])
    new = snapshot(
        2025,
        projects=[
            _allocation("秦财企[2024]613号", 2025, "13030225P00MN0M10656B", kind="省级"),
            _allocation("秦财企[2024]611号", 2025, "13030225P00MN0M10655A"),
        ],
    )
    result = diff_snapshots(old, new, scope="yoy", detect=False)
    assert sorted(c.change for c in result.changes) == ["added", "added", "removed"]
    assert result.programs == []
    assert all("program" not in c.tags for c in result.changes)


def test_a_project_not_named_after_a_notice_still_pairs_by_its_name_with_the_years_moved_on() -> None:
    old = snapshot(2024, projects=[project("2024年日常公用经费预算", code="13030224P00308P00001A")])
    new = snapshot(2025, projects=[project("2025年日常公用经费预算", code="13030225P00308P00002B")])
    result = diff_snapshots(old, new, scope="yoy", detect=False)
    assert [(c.field, c.matched_by) for c in result.changes] == [("code", "name")]
    assert result.programs == []


def test_goals_pair_by_text_then_similarity_then_number() -> None:
    old = snapshot(
        goals=[
            ("1", "突出就业优先，全力提升就业创业质量。"),
            ("2", "突出保障民生，巩固城乡居民养老保险全覆盖。"),
            ("3", "突出根治欠薪。"),
        ]
    )
    new = snapshot(
        goals=[
            ("1", "新增目标：加强信息化建设。"),
            ("2", "突出就业优先，全力提升就业创业质量。"),
            ("3", "突出保障民生，巩固城乡居民养老保险全面覆盖。"),
            ("4", "突出服务发展。"),
        ]
    )
    found = changes(old, new)
    assert [(c.key, c.old_key, c.change, c.matched_by) for c in found] == [
        ("1", None, "added", None),
        ("3", "2", "modified", "fuzzy-text"),
        ("4", None, "added", None),
        ("3", None, "removed", None),
    ]
    rewritten = snapshot(
        goals=[("1", "突出就业优先，全力提升就业创业质量。"), ("3", "完全改写的第三个目标。")]
    )
    assert [(c.key, c.matched_by, c.change) for c in changes(old, rewritten)] == [
        ("3", "position", "modified"),
        ("2", None, "removed"),
    ]


def test_function_lines_pair_by_subject_code() -> None:
    def accounts(total: str, name: str = "行政运行") -> Accounts:
        return Accounts(function_lines=[FunctionLine(code="2080101", name=name, total=Decimal(total))])

    old = snapshot(kind="budget-disclosure", accounts=accounts("279.52"))
    new = snapshot(kind="budget-disclosure", accounts=accounts("300", "行政运行（本级）"))
    found = changes(old, new)
    assert [(c.entity, c.key, c.change, c.field) for c in found] == [
        ("function_line", "2080101", "renamed", "name"),
        ("function_line", "2080101", "modified", "total"),
    ]


def test_scope_labels_and_scope_between() -> None:
    old, new = snapshot(2024), snapshot(2025)
    assert scope_between(old, new) == "yoy"
    assert scope_between(old, old) == "revision"
    assert scope_between(old, old, same_publication=True) == "reparse"
    result = diff_snapshots(old, old, scope="reparse", old_hash="a" * 64)
    assert result.scope == "reparse" and result.old.snapshot_hash == "a" * 64


def test_summary_counts_and_net_budget_change() -> None:
    old = snapshot(projects=[project("甲", amount="10"), project("乙", amount="20")])
    new = snapshot(projects=[project("甲", amount="15"), project("丙", amount="5")])
    result = diff_snapshots(old, new, scope="revision", detect=False)
    summary = result.summary
    assert (summary.added, summary.removed, summary.modified, summary.total) == (1, 1, 2, 4)
    assert summary.by_entity == {"project": {"modified": 2, "added": 1, "removed": 1}}
    assert (summary.project_budget.old, summary.project_budget.new, summary.project_budget.delta) == (
        Decimal("30"),
        Decimal("20"),
        Decimal("-10"),
    )
    assert summary.project_budget.pct == Decimal("-33.33")


def filtered_fixture() -> DiffResult:
    old = snapshot(projects=[project("甲", amount="100", indicators=[indicator("覆盖率", "≥90%")])])
    new = snapshot(
        projects=[
            project("甲", amount="101", indicators=[indicator("覆盖率", "≥95%")]),
            project("乙", amount="5"),
        ]
    )
    return diff_snapshots(old, new, scope="revision", detect=False)


def test_filter_by_kind_entity_and_pct() -> None:
    result = filtered_fixture()
    assert [c.change for c in result.filter(only=["added"]).changes] == ["added"]
    assert {c.entity for c in result.filter(entity=["indicator"]).changes} == {"indicator"}
    big = result.filter(min_pct=Decimal("5"))
    assert [(c.entity, c.change) for c in big.changes] == [("indicator", "modified"), ("project", "added")]
    assert big.summary.total == 2
    assert big.summary.project_budget == result.summary.project_budget


def test_filter_rejects_unknown_names() -> None:
    with pytest.raises(ValueError, match="unknown change kind"):
        filtered_fixture().filter(only=["changed"])
    with pytest.raises(ValueError, match="unknown entity kind"):
        filtered_fixture().filter(entity=["projects"])


def test_reaching_the_structural_diff_limit_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    """The limit is on deepdiff's search inside structured fields; a plain field that differs needs no search."""
    monkeypatch.setattr(engine_module, "MAX_DIFFS_PER_PAIR", 1)
    plan = {"3月": Decimal("25"), "6月": Decimal("50"), "9月": Decimal("75")}
    later = {"3月": Decimal("20"), "6月": Decimal("40"), "9月": Decimal("60")}
    old = snapshot(projects=[project("甲", amount="1", purpose="旧", spending_plan=plan)])
    new = snapshot(projects=[project("甲", amount="2", purpose="新", spending_plan=later)])
    result = diff_snapshots(old, new, scope="revision", detect=False)
    assert result.notes and "stopped" in result.notes[0]
    assert {c.field for c in result.changes} >= {"amount", "purpose"}
    flat_only = diff_snapshots(
        snapshot(projects=[project("甲", amount="1", purpose="旧", unit="甲单位")]),
        snapshot(projects=[project("甲", amount="2", purpose="新", unit="乙单位")]),
        scope="revision",
        detect=False,
    )
    assert not flat_only.notes
    assert [c.field for c in flat_only.changes] == ["unit", "amount", "fiscal_amount", "purpose"]


def test_a_renamed_budget_line_does_not_move_its_sub_lines() -> None:
    def overview(parent: str, child_amount: str) -> Snapshot:
        result = snapshot(2024)
        result.budget_overview.income.append(
            Line(
                name=parent,
                amount=Decimal("828.39"),
                children=[Line(name="一般公共预算拨款", amount=Decimal(child_amount))],
            )
        )
        return result

    found = changes(overview("上年结转结余", "70.39"), overview("上年结转结余资金", "75.39"))
    assert [(c.key, c.change, c.field, c.matched_by) for c in found] == [
        ("income/上年结转结余资金", "renamed", "name", "fuzzy-name"),
        ("income/上年结转结余资金/一般公共预算拨款", "modified", "amount", "name"),
    ]
    moved = snapshot(2024)
    moved.budget_overview.income.extend(
        [
            Line(name="上年结转结余", amount=Decimal("828.39")),
            Line(
                name="本年收入",
                amount=Decimal("1"),
                children=[Line(name="一般公共预算拨款", amount=Decimal("70.39"))],
            ),
        ]
    )
    [move] = [c for c in changes(overview("上年结转结余", "70.39"), moved) if c.change == "moved"]
    assert (move.field, move.old, move.new) == ("parent", "上年结转结余", "本年收入")


def test_a_projects_notices_change_in_one_record() -> None:
    old = snapshot(
        2024, projects=[project("代办员补助资金", notices=["唐财社[2022]166号", "唐财金[2023]16号"])]
    )
    new = snapshot(
        2024, projects=[project("代办员补助资金", notices=["唐财社[2023]170号", "唐财金[2023]16号"])]
    )
    [change] = changes(old, new)
    assert (change.field, change.old, change.new) == ("notices", ["唐财社[2022]166号"], ["唐财社[2023]170号"])


def test_filter_by_tag() -> None:
    old = snapshot(2024, projects=[project("甲", indicators=[indicator("覆盖率", description="反映情况")])])
    new = snapshot(
        2024, projects=[project("甲", indicators=[indicator("覆盖率", description="反映2022年情况")])]
    )
    result = diff_snapshots(old, new, scope="revision")
    assert [c.field for c in result.filter(tags=["stale-reference"]).changes] == ["description"]
    assert result.filter(tags=["carry-over"]).changes == []
