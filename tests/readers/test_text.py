"""The text reader (ledger.readers.text): decoding, form detection, and the three textual forms.

Small synthetic texts pin each rule; the five seeds check the reader on real extractions. The property tests hold
the reader's contract for untrusted input: any bytes give a Document or a ReadError, never another exception.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.errors import ReadError
from ledger.readers.document import Document, Paragraph, Table
from ledger.readers.text import decode_text, detect_form, read_text

SEEDS = Path(__file__).resolve().parents[2] / "samples" / "seeds"

TAB_ROWS = "2024年某市部门整体预算绩效目标批复表\n\n部门名称\t某市人力资源和社会保障局\t\t\n基本信息\t财政供养人员数\t269\n\n\t\t\t\n\t合计\t110641.64\n"
OUTLINE = (
    "1 2024年市级部门整体预算绩效目标表: \n"
    "1.1 部门名称: 某市人力资源和社会保障局, \n"
    "1.2 基本信息: \n"
    "1.2.1 财政供养人员数: 737, \n"
    "\n"
    "1.3.2 预算金额（万元）: 10891.615675, 61915.7693, 预算金额（万元）, None, None, \n"
)
CELLS_PER_LINE = "标题\n\n\t项目名称\n\t考核奖励经费\n\n\t单位\n\t本级\n"


def table(document: Document, index: int = 0) -> Table:
    return list(document.tables())[index]


# --- decoding -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encode", "label"),
    [
        (lambda text: text.encode("utf-8"), "UTF-8"),
        (lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"), "UTF-8 with BOM"),
        (lambda text: text.encode("gb18030"), "GB18030"),
        (lambda text: text.encode("gbk"), "GBK"),
        (lambda text: text.encode("utf-16"), "UTF-16 with BOM (native order)"),
        (lambda text: b"\xff\xfe" + text.encode("utf-16-le"), "UTF-16 LE BOM"),
        (lambda text: b"\xfe\xff" + text.encode("utf-16-be"), "UTF-16 BE BOM"),
        (lambda text: text.replace("\n", "\r\n").encode("utf-8"), "CRLF"),
        (lambda text: text.replace("\n", "\r").encode("gb18030"), "CR, GB18030"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_every_encoding_reads_to_the_same_document(encode: Callable[[str], bytes], label: str) -> None:
    expected = read_text(TAB_ROWS.encode("utf-8"))
    assert read_text(encode(TAB_ROWS)) == expected, label


def test_decoding_normalises_line_ends_and_drops_the_bom() -> None:
    assert decode_text(b"\xef\xbb\xbf\xe9\x83\xa8\r\n\xe9\x97\xa8\r") == "部\n门\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b" \n\t\r\n", "empty"),
        (b"abc\x00def", "binary"),
        (b"\xff\xfe\x00", "(?i)utf-16"),  # a BOM, then an odd byte: not UTF-16
        (b"\xff\xff\xfe\x80", "neither"),  # neither UTF-8 nor GB18030
        ("部门".encode("utf-16-le") + b"\x00\x00", "binary"),  # UTF-16 without a BOM: NULs, refused
    ],
)
def test_bad_bytes_raise_a_read_error_with_a_reason(data: bytes, message: str) -> None:
    with pytest.raises(ReadError, match=message):
        read_text(data)


# --- form detection -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "form"),
    [
        (TAB_ROWS, "tab-rows"),
        (OUTLINE, "outline"),
        (CELLS_PER_LINE + "\t其他\n\n\t更多\n", "cells-per-line"),
        ("一段文字\n另一段文字\n", "plain"),
        ("", "plain"),
    ],
)
def test_detect_form(text: str, form: str) -> None:
    assert detect_form(text) == form


@pytest.mark.parametrize(
    ("seed", "form"),
    [
        ("taishan-hrss-2024-targets.txt", "tab-rows"),
        ("zhanjiang-hrss-2024-targets.txt", "outline"),
        ("laoting-hrss-2024-targets.txt", "cells-per-line"),
        ("gaoxin-hrss-2024-targets.txt", "cells-per-line"),
        ("haigang-hrss-2024-budget.txt", "cells-per-line"),
    ],
)
def test_each_seed_is_read_in_its_form(seed: str, form: str) -> None:
    document = read_text((SEEDS / seed).read_bytes())
    assert document.form == form
    assert any(True for _ in document.tables())


# --- tab-rows -------------------------------------------------------------------------------------------------


def test_tab_rows_keep_cell_positions_and_drop_page_break_residue() -> None:
    document = read_text(TAB_ROWS.encode("utf-8"))
    assert document.blocks[0] == Paragraph("2024年某市部门整体预算绩效目标批复表")
    # Blank lines do not end the table; the all-empty row (``\t\t\t``) is dropped; empty cells keep their place.
    assert table(document).rows == (
        ("部门名称", "某市人力资源和社会保障局", "", ""),
        ("基本信息", "财政供养人员数", "269"),
        ("", "合计", "110641.64"),
    )


def test_tab_rows_a_paragraph_line_ends_the_table() -> None:
    document = read_text("a\tb\nc\td\n标题\ne\tf\n".encode())
    assert [type(block).__name__ for block in document.blocks] == ["Table", "Paragraph", "Table"]
    assert table(document, 1).rows == (("e", "f"),)


def test_taishan_rows_continued_across_a_page_break_have_an_empty_key_cell() -> None:
    """The reader keeps continuation rows as rows; merging them is the layout's business."""
    rows = table(read_text((SEEDS / "taishan-hrss-2024-targets.txt").read_bytes()), 1).rows
    assert rows[0][:2] == ("部门名称", "台山市人力资源和社会保障局")
    assert ("", "", "", "", "收金额进度", "") in rows
    assert ("", "", "", "", "", "35%)") in rows


# --- outline --------------------------------------------------------------------------------------------------


def test_outline_items_become_rows_of_number_key_and_cells() -> None:
    document = read_text(OUTLINE.encode("utf-8"))
    assert document.form == "outline"
    assert table(document).rows == (
        ("1", "2024年市级部门整体预算绩效目标表"),
        ("1.1", "部门名称", "某市人力资源和社会保障局"),
        ("1.2", "基本信息"),
        ("1.2.1", "财政供养人员数", "737"),
        # ``None`` (an empty spreadsheet cell) becomes the empty cell; the header artefact stays text.
        ("1.3.2", "预算金额（万元）", "10891.615675", "61915.7693", "预算金额（万元）", "", ""),
    )


def test_outline_continuation_lines_and_leading_paragraphs() -> None:
    text = "导出文件\n1 表: \n1.1 目标: 第一行\n第二行, 另一格, \n1.2 名称：全角冒号\n"
    document = read_text(text.encode("utf-8"))
    assert document.blocks[0] == Paragraph("导出文件")
    assert table(document).rows == (
        ("1", "表"),
        ("1.1", "目标", "第一行\n第二行", "另一格"),
        ("1.2", "名称", "全角冒号"),
    )


def test_zhanjiang_outline_keeps_every_flattened_cell() -> None:
    rows = {
        row[0]: row for row in table(read_text((SEEDS / "zhanjiang-hrss-2024-targets.txt").read_bytes())).rows
    }
    assert rows["1.2.1"] == ("1.2.1", "财政供养人员数", "737")
    assert len(rows["1.7.3"]) - 2 == len(rows["1.7.4"]) - 2 == 21
    assert rows["1.7.3"][2 + 8] == "" and rows["1.7.4"][2 + 8] == ""  # the ninth row: None, None
    assert rows["1.6"] == ("1.6", "其他需完成的任务（可选填）", "")


# --- cells-per-line -------------------------------------------------------------------------------------------


def test_cells_per_line_rows_are_separated_by_blank_lines() -> None:
    document = read_text((CELLS_PER_LINE + "\t其他\n\n\t更多\n").encode("utf-8"))
    assert document.form == "cells-per-line"
    assert document.blocks[0] == Paragraph("标题")
    # A tabbed line right after another (no blank line) is the next cell of the same row.
    assert table(document).rows == (("项目名称", "考核奖励经费"), ("单位", "本级", "其他"), ("更多",))


@pytest.mark.parametrize(
    ("ending", "truncated"),
    [
        ("\t其他\n", False),  # every cell line ends with a line break in a whole extraction
        ("\t其他", True),  # the file stops inside the cell
        ("\t其他\n\n结束语", False),  # a closing paragraph without a line break is not a cut cell
    ],
)
def test_a_text_that_stops_inside_a_cell_is_marked_cut(ending: str, truncated: bool) -> None:
    document = read_text((CELLS_PER_LINE + ending).encode("utf-8"))
    assert document.form == "cells-per-line"
    assert ("truncated" in document.meta) is truncated
    if truncated:
        assert document.meta["truncated"] == (
            "the text stops inside a table cell ('其他', with no line break after it): the file is cut off there"
        )


def test_a_tab_rows_text_without_a_final_line_break_is_not_marked_cut() -> None:
    """In the PDF text form a row is a line: without a final line break its end cannot be told from a cut."""
    document = read_text("标题\n项目\t金额\n甲\t1\n乙\t2\n丙\t3".encode())
    assert document.form == "tab-rows" and "truncated" not in document.meta


# --- untrusted input ------------------------------------------------------------------------------------------


def _read_or_refuse(data: bytes) -> Document | None:
    try:
        return read_text(data)
    except ReadError:
        return None


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_give_a_document_or_a_read_error(data: bytes) -> None:
    result = _read_or_refuse(data)
    assert result is None or isinstance(result, Document)


_CELL = st.text(alphabet=st.sampled_from(list("部门名称预算金额 0123456789.,:：None\t\r\n%≥")), max_size=12)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.builds(
                lambda n, k, v: f"{n} {k}: {v}", st.from_regex(r"\d(\.\d){0,3}", fullmatch=True), _CELL, _CELL
            ),
            st.builds("\t".join, st.lists(_CELL, max_size=6)),
            _CELL,
        ),
        max_size=30,
    ),
    st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
)
def test_text_shaped_like_the_forms_gives_a_document_or_a_read_error(lines: list[str], codec: str) -> None:
    data = "\n".join(lines).encode(codec)
    result = _read_or_refuse(data)
    assert result is None or isinstance(result, Document)
    if result is not None:
        # Every block holds text (no empty paragraph, no table without rows).
        assert all((block.text if isinstance(block, Paragraph) else block.rows) for block in result.blocks)
