"""Reading the claims of a budget explanation (预算情况说明): real sentences copied from the Jiangsu corpus and the
Haigang seed, so these run anywhere."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledger.layouts.claims import flat, read_statements, resolve, statements_in, subject_path, target_of
from ledger.model import Accounts, BudgetOverview, Department, FunctionLine, Line, Snapshot
from ledger.readers.document import Block, Paragraph, Table

D = Decimal

#: (sentence as printed, subject, amount, direction, delta, percent, reason start, target)
SENTENCES = [
    (
        # 江苏省政协办公厅2019年度部门预算.pdf p. 9
        "江苏省政协办公厅 2019 年度收入、支出预算总计 13,377.11 万元，与上年相比收、支预算总计各增加 3,226.63 万元，"
        "增长 31.79%。主要原因是政策性增资、住房公积金和提租补贴调整、项目经费增加、预留机动经费增加等。",
        "收入、支出预算总计",
        "13377.11",
        "increase",
        "3226.63",
        "31.79",
        "政策性增资",
        "accounts.income_total",
    ),
    (
        # the same, p. 13–14: the sentence runs over the page break ("与 - 13 - 上年相比" in a text extraction)
        "2.住房改革支出（款）提租补贴（项）1,754.17 万元，与 - 13 - 上年相比增加 646.57 万元，增长 58.38%。"
        "主要原因是提租补贴基数调整，支出增加。",
        "住房改革支出（款）提租补贴（项）",
        "1754.17",
        "increase",
        "646.57",
        "58.38",
        "提租补贴基数调整",
        "function:住房改革支出/提租补贴",
    ),
    (
        # 江苏省政协办公厅2019, p. 13: 减少 split over a line break
        "4.政协事务（款）委员视察（项）426 万元，与上年相比减\n少 3.3 万元，下降 0.77%。主要原因是省政协委员人数减少，支出减少。",
        "政协事务（款）委员视察（项）",
        "426",
        "decrease",
        "-3.3",
        "-0.77",
        "省政协委员人数减少",
        "function:政协事务/委员视察",
    ),
    (
        # 江苏省政协办公厅2019, p. 10: the figure is in the sentence before the comparison
        "1.一般公共服务（类）支出 10,271.56 万元，主要用于单位行政运行、一般行政管理事务、政协会议和委员视察等。与上年"
        "相比增加 2,444.1 万元，增长 31.22%。主要原因是政策性增资、项目支出增加、预留机动中其他工资福利支出增加等。",
        "一般公共服务（类）支出",
        "10271.56",
        "increase",
        "2444.1",
        "31.22",
        "政策性增资",
        "expenditure_lines:一般公共服务支出",
    ),
    (
        # 江苏省政协办公厅2019, p. 16: 比上年预算, no percentage
        "3.公务接待费预算支出 397.5 万元，比上年预算减少 15 万元，主要原因是厉行节约、压缩支出。",
        "公务接待费预算支出",
        "397.5",
        "decrease",
        "-15",
        None,
        "厉行节约",
        "three_public.公务接待费",
    ),
    (
        # 江苏省政协办公厅2019, p. 16: 会议费 of 一般公共预算拨款 is 会议费, not the 一般公共预算 total
        "江苏省政协办公厅 2019 年度一般公共预算拨款安排的会议费预算支出 1,282.56 万元，比上年预算增加 398.4 万元，主要"
        "原因是全委会主会场变更，安全保卫要求提高，会议支出增加。",
        "一般公共预算拨款安排的会议费预算支出",
        "1282.56",
        "increase",
        "398.4",
        None,
        "全委会主会场变更",
        "three_public.会议费",
    ),
    (
        # 江苏省政协办公厅2019, p. 16–17: 机关运行经费; 比上年增加 in the reason is no claim
        "江苏省政协办公厅 2019 年一般公共预算机关运行经费预算支出 1,130.74 万元，与上年相比增加 14.89 万元，增长 1.33%。"
        "主要原因是今年省财政安排的公用定额数比上年增加，支出数相应增加。",
        "一般公共预算机关运行经费预算支出",
        "1130.74",
        "increase",
        "14.89",
        "1.33",
        "今年省财政安排的公用定额数比上年增加",
        "accounts.operating_costs",
    ),
    (
        # 江苏省政协办公厅2019, p. 9: no change
        "3.其他资金收入预算总计 80 万元，与上年数一致。",
        "其他资金收入预算总计",
        "80",
        "unchanged",
        "0",
        None,
        None,
        "income:其他资金",
    ),
    (
        # 省法院2017年度部门预算公开.pdf p. 25: 持平，零增长
        "1．因公出国（境）费预算支出 180 万元，本年数与上年数持平，零增长。",
        "因公出国（境）费预算支出",
        "180",
        "unchanged",
        "0",
        "0",
        None,
        "three_public.因公出国（境）费",
    ),
    (
        # 省法院2018年度部门预算公开.pdf p. 20: the percentage printed without its % sign
        "5．法院（款）案件执行（项）支出 950 万元，与上年相比减少 100 万元，减少 9.52，主要原因是压减了案件执行经费的"
        "支出预算安排。",
        "法院（款）案件执行（项）支出",
        "950",
        "decrease",
        "-100",
        "-9.52",
        "压减了案件执行经费",
        "function:法院/案件执行",
    ),
    (
        # 江苏省高级人民法院2019年度部门预算公开.pdf p. 17: a change stated to four decimals
        "一般公共预算收入预算37188.34万元，与上年相比增加4016.1917万元，增长 12.11%。主要原因是基本支出增加人员工资、"
        "住房公积金、提租补贴等 3397.18 万元、项目经费支出安排减少 1134.33 万元、单位预留机动经费增加 1753.34 万元",
        "一般公共预算收入预算",
        "37188.34",
        "increase",
        "4016.1917",
        "12.11",
        "基本支出增加人员工资",
        "income:财政拨款/一般公共预算",
    ),
    (
        # 省法院2017年度部门预算公开.pdf p. 24: 比 2016 年
        "2017 年本部门一般公共预算机关运行经费预算支出 9193.40 万元，比 2016 年增加 5503.07 万元，增长 149.12%。主要原因"
        "是本年机关运行经费统计口径与上年不一致。",
        "一般公共预算机关运行经费预算支出",
        "9193.40",
        "increase",
        "5503.07",
        "149.12",
        "本年机关运行经费统计口径与上年不一致",
        "accounts.operating_costs",
    ),
    (
        # haigang-hrss-2024-budget.txt: the comparison opens a sentence after a list: it is about the list's total
        "2024年，我部门财政拨款“三公”经费预算安排7.85万元，其中：因公出国（境）费0万元；公务用车购置及运维费6.76万元"
        "（其中：公务用车购置费为0万元，公务用车运行费6.76万元)；公务接待费1.09万元。与2023年相比持平。",
        "财政拨款“三公”经费预算安排",
        "7.85",
        "unchanged",
        "0",
        None,
        None,
        "three_public.三公经费",
    ),
]


@pytest.mark.parametrize(
    ("sentence", "subject", "amount", "direction", "delta", "percent", "reason", "target"), SENTENCES
)
def test_a_real_sentence_is_read(
    sentence: str,
    subject: str,
    amount: str,
    direction: str,
    delta: str,
    percent: str | None,
    reason: str | None,
    target: str,
) -> None:
    (statement,) = statements_in(flat(sentence))
    assert statement.subject == subject
    assert statement.amount == D(amount)
    assert statement.direction == direction
    assert statement.delta == D(delta)
    assert statement.percent == (D(percent) if percent is not None else None)
    assert (statement.reason or "").startswith(reason or "")
    assert (statement.reason is None) == (reason is None)
    assert statement.target == target


def test_the_precision_printed_is_kept() -> None:
    (statement,) = statements_in(
        flat("3. 政协事务（款）政协会议（项）支出 1,027.90 万元，与上年相比增加 2,444.1 万元，增长 10.30%。")
    )
    assert (statement.amount_decimals, statement.delta_decimals, statement.percent_decimals) == (2, 1, 2)


@pytest.mark.parametrize(
    "text",
    [
        # 江苏省政协办公厅2017, p. 6: says why, states nothing
        "2017年度部门支出预算安排与2016年度相比增加的原因主要是政策性增资、住房公积金和提租补贴基数及比例调整。",
        # 江苏省高级人民法院2019, p. 18: a cut in percent inside a reason, no amount
        "主要原因是根据国务院通知要求运转类项目预算较上年压减10%。",
        # 省法院2017, p. 24: a statement about how the figures are counted
        "主要原因是本年机关运行经费统计口径与上年不一致，本年机关运行经费统计口径含单位发展项目经费中商品服务支出。",
    ],
)
def test_comparisons_that_are_not_claims(text: str) -> None:
    assert statements_in(flat(text)) == []


def test_two_claims_in_one_sentence() -> None:
    """江苏省政协办公厅2017, p. 19: 公务用车购置费 and 运行维护费 in one sentence, each unchanged."""
    found = statements_in(
        flat(
            "2.公务用车购置及运行维护费预算支出 156.60 万元。其中，公务用车购置费 0 万元，与上年数一致；"
            "公务用车运行维护费156.60 万元，与上年数一致。"
        )
    )
    assert [(s.subject, s.amount) for s in found] == [
        ("公务用车购置费", D(0)),
        ("公务用车运行维护费", D("156.60")),
    ]


def test_a_comparison_without_a_figure_is_kept_without_an_amount() -> None:
    """省法院2017, p. 24: the comparable-basis sentence names no figure; it is still a claim (it will be unmatched)."""
    (statement,) = statements_in(
        flat("按与上年统计口径一致相比，本年比上年减少 161.96 万元，下降了 4.39%，主要原因为在编人员减少。")
    )
    assert (statement.amount, statement.delta, statement.percent, statement.target) == (
        None,
        D("-161.96"),
        D("-4.39"),
        None,
    )


def test_the_category_heading_above_completes_the_path_and_pages_are_kept() -> None:
    blocks: list[Block] = [
        Paragraph("五、财政拨款支出预算情况说明", page=12),
        Paragraph("（一）一般公共服务支出（类）", page=12),
        Paragraph(
            "1.政协事务（款）行政运行（项）5,223.22 万元，与上年相比增加 790.44 万元，增长 17.83%。主要原因是政策性增资。",
            page=12,
        ),
        Table(rows=(("与上年相比增加 1 万元",),)),  # tables are not narrative
    ]
    (statement,) = read_statements(blocks)
    assert statement.path == ["一般公共服务支出", "政协事务", "行政运行"]
    assert statement.target == "function:一般公共服务支出/政协事务/行政运行"
    assert (statement.section, statement.page) == ("五、财政拨款支出预算情况说明", 12)


@pytest.mark.parametrize(
    ("subject", "category", "path"),
    [
        ("一般公共服务（类）支出", None, ["一般公共服务支出"]),
        ("政协事务（款）行政运行（项）", "一般公共服务支出", ["一般公共服务支出", "政协事务", "行政运行"]),
        (
            "社会保障和就业支出（类）行政事业单位离退休（款）未归口管理的行政单位离退休（项）支出",
            None,
            ["社会保障和就业支出", "行政事业单位离退休", "未归口管理的行政单位离退休"],
        ),
        ("基本支出", None, ["基本支出"]),
    ],
)
def test_subject_paths(subject: str, category: str | None, path: list[str]) -> None:
    assert subject_path(subject, category) == path


def test_a_category_is_the_all_funds_line_overall_and_the_appropriation_line_in_its_section() -> None:
    assert (
        target_of("住房保障（类）支出", ["住房保障支出"], "一、收支预算总体情况说明")
        == "expenditure_lines:住房保障支出"
    )
    assert (
        target_of("住房保障（类）支出", ["住房保障支出"], "五、财政拨款支出预算情况说明")
        == "function:住房保障支出"
    )


def _tables() -> Snapshot:
    """The figures of 江苏省政协办公厅2019年预算公开表.pdf that the claims above are about."""
    return Snapshot(
        department=Department(name="江苏省政协办公厅"),
        fiscal_year=2019,
        document_kind="budget-tables",
        budget_overview=BudgetOverview(
            income=[
                Line(
                    name="财政拨款",
                    amount=D("13297.11"),
                    children=[Line(name="一般公共预算", amount=D("13297.11"))],
                )
            ],
            expenditure=[Line(name="单位预留机动经费", amount=D("1886.02"))],
        ),
        accounts=Accounts(
            income_total=D("13377.11"),
            carry_over=None,
            income_lines=[Line(name="财政专户管理资金"), Line(name="其他资金", amount=D("80.00"))],
            expenditure_lines=[Line(name="一般公共服务支出", amount=D("10271.56"))],
            fiscal_function_lines=[
                FunctionLine(code="221", name="住房保障支出", total=D("2247.04")),
                FunctionLine(code="22102", name="住房改革支出", total=D("2247.04")),
                FunctionLine(code="2210202", name="提租补贴", total=D("1754.17")),
            ],
            three_public={"“三公”经费小计": D("660.10"), "公务接待费": D("397.50"), "合计": D("2224.43")},
        ),
    )


@pytest.mark.parametrize(
    ("target", "entity", "amount"),
    [
        ("accounts.income_total", "accounts:accounts#income_total", "13377.11"),
        ("accounts.carry_over", "accounts:accounts#carry_over", "0"),  # an empty cell is 0
        ("income:财政拨款/一般公共预算", "budget_line:income/财政拨款/一般公共预算#amount", "13297.11"),
        ("income:财政专户管理资金", "account_line:income_lines/财政专户管理资金#amount", "0"),
        ("expenditure:单位预留机动经费", "budget_line:expenditure/单位预留机动经费#amount", "1886.02"),
        (
            "expenditure_lines:一般公共服务支出",
            "account_line:expenditure_lines/一般公共服务支出#amount",
            "10271.56",
        ),
        ("function:住房改革支出/提租补贴", "fiscal_function_line:2210202#total", "1754.17"),
        ("function:住房保障支出/住房改革支出/提租补贴", "fiscal_function_line:2210202#total", "1754.17"),
        ("three_public.公务接待费", "accounts:accounts#three_public.公务接待费", "397.50"),
        ("three_public.三公经费", "accounts:accounts#three_public.“三公”经费小计", "660.10"),
    ],
)
def test_targets_resolve_to_the_diff_engines_entity_keys(target: str, entity: str, amount: str) -> None:
    resolved = resolve(target, _tables())
    assert resolved is not None
    assert (resolved.entity, resolved.amount) == (entity, D(amount))


@pytest.mark.parametrize(
    "target", [None, "function:住房改革支出/租金补贴", "three_public.培训费", "income:国有资本经营预算"]
)
def test_what_the_tables_do_not_have_resolves_to_nothing(target: str | None) -> None:
    assert resolve(target, _tables()) is None


def test_a_name_with_its_words_transposed_matches_the_one_line_of_its_parent() -> None:
    """省法院 narratives write 一般行政事务管理 for the 项 the tables print as 一般行政管理事务."""
    court = Snapshot(
        department=Department(name="江苏省高级人民法院"),
        fiscal_year=2019,
        document_kind="budget-disclosure",
        accounts=Accounts(
            fiscal_function_lines=[
                FunctionLine(code="204", name="公共安全支出", total=D("27488.23")),
                FunctionLine(code="20405", name="法院", total=D("27488.23")),
                FunctionLine(code="2040502", name="一般行政管理事务", total=D("5804.83")),
            ]
        ),
    )
    resolved = resolve("function:公共安全支出/法院/一般行政事务管理", court)
    assert resolved is not None and resolved.entity == "fiscal_function_line:2040502#total"
    assert resolve("function:公共安全支出/检察/一般行政事务管理", court) is None  # not under another 款
