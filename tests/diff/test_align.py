"""Entity alignment: project codes, name normalisation, the fuzzy thresholds, and the aligner itself."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.diff import diff_snapshots
from ledger.diff.align import FUZZY_NAME_THRESHOLD, FUZZY_TEXT_THRESHOLD, FuzzyStage, KeyStage, Stage, align
from ledger.model import Snapshot
from ledger.model.names import (
    mask_code_year,
    name_without_unit,
    normalise_name,
    project_code_year,
    shift_years,
    similarity,
    strip_enumerator,
    strip_years,
    stripped_name,
    year_shifted_name,
)
from ledger.report.diff_formats import cell_text
from tests.diff.builders import indicator, project, snapshot


@pytest.mark.parametrize(
    ("code", "year"),
    [
        ("13030224P00308P12449R", 2024),  # Haigang
        ("13030223P00MN0M10196D", 2023),  # Haigang, carried over from 2023
        ("13022524P0008F010032K", 2024),  # Laoting
        ("13022524P000009100040", 2024),
        ("P00308P12449R", None),
        ("————", None),
        ("", None),
        (None, None),
    ],
)
def test_project_code_year(code: str | None, year: int | None) -> None:
    assert project_code_year(code) == year


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("13022524P0008F010032K", "13022525P0008F010032K", True),  # the year digits
        ("13030224P00308P123865", "13030225P00308P12386X", True),  # and the check character
        ("13030223P00MN0M10196D", "13030224P00MN0M10402E", False),  # another serial: another project
        ("13030224P00308P12449R", "13022524P00308P12449R", False),  # another county
    ],
)
def test_mask_code_year(a: str, b: str, same: bool) -> None:
    assert (mask_code_year(a) == mask_code_year(b)) is same
    assert mask_code_year(a) is not None


def test_mask_code_year_of_a_non_code_is_none() -> None:
    assert mask_code_year("人才库档案管理经费") is None
    assert mask_code_year(None) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("城镇新增就业人数（万人）", "城镇新增就业人数(万人)"),
        ("≧ 95 ％", "≥95%"),
        (" 反映 2022 年 ", "反映2022年"),
        ("ABC Def", "abcdef"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise_name(text: str | None, expected: str) -> None:
    assert normalise_name(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一、基本支出", "基本支出"),
        ("（二）人员支出", "人员支出"),
        ("3.项目支出", "项目支出"),
        ("十一、其他支出", "其他支出"),
        ("3.0政策", "3.0政策"),  # a version number is not a numbering
        ("基本支出", "基本支出"),
    ],
)
def test_strip_enumerator(text: str, expected: str) -> None:
    assert strip_enumerator(text) == expected


@pytest.mark.parametrize(
    ("text", "gap", "expected"),
    [
        ("2024年日常公用经费预算", 1, "2025年日常公用经费预算"),
        ("2024-2025年", 1, "2025-2026年"),
        ("秦财企[2023]649号", 1, "秦财企[2024]649号"),
        ("补贴2000元", 1, "补贴2000元"),  # not a year
        ("≥2000人", 1, "≥2000人"),
        ("2024年", 0, "2024年"),
    ],
)
def test_shift_years(text: str, gap: int, expected: str) -> None:
    assert shift_years(text, gap) == expected


def test_strip_years_keeps_numbers_that_are_not_years() -> None:
    assert strip_years("关于提前下达2024年国有企业") == "关于提前下达国有企业"
    assert strip_years("2024-2025年度计划") == "计划"
    assert strip_years("补贴2000元") == "补贴2000元"


HAIGANG_2022 = "秦财企[2022]692-关于提前下达2023年国有企业退休人员社会化管理中央财政补助资金预算的通知"
HAIGANG_2023 = "秦财企[2023]649号-关于提前下达2024年国有企业退休人员社会化管理中央财政补助资金预算的通知"
HAIGANG_2024 = "秦财企[2024]588号-关于提前下达2025年国有企业退休人员社会化管理中央财政补助资金预算的通知"


def test_stripped_name_drops_notice_refs_and_years() -> None:
    assert stripped_name(HAIGANG_2022) == stripped_name(HAIGANG_2023) == stripped_name(HAIGANG_2024)
    assert stripped_name(HAIGANG_2023) == "关于提前下达国有企业退休人员社会化管理中央财政补助资金预算的通知"


def test_year_shifted_name_tells_last_years_notice_from_the_one_before() -> None:
    assert year_shifted_name(HAIGANG_2023, 1) == year_shifted_name(HAIGANG_2024, 0)
    assert year_shifted_name(HAIGANG_2022, 1) != year_shifted_name(HAIGANG_2024, 0)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("城镇新增就业人数（万人）", "城镇新增就业人数"),
        ("城镇新增就业人数（人）", "城镇新增就业人数"),
        ("“三支一扶”人员服务期满考核合格率（%）", "“三支一扶”人员服务期满考核合格率"),
        ("管理服务对象人数", "管理服务对象人数"),
    ],
)
def test_name_without_unit(name: str, expected: str) -> None:
    assert name_without_unit(name) == expected


# The documented thresholds, on the pairs their comments cite.
@pytest.mark.parametrize(
    ("a", "b", "pairs"),
    [
        ("人才库档案管理经费", "人才库档案管理费", True),
        ("保障农民工工资支付工作专项经费", "保障农民工工资支付专项经费", True),
        ("考核奖励人数", "考核奖励金发放率", False),
        ("专网维护费", "干部人事档案管理费", False),
    ],
)
def test_fuzzy_name_threshold(a: str, b: str, pairs: bool) -> None:
    assert (similarity(normalise_name(a), normalise_name(b)) >= FUZZY_NAME_THRESHOLD) is pairs


def test_fuzzy_text_threshold_pairs_an_edited_goal_not_another_goal() -> None:
    old = normalise_name("综合协调机关重要政务、事务。")
    edited = normalise_name("综合协调机关重要政务、事务，督促重点工作落实。")
    other = normalise_name("负责全区职业资格管理。制定全区职业技能竞赛相关政策并组织实施。")
    assert similarity(old, edited) >= FUZZY_TEXT_THRESHOLD
    assert similarity(old, other) < FUZZY_TEXT_THRESHOLD


# --- the aligner ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    code: str | None
    name: str
    amount: int = 0


STAGES: list[Stage[Item]] = [
    KeyStage[Item]("code", lambda item: item.code),
    KeyStage[Item]("name", lambda item: item.name),
    FuzzyStage[Item]("fuzzy-name", lambda item: item.name, FUZZY_NAME_THRESHOLD),
]


def test_strict_stages_win_over_loose_ones() -> None:
    old = [Item("A1", "专网维护费"), Item(None, "人才库档案管理经费")]
    new = [Item("A1", "专网运维费"), Item(None, "人才库档案管理费")]
    result = align(old, new, STAGES)
    assert [(p.old.name, p.new.name, p.matched_by) for p in result.pairs] == [
        ("专网维护费", "专网运维费", "code"),
        ("人才库档案管理经费", "人才库档案管理费", "fuzzy-name"),
    ]
    assert result.pairs[1].score is not None and result.pairs[1].score >= 85
    assert result.added == [] and result.removed == []


def test_duplicate_names_pair_one_to_one_in_order_of_appearance() -> None:
    old = [Item(None, "离休人员养老金", 1), Item(None, "离休人员养老金", 2)]
    new = [Item(None, "离休人员养老金", 1), Item(None, "离休人员养老金", 2)]
    result = align(old, new, STAGES)
    assert [(p.old.amount, p.new.amount) for p in result.pairs] == [(1, 1), (2, 2)]


def test_duplicates_pair_by_affinity_when_given() -> None:
    old = [Item(None, "离休人员养老金", 1), Item(None, "离休人员养老金", 2)]
    new = [Item(None, "离休人员养老金", 2)]
    result = align(old, new, STAGES, affinity=lambda a, b: 1.0 if a.amount == b.amount else 0.0)
    assert [(p.old.amount, p.new.amount) for p in result.pairs] == [(2, 2)]
    assert result.removed == [Item(None, "离休人员养老金", 1)]


def test_unmatched_items_are_added_or_removed() -> None:
    result = align([Item("A", "甲")], [Item("B", "完全不同的项目名称")], STAGES)
    assert result.pairs == []
    assert result.removed == [Item("A", "甲")]
    assert result.added == [Item("B", "完全不同的项目名称")]


def test_fuzzy_stage_pairs_the_most_similar_first_and_respects_blocks() -> None:
    stage = FuzzyStage[Item]("fuzzy-name", lambda item: item.name, 50, block=lambda item: item.code)
    old = [Item("X", "城镇新增就业人数"), Item("Y", "城镇新增就业人数（人）")]
    new = [Item("Y", "城镇新增就业人数（万人）")]
    result = align(old, new, [stage])
    assert [(p.old.code, p.new.code) for p in result.pairs] == [("Y", "Y")]


names = st.text(alphabet="甲乙丙丁戊己庚辛", min_size=1, max_size=4)
items = st.lists(st.builds(Item, st.one_of(st.none(), st.sampled_from(["A", "B", "C"])), names), max_size=8)


@given(items, items)
def test_alignment_uses_every_item_exactly_once(old: list[Item], new: list[Item]) -> None:
    result = align(old, new, STAGES)
    paired_old = [p.old for p in result.pairs]
    paired_new = [p.new for p in result.pairs]
    assert sorted(map(repr, paired_old + result.removed)) == sorted(map(repr, old))
    assert sorted(map(repr, paired_new + result.added)) == sorted(map(repr, new))


@given(items)
def test_a_list_aligns_with_itself_completely(same: list[Item]) -> None:
    result = align(same, list(same), STAGES)
    assert result.added == [] and result.removed == []
    assert all(p.old == p.new for p in result.pairs)


# --- an indicator renamed and moved at once (issue 22) ---------------------------------------------------------


def _moved_pair(old_name: str, new_name: str) -> list[tuple[str, str | None, str, str, str | None]]:
    old = snapshot(
        2024,
        projects=[
            project(
                "就业补助",
                code="13030224P00308P00001A",
                indicators=[indicator(old_name, level1="效益指标", level2="社会效益指标", raw="1200家")],
            )
        ],
    )
    new = snapshot(
        2025,
        projects=[
            project(
                "就业补助",
                code="13030225P00308P00001A",
                indicators=[indicator(new_name, level1="效益指标", level2="质量指标", raw="900家")],
            )
        ],
    )
    result = diff_snapshots(old, new, scope="yoy", detect=False)
    return [(c.change, c.field, cell(c.old), cell(c.new), cell(c.score)) for c in result.changes]


def cell(value: object) -> str:
    return cell_text(value)  # type: ignore[arg-type]


def test_an_indicator_renamed_and_moved_under_the_same_level1_is_one_indicator_with_its_score() -> None:
    assert _moved_pair("扶持企业数", "扶持企业个数") == [
        ("moved", "level2", "社会效益指标", "质量指标", "90.9"),
        ("renamed", "name", "扶持企业数", "扶持企业个数", "90.9"),
        ("modified", "value", "1200家", "900家", "90.9"),
    ]


def test_different_indicators_under_one_level1_stay_removed_and_added() -> None:
    assert [change for change, *_ in _moved_pair("扶持企业数", "带动就业人数")] == ["added", "removed"]


def test_renamed_and_moved_never_crosses_level1_nor_projects() -> None:
    def one(level1: str, name: str, code: str) -> Snapshot:
        return snapshot(
            2024,
            projects=[
                project("甲", code="P1", indicators=[indicator(name, level1=level1, level2="x", raw="1")]),
                project("乙", code=code, indicators=[]),
            ],
        )

    # Another 一级指标: not paired.
    result = diff_snapshots(
        one("效益指标", "扶持企业数", "P2"), one("产出指标", "扶持企业个数", "P2"), scope="revision"
    )
    assert sorted(c.change for c in result.changes) == ["added", "removed"]
    # Another project: never paired, whatever the names.
    old = snapshot(
        2024,
        projects=[
            project("甲", code="P1", indicators=[indicator("扶持企业数", level1="效益指标", level2="a")]),
            project("乙", code="P2"),
        ],
    )
    new = snapshot(
        2024,
        projects=[
            project("甲", code="P1"),
            project("乙", code="P2", indicators=[indicator("扶持企业个数", level1="效益指标", level2="b")]),
        ],
    )
    result = diff_snapshots(old, new, scope="revision", detect=False)
    assert sorted((c.key.split("|")[0], c.change) for c in result.changes) == [
        ("P1", "removed"),
        ("P2", "added"),
    ]


def test_two_similar_candidates_keep_the_best_pair() -> None:
    def one(*names: tuple[str, str]) -> Snapshot:
        return snapshot(
            2024,
            projects=[
                project(
                    "甲",
                    code="P1",
                    indicators=[indicator(n, level1="效益指标", level2=l2, raw="1") for n, l2 in names],
                )
            ],
        )

    old = one(("扶持企业数", "社会效益指标"))
    new = one(("扶持企业个数", "质量指标"), ("扶持企业户数量", "质量指标"))
    result = diff_snapshots(old, new, scope="revision", detect=False)
    assert [(c.change, c.field, c.new, cell(c.score)) for c in result.changes] == [
        ("moved", "level2", "质量指标", "90.9"),
        ("renamed", "name", "扶持企业个数", "90.9"),
        ("added", None, "1", ""),
    ]


def test_a_level1_move_with_the_same_name_is_a_move() -> None:
    def one(level1: str, level2: str) -> Snapshot:
        return snapshot(
            2024,
            projects=[
                project(
                    "甲",
                    code="P1",
                    indicators=[indicator("服务对象满意度", level1=level1, level2=level2, raw="≥90%")],
                )
            ],
        )

    result = diff_snapshots(
        one("效益指标", "社会效益指标"), one("满意度指标", "服务对象满意度指标"), scope="revision"
    )
    assert [(c.change, c.field, c.old, c.new, c.matched_by) for c in result.changes] == [
        ("moved", "level1", "效益指标", "满意度指标", "name"),
        ("moved", "level2", "社会效益指标", "服务对象满意度指标", "name"),
    ]
