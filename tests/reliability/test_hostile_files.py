"""Tiny files that used to cost gigabytes and minutes are refused before the cost, in one line naming the limit.

Each test writes the hostile file itself, reads it in a child interpreter (:mod:`tests.reliability.bounded`) and
asserts the refusal, its time and its peak memory. The figures before the fix are in docs/RELIABILITY.md.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from ledger import store
from ledger.store import Ledger, events
from tests.conftest import ROOT
from tests.reliability.bounded import read_in_child

#: What any refusal here may cost at most (the reader's imports alone take about 100 MB).
MAX_SECONDS = 10.0
MAX_RSS_MB = 400.0


def _assert_refused(path: Path, limit: str, env: dict[str, str] | None = None) -> None:
    measured = read_in_child(path, env={**os.environ, **(env or {})})
    assert measured.error is not None, "the hostile file was read"
    assert "\n" not in measured.error
    assert f"limit {limit}=" in measured.error, measured.error
    assert measured.seconds < MAX_SECONDS, measured
    assert measured.rss_mb < MAX_RSS_MB, measured


# --- HTML -----------------------------------------------------------------------------------------------------


def test_html_spans_are_counted_before_they_are_expanded(tmp_path: Path) -> None:
    # before: 60 cells of rowspan=colspan=1000 (2.4 KB) took 104 s and 9.7 GB
    cells = '<td rowspan="1000" colspan="1000">x</td>' * 60
    page = f"<html><body><table><tr>{cells}</tr><tr><td>y</td></tr></table></body></html>"
    path = tmp_path / "spans.html"
    path.write_text(page, encoding="utf-8")
    _assert_refused(path, "html_table_cells")


def test_html_over_its_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.html"
    path.write_bytes(b"<html><body><p>" + b"x" * 3_000_000 + b"</p></body></html>")
    _assert_refused(path, "html_bytes", {"LEDGER_LIMIT_HTML_BYTES": "2000000"})


# --- PDF ------------------------------------------------------------------------------------------------------


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of the given objects (numbered from 1; object 1 is the catalog) with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _pages_pdf(page_count: int, content: bytes, *, compress: bool = False) -> bytes:
    """``page_count`` pages sharing one content stream."""
    stream = zlib.compress(content) if compress else content
    flate = b" /Filter /FlateDecode" if compress else b""
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(page_count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % page_count,
        b"<< /Length %d%s >>\nstream\n" % (len(stream), flate) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> >> >>"
    objects += [page] * page_count
    return _pdf(objects)


@pytest.mark.slow
def test_a_flate_bomb_is_refused_before_pdfminer_inflates_it(tmp_path: Path) -> None:
    # before: a 3 MB flate bomb took 18 s and 6.4 GB; this one is 300 KB inflating to 300 MB
    compressor = zlib.compressobj(9)
    block = b"\0" * (16 * 1024 * 1024)
    bomb = b"".join(compressor.compress(block) for _ in range(19)) + compressor.flush()
    page_text = b"BT /F1 12 Tf 72 720 Td (budget) Tj ET\n"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [6 0 R 3 0 R] "
        b"/Resources << /Font << /F1 4 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(page_text) + page_text + b"\nendstream",
    ]
    path = tmp_path / "bomb.pdf"
    path.write_bytes(_pdf(objects))
    _assert_refused(path, "pdf_stream_bytes")


def test_many_small_flate_streams_are_refused_by_their_total(tmp_path: Path) -> None:
    block = zlib.compress(b"\0" * (1024 * 1024), 9)  # 1 KB each, 1 MiB inflated
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    objects += [b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(block) + block + b"\nendstream"] * 40
    path = tmp_path / "bombs.pdf"
    path.write_bytes(_pdf(objects))
    _assert_refused(path, "pdf_inflated_bytes", {"LEDGER_LIMIT_PDF_INFLATED_BYTES": str(32 * 1024 * 1024)})


def test_a_pdf_of_too_many_pages_is_refused_before_any_page_is_read(tmp_path: Path) -> None:
    # before: 1,999 text pages (316 KB, under the old limit of 2,000) took 17 min 40 s and 5.1 GB
    path = tmp_path / "pages.pdf"
    path.write_bytes(_pages_pdf(2000, b"BT /F1 12 Tf 72 720 Td (budget line) Tj ET\n"))
    _assert_refused(path, "pdf_pages")


@pytest.mark.slow
def test_reading_pages_stops_at_the_deadline(tmp_path: Path) -> None:
    text = b"".join(
        b"BT /F1 9 Tf 20 %d Td (line of a budget table 123456) Tj ET\n" % y for y in range(20, 820, 10)
    )
    path = tmp_path / "slow.pdf"
    path.write_bytes(_pages_pdf(400, text, compress=True))
    _assert_refused(path, "pdf_seconds", {"LEDGER_LIMIT_PDF_SECONDS": "2"})


# --- XLSX -----------------------------------------------------------------------------------------------------

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b"%s</Types>"
)
_SHEET_TYPE = (
    b'<Override PartName="/xl/worksheets/sheet%d.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_R = b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def _workbook(sheets: list[bytes], extra: dict[str, bytes] | None = None) -> bytes:
    """An XLSX of the given sheet XML bodies (``<sheetData>…</sheetData>`` and what follows), named S1, S2 …"""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        types = b"".join(_SHEET_TYPE % (i + 1) for i in range(len(sheets)))
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES % types)
        archive.writestr(
            "_rels/.rels",
            b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        entries = b"".join(
            b'<sheet name="S%d" sheetId="%d" r:id="rId%d"/>' % (i + 1, i + 1, i + 1)
            for i in range(len(sheets))
        )
        archive.writestr(
            "xl/workbook.xml", b"<workbook %s %s><sheets>%s</sheets></workbook>" % (_MAIN, _R, entries)
        )
        relations = b"".join(
            b'<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>'
            % (i + 1, i + 1)
            for i in range(len(sheets))
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">%s</Relationships>'
            % relations,
        )
        for index, body in enumerate(sheets, start=1):
            archive.writestr(
                f"xl/worksheets/sheet{index}.xml", b"<worksheet %s>%s</worksheet>" % (_MAIN, body)
            )
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.slow
def test_formula_ranges_are_bounded_in_total(tmp_path: Path) -> None:
    # before: 100 =SUM(S2!…) formulas (6.3 KB) took 83 s and 5.2 GB (each range created its cells)
    formulas = b"".join(b'<c r="A%d"><f>SUM(S2!A1:CV1000)</f></c>' % row for row in range(1, 101))
    sheet1 = (
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
        + b"".join(
            b'<row r="%d">%s</row>' % (row, b'<c r="A%d"><f>SUM(S2!A1:CV1000)</f></c>' % row)
            for row in range(2, 102)
        )
        + b"</sheetData>"
    )
    del formulas
    sheet2 = b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>'
    path = tmp_path / "formulas.xlsx"
    path.write_bytes(_workbook([sheet1, sheet2]))
    _assert_refused(path, "xlsx_formula_cells")


def test_cells_are_counted_before_the_workbook_is_loaded(tmp_path: Path) -> None:
    # before: 3.5 M dense cells were accepted after 96 s and 2.9 GB; now counted from the sheet XML first
    rows = b"".join(
        b'<row r="%d">%s</row>'
        % (row, b"".join(b'<c r="%s%d"><v>1</v></c>' % (column, row) for column in (b"A", b"B", b"C", b"D")))
        for row in range(1, 3001)
    )
    path = tmp_path / "dense.xlsx"
    path.write_bytes(_workbook([b"<sheetData>" + rows + b"</sheetData>"]))
    _assert_refused(path, "xlsx_cells", {"LEDGER_LIMIT_XLSX_CELLS": "10000"})


@pytest.mark.parametrize(
    "body",
    [
        # two cells, 17 billion positions between them
        b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>',
        # one merged range openpyxl would fill with a MergedCell per position
        b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>',
    ],
    ids=["far-cell", "huge-merge"],
)
def test_a_sheet_area_is_counted_before_loading(tmp_path: Path, body: bytes) -> None:
    path = tmp_path / "area.xlsx"
    path.write_bytes(_workbook([body]))
    _assert_refused(path, "xlsx_cells")


@pytest.mark.slow
def test_many_small_bombs_are_refused_by_the_archive_ratio(tmp_path: Path) -> None:
    # before: parts under 1 MiB were not ratio-checked: 240 parts at 1006:1 (252 MB) passed
    zeros = b"\0" * (1024 * 1024 - 1)
    extra = {f"xl/media/blob{i}.bin": zeros for i in range(60)}
    path = tmp_path / "bombs.xlsx"
    path.write_bytes(_workbook([b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>'], extra))
    assert path.stat().st_size < 200_000
    _assert_refused(path, "zip_ratio")


# --- input over every size limit ------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_huge_file_is_refused_without_being_stored(tmp_path: Path) -> None:
    # before: a 200 MB text file was refused as text but stored: the database grew by 205 MB
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as stream:  # sparse: 210 MiB of zeros that cost no disk
        stream.truncate(210 * 1024 * 1024)
    database = tmp_path / "ledger.db"
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-m", "ledger_cli", "--db", str(database), "ingest", str(huge)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    elapsed = time.monotonic() - started
    assert completed.returncode == 1
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and "limit pdf_bytes=" in lines[0], completed.stderr
    assert elapsed < MAX_SECONDS
    assert database.stat().st_size < 2 * 1024 * 1024
    with Ledger(str(database)) as ledger, ledger.read() as session:
        refused = [e for e in events.list_events(session) if e.type == events.INPUT_REFUSED]
        assert store.find_publication(session, refused[0].payload["sha256"]) is None
    assert refused[0].payload["size"] == 210 * 1024 * 1024
    assert refused[0].payload["limit"] == "pdf_bytes"
