"""Reading account tables by their column headers (``ledger.layouts.accounts_tables``), on small made-up tables
shaped like the ones budget disclosures print, and on arbitrary tables (they must never crash the reader)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.layouts.accounts_tables import (
    Column,
    header_columns,
    item_outline,
    read_account_table,
    read_statement,
    subject_rows,
)
from ledger.layouts.common import AmountReader, strip_ordinal, table_kind
from ledger.readers.document import Table


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("一、一般公共预算拨款收入", "一般公共预算拨款收入"),
        ("二十二、国有资本经营预算支出", "国有资本经营预算支出"),
        ("（一）办公费", "办公费"),
        ("1、房屋（平方米）", "房屋（平方米）"),
        ("2.车辆", "车辆"),
        ("其中：公务用车购置费", "公务用车购置费"),
        ("其中:办公用房（平方米）", "办公用房（平方米）"),
        ("3.0政策奖励", "3.0政策奖励"),  # a number, not an ordinal
        ("单价在20万元以上的设备", "单价在20万元以上的设备"),
        ("本年收入合计", "本年收入合计"),
    ],
)
def test_strip_ordinal(printed: str, name: str) -> None:
    assert strip_ordinal(printed) == name


def _columns(columns: tuple[Column, ...]) -> list[tuple[str, str | None]]:
    return [(c.label, c.group) for c in columns]


def test_spans_of_a_two_row_header_are_restored() -> None:
    """收入总表: ``本年收入`` spans eight foot labels; ``合计`` and ``上年结转`` are merged downwards."""
    header = [
        ("序号", "功能分类科目", "合计", "本年收入", "上年结转"),
        ("", "科目    编码", "科目名称", "", "小计", "财政拨款收入", "事业收入", "其他收入", ""),
    ]
    assert _columns(header_columns(header, 9)) == [
        ("序号", None),
        ("科目编码", "功能分类科目"),
        ("科目名称", "功能分类科目"),
        ("合计", None),
        ("小计", "本年收入"),
        ("财政拨款收入", "本年收入"),
        ("事业收入", "本年收入"),
        ("其他收入", "本年收入"),
        ("上年结转", None),
    ]


def test_a_header_row_padded_with_blanks_reads_like_the_short_row() -> None:
    """A PDF or XLSX grid pads the row DOCX leaves short: trailing blanks carry no position (it once shifted every
    column of the Haigang 收入总表 rebuilt as a PDF by one)."""
    short = [
        ("序号", "功能分类科目", "合计", "本年收入", "上年结转"),
        ("", "科目    编码", "科目名称", "", "小计", "财政拨款收入", "事业收入", "其他收入", ""),
    ]
    padded = [short[0] + ("",) * 4, short[1]]
    assert header_columns(padded, 9) == header_columns(short, 9)


def test_a_repeated_foot_label_starts_a_new_group() -> None:
    header = [("序号", "收入", "支出"), ("", "项  目", "预算数", "项  目", "预算数")]
    assert _columns(header_columns(header, 5)) == [
        ("序号", None),
        ("项目", "收入"),
        ("预算数", "收入"),
        ("项目", "支出"),
        ("预算数", "支出"),
    ]


def test_groups_that_cannot_be_paired_are_left_unknown() -> None:
    """基本支出表: two spanning labels over one unbroken run of foot labels — which columns each covers is unknown."""
    header = [
        ("序号", "经济分类科目", "一般公共预算基本支出"),
        ("", "科目编码", "科目名称", "合计", "人员经费", "公用经费"),
    ]
    assert _columns(header_columns(header, 6)) == [
        ("序号", None),
        ("科目编码", None),
        ("科目名称", None),
        ("合计", None),
        ("人员经费", None),
        ("公用经费", None),
    ]


def _table(*rows: tuple[str, ...]) -> Table:
    return Table(rows=rows)


def test_subject_rows_by_code_and_name_columns_in_any_order() -> None:
    table = read_account_table(
        _table(
            ("100某局", "预算年度：2025", "单位：万元"),
            ("科目名称", "合计", "项目支出", "基本支出", "科目编码"),
            ("合计", "30.00", "10.00", "20.00", ""),
            ("社会保障和就业支出", "30.00", "10.00", "20.00", "208"),
            ("行政运行", "20", "", "20", "2080101"),
            ("说明：本表不含…", "", "", "", ""),
        )
    )
    assert (table.meta.department_code, table.meta.department_name, table.meta.fiscal_year) == (
        "100",
        "某局",
        2025,
    )
    reader = AmountReader()
    rows = subject_rows(table, "t", reader)
    basic = table.find("基本支出")
    assert [(r.code, r.name, r.get(basic), r.level) for r in rows] == [
        (None, "合计", Decimal("20.00"), -1),
        ("208", "社会保障和就业支出", Decimal("20.00"), 0),
        ("2080101", "行政运行", Decimal("20"), 2),
    ]
    assert reader.warnings == []


def test_codes_split_into_class_section_item_columns_are_joined() -> None:
    """Some provinces print the 功能分类 code as 类 | 款 | 项 under one 科目编码 heading."""
    table = read_account_table(
        _table(
            ("科目编码", "科目名称", "合计"),
            ("类", "款", "项", "", ""),
            ("208", "", "", "社会保障和就业支出", "5.00"),
            ("208", "01", "", "人力资源和社会保障管理事务", "5.00"),
            ("208", "01", "01", "行政运行", "5.00"),
        )
    )
    rows = subject_rows(table, "t", AmountReader())
    assert [r.code for r in rows] == ["208", "20801", "2080101"]


def test_a_table_in_yuan_is_read_in_wanyuan() -> None:
    table = read_account_table(
        _table(
            ("某局", "单位：元"), ("科目编码", "科目名称", "合计"), ("208", "社会保障和就业支出", "12,345.00")
        )
    )
    [row] = subject_rows(table, "t", AmountReader())
    assert row.get(table.find("合计")) == Decimal("1.2345")


def test_a_cell_that_is_not_an_amount_is_a_warning() -> None:
    table = read_account_table(
        _table(("科目编码", "科目名称", "合计"), ("208", "社会保障和就业支出", "见附表"))
    )
    reader = AmountReader()
    [row] = subject_rows(table, "支出总表", reader)
    assert row.get(table.find("合计")) is None
    assert [(w.code, w.where) for w in reader.warnings] == [("unreadable-amount", "支出总表, 208, 合计")]


def test_statement_sides_and_the_split_of_the_carry_over() -> None:
    table = read_account_table(
        _table(
            ("序号", "收入", "支出"),
            ("", "项目", "金额", "项目", "合计"),
            ("栏次", "1", "2", "3", "4"),
            ("1", "一、一般公共预算拨款", "10.00", "一、社会保障和就业支出", "12.00"),
            ("2", "本年收入合计", "10.00", "本年支出合计", "12.00"),
            ("3", "年初财政拨款结转和结余", "2.00", "年末财政拨款结转和结余", ""),
            ("4", "一、一般公共预算拨款", "2.00", "", ""),
            ("5", "收入总计", "12.00", "支出总计", "12.00"),
        )
    )
    sides = read_statement(table, "t", AmountReader())
    assert sides is not None
    income, expenditure = sides
    assert [(e.name, e.amount, [c.name for c in e.children]) for e in income.entries] == [
        ("一、一般公共预算拨款", Decimal("10.00"), []),
        ("本年收入合计", Decimal("10.00"), []),
        ("年初财政拨款结转和结余", Decimal("2.00"), ["一、一般公共预算拨款"]),
        ("收入总计", Decimal("12.00"), []),
    ]
    assert [e.name for e in expenditure.lines] == ["一、社会保障和就业支出"]


def test_item_outline_nests_numbered_items_and_their_sub_items() -> None:
    items = [
        ("“三公”经费小计", Decimal("7")),
        ("一、因公出国（境）费", Decimal("1")),
        ("其中：教学科研人员因公出国（境）费", Decimal("0")),
        ("其他因公出国（境）费", Decimal("1")),
        ("二、公务接待费", Decimal("6")),
    ]
    [root] = item_outline(items)
    assert root.name == "“三公”经费小计"
    assert [(c.name, [g.name for g in c.children]) for c in root.children] == [
        ("因公出国（境）费", ["教学科研人员因公出国（境）费", "其他因公出国（境）费"]),
        ("公务接待费", []),
    ]


@pytest.mark.parametrize(
    ("caption", "kind"),
    [
        ("部门预算收支总表", "statement"),
        ("部门预算财政拨款收支总表", "fiscal-statement"),
        ("部门预算收入总表", "income"),
        ("部门预算支出总表", "expenditure"),
        ("部门预算一般公共预算财政拨款支出表", "general-function"),
        ("部门预算一般公共预算财政拨款基本支出表", "fiscal-economic"),
        ("部门预算政府性基金预算财政拨款支出表", "government-fund"),
        ("部门预算国有资本经营预算财政拨款支出表", "state-capital"),
        ("部门预算财政拨款“三公”经费支出表", "three-public"),
        ("部门政府采购预算", "procurement"),
        ("部门固定资产占用情况表", "assets"),
        ("部门机构设置情况", "units"),
        ("24、再就业资金绩效目标表", "project"),
        ("按照预算管理有关规定", None),
        # the Jiangsu titles of the same tables
        ("收支预算总表", "statement"),
        ("财政拨款收支预算总表", "fiscal-statement"),
        ("收入预算总表", "income"),
        ("支出预算总表", "expenditure"),
        ("财政拨款支出预算表（功能科目）", "fiscal-function"),
        ("财政拨款基本支出预算表（经济科目）", "fiscal-economic"),
        ("一般公共预算支出预算表（功能科目）", "general-function"),
        ("一般公共预算基本支出预算表（经济科目）", "general-economic"),
        ("一般公共预算“三公”经费、会议费、培训费支出预算表", "three-public"),
        ("政府性基金预算财政拨款支出预算表", "government-fund"),
        ("一般公共预算机关运行经费支出预算表", "operating-costs"),
        ("政府采购支出预算表", "procurement"),
        ("项目支出表", "project-expenditure"),
        ("2021年度项目支出绩效自评表", None),
        ("项目支出绩效目标表", "project"),
    ],
)
def test_table_kind_by_caption(caption: str, kind: str | None) -> None:
    assert table_kind(caption) == kind


_cells = st.text(
    alphabet=st.sampled_from("0123456789.,-—：:合计项目编码名称预算年度单位万元栏次其中一、 \n"), max_size=8
)


@given(st.lists(st.lists(_cells, max_size=7).map(tuple), max_size=8))
def test_any_table_reads_without_crashing(rows: list[tuple[str, ...]]) -> None:
    table = read_account_table(Table(rows=tuple(rows)))
    reader = AmountReader()
    found = subject_rows(table, "t", reader)
    read_statement(table, "t", reader)
    assert all(row.code is None or row.code.isdigit() for row in found)
    assert all(w.code == "unreadable-amount" for w in reader.warnings)
