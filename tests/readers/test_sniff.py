"""Format detection by content (ledger.readers.sniff) and the dispatch in ledger.readers.read_document.

File names lie; these tests give every file a misleading name or none, and check that the content decides.
"""

from __future__ import annotations

import io
import zipfile

import docx
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.errors import ReadError
from ledger.readers import read_document
from ledger.readers.document import Document
from ledger.readers.sniff import sniff
from tests.readers.builders import image_only_pdf, png_image


def _xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"] = "项目名称"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _docx() -> bytes:
    word = docx.Document()
    word.add_paragraph("部门预算")
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _ole2(stream_name: str) -> bytes:
    """The start of a compound document: magic, then a directory entry naming the stream (UTF-16LE)."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + stream_name.encode("utf-16-le") + b"\x00\x00"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "pdf"),
        (b"\r\n%PDF-1.4\n", "pdf"),  # junk before the header is allowed
        (b"<!DOCTYPE html><html><body>x</body></html>", "html"),
        (b"\xef\xbb\xbf  <html lang='zh'><head><meta charset='gbk'>", "html"),
        (b"<table><tr><td>1</td></tr></table>", "html"),
        ("<html><body>部门</body></html>".encode("utf-16"), "html"),
        ("部门名称\t某局\n".encode("gb18030"), "text"),
        ("\t<p>1. 进一步实施…</p>\t\n".encode(), "text"),  # <p> in tab-separated PDF text is not HTML
        (b"\x89PNG\r\n\x1a\n\x00\x00", "png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpeg"),
        (b"GIF89a\x01\x00", "gif"),
        (b"\x1f\x8b\x08\x00", "gzip"),
        (b"{\\rtf1\\ansi", "rtf"),
        (b"\x00\x01\x02binary", "binary"),
        (b"  \n ", "empty"),
        (_ole2("Workbook"), "xls"),
        (_ole2("WordDocument"), "doc"),
        (_zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), "odf"),
        (_zip({"a.txt": b"x"}), "zip"),
        (_zip({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"}), "pptx"),
        (b"PK\x03\x04truncated", "zip"),
        (
            b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">',
            "spreadsheetml",
        ),
    ],
)
def test_formats_are_told_by_their_bytes(data: bytes, expected: str) -> None:
    assert sniff(data).format == expected


def test_office_files_are_told_apart_by_their_parts() -> None:
    assert sniff(_xlsx()).format == "xlsx"
    assert sniff(_docx()).format == "docx"


def test_a_workbook_named_docx_is_read_as_a_workbook() -> None:
    document = read_document(_xlsx(), "预算.docx")
    assert document.form == "xlsx"
    assert "项目名称" in document.text()


def test_a_word_file_named_xlsx_is_read_as_a_word_file() -> None:
    assert read_document(_docx(), "预算.xlsx").form == "docx"


def test_an_html_table_saved_as_xls_is_read_as_html() -> None:
    page = "<html><body><table><tr><td>合计</td><td>1,000.00</td></tr></table></body></html>"
    document = read_document(page.encode(), "预算表.xls")
    assert document.form == "html"
    assert list(document.tables())[0].rows == (("合计", "1,000.00"),)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (png_image(), "PNG image.*no OCR"),
        (_ole2("Workbook"), r"Excel 97-2003.*\.xlsx"),
        (_ole2("WordDocument"), r"Word 97-2003.*\.docx"),
        (_zip({"a.txt": b"x"}), "ZIP archive"),
        (b"\x00\x01binary", "binary"),
        (b"", "empty"),
    ],
)
def test_unreadable_formats_get_a_clear_reason(data: bytes, message: str) -> None:
    with pytest.raises(ReadError, match=message):
        read_document(data, "report.pdf")


def test_a_png_named_pdf_is_refused_as_an_image() -> None:
    with pytest.raises(ReadError, match="PNG image"):
        read_document(png_image(), "2024年部门预算.pdf")


def test_a_pdf_without_text_is_refused_not_read_empty() -> None:
    with pytest.raises(ReadError, match="no text layer"):
        read_document(image_only_pdf(), "scan.pdf")


def test_legacy_word_files_with_an_embedded_workbook_are_word_files() -> None:
    """Word documents often embed Excel tables: the WordDocument stream decides."""
    data = _ole2("WordDocument") + "Workbook".encode("utf-16-le")
    assert sniff(data).format == "doc"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2048))
def test_any_bytes_give_a_document_or_a_read_error(data: bytes) -> None:
    try:
        result = read_document(data)
    except ReadError:
        return
    assert isinstance(result, Document)


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from([b"%PDF-1.4\n", b"PK\x03\x04", b"<html>", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]),
    st.binary(),
)
def test_truncated_files_behind_a_valid_header_give_a_read_error(header: bytes, rest: bytes) -> None:
    try:
        result = read_document(header + rest)
    except ReadError:
        return
    assert isinstance(result, Document)
