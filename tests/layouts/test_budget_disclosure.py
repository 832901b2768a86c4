"""The Hebei 部门预算公开 layout against the Haigang 2024 seed (秦皇岛市海港区人力资源和社会保障局, code 323).

Checked by hand against ``samples/seeds/haigang-hrss-2024-budget.txt`` (line numbers of that file):

* 收支总表 (l. 1–224): 一般公共预算拨款收入 2491.84, 国有资本经营预算拨款收入 758.00, 本年收入合计 3249.84 (l. 210),
  本年支出合计 4078.23 (l. 212), 上年结转结余 828.39 (l. 216), 年终结转结余 blank, 收入总计 = 支出总计 = 4078.23
  (l. 222, 224).
* 支出总表 合计 row (l. 784–786): 4078.23 | 基本支出 1945.84 | 项目支出 2132.39.
* 收入总表 2080799 其他就业补助支出 (l. 550–561): 合计 70.39, 本年收入 blank, 上年结转 70.39 in the last column;
  支出总表 2080799 (l. 982–986): 70.39, all 项目支出.
* 财政拨款收支总表: 年初财政拨款结转和结余 828.39 = 一般公共预算拨款 70.39 + 国有资本经营预算拨款 758.00.
* 基本支出表 合计 (l. 1755–1757): 1945.84 = 人员经费 1813.92 + 公用经费 131.92; 三公经费表 小计 7.85 (l. 2071),
  公务用车运行维护费 6.76, 公务接待费 1.09.
* 情况说明 l. 2173: 机关运行经费共计安排131.92万元; l. 5045: 固定资产金额为393.70万元 (table l. 5059 agrees).
* 政府采购 合计 117.75 (l. 4709): 本级 89.25 + 社会保险事业所 14.00 + 就业服务中心 14.50.
* Project 22 (l. 4352–4360): 13030223P00MN0M10193J, 秦财社[2022]794-…, 预算数 40.39; the two 区直机关事业单位离休人员养老金
  are 13030224P00308P12125P (100.00, l. 3825) and 13030224P00308P12378G (200.00, l. 3934).

The seed states no unit codes (units come from the 机构设置 table) and no staff count; both stay null.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from ledger.layouts import choose_layout
from ledger.layouts.budget_disclosure import HebeiBudgetDisclosureLayout
from ledger.model import FunctionLine, Snapshot
from ledger.readers import read_document
from ledger.readers.document import Document, Paragraph, Table

SEEDS = Path(__file__).resolve().parents[2] / "samples" / "seeds"
HAIGANG = SEEDS / "haigang-hrss-2024-budget.txt"
LAYOUT = HebeiBudgetDisclosureLayout()


@pytest.fixture(scope="module")
def document() -> Document:
    return read_document(HAIGANG.read_bytes(), HAIGANG.name)


@pytest.fixture(scope="module")
def snapshot(document: Document) -> Snapshot:
    return LAYOUT.parse(document)


def D(text: str | int) -> Decimal:
    return Decimal(text)


# --- detection ------------------------------------------------------------------------------------------------------


def test_the_seed_is_read_by_this_layout(document: Document) -> None:
    assert choose_layout(document).name == "hebei-budget-disclosure"


@pytest.mark.parametrize(
    "seed",
    sorted(p.name for p in SEEDS.glob("*.txt") if p != HAIGANG),
)
def test_target_publications_are_not_claimed(seed: str) -> None:
    other = read_document((SEEDS / seed).read_bytes(), seed)
    assert LAYOUT.detect(other) == 0


# --- department, units, basic info ----------------------------------------------------------------------------------


def test_department_year_and_kind(snapshot: Snapshot) -> None:
    assert snapshot.department.name == "秦皇岛市海港区人力资源和社会保障局"
    assert snapshot.department.code == "323"
    assert snapshot.fiscal_year == 2024
    assert snapshot.document_kind == "budget-disclosure"


def test_units_from_the_organisation_table(snapshot: Snapshot) -> None:
    assert [(u.code, u.name) for u in snapshot.units] == [
        (None, "秦皇岛市海港区人力资源和社会保障局本级"),
        (None, "秦皇岛市海港区社会保险事业所"),
        (None, "秦皇岛市海港区就业服务中心"),
    ]


def test_staff_count_is_not_invented(snapshot: Snapshot) -> None:
    assert snapshot.basic_info.staff_count is None


# --- accounts: headline figures -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("income_total", D("4078.23")),
        ("expenditure_total", D("4078.23")),
        ("current_year_income", D("3249.84")),
        ("current_year_expenditure", D("4078.23")),
        ("carry_over", D("828.39")),
        ("carry_forward", None),  # 年终结转结余: blank in the source
        ("basic_expenditure", D("1945.84")),
        ("project_expenditure", D("2132.39")),
        ("operating_costs", D("131.92")),
        ("government_procurement", D("117.75")),
    ],
)
def test_headline_figures(snapshot: Snapshot, field: str, expected: Decimal | None) -> None:
    assert snapshot.accounts is not None
    assert getattr(snapshot.accounts, field) == expected


def test_income_and_expenditure_lines_of_the_statement(snapshot: Snapshot) -> None:
    accounts = snapshot.accounts
    assert accounts is not None
    income = {line.name: line.amount for line in accounts.income_lines}
    assert income == {
        "一般公共预算拨款收入": D("2491.84"),
        "政府性基金预算拨款收入": None,
        "国有资本经营预算拨款收入": D("758.00"),
        "财政专户管理资金收入": None,
        "单位资金": None,
    }
    spent = {line.name: line.amount for line in accounts.expenditure_lines if line.amount is not None}
    assert spent == {
        "社会保障和就业支出": D("2320.28"),
        "卫生健康支出": D("122.62"),
        "住房保障支出": D("119.33"),
        "国有资本经营预算支出": D("1516.00"),
    }
    assert len(accounts.expenditure_lines) == 31


def test_budget_overview_nests_the_splits(snapshot: Snapshot) -> None:
    overview = snapshot.budget_overview
    income = {line.name: (line.amount, {c.name: c.amount for c in line.children}) for line in overview.income}
    assert income == {
        "本年收入": (
            D("3249.84"),
            {"一般公共预算拨款收入": D("2491.84"), "国有资本经营预算拨款收入": D("758")},
        ),
        "上年结转结余": (D("828.39"), {"一般公共预算拨款": D("70.39"), "国有资本经营预算拨款": D("758")}),
    }
    spent = {
        line.name: (line.amount, {c.name: c.amount for c in line.children}) for line in overview.expenditure
    }
    assert spent == {
        "基本支出": (D("1945.84"), {"人员经费": D("1813.92"), "公用经费": D("131.92")}),
        "项目支出": (D("2132.39"), {}),
    }


# --- accounts: function and economic lines ---------------------------------------------------------------------------


def _by_code(lines: list[FunctionLine]) -> dict[str, FunctionLine]:
    return {line.code: line for line in lines}


def test_function_lines_with_carry_over_matched_by_code(snapshot: Snapshot) -> None:
    assert snapshot.accounts is not None
    lines = _by_code(snapshot.accounts.function_lines)
    assert len(lines) == 33
    assert lines["2080101"] == FunctionLine(
        code="2080101", name="行政运行", total=D("279.52"), basic=D("279.52"), project=None, carry_over=None
    )
    assert lines["2080106"].basic == D("528.21") and lines["2080106"].project == D("52.00")
    carried = {code: line.carry_over for code, line in lines.items() if line.carry_over is not None}
    assert carried == {
        "208": D("70.39"),
        "20807": D("70.39"),
        "2080799": D("70.39"),
        "223": D("758.00"),
        "22301": D("758.00"),
        "2230105": D("758.00"),
    }


def test_fiscal_function_lines_are_the_general_budget_table(snapshot: Snapshot) -> None:
    assert snapshot.accounts is not None
    lines = _by_code(snapshot.accounts.fiscal_function_lines)
    assert len(lines) == 30 and "223" not in lines  # 国有资本经营 money is not 一般公共预算
    assert sum((lines[c].total or D("0") for c in ("208", "210", "221")), D("0")) == D("2562.23")


def test_economic_lines_of_basic_expenditure(snapshot: Snapshot) -> None:
    assert snapshot.accounts is not None
    lines = {line.code: line for line in snapshot.accounts.economic_lines}
    assert len(lines) == 28
    assert (lines["30101"].name, lines["30101"].total, lines["30101"].personnel) == (
        "基本工资",
        D("386.36"),
        D("386.36"),
    )
    assert (lines["30217"].name, lines["30217"].public) == ("公务接待费", D("1.09"))
    top = [line for code, line in lines.items() if len(code) == 3]
    assert sum((line.personnel or D(0) for line in top), D(0)) == D("1813.92")
    assert sum((line.public or D(0) for line in top), D(0)) == D("131.92")


# --- accounts: 三公, procurement, assets -------------------------------------------------------------------------------


def test_three_public_as_the_table_names_them(snapshot: Snapshot) -> None:
    assert snapshot.accounts is not None
    assert snapshot.accounts.three_public == {
        "“三公”经费小计": D("7.85"),
        "因公出国（境）费": D("0"),
        "教学科研人员因公出国（境）费": D("0"),
        "其他因公出国（境）费": D("0"),
        "公务用车购置及运维费": D("6.76"),
        "公务用车购置费": D("0"),
        "公务用车运行维护费": D("6.76"),
        "公务接待费": D("1.09"),
    }


def test_procurement_by_unit(snapshot: Snapshot) -> None:
    assert snapshot.accounts is not None
    units = snapshot.accounts.procurement_lines
    assert [(u.name, u.amount, len(u.children)) for u in units] == [
        ("秦皇岛市海港区人力资源和社会保障局本级", D("89.25"), 11),
        ("秦皇岛市海港区社会保险事业所", D("14.00"), 3),
        ("秦皇岛市海港区就业服务中心", D("14.50"), 3),
    ]
    toner = units[1].children[1]
    assert (toner.name, toner.code, toner.amount) == (
        "养老保险各险种经办业务费：其他硒鼓、粉盒",
        "A05040299",
        D("1.50"),
    )


def test_assets_nested_as_numbered(snapshot: Snapshot) -> None:
    assert snapshot.accounts is not None
    [root] = snapshot.accounts.assets
    assert (root.name, root.amount) == ("资产总额", D("393.70"))
    assert [(c.name, c.amount) for c in root.children] == [
        ("房屋（平方米）", D("0")),
        ("车辆（台、辆）", D("58.92")),
        ("单价在20万元以上的设备", D("0")),
        ("其他固定资产", D("334.78")),
    ]
    assert [c.name for c in root.children[0].children] == ["办公用房（平方米）"]


# --- reconciliation, recomputed here independently of the parser ---------------------------------------------------


def test_totals_reconcile(snapshot: Snapshot) -> None:
    accounts = snapshot.accounts
    assert accounts is not None
    assert accounts.income_total == accounts.expenditure_total
    assert accounts.current_year_income is not None and accounts.carry_over is not None
    assert accounts.current_year_income + accounts.carry_over == accounts.income_total
    assert accounts.basic_expenditure is not None and accounts.project_expenditure is not None
    assert accounts.basic_expenditure + accounts.project_expenditure == accounts.current_year_expenditure
    assert sum((line.amount or D(0) for line in accounts.income_lines), D(0)) == accounts.current_year_income


@pytest.mark.parametrize("which", ["function_lines", "fiscal_function_lines"])
def test_function_line_children_sum_to_parents(snapshot: Snapshot, which: str) -> None:
    assert snapshot.accounts is not None
    lines: list[FunctionLine] = getattr(snapshot.accounts, which)
    parents = {line.code for line in lines if len(line.code) < 7}
    for parent in parents:
        children = [line for line in lines if line.code[:-2] == parent and len(line.code) == len(parent) + 2]
        assert children, parent
        for field in ("total", "basic", "project", "carry_over"):
            expected = getattr(_by_code(lines)[parent], field) or D(0)
            assert sum((getattr(c, field) or D(0) for c in children), D(0)) == expected, (parent, field)


def test_basic_plus_project_is_the_total_on_every_line(snapshot: Snapshot) -> None:
    assert snapshot.accounts is not None
    for line in snapshot.accounts.function_lines + snapshot.accounts.fiscal_function_lines:
        assert (line.basic or D(0)) + (line.project or D(0)) == line.total, line.code
    for economic in snapshot.accounts.economic_lines:
        assert (economic.personnel or D(0)) + (economic.public or D(0)) == economic.total, economic.code


def test_the_source_reconciles_so_no_totals_warnings(snapshot: Snapshot) -> None:
    assert [w.code for w in snapshot.warnings] == ["indicator-without-value"]


# --- goals, indicators, projects, notices ---------------------------------------------------------------------------


def test_department_goals(snapshot: Snapshot) -> None:
    keys = [goal.key for goal in snapshot.goals]
    assert keys == ["总体", "分项1", "分项2", "分项3", "分项4", "分项5", "分项6"]
    assert snapshot.goals[0].text.startswith("负责全区人力资源和社会保障工作。")
    assert snapshot.goals[1].text == "办公室\n综合协调机关重要政务、事务。"
    assert snapshot.goals[6].text.startswith("劳动监察与调解仲裁工作\n拟订全区劳动保障监察工作制度。")


def test_department_indicators_are_duties_without_values(snapshot: Snapshot) -> None:
    indicators = snapshot.indicators
    assert len(indicators) == 11 + 7 + 2 + 5 + 7 + 3
    assert indicators[0].name == "负责督办工作。"
    assert indicators[-1].name.startswith("负责系统行政执法监督工作。")
    assert all(i.value.raw == "" and i.level1 is None for i in indicators)
    [warning] = [w for w in snapshot.warnings if w.code == "indicator-without-value"]
    assert "35" in warning.message


def test_projects_add_up_to_project_expenditure(snapshot: Snapshot) -> None:
    assert snapshot.accounts is not None
    assert len(snapshot.projects) == 24
    assert sum((p.amount or D(0) for p in snapshot.projects), D(0)) == snapshot.accounts.project_expenditure


def test_projects_coded_for_2023_are_the_carry_over(snapshot: Snapshot) -> None:
    assert snapshot.accounts is not None
    carried = [p for p in snapshot.projects if p.code and p.code[6:9] == "23P"]
    assert [(p.code, p.amount) for p in carried] == [
        ("13030223P00MN0M10196D", D("648.60")),
        ("13030223P00MN0M10195R", D("109.40")),
        ("13030223P00JD2G11017G", D("30.00")),
        ("13030223P00MN0M10193J", D("40.39")),
    ]
    assert sum((p.amount or D(0) for p in carried), D(0)) == snapshot.accounts.carry_over


def test_same_named_projects_are_both_kept(snapshot: Snapshot) -> None:
    pensions = [(p.code, p.amount) for p in snapshot.projects if p.name == "区直机关事业单位离休人员养老金"]
    assert pensions == [("13030224P00308P12125P", D("100.00")), ("13030224P00308P12378G", D("200.00"))]


def test_project_titled_by_a_notice_carries_it(snapshot: Snapshot) -> None:
    project = snapshot.projects[11]
    assert (
        project.name
        == "秦财企[2022]692-关于提前下达2023年国有企业退休人员社会化管理中央财政补助资金预算的通知"
    )
    assert project.notices == ["秦财企[2022]692号"]
    assert project.spending_plan == {"03": D(25), "06": D(50), "10": D(75), "12": D(100)}
    assert [p.notices for p in snapshot.projects[:11]] == [[]] * 11


def test_notices_of_the_whole_text(snapshot: Snapshot) -> None:
    assert [n.ref for n in snapshot.notices] == [
        "秦财企[2022]692号",
        "秦财企[2022]694号",
        "秦财企[2023]649号",
        "秦财企[2023]750号",
        "秦财社[2023]739号",
        "秦财社[2023]377号",
        "秦财社[2022]794号",
    ]


# --- a source that does not add up is kept as printed, with a warning ------------------------------------------------


def _edited(document: Document, caption: str, row_key: str, old: str, new: str, nth: int = 0) -> Document:
    """The document with one cell changed: in the table under ``caption``, in the row holding ``row_key``, the
    ``nth`` cell reading ``old``."""
    blocks = list(document.blocks)
    armed = False
    for index, block in enumerate(blocks):
        if isinstance(block, Paragraph):
            armed = armed or caption in block.text
            continue
        if not armed:
            continue
        rows = [list(row) for row in block.rows]
        row = next(r for r in rows if row_key in r)
        row[[i for i, cell in enumerate(row) if cell == old][nth]] = new
        blocks[index] = Table(rows=tuple(tuple(r) for r in rows))
        return replace(document, blocks=tuple(blocks))
    raise AssertionError(f"no table under {caption!r}")


def _messages(snapshot: Snapshot, code: str) -> list[str]:
    return [f"{w.where}: {w.message}" for w in snapshot.warnings if w.code == code]


Edit = tuple[str, str, str, str] | tuple[str, str, str, str, int]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        pytest.param(
            ("部门预算支出总表", "2080101", "279.52", "279.50"),
            [
                "部门预算支出总表: 2080101 合计 = 基本支出 + 项目支出 + 经营支出 + 上解上级支出 + 对附属单位补助支出: "
                "279.50 ≠ 279.52",
                "部门预算支出总表: 20801 合计 = sum of its sub-subjects: 1641.90 ≠ 1641.88",
                "部门预算收入总表: 2080101 合计 = its 合计 in the 支出总表: 279.52 ≠ 279.50",
            ],
            id="function-line-total",
        ),
        pytest.param(
            ("部门预算收支总表", "收入总计", "4078.23", "4078.24"),
            [
                "收入总计 = 支出总计: 4078.24 ≠ 4078.23",
                "收入总计 = 本年收入合计 + 上年结转结余: 4078.24 ≠ 4078.23",
                "部门预算收入总表: 合计 = the 收支总表 收入总计: 4078.23 ≠ 4078.24",
            ],
            id="statement-total",
        ),
        pytest.param(
            ("一般公共预算财政拨款基本支出表", "30101", "386.36", "386.00"),
            ["30101 合计 = 人员经费 + 公用经费: 386.00 ≠ 386.36", "301 合计 = sum of its sub-subjects"],
            id="economic-line",
        ),
        pytest.param(
            ("三公", "三、公务接待费", "1.09", "1.19"),
            ["“三公”经费小计 = sum of its items: 7.85 ≠ 7.95"],
            id="three-public",
        ),
        pytest.param(
            ("24、再就业资金绩效目标表", "预算规模及资金用途", "50.00", "51.00"),
            ["项目支出 = sum of the 项目绩效目标表 预算数: 2132.39 ≠ 2133.39"],
            id="projects",
        ),
        pytest.param(
            ("部门政府采购预算", "基金审计经费", "3.00", "4.00", 1),  # the 合计 cell, after 预算资金
            ["秦皇岛市海港区人力资源和社会保障局本级小计 = sum of its items: 89.25 ≠ 90.25"],
            id="procurement",
        ),
    ],
)
def test_a_sum_that_does_not_add_up_is_warned_about(
    document: Document, edit: Edit, expected: list[str]
) -> None:
    parsed = LAYOUT.parse(_edited(document, *edit))
    messages = _messages(parsed, "totals-mismatch")
    for wanted in expected:
        assert any(wanted in message for message in messages), (wanted, messages)


def test_the_printed_number_is_kept_when_it_does_not_add_up(document: Document) -> None:
    parsed = LAYOUT.parse(_edited(document, "部门预算支出总表", "2080101", "279.52", "279.50"))
    assert parsed.accounts is not None
    assert _by_code(parsed.accounts.function_lines)["2080101"].total == D("279.50")


def test_an_unreadable_cell_is_a_warning_not_a_zero(document: Document) -> None:
    parsed = LAYOUT.parse(_edited(document, "基本支出表", "30101", "386.36", "三八六"))
    assert parsed.accounts is not None
    line = next(line for line in parsed.accounts.economic_lines if line.code == "30101")
    assert line.total is None
    assert any("30101" in m and "三八六" in m for m in _messages(parsed, "unreadable-amount"))


def test_a_document_without_accounts_tables_is_not_a_disclosure() -> None:
    plain = Document(blocks=(Paragraph("部门预算收支总表"), Table(rows=(("a", "b"),))), form="cells-per-line")
    assert LAYOUT.detect(plain) == 0


def test_a_narrative_total_that_disagrees_with_its_table_is_warned_about(document: Document) -> None:
    blocks = tuple(
        Paragraph(b.text.replace("预算安排7.85万元", "预算安排7.95万元")) if isinstance(b, Paragraph) else b
        for b in document.blocks
    )
    parsed = LAYOUT.parse(replace(document, blocks=blocks))
    assert any(
        "三公经费 stated in the 情况说明" in m and "7.95 ≠ 7.85" in m
        for m in _messages(parsed, "totals-mismatch")
    )


def test_the_tables_without_the_narrative_are_a_tables_file(document: Document) -> None:
    cut = next(i for i, b in enumerate(document.blocks) if isinstance(b, Paragraph) and "第一部分" in b.text)
    parsed = LAYOUT.parse(replace(document, blocks=document.blocks[:cut]))
    assert parsed.document_kind == "budget-tables"
    assert parsed.accounts is not None and parsed.accounts.carry_over == D("828.39")
    assert parsed.projects == [] and parsed.goals == [] and parsed.accounts.operating_costs is None
    assert _messages(parsed, "truncated") == []


def test_a_tables_file_cut_inside_the_three_public_table_is_truncated(document: Document) -> None:
    """Cut before the 三公经费支出表's last line, a tables-only file would otherwise look whole (and smaller)."""
    end = next(i for i, b in enumerate(document.blocks) if isinstance(b, Paragraph) and "第一部分" in b.text)
    last = document.blocks[end - 1]
    assert isinstance(last, Table) and last.rows[-1][1] == "三、公务接待费"
    cut = replace(last, rows=last.rows[:-1])
    parsed = LAYOUT.parse(replace(document, blocks=(*document.blocks[: end - 1], cut)))
    assert parsed.document_kind == "budget-tables"
    (message,) = _messages(parsed, "truncated")
    assert (
        "stops inside the table 部门预算财政拨款“三公”经费支出表, before its last line 公务接待费" in message
    )


def test_project_tables_for_part_of_the_project_expenditure_are_not_a_mismatch(document: Document) -> None:
    parsed = LAYOUT.parse(
        _edited(document, "24、再就业资金绩效目标表", "预算规模及资金用途", "50.00", "49.00")
    )
    assert _messages(parsed, "totals-mismatch") == []
