"""The Jiangsu provincial budget layout (ledger.layouts.jiangsu_budget / standard_tables) on small synthetic documents.

The tables are written the way the PDF reader gives the real ones (see tests/corpus/test_jiangsu_corpus.py for the
real files): a statement whose reserve line wraps over three grid rows with its amount on the middle one, a
subject table whose 合计 amount sits on the grid row above its label, a category label wrapped onto a second row.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ledger.errors import ParseError
from ledger.layouts import choose_layout
from ledger.layouts.common import AmountReader
from ledger.layouts.jiangsu_budget import JiangsuBudgetLayout
from ledger.layouts.standard_budget import department_name, fiscal_year, narrative_figures
from ledger.layouts.standard_tables import row_entries
from ledger.pipeline.parse import parse_publication
from ledger.readers import read_document
from ledger.readers.document import Document, Paragraph, Table

SEEDS = Path(__file__).resolve().parents[2] / "samples" / "seeds"
LAYOUT = JiangsuBudgetLayout()

STATEMENT = Table(
    rows=(
        ("收入", "", "支出", "", "", ""),
        ("", "", "功能分类", "", "支出用途", ""),
        ("项目名称", "金额", "", "", "", ""),
        ("", "", "功能科目名称", "金额", "项目名称", "金额"),
        ("一、财政拨款", "1,000.00", "一、一般公共服务支出", "", "一、基本支出", "600.00"),
        ("1.一般公共预算", "1,000.00", "二、外交支出", "", "二、项目支出", "300.00"),
        ("", "", "", "", "三、单位预留机动经", ""),
        ("2.政府性基金预算", "", "三、国防支出", "", "", "120.00"),
        ("", "", "", "", "费", ""),
        ("二、财政专户管理资金", "", "四、公共安全支出", "900.00", "", ""),
        ("三、其他资金", "20.00", "七、文化旅游体育与传媒支", "", "", ""),
        ("", "", "出", "", "", ""),
        ("", "", "八、社会保障和就业支出", "120.00", "", ""),
        ("当年收入小计", "1,020.00", "当年支出小计", "", "", "1,020.00"),
        ("上年结转资金", "", "结转下年资金", "", "", ""),
        ("收入合计", "1,020.00", "支出合计", "", "", "1,020.00"),
    )
)
FUNCTIONS = Table(
    rows=(
        ("功能科目编码", "功能科目名称", "金额"),
        ("", "", "1,000.00"),  # the 合计 amount printed on the grid row above its label
        ("合计", "", ""),
        ("204", "公共安全支出", "900.00"),
        ("20405", "法院", "900.00"),
        ("2040501", "行政运行", "900.00"),
        ("208", "社会保障和就业支出", "100.00"),
        ("20805", "行政事业单位离退休", "100.00"),
        ("2080505", "机关事业单位基本养老保险缴费支出", "100.00"),
    )
)
THREE_PUBLIC = Table(
    rows=(
        ("", "“三公”经费", "", "", "", "", "", "", ""),
        (
            "合计",
            "小计",
            "因公出国（境）费",
            "小计",
            "公务用车购置费",
            "公务用车运行维护费",
            "公务接待费",
            "会议费",
            "培训费",
        ),
        ("50.00", "30.00", "10.00", "15.00", "", "15.00", "5.00", "12.00", "8.00"),
    )
)


def tables_document(statement: Table = STATEMENT) -> Document:
    return Document(
        blocks=(
            Paragraph("公开01表"),
            Paragraph("收支预算总表"),
            Paragraph("部门名称：江苏省某某厅 单位：万元"),
            statement,
            Paragraph("公开05表"),
            Paragraph("财政拨款支出预算表（功能科目）"),
            FUNCTIONS,
            Paragraph("公开09表"),
            Paragraph("“三公”经费、会议费、培训费支出预算表"),
            THREE_PUBLIC,
            Paragraph("2019年政府采购预算表"),
        ),
        form="pdf",
    )


def test_the_statement_is_read_however_its_rows_were_split() -> None:
    snapshot = LAYOUT.parse(tables_document())
    assert (snapshot.department.name, snapshot.fiscal_year, snapshot.document_kind) == (
        "江苏省某某厅",
        2019,
        "budget-tables",
    )
    accounts = snapshot.accounts
    assert accounts is not None
    assert (accounts.income_total, accounts.expenditure_total) == (Decimal("1020.00"), Decimal("1020.00"))
    assert (accounts.current_year_income, accounts.carry_over, accounts.carry_forward) == (
        Decimal("1020.00"),
        None,
        None,
    )
    uses = {line.name: line.amount for line in snapshot.budget_overview.expenditure}
    assert uses == {
        "基本支出": Decimal("600.00"),
        "项目支出": Decimal("300.00"),
        "单位预留机动经费": Decimal("120.00"),
    }
    categories = [line.name for line in accounts.expenditure_lines]
    assert "文化旅游体育与传媒支出" in categories and "出" not in categories
    assert {line.name: line.amount for line in accounts.expenditure_lines}["国防支出"] is None
    assert [(line.name, line.amount, [c.name for c in line.children]) for line in accounts.income_lines] == [
        ("财政拨款", Decimal("1000.00"), ["一般公共预算", "政府性基金预算"]),
        ("财政专户管理资金", None, []),
        ("其他资金", Decimal("20.00"), []),
    ]
    assert snapshot.warnings == []


def test_subject_tables_and_the_three_public_table() -> None:
    accounts = LAYOUT.parse(tables_document()).accounts
    assert accounts is not None
    assert [(line.code, line.total) for line in accounts.fiscal_function_lines][:3] == [
        ("204", Decimal("900.00")),
        ("20405", Decimal("900.00")),
        ("2040501", Decimal("900.00")),
    ]
    assert accounts.three_public["“三公”经费小计"] == Decimal("30.00")
    assert accounts.three_public["公务用车购置费"] is None


def test_totals_that_do_not_add_up_are_kept_and_reported() -> None:
    rows = list(STATEMENT.rows)
    rows[4] = (
        "一、财政拨款",
        "1,000.00",
        "一、一般公共服务支出",
        "",
        "一、基本支出",
        "650.00",
    )  # 50 too much
    snapshot = LAYOUT.parse(tables_document(Table(rows=tuple(rows))))
    assert snapshot.accounts is not None and snapshot.accounts.basic_expenditure == Decimal("650.00")
    (warning,) = snapshot.warnings
    assert warning.code == "totals-mismatch" and "基本支出" in warning.message


def test_an_amount_pairs_with_the_label_of_its_own_column() -> None:
    entries = {e.label: e.amount for e in row_entries(STATEMENT, AmountReader(), "t")}
    assert entries["三、单位预留机动经费"] == Decimal("120.00")
    assert entries["三、国防支出"] is None
    assert entries["当年支出小计"] == Decimal("1020.00")


NARRATIVE = [
    "江苏省某某厅",
    "2018 年度部门预算公开",
    "目 录",
    "第一部分 部门概况",
    "一、主要职能",
    "某某厅是省政府组成部门，负责全省某某工作的统筹规划、组织实施和监督管理，承担相关法律法规的贯彻执行。"
    * 2,
    "第三部分 2018 年度部门预算情况说明",
    "一、收支预算总表情况说明",
    "江苏省某某厅 2018 年度收入、支出预算总计 1,020.00万元，与上年相比收、支预算总计各增加 20 万元，增长2%。"
    * 2,
    "（一）收入预算总计 1,020.00 万元。包括：1.财政拨款收入预算总计 1,000 万元。"
    + "主要原因是政策性增资。" * 4,
    "此外，基本支出预算数为 600 万元。与上年相比增加 10 万元，增长 1.69%，主要原因是人员经费增加等。" * 2,
    "项目支出预算数为 300 万元。与上年数一致，主要用于部门履职所需的各类专项工作，支出结构保持稳定。" * 2,
    "第四部分 名词解释",
]


def test_a_narrative_is_read_from_its_sentences() -> None:
    document = Document(blocks=tuple(Paragraph(text) for text in NARRATIVE), form="pdf")
    snapshot = LAYOUT.parse(document)
    assert (snapshot.department.name, snapshot.fiscal_year, snapshot.document_kind) == (
        "江苏省某某厅",
        2018,
        "budget-narrative",
    )
    accounts = snapshot.accounts
    assert accounts is not None
    assert (accounts.income_total, accounts.expenditure_total) == (Decimal("1020.00"), Decimal("1020.00"))
    assert (accounts.basic_expenditure, accounts.project_expenditure) == (Decimal(600), Decimal(300))


def test_a_file_with_tables_and_narrative_is_a_disclosure_checked_against_itself() -> None:
    """The narrative's 600 and 1,020.00 agree with the tables (600.00 is 600); its 310 does not."""
    narrative = [
        Paragraph(text.replace("2018", "2019").replace("为 300 万元", "为 310 万元")) for text in NARRATIVE
    ]
    blocks = (*narrative[:2], *tables_document().blocks, *narrative[2:])
    snapshot = LAYOUT.parse(Document(blocks=tuple(blocks), form="pdf"))
    assert snapshot.document_kind == "budget-disclosure"
    assert snapshot.accounts is not None and snapshot.accounts.project_expenditure == Decimal("300.00")
    assert [(w.code, w.message) for w in snapshot.warnings] == [
        ("narrative-mismatch", "the narrative states project_expenditure 310, the tables 300.00")
    ]


def test_identity_comes_from_the_content_not_the_file_name() -> None:
    cover = ["2018 年度江苏省高级", "人民法院预算公开", "2018 年 2 月 24 日"]
    assert department_name(cover, []) == "江苏省高级人民法院"
    assert fiscal_year(cover, []) == 2018
    toc_only = ["目 录", "第二部分 2019 年度部门预算表", "附件：江苏省政协办公厅 2019 年度部门预算公开表"]
    assert department_name(toc_only, []) == "江苏省政协办公厅"
    with pytest.raises(ParseError, match="department"):
        department_name(["目 录", "第二部分 2019 年度部门预算表"], [])
    with pytest.raises(ParseError, match="year"):
        fiscal_year(["部门：江苏省某某厅"], [])


def test_narrative_figures() -> None:
    figures = narrative_figures(
        [
            "4.上年结转资金预算数为 0 万元。",
            "江苏省某某厅 2018 年一般公共预算机关运行经费预算支出 1,115.85 万元，",
        ]
    )
    assert figures == {"carry_over": Decimal(0), "operating_costs": Decimal("1115.85")}


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_seed_publications_are_not_claimed(seed: str) -> None:
    assert LAYOUT.detect(read_document((SEEDS / seed).read_bytes())) == 0


def test_the_template_is_chosen_for_its_documents() -> None:
    assert choose_layout(tables_document()).name == "jiangsu-budget"


def test_drawn_as_a_pdf_the_tables_read_the_same() -> None:
    pytest.importorskip("reportlab", reason="the PDF fixture is drawn with reportlab (a test dependency)")
    from tests.readers.builders import pdf_of

    document = tables_document()
    from_pdf = parse_publication(pdf_of(document.blocks), "tables.pdf").snapshot
    assert from_pdf == LAYOUT.parse(document)
