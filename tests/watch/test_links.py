"""Document links of portal pages: which links are followed, resolved how, decoded how; never a crash."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.watch.links import decode_html, document_links

BASE = "http://czj.example.gov.cn/xxgk/ysgk/index.html"


def urls(page: bytes, **kw: str) -> list[str]:
    return [link.url for link in document_links(page, base_url=BASE, **kw)]


def test_file_links_are_resolved_deduplicated_and_kept_in_page_order() -> None:
    page = b"""<html><body>
      <a href="2024/P020240201.pdf">2024</a>
      <a href="../../files/budget.XLSX#sheet2">xlsx</a>
      <a href="/files/targets.docx">docx</a>
      <a href="2024/P020240201.pdf">again</a>
      <a href="mailto:office@example.gov.cn">mail</a>
      <a href="javascript:void(0)">js</a>
      <a href="https://other.example.org/a.txt">elsewhere</a>
      <a>no href</a>
      <a href="news.html">news page</a>
      <a href="/download?id=7">no suffix</a>
    </body></html>"""
    assert urls(page) == [
        "http://czj.example.gov.cn/xxgk/ysgk/2024/P020240201.pdf",
        "http://czj.example.gov.cn/files/budget.XLSX",
        "http://czj.example.gov.cn/files/targets.docx",
        "https://other.example.org/a.txt",
    ]


def test_html_pages_are_followed_only_when_the_pattern_names_them() -> None:
    page = (
        "<a href='nav.html'>首页</a><a href='t20240201_1.html'>2024年部门预算公开</a><a href='a.pdf'>附件</a>"
    )
    assert urls(page.encode()) == ["http://czj.example.gov.cn/xxgk/ysgk/a.pdf"]
    assert urls(page.encode(), pattern="部门预算") == ["http://czj.example.gov.cn/xxgk/ysgk/t20240201_1.html"]


def test_pattern_matches_the_url_or_the_link_text() -> None:
    page = "<a href='P1.pdf'>2023年部门预算</a><a href='P2.pdf'>2024年部门预算</a><a href='budget-2024.xls'>表</a>"
    assert urls(page.encode(), pattern="2024") == [
        "http://czj.example.gov.cn/xxgk/ysgk/P2.pdf",
        "http://czj.example.gov.cn/xxgk/ysgk/budget-2024.xls",
    ]


def test_base_href_changes_how_relative_links_resolve() -> None:
    page = b"<head><base href='http://cdn.example.gov.cn/docs/'></head><a href='a.pdf'>a</a>"
    assert urls(page) == ["http://cdn.example.gov.cn/docs/a.pdf"]


def test_the_page_itself_is_never_a_document() -> None:
    page = b"<a href='index.html'>this page</a><a href='#top'>top</a>"
    assert urls(page, pattern=".") == []


def test_link_text_is_whitespace_normalised_and_area_alt_counts_as_text() -> None:
    page = (
        "<a href='a.pdf'> 2024年\n  部门预算 <b>公开</b></a><map><area href='b.pdf' alt='绩效目标表'></map>"
    )
    links = document_links(page.encode(), base_url=BASE)
    assert [(link.url.rsplit("/", 1)[1], link.text) for link in links] == [
        ("a.pdf", "2024年 部门预算 公开"),
        ("b.pdf", "绩效目标表"),
    ]


def test_unclosed_anchor_is_closed_by_the_next_one() -> None:
    page = "<a href='a.pdf'>预算<a href='b.pdf'>决算</a>"
    assert [link.text for link in document_links(page.encode(), base_url=BASE)] == ["预算", "决算"]


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        ("<meta charset='gbk'><a href='a.pdf'>部门预算</a>".encode("gbk"), None),
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">部门预算'.encode("gb2312"),
            None,
        ),
        ("部门预算".encode("gb18030"), "text/html; charset=GBK"),
        ("部门预算".encode(), "text/html"),
        ("部门预算".encode("gb18030"), None),
    ],
)
def test_pages_decode_by_declared_then_sniffed_charset(content: bytes, content_type: str | None) -> None:
    assert "部门预算" in decode_html(content, content_type)


def test_pattern_matches_text_of_a_gbk_page() -> None:
    page = "<meta charset='gb2312'><a href='x1.pdf'>2024年部门预算</a><a href='x2.pdf'>招聘公告</a>".encode(
        "gbk"
    )
    assert urls(page, pattern="部门预算") == ["http://czj.example.gov.cn/xxgk/ysgk/x1.pdf"]


@pytest.mark.parametrize(
    "href",
    ["http://[x/a.pdf", "http://[::1/a.pdf", "https://]/a.pdf", "//[/a.pdf", "https:a.pdf"],
)
def test_malformed_links_are_skipped(href: str) -> None:
    page = f"<a href='{href}'>bad</a><a href='ok.pdf'>good</a>".encode()
    assert urls(page) == ["http://czj.example.gov.cn/xxgk/ysgk/ok.pdf"]


@given(st.binary(max_size=2000))
def test_any_bytes_give_only_absolute_http_links(content: bytes) -> None:
    for link in document_links(content, base_url=BASE, pattern="."):
        assert urlsplit(link.url).scheme in ("http", "https") and urlsplit(link.url).netloc
        assert "#" not in link.url


_HREF_PIECES = st.sampled_from(
    ["http://", "https:", "//", "[", "]", "::1", "/", "..", "#", "?", "a.pdf", "x.html", "%"]
)


@pytest.mark.slow
@given(
    st.lists(
        st.tuples(st.lists(_HREF_PIECES | st.text(max_size=5)).map("".join), st.text(max_size=30)), max_size=8
    )
)
def test_any_anchors_parse_without_error(anchors: list[tuple[str, str]]) -> None:
    page = "".join(f'<a href="{href}">{text}</a>' for href, text in anchors)
    for link in document_links(page.encode("utf-8", "surrogatepass"), base_url=BASE):
        assert urlsplit(link.url).scheme in ("http", "https") and urlsplit(link.url).netloc
