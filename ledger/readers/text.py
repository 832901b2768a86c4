"""Text reader: plain-text extractions of publications → the intermediate form.

Decodes UTF-8 (with or without BOM), UTF-16 with a BOM and GB18030/GBK; normalises line endings; then rebuilds
tables from whichever of the textual forms the text is in (SPEC §3):

* ``cells-per-line`` — DOCX text: one table cell per line with a leading tab, rows separated by blank lines
  (Laoting, Gaoxin, Haigang);
* ``tab-rows`` — PDF text: one row per line, cells separated by tabs (Taishan);
* ``outline`` — an XLSX export flattened to a numbered key/value outline (Zhanjiang).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ledger.document import Block, Document, Paragraph, Table
from ledger.errors import ReadError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def decode_text(data: bytes) -> str:
    """Bytes → text with normalised line ends; :class:`ReadError` for empty, binary or undecodable input."""
    if not data.strip():
        raise ReadError("empty file")
    text = _decode(data)
    if "\x00" in text:
        raise ReadError("binary data, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise ReadError(f"not valid {codec} text despite its byte-order mark") from exc
    if b"\x00" in data:
        raise ReadError("binary data, not text")
    for codec in ("utf-8", "gb18030"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    raise ReadError("text is neither UTF-8 nor GB18030/GBK")


_OUTLINE_LINE = re.compile(r"^\d+(?:\.\d+)*\s+\S[^:：]*[:：]")


def detect_form(text: str) -> str:
    """Which textual form the text is in, by counting the telltale lines."""
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines:
        return "plain"
    outline = sum(1 for line in lines if _OUTLINE_LINE.match(line))
    cell_lines = sum(1 for line in lines if line.startswith("\t") and "\t" not in line[1:].rstrip("\t "))
    tab_rows = sum(1 for line in lines if "\t" in line.strip("\t "))
    if outline >= max(3, len(lines) // 2):
        return "outline"
    if cell_lines >= max(3, tab_rows):
        return "cells-per-line"
    if tab_rows >= 3:
        return "tab-rows"
    return "plain"


def read_text(data: bytes) -> Document:
    """Decode ``data`` and rebuild its paragraphs and tables."""
    text = decode_text(data)
    form = detect_form(text)
    return Document(blocks=tuple(FORM_READERS[form](text)), form=form)


def _cells_per_line(text: str) -> list[Block]:
    """One cell per line with a leading tab; a blank line then a tabbed line starts a new row.

    A line without a leading tab continues the cell above it when it comes inside a table (a cell with line breaks),
    unless two blank lines or more stand before it, which ends the table.
    """
    blocks: list[Block] = []
    rows: list[list[str]] = []
    row: list[str] | None = None
    blanks = 0

    def close_table() -> None:
        nonlocal rows, row
        if row is not None:
            rows.append(row)
        if rows:
            blocks.append(Table(rows=tuple(tuple(_clean_cell(c) for c in r) for r in rows)))
        rows, row = [], None

    for line in text.split("\n"):
        if line.startswith("\t"):
            if row is None or blanks:
                if row is not None:
                    rows.append(row)
                row = []
            row.append(line[1:])
            blanks = 0
        elif not line.strip():
            blanks += 1
        elif row is not None and blanks < 2:
            row[-1] += "\n" * (blanks + 1) + line
            blanks = 0
        else:
            close_table()
            blocks.append(Paragraph(line.strip()))
            blanks = 0
    close_table()
    return blocks


def _clean_cell(cell: str) -> str:
    return "\n".join(part.strip(" \t\u3000") for part in cell.strip().split("\n")).strip()


def _tab_rows(text: str) -> list[Block]:
    """One row per line, cells separated by tabs; consecutive row lines (blank lines allowed) form one table."""
    blocks: list[Block] = []
    rows: list[tuple[str, ...]] = []
    for line in text.split("\n"):
        if "\t" in line:
            rows.append(tuple(cell.strip() for cell in line.split("\t")))
        elif line.strip():
            if rows:
                blocks.append(Table(rows=tuple(rows)))
                rows = []
            blocks.append(Paragraph(line.strip()))
    if rows:
        blocks.append(Table(rows=tuple(rows)))
    return blocks


def _plain(text: str) -> list[Block]:
    return [Paragraph(line.strip()) for line in text.split("\n") if line.strip()]


def _outline(text: str) -> list[Block]:
    """Numbered outline lines stay paragraphs, one per item; the outline layout parser splits their values."""
    return _plain(text)


FORM_READERS: dict[str, Callable[[str], list[Block]]] = {
    "cells-per-line": _cells_per_line,
    "tab-rows": _tab_rows,
    "outline": _outline,
    "plain": _plain,
}
