"""The HTML reader (ledger.readers.html): charsets, spans, layout tables, error pages."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.errors import ReadError
from ledger.readers import read_document
from ledger.readers.document import Document, Paragraph, Table
from ledger.readers.html import decode_html, read_html

PAGE = """<!DOCTYPE html>
<html><head>{meta}<title>2024年部门预算公开</title>
<style>td {{ border: 1px }}</style><script>var 部门 = "不是正文";</script></head>
<body>
<h1>秦皇岛市海港区人力资源和社会保障局2024年部门预算</h1>
<p>一、部门职责<br>负责全区就业&nbsp;工作。</p>
<table border="1">
  <caption>收支总表</caption>
  <thead><tr><th rowspan="2">项目</th><th colspan="2">预算数</th></tr>
         <tr><th>基本支出</th><th>项目支出</th></tr></thead>
  <tbody><tr><td>合计</td><td>1,945.84</td><td>2,132.39</td></tr>
         <tr><td>一般公共预算<br/>拨款收入</td><td colspan="2">&nbsp;</td></tr></tbody>
</table>
<div>单位：万元</div>
</body></html>"""

EXPECTED = (
    Paragraph("秦皇岛市海港区人力资源和社会保障局2024年部门预算"),
    Paragraph("一、部门职责"),
    Paragraph("负责全区就业 工作。"),
    Paragraph("收支总表"),
    Table(
        rows=(
            ("项目", "预算数", ""),
            ("", "基本支出", "项目支出"),
            ("合计", "1,945.84", "2,132.39"),
            ("一般公共预算\n拨款收入", "", ""),
        )
    ),
    Paragraph("单位：万元"),
)


@pytest.mark.parametrize(
    ("meta", "encoding"),
    [
        ('<meta charset="utf-8">', "utf-8"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', "gbk"),
        ('<meta charset="GBK">', "gb18030"),
        ("", "gbk"),  # no declaration: not UTF-8, so GB18030
        ("", "utf-8"),
        ('<meta charset="utf-8">', "utf-16"),  # the BOM wins over the declaration
    ],
)
def test_the_page_reads_the_same_in_every_charset(meta: str, encoding: str) -> None:
    data = PAGE.format(meta=meta).encode(encoding)
    document = read_html(data)
    assert document.blocks == EXPECTED
    assert document.form == "html"


def test_a_gbk_page_labelled_gb2312_reads_characters_outside_gb2312() -> None:
    """镕 is in GBK but not in GB2312: pages labelled gb2312 use GBK in practice."""
    data = '<html><head><meta charset="gb2312"></head><body><p>朱镕基</p></body></html>'.encode("gbk")
    assert read_html(data).blocks == (Paragraph("朱镕基"),)


def test_spans_can_be_carried_over_the_range() -> None:
    rows = list(read_html(PAGE.format(meta="").encode(), merged="carry").tables())[0].rows
    assert rows[0] == ("项目", "预算数", "预算数")
    assert rows[1] == ("项目", "基本支出", "项目支出")


def test_a_layout_table_around_the_content_is_not_a_data_table() -> None:
    page = (
        "<html><body><table><tr><td><p>正文</p>"
        "<table><tr><td>科目</td><td>金额</td></tr></table>"
        "</td><td>侧栏</td></tr></table></body></html>"
    )
    assert read_html(page.encode()).blocks == (
        Paragraph("正文"),
        Table(rows=(("科目", "金额"),)),
        Paragraph("侧栏"),
    )


def test_overlapping_and_excessive_spans_stay_bounded() -> None:
    page = (
        '<table><tr><td rowspan="99999">甲</td><td colspan="abc">乙</td></tr>'
        '<tr><td colspan="0">丙</td></tr></table>'
    )
    assert list(read_html(page.encode()).tables())[0].rows == (("甲", "乙"), ("", "丙"))


@pytest.mark.parametrize(
    "page",
    [
        "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>",
        "<html><head><title>页面不存在</title></head><body><p>您访问的页面不存在或已被删除</p></body></html>",
        "<html><body><h1>500 Internal Server Error</h1></body></html>",
    ],
)
def test_an_error_page_is_refused(page: str) -> None:
    with pytest.raises(ReadError, match="error page"):
        read_document(page.encode(), "2024年预算.html")


def test_a_page_without_text_is_refused() -> None:
    with pytest.raises(ReadError, match="no text"):
        read_html(b"<html><body><script>x()</script></body></html>")


def test_undecodable_bytes_are_refused() -> None:
    with pytest.raises(ReadError):
        decode_html(b"<html>\xff\xfe\x00\xd8")  # a BOM then broken UTF-16


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' tdrablehpcosn123&;#x部门\n")), max_size=300))
def test_any_markup_gives_a_document_or_a_read_error(markup: str) -> None:
    try:
        result = read_html(("<html>" + markup).encode("utf-8"))
    except ReadError:
        return
    assert isinstance(result, Document)
