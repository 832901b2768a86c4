"""The Guangdong 部门整体预算绩效目标表 layout (ledger.layouts.guangdong_targets and its front ends).

Two seeds carry the template in two textual forms: Taishan (PDF text in tab-separated rows, rows continued across
page breaks) and Zhanjiang (an XLSX export flattened to a numbered outline, indicator grouping lost). Synthetic
documents pin each rule, and one template written in both forms must give the same snapshot.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.errors import ParseError
from ledger.layouts import choose_layout
from ledger.layouts.guangdong_forms import OutlineItem, provable_levels
from ledger.layouts.guangdong_targets import GuangdongDepartmentTargets
from ledger.layouts.guangdong_template import (
    BudgetEntry,
    budget_lines,
    goals,
    join_wrapped,
)
from ledger.model import Indicator, Line, ParseWarning, Snapshot
from ledger.readers.document import Document, Table
from ledger.readers.text import read_text

SEEDS = Path(__file__).resolve().parents[2] / "samples" / "seeds"
LAYOUT = GuangdongDepartmentTargets()


def parse_seed(name: str) -> Snapshot:
    return LAYOUT.parse(read_text((SEEDS / name).read_bytes()))


@pytest.fixture(scope="module")
def taishan() -> Snapshot:
    return parse_seed("taishan-hrss-2024-targets.txt")


@pytest.fixture(scope="module")
def zhanjiang() -> Snapshot:
    return parse_seed("zhanjiang-hrss-2024-targets.txt")


def line(lines: list[Line], name: str) -> Line:
    return next(item for item in lines if item.name == name)


def indicator(snapshot: Snapshot, name: str, occurrence: int = 0) -> Indicator:
    return [item for item in snapshot.indicators if item.name == name][occurrence]


def codes(warnings: list[ParseWarning]) -> list[str]:
    return [warning.code for warning in warnings]


# --- detection ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seed", "score"),
    [
        ("taishan-hrss-2024-targets.txt", 100),
        ("zhanjiang-hrss-2024-targets.txt", 100),
        ("laoting-hrss-2024-targets.txt", 0),
        ("gaoxin-hrss-2024-targets.txt", 0),
        ("haigang-hrss-2024-budget.txt", 0),
    ],
)
def test_detection_scores_the_template_labels(seed: str, score: int) -> None:
    assert LAYOUT.detect(read_text((SEEDS / seed).read_bytes())) == score


@pytest.mark.parametrize("seed", ["taishan-hrss-2024-targets.txt", "zhanjiang-hrss-2024-targets.txt"])
def test_the_registry_chooses_this_layout_for_both_forms(seed: str) -> None:
    assert choose_layout(read_text((SEEDS / seed).read_bytes())).name == LAYOUT.name


# --- Taishan (tab-rows) ---------------------------------------------------------------------------------------


def test_taishan_header_and_basic_info(taishan: Snapshot) -> None:
    assert taishan.department.name == "台山市人力资源和社会保障局"
    assert taishan.fiscal_year == 2024  # from the title 2024年台山市部门整体预算绩效目标批复表
    assert taishan.document_kind == "department-targets"
    assert (taishan.basic_info.staff_count, taishan.basic_info.subordinate_units) == (269, 4)
    assert taishan.notices == []


def test_taishan_budget_overview_nests_and_adds_up(taishan: Snapshot) -> None:
    """Checked by hand against source lines 17-25: 722.61 + 72.10 + 73124.26 + 34111.84 = 108030.81 (二、项目支出);
    2610.83 + 108030.81 + 0 = 110641.64 (合计); 82690.64 + 26843.80 = 109534.44 (一、财政拨款);
    109534.44 + 1107.20 = 110641.64. Labels broken by PDF spaces (``其中:其他特 定目标类``) are rejoined."""
    spending = taishan.budget_overview.expenditure
    assert [(item.name, item.amount) for item in spending] == [
        ("合计", Decimal("110641.64")),
        ("一、基本支出", Decimal("2610.83")),
        ("二、项目支出", Decimal("108030.81")),
        ("三、其他支出", Decimal("0")),
    ]
    assert [(c.name, c.amount) for c in line(spending, "合计").children] == [
        ("其中:政府采购支出", Decimal("9.87"))
    ]
    project = line(spending, "二、项目支出")
    assert [child.name for child in project.children] == [
        "其中:其他特定目标类",
        "其他运转类",
        "专项资金",
        "其他事业发展性支出",
    ]
    assert sum(child.amount or 0 for child in project.children) == project.amount
    assert sum(item.amount or 0 for item in spending[1:]) == spending[0].amount

    income = taishan.budget_overview.income
    assert [(item.name, item.amount) for item in income] == [
        ("合计", Decimal("110641.64")),
        ("一、财政拨款", Decimal("109534.44")),
        ("二、其他资金", None),
        ("三、其他收入", Decimal("1107.20")),
    ]
    grant = line(income, "一、财政拨款")
    assert [(c.name, c.amount) for c in grant.children] == [
        ("其中:市本级资金", Decimal("82690.64")),
        ("上级资金", Decimal("26843.80")),
    ]
    assert sum(child.amount or 0 for child in grant.children) == grant.amount


def test_taishan_goals_span_the_page_break(taishan: Snapshot) -> None:
    """Goals 1-9 are in the first cell, 10-11 in the continuation row on the next page."""
    assert [goal.key for goal in taishan.goals] == [str(n) for n in range(1, 12)]
    assert taishan.goals[0].text.startswith("进一步实施我市人才发展战略")
    assert taishan.goals[9].text.startswith("对市直企业退休的干部")
    assert taishan.goals[10].text == "完成征收机关事业单位应缴未缴职业年金任务，完成机关养老保险制度改革。"
    assert all("<p>" not in goal.text for goal in taishan.goals)


def test_taishan_key_tasks_with_rows_continued_across_page_breaks(taishan: Snapshot) -> None:
    """Hand-checked: task 2's 主要实施内容 breaks at ``高技能人`` / ``才发放各项人才补贴。`` and its 期望 at ``计划`` /
    ``新增 1 名博士``; task 4's 期望 breaks at ``公开进`` / ``行。``. Amounts are the 拟投入的资金 column."""
    required = [task for task in taishan.key_tasks if not task.optional]
    optional = [task for task in taishan.key_tasks if task.optional]
    assert [task.amount for task in required] == [
        Decimal(a) for a in ("350", "1800", "5350", "30.03", "450", "11434.23", "210")
    ]
    assert [task.amount for task in optional] == [Decimal(a) for a in ("16.5", "5.89", "2026.9325", "80")]
    second = required[1]
    assert second.content is not None and second.content.endswith("高技能人才发放各项人才补贴。")
    assert second.expected is not None and "计划新增1名博士" in second.expected
    assert required[3].expected is not None and required[3].expected.endswith("公正、公开进行。")
    assert optional[0].name == "公正及时解决劳动争议，保护当事人合法权益，促进劳动关系和谐稳定。"


def test_taishan_indicators(taishan: Snapshot) -> None:
    """47 real indicators (24 产出, 17 效益, 6 满意度); the rows ``指标 5:`` and ``指标 7:`` are placeholders.

    Values checked by hand against the source: 受理仲裁案件办结率 ``$\\geq 95\\%$`` → ≥95%; 城镇登记失业率
    ``$\\leq 3.0\\%$`` → ≤3.0%; 城镇新增就业人数 ``≥ 4900 人`` → ≥4900 人; the descriptions and values wrapped to the
    next page (``…职业年金征`` + ``收金额进度``; ``…地方承担`` + ``35%)``) are merged into the indicator above.
    """
    assert len(taishan.indicators) == 47
    by_level1 = [item.level1 for item in taishan.indicators]
    assert (by_level1.count("产出指标"), by_level1.count("效益指标"), by_level1.count("满意度指标")) == (
        24,
        17,
        6,
    )
    assert all(item.level2 for item in taishan.indicators)

    settled = indicator(taishan, "受理仲裁案件办结率")
    assert (settled.level1, settled.level2) == ("效益指标", "社会效益指标")
    assert (settled.value.raw, settled.value.op, settled.value.number, settled.value.unit) == (
        "$\\geq 95\\%$",
        ">=",
        Decimal("95"),
        "%",
    )
    unemployment = indicator(taishan, "城镇登记失业率").value
    assert (unemployment.op, unemployment.number, unemployment.unit) == ("<=", Decimal("3.0"), "%")
    jobs = indicator(taishan, "城镇新增就业人数").value
    assert (jobs.op, jobs.number, jobs.unit) == (">=", Decimal("4900"), "人")

    collection = indicator(taishan, "预算年度征收工作完成率")
    assert collection.description == "反映2023年机关事业单位养老保险应缴未缴职业年金征收金额进度"
    assert (collection.level2, collection.value.op, collection.value.number) == (
        "数量指标",
        ">=",
        Decimal("95"),
    )
    grant = indicator(taishan, "(技校)助学金补助标准")
    assert grant.value.raw == "2000 元/人/年(省级承担 65%，地方承担35%)"
    assert (
        indicator(taishan, "学校各类补助标准审核方式科学性").description
        == "学校开展各类补助的相关标准的评审方式的科学合理性"
    )


def test_taishan_warnings_are_the_two_placeholders(taishan: Snapshot) -> None:
    assert codes(taishan.warnings) == ["placeholder-indicator", "placeholder-indicator"]
    assert [w.where for w in taishan.warnings] == [
        "绩效指标 / 效益指标 / 经济效益指标",
        "绩效指标 / 效益指标 / 生态效益指标",
    ]
    assert "指标 5:" in taishan.warnings[0].message and "指标 7:" in taishan.warnings[1].message


# --- Zhanjiang (outline) --------------------------------------------------------------------------------------


def test_zhanjiang_header_basic_info_and_budget(zhanjiang: Snapshot) -> None:
    """The 预算金额 columns end in ``预算金额（万元）, None, None``: a second header row (事业发展性支出 /
    按预算级次划分) and two empty cells, not amounts. 10891.615675 + 61915.7693 = 72807.384975 + 0, checked by hand."""
    assert (zhanjiang.department.name, zhanjiang.fiscal_year) == ("湛江市人力资源和社会保障局", 2024)
    assert (zhanjiang.basic_info.staff_count, zhanjiang.basic_info.subordinate_units) == (737, 10)
    spending = zhanjiang.budget_overview.expenditure
    assert [(item.name, item.amount) for item in spending] == [
        ("基本支出", Decimal("10891.615675")),
        ("项目支出", Decimal("61915.7693")),
        ("事业发展性支出", None),
    ]
    assert [(c.name, c.amount) for c in spending[2].children] == [
        ("财政专项资金", None),
        ("其他事业发展性支出", None),
    ]
    income = zhanjiang.budget_overview.income
    assert [(item.name, item.amount) for item in income] == [
        ("财政拨款", Decimal("72807.384975")),
        ("其他资金", Decimal("0")),
        ("按预算级次划分", None),
    ]
    assert [c.name for c in income[2].children] == ["市本级使用资金", "拟用于对下转移支付资金"]
    assert sum(item.amount or 0 for item in spending) == sum(item.amount or 0 for item in income)


def test_zhanjiang_goals_and_key_tasks(zhanjiang: Snapshot) -> None:
    assert [goal.key for goal in zhanjiang.goals] == ["1", "2", "3", "4", "5", "6"]
    assert zhanjiang.goals[5].text == "劳动人事争议案件仲裁结案率95%，劳动人事争议案件调解率75%。"
    assert [(task.name, task.amount, task.optional) for task in zhanjiang.key_tasks] == [
        ("城乡居民养老保险政府补贴资金", Decimal("18862"), False),
        ("“三支一扶”高校毕业生社会保险缺口资金及生活补贴", Decimal("587.81"), False),
        ("促进就业专项资金(含创业担保贷款贴息资金)", Decimal("1140"), False),
    ]
    assert zhanjiang.key_tasks[1].expected is not None
    assert zhanjiang.key_tasks[1].expected.startswith("计划引导和鼓励高校毕业生到基层")


def test_zhanjiang_indicators_pair_names_with_values_and_leave_the_grouping_unknown(
    zhanjiang: Snapshot,
) -> None:
    """21 三级指标 and 21 指标值 paired by position; rows 9 and 16 are ``None, None`` placeholders; 19 remain.

    Hand-checked pairs: #1 城乡居民基础养老金标准 ``≥190元每人每月``; #6 补贴发放准确率 ``1``; #15 基层服务覆盖范围
    ``湛江市基层``; #17 对保持就业局势总体稳定发挥的影响 ``保持稳定``; #21 服务单位对“三支一扶”人员满意度 ``≥90%``.
    """
    assert len(zhanjiang.indicators) == 19
    assert all(item.level1 is None and item.level2 is None for item in zhanjiang.indicators)
    pension = indicator(zhanjiang, "城乡居民基础养老金标准").value
    assert (pension.raw, pension.op, pension.number, pension.unit) == (
        "≥190元每人每月",
        ">=",
        Decimal("190"),
        "元/人/月",
    )
    assert indicator(zhanjiang, "基层服务覆盖范围").value.text == "湛江市基层"
    assert indicator(zhanjiang, "对保持就业局势总体稳定发挥的影响").value.relative
    assert indicator(zhanjiang, "服务单位对“三支一扶”人员满意度").value.raw == "≥90%"
    assert zhanjiang.indicators[-1].name == "服务单位对“三支一扶”人员满意度"


def test_zhanjiang_percent_cell_flattened_to_one_is_kept_and_flagged(zhanjiang: Snapshot) -> None:
    accuracy = indicator(zhanjiang, "补贴发放准确率").value
    assert (accuracy.raw, accuracy.op, accuracy.number, accuracy.unit) == ("1", "=", Decimal("1"), None)
    flagged = [w for w in zhanjiang.warnings if w.code == "rate-as-fraction"]
    assert len(flagged) == 1 and "补贴发放准确率" in flagged[0].where and "100%" in flagged[0].message


def test_zhanjiang_warnings_say_what_was_lost(zhanjiang: Snapshot) -> None:
    assert sorted(codes(zhanjiang.warnings)) == [
        "indicator-grouping-lost",
        "indicator-grouping-lost",
        "placeholder-indicator",
        "placeholder-indicator",
        "rate-as-fraction",
    ]
    lost = {w.where: w.message for w in zhanjiang.warnings if w.code == "indicator-grouping-lost"}
    assert set(lost) == {"1.7.1 一级指标", "1.7.2 二级指标"}
    assert "产出指标、效益指标、满意度指标" in lost["1.7.1 一级指标"]
    assert "9 groups" in lost["1.7.2 二级指标"] and "21 三级指标 rows" in lost["1.7.2 二级指标"]
    placeholders = [w.where for w in zhanjiang.warnings if w.code == "placeholder-indicator"]
    assert placeholders == ["1.7.3 三级指标 #9", "1.7.3 三级指标 #16"]


@pytest.mark.parametrize("form", ["docx", "tab-rows", "pdf"])
def test_the_outline_is_read_as_an_outline_whichever_reader_carried_it(
    form: str, zhanjiang: Snapshot
) -> None:
    """The numbered outline is recognised by its rows, not by the reader's form name (a DOCX of it once lost the
    department's name)."""
    outline = read_text((SEEDS / "zhanjiang-hrss-2024-targets.txt").read_bytes())
    assert LAYOUT.parse(Document(blocks=outline.blocks, form=form)) == zhanjiang


# --- one template, two forms ----------------------------------------------------------------------------------

GRID = "\n".join(
    [
        "2023年某县部门整体预算绩效目标表",
        "部门名称\t某县人社局\t\t\t",
        "基本信息\t财政供养人员数 (人)\t12\t下属二级单位 数(个)\t1",
        "预算整体 情况\t部门预算支出\t预算金额 (万元)\t收入来源\t预算金额(万元)",
        "\t一、基本支出\t10\t一、财政拨款\t12.5",
        "\t二、项目支出\t2.5\t二、其他资金\t",
        "总体绩效 目标\t<p>1. 稳就业。</p> <p>2. 保民生。</p>\t\t\t",
        "年度重点工作任务\t名称\t主要实施内容\t拟投入的资金(万元)\t期望达到的目标(概述)",
        "\t就业补助\t发放补贴\t2.5\t补贴到位",
        "",
        "\t\t（续）\t\t",
        "绩效指标\t一级指标\t二级指标\t三级指标\t指标解释\t指标值",
        "\t产出指标\t数量指标\t补贴人数\t享受补贴人数\t≥100人",
        "\t\t质量指标\t发放准确率\t准确发放/应发放\t100%",
        "\t满意度指标\t服务对象满意度指标\t群众满意度\t满意人数/总人数\t≥90%",
    ]
)
OUTLINE = "\n".join(
    [
        "1 2023年某县部门整体预算绩效目标表: ",
        "1.1 部门名称: 某县人社局, ",
        "1.2 基本信息: ",
        "1.2.1 财政供养人员数: 12, ",
        "1.2.2 下属二级单位数: 1, ",
        "1.3 预算整体情况: ",
        "1.3.1 部门预算支出: 一、基本支出, 二、项目支出, ",
        "1.3.2 预算金额（万元）: 10, 2.5, ",
        "1.3.3 收入来源: 一、财政拨款, 二、其他资金, ",
        "1.3.4 预算金额（万元）: 12.5, None, ",
        "1.4 总体绩效目标: 目标1：稳就业。目标2：保民生。, ",
        "1.5 年度重点工作任务: ",
        "1.5.1 名称: 就业补助, ",
        "1.5.2 主要实施内容: 发放补贴（续）, ",
        "1.5.3 拟投入的资金（万元）: 2.5, ",
        "1.5.4 期望达到的目标（概述）: 补贴到位, ",
        "1.6 其他需完成的任务（可选填）: None, ",
        "1.7 绩效指标: ",
        "1.7.1 一级指标: 产出指标, 产出指标, 满意度指标, ",
        "1.7.2 二级指标: 数量指标, 质量指标, 服务对象满意度指标, ",
        "1.7.3 三级指标: 补贴人数, 发放准确率, 群众满意度, ",
        "1.7.4 指标解释: 享受补贴人数, 准确发放/应发放, 满意人数/总人数, ",
        "1.7.5 指标值: ≥100人, 100%, ≥90%, ",
    ]
)


def test_one_template_in_two_forms_gives_one_snapshot() -> None:
    """The grouping is provable here (as many 一级指标 and 二级指标 cells as rows), so nothing is lost."""
    grid = LAYOUT.parse(read_text(GRID.encode("utf-8")))
    outline = LAYOUT.parse(read_text(OUTLINE.encode("utf-8")))
    assert grid.model_dump() == outline.model_dump()
    assert grid.fiscal_year == 2023 and grid.warnings == []
    assert [(i.level1, i.level2, i.name) for i in grid.indicators] == [
        ("产出指标", "数量指标", "补贴人数"),
        ("产出指标", "质量指标", "发放准确率"),
        ("满意度指标", "服务对象满意度指标", "群众满意度"),
    ]
    assert grid.key_tasks[0].content == "发放补贴(续)"  # the continuation row after the page break


# --- rules, one at a time -------------------------------------------------------------------------------------


def test_budget_lines_nesting_rules() -> None:
    entries = [
        BudgetEntry("合计", "100"),
        BudgetEntry("其中:政府采 购", "1"),
        BudgetEntry("一、基本支出", "40"),
        BudgetEntry("二、项目支出", "60"),
        BudgetEntry("其中:甲类", "20"),
        BudgetEntry("乙类", "40"),
        BudgetEntry("按级次划分", "预算金额（万元）"),
        BudgetEntry("本级", ""),
        BudgetEntry("三、其他", "0"),
    ]
    warnings: list[ParseWarning] = []
    lines = budget_lines(entries, "部门预算支出", warnings)
    assert [(item.name, [c.name for c in item.children]) for item in lines] == [
        ("合计", ["其中:政府采购"]),
        ("一、基本支出", []),
        ("二、项目支出", ["其中:甲类", "乙类"]),
        ("按级次划分", ["本级"]),
        ("三、其他", []),
    ]
    assert lines[3].amount is None and lines[3].children[0].amount is None
    assert warnings == []


def test_an_unreadable_amount_is_reported_not_guessed() -> None:
    warnings: list[ParseWarning] = []
    lines = budget_lines([BudgetEntry("一、基本支出", "约四十")], "部门预算支出", warnings)
    assert lines[0].amount is None
    assert codes(warnings) == ["unreadable-amount"] and "一、基本支出" in warnings[0].where


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["<p>1. 甲。</p> <p>2. 乙。</p>", "<p>3. 丙。</p>"], [("1", "甲。"), ("2", "乙。"), ("3", "丙。")]),
        (["目标1：甲。目标2：乙，目标任务。"], [("1", "甲。"), ("2", "乙，目标任务。")]),
        (["完成目标2：不是编号。"], [("1", "完成目标2:不是编号。")]),  # markers must count up from 1
        (["稳就业", "保民生"], [("1", "稳就业"), ("2", "保民生")]),
        (["2024年实现就业目标。"], [("1", "2024年实现就业目标。")]),  # a year is not a goal number
        ([""], []),
    ],
)
def test_goal_numbering(texts: list[str], expected: list[tuple[str, str]]) -> None:
    assert [(goal.key, goal.text) for goal in goals(texts)] == expected


def _groups(*cells: str) -> OutlineItem:
    return OutlineItem(number="1.7.2", key="二级指标", cells=cells)


NAMES = OutlineItem(number="1.7.3", key="三级指标", cells=("a", "b", "c"))


@pytest.mark.parametrize(
    ("groups", "expected", "lost"),
    [
        (_groups("产出指标"), ["产出指标"] * 3, False),  # one group covers every row
        (
            _groups("数量", "质量", "时效"),
            ["数量", "质量", "时效"],
            False,
        ),  # as many groups as rows: one each
        (_groups("数量", "质量"), [None] * 3, True),  # two groups over three rows: 2+1 or 1+2, unknown
        (_groups("数量", "", "时效"), [None] * 3, True),  # an empty cell: merged or blank? unknown
        (_groups(), [None] * 3, False),  # nothing listed: nothing lost
        (None, [None] * 3, False),
    ],
)
def test_grouping_is_kept_only_where_provable(
    groups: OutlineItem | None, expected: list[str | None], lost: bool
) -> None:
    warnings: list[ParseWarning] = []
    assert provable_levels(groups, 3, NAMES, warnings) == expected
    assert codes(warnings) == (["indicator-grouping-lost"] if lost else [])


@pytest.mark.parametrize(
    ("head", "tail", "joined"),
    [
        ("职业年金征", "收金额进度", "职业年金征收金额进度"),
        ("地方承担", "35%)", "地方承担35%)"),
        ("2024", "2025", "2024 2025"),
        ("", "x", "x"),
    ],
)
def test_join_wrapped(head: str, tail: str, joined: str) -> None:
    assert join_wrapped(head, tail) == joined


@pytest.mark.parametrize(
    ("name", "value", "flagged"),
    [
        ("补贴发放准确率", "1", True),
        ("覆盖率", "0.95", True),
        ("人数比例", "1", True),
        ("仲裁案件被撤销和不予执行率", "0", False),  # 0 and 0% are the same target
        ("补贴发放准确率", "100%", False),
        ("补贴人数", "1", False),  # not a rate
        ("覆盖率", "≥1", False),  # not a bare number
    ],
)
def test_rate_as_fraction_rule(name: str, value: str, flagged: bool) -> None:
    text = OUTLINE.replace("补贴人数, 发放准确率", f"补贴人数, {name}").replace(
        "≥100人, 100%", f"≥100人, {value}"
    )
    snapshot = LAYOUT.parse(read_text(text.encode("utf-8")))
    assert snapshot.indicators[1].value.raw == value
    assert codes(snapshot.warnings) == (["rate-as-fraction"] if flagged else [])


def test_outline_columns_of_unequal_length_are_reported() -> None:
    text = OUTLINE.replace("1.7.5 指标值: ≥100人, 100%, ≥90%, ", "1.7.5 指标值: ≥100人, ")
    snapshot = LAYOUT.parse(read_text(text.encode("utf-8")))
    assert "column-length-mismatch" in codes(snapshot.warnings)
    assert [i.name for i in snapshot.indicators] == ["补贴人数"]  # the second row has no value: a placeholder
    assert "placeholder-indicator" in codes(snapshot.warnings)


def test_unstructured_optional_tasks_are_kept_as_names() -> None:
    text = OUTLINE.replace(
        "1.6 其他需完成的任务（可选填）: None, ", "1.6 其他需完成的任务（可选填）: 档案数字化, "
    )
    snapshot = LAYOUT.parse(read_text(text.encode("utf-8")))
    assert [(t.name, t.optional) for t in snapshot.key_tasks][-1] == ("档案数字化", True)
    assert "unstructured-tasks" in codes(snapshot.warnings)


def test_a_missing_part_is_reported() -> None:
    text = "\n".join(
        line
        for line in GRID.split("\n")
        if not line.startswith(("年度重点工作任务", "\t就业补助", "\t\t（续）"))
    )
    snapshot = LAYOUT.parse(read_text(text.encode("utf-8")))
    assert snapshot.key_tasks == []
    assert [(w.code, w.where) for w in snapshot.warnings] == [("missing-section", "年度重点工作任务")]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [("2023年某县", "某县", "budget year"), ("部门名称\t某县人社局", "部门名称\t", "部门名称")],
)
def test_no_year_or_no_department_is_a_parse_error(old: str, new: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        LAYOUT.parse(read_text(GRID.replace(old, new).encode("utf-8")))


# --- untrusted input ------------------------------------------------------------------------------------------

_FRAGMENTS = [
    *GRID.split("\n"),
    "\t\t\t\t",
    "\t\t\t指标 5:\t\t",
    "\t\t\t\t续行\t",
    "其他需完成的任务\t甲\t乙\t1\t丙",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=25), st.lists(st.text(max_size=6), max_size=8))
def test_any_mix_of_template_rows_gives_a_snapshot_or_a_parse_error(
    fragments: list[str], noise: list[str]
) -> None:
    rows = tuple(tuple(fragment.split("\t")) for fragment in fragments + ["\t".join(noise)])
    document = Document(blocks=(Table(rows=rows),), form="tab-rows")
    try:
        snapshot = LAYOUT.parse(document)
    except ParseError:
        return
    assert isinstance(snapshot, Snapshot)


_ITEMS = list(next(read_text(OUTLINE.encode("utf-8")).tables()).rows)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(_ITEMS), max_size=25),
    st.lists(
        st.lists(
            st.sampled_from(["", "None", "1", "≥9%", "目标1：甲", "预算金额（万元）", "x, y"]), max_size=5
        )
    ),
)
def test_any_mix_of_outline_items_gives_a_snapshot_or_a_parse_error(
    items: list[tuple[str, ...]], extra_cells: list[list[str]]
) -> None:
    rows = tuple(
        item + tuple(cells) for item, cells in zip(items, extra_cells + [[]] * len(items), strict=False)
    )
    document = Document(blocks=(Table(rows=rows),), form="outline")
    try:
        snapshot = LAYOUT.parse(document)
    except ParseError:
        return
    assert isinstance(snapshot, Snapshot)


# --- the template's end: a cut-off publication says so ------------------------------------------------------


def _cut_grid(lines: int) -> bytes:
    return "\n".join(GRID.split("\n")[:lines]).encode("utf-8")


@pytest.mark.parametrize(
    ("kept_lines", "missing"),
    [
        (8, "the 绩效指标 table"),  # stops in 年度重点工作任务
        (12, "every indicator row"),  # the 绩效指标 header only
        (14, "through its last group 满意度指标"),  # 产出指标 rows only
    ],
)
def test_a_grid_cut_before_the_templates_end_is_truncated(kept_lines: int, missing: str) -> None:
    snapshot = LAYOUT.parse(read_text(_cut_grid(kept_lines)))
    truncated = [w for w in snapshot.warnings if w.code == "truncated"]
    assert len(truncated) == 1 and missing in truncated[0].message


def test_a_grid_cut_inside_its_last_row_is_truncated() -> None:
    text = GRID.rsplit("\t", 1)[0]  # the last row without its 指标值
    snapshot = LAYOUT.parse(read_text(text.encode("utf-8")))
    assert any(w.code == "truncated" and "指标值" in w.message for w in snapshot.warnings)


def test_a_placeholder_last_row_is_not_a_cut() -> None:
    snapshot = LAYOUT.parse(read_text((GRID + "\n\t\t\t指标 5:\t\t").encode("utf-8")))
    assert "truncated" not in codes(snapshot.warnings)


@pytest.mark.parametrize(
    ("cut_at", "missing"),
    [
        ("1.7 绩效指标", "the 绩效指标 table"),
        ("1.7.3 三级指标", "the 三级指标 or 指标值 column"),
        ("1.7.5 指标值", "the 三级指标 or 指标值 column"),
        ("≥90%, ", "1 of the 3 values of 1.7.5 指标值"),
    ],
)
def test_an_outline_cut_before_its_last_value_is_truncated(cut_at: str, missing: str) -> None:
    text = OUTLINE[: OUTLINE.index(cut_at)]
    snapshot = LAYOUT.parse(read_text(text.encode("utf-8")))
    truncated = [w for w in snapshot.warnings if w.code == "truncated"]
    assert len(truncated) == 1 and missing in truncated[0].message


def test_an_outline_whose_groups_stop_before_satisfaction_is_truncated() -> None:
    text = OUTLINE.replace("产出指标, 产出指标, 满意度指标, ", "产出指标, 产出指标, ")
    snapshot = LAYOUT.parse(read_text(text.encode("utf-8")))
    assert any(w.code == "truncated" and "满意度指标" in w.message for w in snapshot.warnings)


def test_a_grid_cut_after_the_group_cells_of_its_last_row_is_truncated() -> None:
    text = GRID + "\n\t\t服"  # a new row of the 满意度指标 group, cut inside its 二级指标 cell
    snapshot = LAYOUT.parse(read_text(text.encode("utf-8")))
    assert any(w.code == "truncated" and "inside the row" in w.message for w in snapshot.warnings)
