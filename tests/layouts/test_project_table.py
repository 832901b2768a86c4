"""The shared Hebei 项目绩效目标表 parser (ledger.layouts.project_table).

Synthetic tables pin each rule; the 24 project tables of the Haigang seed (same provincial template, a different
document layout) check the parser on real text.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.layouts.project_table import (
    EMPTY_ROW,
    MISSING,
    PLACEHOLDER,
    ROW_CONTINUED,
    ROW_JOINED,
    TRUNCATED,
    UNREADABLE,
    is_project_table,
    money_unit_of_table,
    parse_project_table,
    parse_unit_line,
    split_project_tables,
    unit_of_table,
)
from ledger.model import ParseWarning, Project
from ledger.readers.document import Paragraph, Table
from ledger.readers.text import read_text

SEEDS = Path(__file__).resolve().parents[2] / "samples" / "seeds"

HEADER = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")
UNIT_ROW = ("356001乐亭县人力资源和社会保障局本级", "单位：万元")
CODE_ROW = ("项目编码", "13022524P0008F010032K", "项目名称", "考核奖励经费")
BUDGET_ROW = ("预算规模及资金用途", "预算数", "227.00", "其中：财政    资金", "227.00", "其他资金", "")
PURPOSE_ROW = ("", "开展事业单位考核奖励工作。")
PLAN_ROWS = (("资金支出计划（%）", "3月底", "6月底", "10月底", "12月底"), ("", "25%", "50%", "75%", "100%"))
GOAL_ROW = ("绩效目标", "1.开展事业单位考核奖励工作。")
INDICATOR_ROWS = (
    ("产出指标", "数量指标", "考核奖励人数", "符合考核奖励要求的人数", "≥1700人", "2024年预算指标安排"),
    ("", "质量指标", "考核奖励金发放率", "考核奖励金发放率", "≥99%", "2024年预算指标安排"),
    ("", "成本指标", "考核奖金", "考核奖金", "≤227万元", "唐财社【2023】170号"),
    ("效益指标", "社会效益指标", "弘扬正气，鼓励先进", "为社会带来弘扬正气", "≥96%", "2024年预算指标安排"),
    ("", "", "维护社会稳定", "维护社会稳定", "是", "2024年预算指标安排"),
    ("满意度指标", "服务对象满意度指标", "考核奖励工作满意度", "满意度", "≥98%", "2024年预算指标安排"),
)


def table(*rows: tuple[str, ...]) -> Table:
    return Table(rows=tuple(rows))


def full_table(*indicator_rows: tuple[str, ...]) -> Table:
    return table(UNIT_ROW, CODE_ROW, BUDGET_ROW, PURPOSE_ROW, *PLAN_ROWS, GOAL_ROW, HEADER, *indicator_rows)


def codes(warnings: Sequence[ParseWarning]) -> list[str]:
    return [w.code for w in warnings]


def test_complete_table_reads_every_section() -> None:
    project, warnings = parse_project_table(full_table(*INDICATOR_ROWS), title="1.考核奖励经费绩效目标表")
    assert warnings == []
    assert project.code == "13022524P0008F010032K"
    assert project.name == "考核奖励经费"
    assert project.unit == "乐亭县人力资源和社会保障局本级"
    assert (project.amount, project.fiscal_amount, project.other_amount) == (
        Decimal("227"),
        Decimal("227"),
        None,
    )
    assert project.purpose == "开展事业单位考核奖励工作。"
    assert project.spending_plan == {"03": 25, "06": 50, "10": 75, "12": 100}
    assert project.goals == ["开展事业单位考核奖励工作。"]
    assert [i.name for i in project.indicators] == [row[2] for row in INDICATOR_ROWS]
    assert project.notices == ["唐财社[2023]170号"]


def test_empty_level_cells_inherit_from_the_row_above() -> None:
    project, _ = parse_project_table(full_table(*INDICATOR_ROWS))
    levels = [(i.level1, i.level2) for i in project.indicators]
    assert levels == [
        ("产出指标", "数量指标"),
        ("产出指标", "质量指标"),
        ("产出指标", "成本指标"),
        ("效益指标", "社会效益指标"),
        ("效益指标", "社会效益指标"),
        ("满意度指标", "服务对象满意度指标"),
    ]


def test_indicator_fields_and_values() -> None:
    project, _ = parse_project_table(full_table(*INDICATOR_ROWS))
    first, _, cost, _, qualitative, _ = project.indicators
    assert first.description == "符合考核奖励要求的人数"
    assert first.basis == "2024年预算指标安排"
    assert (first.value.raw, first.value.op, first.value.number, first.value.unit) == (
        "≥1700人",
        ">=",
        Decimal("1700"),
        "人",
    )
    assert (cost.value.op, cost.value.number, cost.value.unit) == ("<=", Decimal("227"), "万元")
    assert (qualitative.value.op, qualitative.value.text) == (None, "是")


def test_labels_with_line_breaks_are_normalised_and_effect_maps_to_benefit() -> None:
    project, warnings = parse_project_table(
        table(
            ("项目\n\n编码", "————", "项目名称", "人才发展资金"),
            BUDGET_ROW,
            ("一级\n\n指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"),
            ("产出\n\n指标", "数量指标", "人数", "人数", "≧200人", "工作经验"),
            ("效果\n\n指标", "社会效益\n\n指标", "落实情况", "落实情况", "是", "工作经验"),
            ("满意度\n\n指标", "服务对象满意度指标", "满意度", "满意度", "≧95%", "工作经验"),
        )
    )
    assert project.code is None
    first, second, third = project.indicators
    assert third.level1 == "满意度指标"
    assert (first.level1, first.source_level1, first.value.op) == ("产出指标", None, ">=")
    assert (second.level1, second.level2, second.source_level1) == ("效益指标", "社会效益指标", "效果指标")
    assert TRUNCATED not in codes(warnings)


@pytest.mark.parametrize("cell", ["————", "", "—", "--", "  "])
def test_dash_or_blank_code_cell_means_no_code(cell: str) -> None:
    project, _ = parse_project_table(table((CODE_ROW[0], cell, *CODE_ROW[2:])))
    assert project.code is None


@pytest.mark.parametrize(
    ("cell", "goals"),
    [
        ("1.依法依规处理\n2.履行职责", ["依法依规处理", "履行职责"]),
        ("1.1.保障档案管理。\n2.2.对档案进行管理。", ["保障档案管理。", "对档案进行管理。"]),
        ("1.目标1：资金按规定使用。\n目标2：确保完成任务。", ["资金按规定使用。", "确保完成任务。"]),
        ("1.资金按规定使用。\n确保完成任务。", ["资金按规定使用。\n确保完成任务。"]),
        ("1.落实凤凰英才3.0政策", ["落实凤凰英才3.0政策"]),
        ("3.0政策奖励", ["3.0政策奖励"]),
        ("（一）做好工作\n（二）保障运行", ["做好工作", "保障运行"]),
        ("2024年完成任务", ["2024年完成任务"]),
    ],
)
def test_goals_split_on_numbered_lines(cell: str, goals: list[str]) -> None:
    project, _ = parse_project_table(table(CODE_ROW, ("绩效目标", cell)))
    assert project.goals == goals


def test_goals_one_row_each_with_a_number_cell() -> None:
    project, _ = parse_project_table(
        table(
            CODE_ROW, ("绩效\n\n目标", "目标1", "及时拨付，缴纳国库。"), ("", "目标2", "确保补贴及时到账。")
        )
    )
    assert project.goals == ["及时拨付，缴纳国库。", "确保补贴及时到账。"]


def test_amounts_with_unit_suffix_and_tables_in_yuan() -> None:
    gaoxin_style = table(
        CODE_ROW, ("预算规模及资金用途", "预算数", "4000万元", "其中：财政资金", "4000万元", "其他资金", "")
    )
    project, _ = parse_project_table(gaoxin_style)
    assert (project.amount, project.fiscal_amount, project.other_amount) == (
        Decimal("4000"),
        Decimal("4000"),
        None,
    )
    in_yuan = table(
        ("单位：元",),
        CODE_ROW,
        ("预算规模及资金用途", "预算数", "20000", "其中：财政资金", "15000", "其他资金", "5000"),
    )
    assert money_unit_of_table(in_yuan) == "元"
    project, _ = parse_project_table(in_yuan)
    assert (project.amount, project.fiscal_amount, project.other_amount) == (
        Decimal("2"),
        Decimal("1.5"),
        Decimal("0.5"),
    )


def test_unreadable_amount_is_reported_not_guessed() -> None:
    project, warnings = parse_project_table(
        table(CODE_ROW, ("预算规模及资金用途", "预算数", "约两百", "其中：财政资金", "200", "其他资金", ""))
    )
    assert project.amount is None and project.fiscal_amount == 200
    assert "unreadable-amount" in codes(warnings)


def test_spending_plan_blank_months_left_out_and_bad_cells_reported() -> None:
    rows = (("资金支出计划（%）", "3月底", "6月底", "10月底", "12月底"), ("", "", "", "未定", "100%"))
    project, warnings = parse_project_table(table(CODE_ROW, *rows))
    assert project.spending_plan == {"12": 100}
    assert [w.code for w in warnings if "资金支出计划" in w.message] == [UNREADABLE]


@pytest.mark.parametrize(
    ("row", "code"),
    [
        (("", "", "指标 5:", "", "", ""), PLACEHOLDER),
        (("", "", "指标5：", "描述", "≥1", ""), PLACEHOLDER),
        (("", "质量指标", "发放准确率", "发放准确率", "", "年度工作计划"), PLACEHOLDER),
        (("", "质量指标", "发放准确率", "发放准确率", "—", "年度工作计划"), PLACEHOLDER),
        (("", "质量指标", "", "", "≥95%", ""), PLACEHOLDER),
        (("", "", "", "", "", ""), EMPTY_ROW),
    ],
)
def test_placeholder_and_empty_rows_are_warnings_never_indicators(row: tuple[str, ...], code: str) -> None:
    project, warnings = parse_project_table(
        full_table(INDICATOR_ROWS[0], row, INDICATOR_ROWS[1], INDICATOR_ROWS[5])
    )
    assert [i.name for i in project.indicators] == ["考核奖励人数", "考核奖励金发放率", "考核奖励工作满意度"]
    assert codes(warnings) == [code]
    assert warnings[0].where.endswith("指标 row 2")


def test_blank_row_right_under_the_header_is_part_of_the_header() -> None:
    project, warnings = parse_project_table(full_table(("", "", "", "", "", ""), *INDICATOR_ROWS))
    assert len(project.indicators) == len(INDICATOR_ROWS)
    assert warnings == []


def test_row_broken_in_two_is_joined_and_reported() -> None:
    project, warnings = parse_project_table(
        full_table(
            INDICATOR_ROWS[0],
            ("效果\n\n指标", "社会效益指标", "筹集社会保障费和风险基金完成"),
            ("被征地农民社会保障费和风险基金是否及时发放", "及时发放", "工作经验"),
            INDICATOR_ROWS[5],
        )
    )
    joined = project.indicators[1]
    assert (joined.level1, joined.name, joined.description) == (
        "效益指标",
        "筹集社会保障费和风险基金完成",
        "被征地农民社会保障费和风险基金是否及时发放",
    )
    assert (joined.value.text, joined.basis) == ("及时发放", "工作经验")
    assert len(project.indicators) == 3
    assert codes(warnings) == [ROW_JOINED]


def test_row_with_text_but_no_name_or_value_continues_the_indicator_above() -> None:
    project, warnings = parse_project_table(
        full_table(INDICATOR_ROWS[0], ("", "", "", "（含见习人员）", "", "另据文件"), INDICATOR_ROWS[5])
    )
    indicator = project.indicators[0]
    assert indicator.description == "符合考核奖励要求的人数\n（含见习人员）"
    assert indicator.basis == "2024年预算指标安排\n另据文件"
    assert codes(warnings) == [ROW_CONTINUED]


def test_the_last_row_carried_over_a_page_break_continues_the_indicator_above() -> None:
    """The table's last row cut by a page break: its rest (text under 绩效指标描述 only) is no table cut off."""
    project, warnings = parse_project_table(full_table(INDICATOR_ROWS[5], ("", "", "", "（含见习人员）")))
    assert project.indicators[-1].description == f"{INDICATOR_ROWS[5][3]}\n（含见习人员）"
    assert codes(warnings) == [ROW_CONTINUED]


def test_table_cut_inside_an_indicator_row_keeps_the_project_and_says_what_is_missing() -> None:
    project, warnings = parse_project_table(
        full_table(INDICATOR_ROWS[0], ("", "质量指标", "考核奖励金发放率")),
        title="16.中央就业补助资金绩效目标表",
    )
    assert [i.name for i in project.indicators] == ["考核奖励人数"]
    assert project.amount == 227
    (warning,) = warnings
    assert warning.code == TRUNCATED
    assert warning.where == "16.中央就业补助资金绩效目标表, 指标 row 2"
    for missing in ("绩效指标描述", "指标值", "指标值确定依据", "考核奖励金发放率"):
        assert missing in warning.message


def test_table_cut_before_its_indicator_table_is_truncated() -> None:
    project, warnings = parse_project_table(table(UNIT_ROW, CODE_ROW, BUDGET_ROW))
    assert project.amount == 227 and project.indicators == []
    (warning,) = warnings
    assert warning.code == TRUNCATED
    assert "资金支出计划" in warning.message and "绩效目标" in warning.message


def test_missing_middle_section_is_reported() -> None:
    _, warnings = parse_project_table(
        table(CODE_ROW, BUDGET_ROW, PURPOSE_ROW, GOAL_ROW, HEADER, *INDICATOR_ROWS)
    )
    assert [(w.code, "资金支出计划" in w.message) for w in warnings] == [(MISSING, True)]


def test_name_falls_back_to_the_title() -> None:
    project, _ = parse_project_table(
        table(("项目编码", "", "项目名称", ""), BUDGET_ROW, HEADER, *INDICATOR_ROWS),
        title="党员档案集中管理经费项目绩效目标表",
    )
    assert project.name == "党员档案集中管理经费"


@pytest.mark.parametrize(
    ("line", "code", "name"),
    [
        ("356001乐亭县人力资源和社会保障局本级", "356001", "乐亭县人力资源和社会保障局本级"),
        ("356004 乐亭县就业服务中心", "356004", "乐亭县就业服务中心"),
        ("秦皇岛市海港区就业服务中心", None, "秦皇岛市海港区就业服务中心"),
    ],
)
def test_unit_lines(line: str, code: str | None, name: str) -> None:
    unit = parse_unit_line(line)
    assert unit is not None and (unit.code, unit.name) == (code, name)


@pytest.mark.parametrize("line", ["单位：万元", "单位:元", "", "  "])
def test_money_unit_lines_are_not_units(line: str) -> None:
    assert parse_unit_line(line) is None


def test_unit_from_the_line_above_the_table() -> None:
    headless = table(CODE_ROW, BUDGET_ROW)
    assert unit_of_table(headless) is None
    project, _ = parse_project_table(headless, unit_line="356003乐亭县社会保险服务中心")
    assert project.unit == "乐亭县社会保险服务中心"


def test_tables_back_to_back_are_split_with_their_unit_rows() -> None:
    second_unit = ("356004乐亭县就业服务中心", "单位：万元")
    merged = table(UNIT_ROW, CODE_ROW, BUDGET_ROW, second_unit, CODE_ROW, BUDGET_ROW)
    first, second = split_project_tables(merged)
    assert first.rows == (UNIT_ROW, CODE_ROW, BUDGET_ROW)
    assert second.rows == (second_unit, CODE_ROW, BUDGET_ROW)
    assert split_project_tables(first) == [first]


def test_is_project_table() -> None:
    assert is_project_table(full_table(*INDICATOR_ROWS))
    assert not is_project_table(table(("项目", "金额"), ("合计", "1")))
    assert is_project_table(table(CODE_ROW))
    assert not is_project_table(table(("项目名称", "x")))


CELLS = st.sampled_from(
    [
        "",
        "项目编码",
        "项目名称",
        "预算规模及资金用途",
        "预算数",
        "其中：财政资金",
        "其他资金",
        "资金支出计划（%）",
        "3月底",
        "25%",
        "绩效目标",
        "目标1",
        "一级指标",
        "三级指标",
        "指标值",
        "产出指标",
        "效果指标",
        "≥95%",
        "—",
        "1.xx\n2.yy",
        "单位：万元",
        "100万元",
        "abc",
    ]
) | st.text(max_size=8)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(CELLS, max_size=8).map(tuple), max_size=14))
def test_any_table_parses_without_crashing(rows: list[tuple[str, ...]]) -> None:
    project, warnings = parse_project_table(Table(rows=tuple(rows)))
    assert isinstance(project, Project)
    assert all(w.code and w.where for w in warnings)
    assert all(i.name and i.value.raw for i in project.indicators)


# --- Haigang: the same template inside a full budget disclosure ---------------------------------------------------


def haigang_projects() -> list[tuple[Project, list[ParseWarning]]]:
    document = read_text((SEEDS / "haigang-hrss-2024-budget.txt").read_bytes())
    parsed: list[tuple[Project, list[ParseWarning]]] = []
    title = None
    for block in document.blocks:
        if isinstance(block, Paragraph):
            title = block.text
            continue
        for part in split_project_tables(block):
            if is_project_table(part):
                project, warnings = parse_project_table(part, title=title)
                parsed.append((project, list(warnings)))
    return parsed


def test_haigang_project_tables() -> None:
    """Checked by hand against samples/seeds/haigang-hrss-2024-budget.txt: project 1 (保障农民工工资支付工作专项经费,
    2.00, goals 1./2., 7 indicators, 效益指标 rows 可持续影响指标 then 社会效益指标 with 比上年提升); project 2's goals
    numbered ``1.1.``/``2.2.``; project 16's spending plan has only 12月底 100%; project 22 has a cost indicator in 元
    (≤403860.63元); the four ``…23P…`` projects 648.60 + 109.40 + 30.00 + 40.39 = 828.39 (the carry-over)."""
    parsed = haigang_projects()
    assert len(parsed) == 24
    assert all(warnings == [] for _, warnings in parsed)
    projects = [p for p, _ in parsed]
    first = projects[0]
    assert (first.code, first.name, first.amount) == (
        "13030224P00308P12449R",
        "保障农民工工资支付工作专项经费",
        Decimal("2"),
    )
    assert len(first.goals) == 2 and len(first.indicators) == 7
    assert [(i.level1, i.level2) for i in first.indicators[4:6]] == [
        ("效益指标", "可持续影响指标"),
        ("效益指标", "社会效益指标"),
    ]
    assert first.indicators[4].value.relative
    assert projects[1].goals == [
        "保障干部人事档案管理工作的顺利进行。",
        "对区政府系统机关事业单位副科级以下干部人事档案进行管理。",
    ]
    assert projects[15].spending_plan == {"12": 100}
    assert projects[21].indicators[5].value.raw == "≤403860.63元"
    carried = [p.amount for p in projects if p.code and p.code[6:9] == "23P"]
    assert sum(a for a in carried if a is not None) == Decimal("828.39")
    assert projects[11].notices == ["秦财企[2022]692号"]
    assert sum(len(p.indicators) for p in projects) == 187  # one per 指标值确定依据 cell in the source


@pytest.mark.parametrize("last", range(1, 5))
def test_indicator_rows_that_stop_before_the_satisfaction_group_are_truncated(last: int) -> None:
    """Every table of the template ends with its 满意度指标 group: rows that stop before it are a cut table."""
    project, warnings = parse_project_table(full_table(*INDICATOR_ROWS[:last]))
    assert len(project.indicators) == last
    (cut,) = [w for w in warnings if w.code == TRUNCATED]
    assert "满意度指标" in cut.message and f"after {last} indicator(s)" in cut.message


def test_a_placeholder_row_in_the_satisfaction_group_still_closes_the_table() -> None:
    placeholder = ("满意度指标", "服务对象满意度指标", "指标 5:", "—", "—", "—")
    _, warnings = parse_project_table(full_table(INDICATOR_ROWS[0], placeholder))
    assert codes(warnings) == [PLACEHOLDER]


def test_an_indicator_table_that_stops_after_its_header_is_truncated() -> None:
    project, warnings = parse_project_table(full_table(("", "", "", "", "", "")))
    assert project.indicators == []
    assert codes(warnings) == [TRUNCATED] and "stops after its header" in warnings[0].message
