"""Zip-bomb and XML-entity limits (ledger.readers.safety), checked before openpyxl or python-docx see a file."""

from __future__ import annotations

import io
import zipfile

import docx
import openpyxl
import pytest

from ledger.errors import ReadError
from ledger.readers import read_document
from ledger.readers.limits import Limits
from ledger.readers.safety import check_office_zip

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">\n' for n in range(1, 10)).replace(
        "&lol0;", "&lol;"
    )
    + ']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>'
)
EXTERNAL_ENTITY = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>'


def _workbook() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"] = "合计"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _word() -> bytes:
    out = io.BytesIO()
    word = docx.Document()
    word.add_paragraph("部门预算")
    word.save(out)
    return out.getvalue()


def _replace_member(data: bytes, name: str, content: bytes) -> bytes:
    """The same archive with one member's content replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info.filename))
        target.writestr(name, content)
    return out.getvalue()


def test_genuine_office_files_pass() -> None:
    check_office_zip(_workbook())
    check_office_zip(_word())


@pytest.mark.parametrize(
    "payload", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"]
)
def test_entity_declarations_in_a_workbook_are_refused(payload: str) -> None:
    hostile = _replace_member(_workbook(), "xl/sharedStrings.xml", payload.encode())
    with pytest.raises(ReadError, match="DTD or XML entities"):
        read_document(hostile, "预算.xlsx")


def test_entity_declarations_in_a_word_document_are_refused() -> None:
    hostile = _replace_member(_word(), "word/document.xml", EXTERNAL_ENTITY.encode())
    with pytest.raises(ReadError, match="DTD or XML entities"):
        read_document(hostile, "预算.docx")


def test_a_dtd_in_utf16_is_refused_too() -> None:
    hostile = _replace_member(
        _word(), "word/styles.xml", EXTERNAL_ENTITY.replace("1.0", "1.0").encode("utf-16")
    )
    with pytest.raises(ReadError, match="DTD"):
        check_office_zip(hostile)


def test_a_dtd_split_across_read_chunks_is_found() -> None:
    padding = b" " * (64 * 1024 - 4)  # the marker straddles the first 64 KiB chunk boundary
    hostile = _replace_member(_word(), "word/settings.xml", padding + EXTERNAL_ENTITY.encode())
    with pytest.raises(ReadError, match="DTD"):
        check_office_zip(hostile)


def test_a_highly_compressed_part_is_refused_as_a_zip_bomb() -> None:
    bomb = _replace_member(_workbook(), "xl/worksheets/sheet2.xml", b"\0" * (8 * 1024 * 1024))
    with pytest.raises(ReadError, match="ZIP bomb"):
        read_document(bomb, "预算.xlsx")


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        (Limits(zip_total_bytes=1000), "unpacks to more bytes than allowed .*zip_total_bytes=1000"),
        (Limits(zip_part_bytes=100), "unpacks to .* bytes \\(limit zip_part_bytes=100;"),
        (Limits(zip_parts=2), "parts \\(limit zip_parts=2;"),
        (Limits(zip_ratio=1, zip_ratio_floor_bytes=0), "compressed .*:1"),
    ],
)
def test_each_limit_is_enforced_from_the_zip_directory(limits: Limits, message: str) -> None:
    with pytest.raises(ReadError, match=message):
        check_office_zip(_workbook(), limits)


def test_an_encrypted_part_is_refused() -> None:
    data = bytearray(_word())
    # set the "encrypted" flag of the first central-directory entry (signature PK\1\2; flags at offset 8)
    at = data.index(b"PK\x01\x02")
    data[at + 8] |= 0x1
    with pytest.raises(ReadError, match="encrypted"):
        check_office_zip(bytes(data))


def test_a_damaged_archive_is_a_read_error() -> None:
    data = _word()
    with pytest.raises(ReadError):
        check_office_zip(data[: len(data) // 2])
