"""The standard budget tables across page breaks and blanks, on synthetic documents (the readers' intermediate form).

Each case is what a PDF reader gives for a real printing accident: a row label cut by a page break, header rows
repeated on the next page, a ``续表`` mark, two tables drawn one under the other that come out as one grid, blank
cells in the “三公”经费 table, amounts with thousands separators.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ledger.layouts import parse_by_evidence
from ledger.layouts.common import AmountReader, captioned_tables, split_tables
from ledger.layouts.jiangsu_budget import JiangsuBudgetLayout
from ledger.layouts.standard_tables import (
    check_fiscal_statement,
    economic_lines,
    expenditure_summary,
    read_statement,
    row_entries,
    subject_lines,
    three_public,
    tokens,
)
from ledger.model import Snapshot
from ledger.readers.document import Document, Paragraph, Table

LAYOUT = JiangsuBudgetLayout()
D = Decimal

HEADER = (
    ("收入", "", "支出", "", "", ""),
    ("项目名称", "金额", "功能科目名称", "金额", "项目名称", "金额"),
)
#: A statement whose 社会保障和就业支出 row is cut by a page break, with the header repeated on the next page.
STATEMENT_ACROSS_PAGES = Table(
    rows=(
        *HEADER,
        ("一、财政拨款", "1,200.00", "一、一般公共服务支出", "1,000.00", "一、基本支出", "700.00"),
        ("1.一般公共预算", "1,200.00", "二、外交支出", "", "二、项目支出", "300.00"),
        ("2.政府性基金预算", "", "三、国防支出", "", "三、单位预留机动经费", "200.00"),
        ("二、财政专户管理资金", "", "八、社会保障和就", "", "", ""),  # the page ends inside the label …
        ("续表",),
        *HEADER,  # … the next page repeats the header …
        ("", "", "业支出", "200.00", "", ""),  # … and carries the rest of the label with its amount
        ("三、其他资金", "", "十七、自然资源海洋气象等", "", "", ""),
        ("", "", "支出", "", "", ""),
        ("当年收入小计", "1,200.00", "当年支出小计", "", "", "1,200.00"),
        ("上年结转资金", "", "结转下年资金", "", "", ""),
        ("收入合计", "1,200.00", "支出合计", "", "", "1,200.00"),
    )
)
#: A function table and, drawn right under it, an economic table: one grid out of the reader. The economic table's
#: 30312 提租补贴 row is cut by a page break.
FUNCTION_THEN_ECONOMIC = Table(
    rows=(
        ("功能科目编码", "功能科目名称", "金额"),
        ("合计", "", "1,200.00"),
        ("201", "一般公共服务支出", "1,000.00"),
        ("20101", "人大事务", "1,000.00"),
        ("208", "社会保障和就业支出", "200.00"),
        ("20805", "行政事业单位离退休", "200.00"),
        ("一般公共预算基本支出预算表（经济科目）", "", ""),
        ("经济科目编码", "经济科目名称", "金额"),
        ("合计", "", "700.00"),
        ("301", "工资福利支出", "600.00"),
        ("30101", "基本工资", "600.00"),
        ("303", "对个人和家庭的补助", "100.00"),
        ("30312", "提租", ""),
        ("", "补贴", "100.00"),
    )
)


def _document(*blocks: Paragraph | Table) -> Document:
    return Document(
        blocks=(
            Paragraph("江苏省某某厅 2019 年度部门预算公开"),
            Paragraph("公开01表"),
            Paragraph("收支预算总表"),
            Paragraph("部门名称：江苏省某某厅 单位：万元"),
            STATEMENT_ACROSS_PAGES,
            *blocks,
            Paragraph("一般公共预算机关运行经费支出预算表"),
            Paragraph("财政专户管理资金 政府采购预算"),
        ),
        form="pdf",
    )


def _parse(*blocks: Paragraph | Table) -> Snapshot:
    return LAYOUT.parse(_document(*blocks))


def test_a_label_cut_by_a_page_break_keeps_its_row_and_amount() -> None:
    snapshot = _parse()
    accounts = snapshot.accounts
    assert accounts is not None
    lines = {line.name: line.amount for line in accounts.expenditure_lines}
    assert lines["社会保障和就业支出"] == D("200.00")
    assert "自然资源海洋气象等支出" in lines
    assert not any(name.startswith(("业", "八")) for name in lines)
    assert (accounts.current_year_expenditure, accounts.income_total) == (D("1200.00"), D("1200.00"))
    assert snapshot.warnings == []  # 1,000 + 200 = 当年支出小计: the row came back whole


def test_header_rows_repeated_and_continued_marks_are_dropped() -> None:
    [table] = [block for block in split_tables([STATEMENT_ACROSS_PAGES]) if isinstance(block, Table)]
    assert len(table.rows) == len(STATEMENT_ACROSS_PAGES.rows) - 3  # 续表 and the two header rows
    assert table.rows[:2] == HEADER


def test_two_tables_in_one_grid_are_read_as_two() -> None:
    found = captioned_tables([Paragraph("一般公共预算支出预算表（功能科目）"), FUNCTION_THEN_ECONOMIC])
    assert [(f.kind, len(f.table.rows)) for f in found] == [("general-function", 6), ("general-economic", 7)]
    snapshot = _parse(Paragraph("一般公共预算支出预算表（功能科目）"), FUNCTION_THEN_ECONOMIC)
    accounts = snapshot.accounts
    assert accounts is not None
    assert [line.code for line in accounts.fiscal_function_lines] == ["201", "20101", "208", "20805"]
    assert [(line.code, line.name, line.total) for line in accounts.economic_lines][-1] == (
        "30312",
        "提租补贴",
        D("100.00"),
    )
    assert snapshot.warnings == []  # the function table's 合计 is not checked against economic lines


def test_a_coded_row_cut_by_a_page_break_keeps_its_code_name_and_amount() -> None:
    table = Table(
        rows=(
            ("科目编码", "科目名称", "金额"),
            ("合计", "", "5,465.10"),
            ("221", "住房保障支出", "5,465.10"),
            ("22102", "住房改革支出", "5,465.10"),
            ("2210202", "提租", ""),
            ("", "补贴", "5,465.10"),
        )
    )
    reader = AmountReader()
    lines = subject_lines(table, reader, "t")
    assert [(line.code, line.name, line.total) for line in economic_lines(lines)][-1:] == [
        ("2210202", "提租补贴", D("5465.10"))
    ]
    assert reader.warnings == []


THREE_PUBLIC_HEADER = (
    ("合计", "“三公”经费", "", "", "", "", "", "会议费", "培训费"),
    ("", "小计", "因公出国（境）费", "公务用车购置及运行维护费", "", "", "公务接待费", "", ""),
    ("", "", "", "小计", "公务用车购置费", "公务用车运行维护费", "", "", ""),
)


def test_a_blank_three_public_cell_is_none_and_the_others_are_read() -> None:
    table = Table(
        rows=(
            (
                "一般公共预算“三公”经费支出预算情况",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ),  # a title row, not a heading
            ("部门：江苏省某某厅", "", "", "", "", "", "单位：万元", "", ""),
            *THREE_PUBLIC_HEADER,
            ("1,852.32", "676.10", "76.00", "156.60", "", "156.60", "443.50", "1,094.62", "81.60"),
        )
    )
    reader = AmountReader()
    values = three_public(table, reader, "t")
    assert values["公务用车购置费"] is None
    assert (values["合计"], values["会议费"], values["公务接待费"]) == (
        D("1852.32"),
        D("1094.62"),
        D("443.50"),
    )
    assert len(values) == 9 and reader.warnings == []


def test_eight_amounts_for_nine_columns_in_a_text_form_are_not_guessed() -> None:
    """A text form drops the blank cell: eight amounts for nine columns cannot be placed — a warning, not a guess."""
    table = Table(
        rows=(
            *THREE_PUBLIC_HEADER,
            ("1,852.32", "676.10", "76.00", "156.60", "156.60", "443.50", "1,094.62", "81.60"),
        )
    )
    reader = AmountReader()
    assert three_public(table, reader, "“三公”经费支出表") == {}
    [warning] = reader.warnings
    assert (warning.code, warning.where) == ("incomplete-table", "“三公”经费支出表")
    assert "row 4" in warning.message


def test_a_three_public_table_without_meeting_and_training_columns() -> None:
    table = Table(
        rows=(
            ("“三公”经费合计", "因公出国（境）费", "公务用车购置及运行维护费", "", "", "公务接待费"),
            ("", "", "小计", "公务用车购置费", "公务用车运行维护费", ""),
            ("120.00", "20.00", "80.00", "50.00", "30.00", "20.00"),
        )
    )
    reader = AmountReader()
    values = three_public(table, reader, "t")
    assert values == {
        "“三公”经费小计": D("120.00"),
        "因公出国（境）费": D("20.00"),
        "公务用车购置及运行维护费": D("80.00"),
        "公务用车购置费": D("50.00"),
        "公务用车运行维护费": D("30.00"),
        "公务接待费": D("20.00"),
    }
    assert reader.warnings == []


def test_an_amount_no_line_claims_is_a_warning_naming_table_and_row() -> None:
    table = Table(rows=(("项目名称", "金额"), ("一、基本支出", "600.00"), ("", ""), ("", "", "", "99.00")))
    reader = AmountReader()
    row_entries(table, reader, "支出预算总表")
    assert [(w.code, w.where, w.message) for w in reader.warnings] == [
        ("incomplete-table", "支出预算总表", "the amount 99.00 on row 4 belongs to no line: not read")
    ]


def test_labels_and_amounts_in_one_cell_are_split() -> None:
    """A grid without the rule between a label and its amount (江苏省高级人民法院 2018, 财政拨款收支预算总表)."""
    table = Table(
        rows=(
            ("收入", "支出"),
            ("项目名称 金额", "项目名称 金额"),
            ("一、一般公共预算 33,172.15", "一、基本支出 18,570.82"),
            ("二、政府性基金预算", "二、项目支出 11,343.27"),
            ("", "三、单位预留机动经费 3,258.06"),
            ("收入合计 33,172.15", "支出合计 33,172.15"),
        )
    )
    [split] = split_tables([table])
    assert isinstance(split, Table)
    assert split.rows[2] == ("一、一般公共预算", "33,172.15", "一、基本支出", "18,570.82")
    reader = AmountReader()
    assert check_fiscal_statement(split, reader, "t") == D("33172.15")
    assert reader.warnings == []


def test_an_amount_a_column_off_its_heading_goes_to_the_heading_with_a_blank_cell() -> None:
    table = Table(
        rows=(
            ("合计", "", "基本支出", "项目支出", "单位预留机动经费", "结转下年资金"),
            ("33,172.15", "18,570.82", "", "11,343.27", "3,258.06", ""),
        )
    )
    reader = AmountReader()
    assert expenditure_summary(table, reader, "t") == {
        "合计": D("33172.15"),
        "基本支出": D("18570.82"),
        "项目支出": D("11343.27"),
        "单位预留机动经费": D("3258.06"),
        "结转下年资金": None,
    }


def test_a_disclosure_of_another_province_is_read_by_its_standard_tables() -> None:
    """No 单位预留机动经费, no 预算年度 title row: no province's adapter claims it; the standard tables do."""
    statement = Table(
        rows=(
            ("收入", "", "支出", ""),
            ("项目", "预算数", "项目", "预算数"),
            ("一、一般公共预算拨款收入", "1,500.00", "一、一般公共服务支出", "1,200.00"),
            ("二、政府性基金预算拨款收入", "", "二、社会保障和就业支出", "300.00"),
            ("本年收入合计", "1,500.00", "本年支出合计", "1,500.00"),
            ("上年结转结余", "", "年终结转结余", ""),
            ("收入总计", "1,500.00", "支出总计", "1,500.00"),
        )
    )
    expenditure = Table(rows=(("合计", "基本支出", "项目支出"), ("1,500.00", "1,100.00", "400.00")))
    document = Document(
        blocks=(
            Paragraph("某市某某局2021年部门预算公开"),
            Paragraph("表一 部门收支总表"),
            Paragraph("部门名称：某市某某局 单位：万元"),
            statement,
            Paragraph("表三 部门支出总表"),
            expenditure,
            Paragraph("表九 “三公”经费支出表"),
            Table(
                rows=(
                    ("“三公”经费合计", "因公出国（境）费", "公务用车购置及运行维护费", "", "", "公务接待费"),
                    ("", "", "小计", "公务用车购置费", "公务用车运行维护费", ""),
                    ("12.00", "", "10.00", "", "10.00", "2.00"),
                )
            ),
        ),
        form="pdf",
    )
    result = parse_by_evidence(document)
    assert result.layout.name == "standard-budget"
    snapshot = result.snapshot
    assert (snapshot.department.name, snapshot.fiscal_year, snapshot.document_kind) == (
        "某市某某局",
        2021,
        "budget-tables",
    )
    accounts = snapshot.accounts
    assert accounts is not None
    assert (accounts.income_total, accounts.current_year_expenditure) == (D("1500.00"), D("1500.00"))
    assert [(line.name, line.amount) for line in accounts.expenditure_lines] == [
        ("一般公共服务支出", D("1200.00")),
        ("社会保障和就业支出", D("300.00")),
    ]
    assert accounts.three_public["公务用车购置费"] is None and accounts.three_public["公务接待费"] == D(
        "2.00"
    )
    assert snapshot.warnings == []


_CELLS = st.sampled_from(
    [
        "",
        "",
        "合计",
        "小计",
        "一、基本支出",
        "八、社会保障和就",
        "业支出",
        "出",
        "提租",
        "补贴",
        "30312",
        "201",
        "20101",
        "1,200.00",
        "5.5",
        "0",
        "“三公”经费",
        "会议费",
        "续表",
        "收支预算总表",
        "项目名称",
        "金额",
    ]
)


@given(st.lists(st.lists(_CELLS, max_size=6).map(tuple), max_size=10))
def test_every_amount_is_read_into_a_line_or_reported(rows: list[tuple[str, ...]]) -> None:
    """Never a lost amount: each amount a table prints is paired with a line or named in a warning."""
    table = Table(rows=tuple(rows))
    reader = AmountReader()
    entries = row_entries(table, reader, "t")
    unclaimed = [w for w in reader.warnings if w.code == "incomplete-table"]
    assert sum(1 for entry in entries if entry.cell) + len(unclaimed) == len(tokens(table)[1])
    for block in split_tables([table]):  # and the other readers take any table without failing
        if isinstance(block, Table):
            three_public(block, AmountReader(), "t")
            subject_lines(block, AmountReader(), "t")


def test_the_statements_sides_are_told_by_their_words_not_positions() -> None:
    """No 收入 | 支出 heading row, and income sub-items indented into a third column: the bottom lines tell where the
    expenditure side begins."""
    table = Table(
        rows=(
            ("一、财政拨款", "", "", "100.00", "一、基本支出", "60.00"),
            ("", "", "1.一般公共预算", "100.00", "二、项目支出", "40.00"),
            ("收入合计", "", "", "100.00", "支出合计", "100.00"),
        )
    )
    statement = read_statement(table, AmountReader(), "t")
    assert [(e.label, e.amount) for e in statement.income] == [
        ("一、财政拨款", D("100.00")),
        ("1.一般公共预算", D("100.00")),
        ("收入合计", D("100.00")),
    ]
    assert [e.label for e in statement.expenditure] == ["一、基本支出", "二、项目支出", "支出合计"]
