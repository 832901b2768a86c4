"""Text reader: plain-text extractions of publications → the intermediate form.

Decodes UTF-8 (with or without BOM), UTF-16 with a BOM and GB18030/GBK; normalises line endings; then rebuilds
tables from whichever of the textual forms the text is in (docs/architecture.md §3):

* ``cells-per-line`` — DOCX text: one table cell per line with a leading tab, rows separated by blank lines
  (Laoting, Gaoxin, Haigang);
* ``tab-rows`` — PDF text: one row per line, cells separated by tabs (Taishan);
* ``outline`` — an XLSX export flattened to a numbered key/value outline (Zhanjiang), rebuilt as one table of
  ``(number, key, cell, …)`` rows.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable

from ledger.errors import ReadError
from ledger.readers.document import Block, Document, Paragraph, Table
from ledger.readers.limits import check_size

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def decode_text(data: bytes) -> str:
    """Bytes → text with normalised line ends; :class:`ReadError` for empty, binary or undecodable input."""
    return _decode_text(data)[0]


def _decode_text(data: bytes) -> tuple[str, str | None]:
    """The text, and why it is cut off when it ends inside a character (read up to the cut), else None."""
    if not data.strip():
        raise ReadError("empty file")
    # Text extractions of budget publications are well under 1 MB; parsing is linear but memory-hungry (a seed
    # repeated to 50 MB took 90 s and 1.2 GB), so absurd input fails fast instead.
    check_size("text", len(data))
    text, cut = _decode(data)
    if "\x00" in text:
        raise ReadError("binary data, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n"), cut


def _decode(data: bytes) -> tuple[str, str | None]:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), None
            except UnicodeDecodeError as exc:
                if (cut := _up_to_a_cut_inside_a_character(data, codec)) is not None:
                    return cut
                raise ReadError(f"not valid {codec} text despite its byte-order mark") from exc
    if b"\x00" in data:
        raise ReadError("binary data, not text")
    for codec in ("utf-8", "gb18030"):
        try:
            return data.decode(codec), None
        except UnicodeDecodeError:
            if (cut := _up_to_a_cut_inside_a_character(data, codec)) is not None:
                return cut
    raise ReadError("text is neither UTF-8 nor GB18030/GBK")


def _up_to_a_cut_inside_a_character(data: bytes, codec: str) -> tuple[str, str] | None:
    """A file valid in ``codec`` but for an incomplete character at its very end was cut off in transfer: the text
    up to the cut and a note saying so — rather than "not UTF-8" (or worse, mojibake in the next encoding tried).
    None when the bytes are invalid elsewhere."""
    try:
        text = codecs.getincrementaldecoder(codec)().decode(data, final=False)
    except UnicodeDecodeError:
        return None
    if not text.strip():
        raise ReadError(f"the {codec.upper()} text is cut off inside its first character: nothing to read")
    return text, f"the {codec.upper()} text ends inside a character: the file is cut off there"


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
    text, cut = _decode_text(data)
    form = detect_form(text)
    cut = cut or _cut_inside_a_cell(text, form)
    meta = {"truncated": cut} if cut else {}
    return Document(blocks=tuple(FORM_READERS[form](text)), form=form, meta=meta)


def _cut_inside_a_cell(text: str, form: str) -> str | None:
    """Why the text looks cut inside its last table cell, or None.

    In the ``cells-per-line`` form (a DOCX extraction) every cell is a line of its own, ended by a line break. A text
    whose last line is a cell with no line break after it stopped inside that cell: the cell's text, and whatever
    the publication printed after it, may be missing — and the table it ends can look whole to a layout.
    """
    if form != "cells-per-line" or text.endswith("\n"):
        return None
    last = text.rsplit("\n", 1)[-1]
    if not last.startswith("\t"):
        return None
    return (
        f"the text stops inside a table cell ({_clean_cell(last)[:20]!r}, with no line break after it): "
        "the file is cut off there"
    )


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
    """One row per line, cells separated by tabs; consecutive row lines (blank lines allowed) form one table.

    Cells keep their position, empty ones included (the layout reads columns by index, and an empty first cell is
    how a row continued across a page break shows). A line of tabs and nothing else is the residue of a page break
    and carries no cell text, so it is dropped.
    """
    blocks: list[Block] = []
    rows: list[tuple[str, ...]] = []
    for line in text.split("\n"):
        if "\t" in line:
            cells = tuple(cell.strip() for cell in line.split("\t"))
            if any(cells):
                rows.append(cells)
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


_OUTLINE_ITEM = re.compile(r"^(?P<number>\d+(?:\.\d+)*)\s+(?P<key>\S[^:：]*?)\s*[:：](?P<values>.*)$")
#: How the exporter wrote a list of cells: each value followed by this separator, an empty cell as Python's ``None``.
_OUTLINE_SEPARATOR = ", "
_OUTLINE_EMPTY_CELL = "None"


def _outline(text: str) -> list[Block]:
    """Each outline item becomes one row ``(number, key, cell, cell, …)``; the items together form one table.

    The export flattened every spreadsheet column into a list (``1.3.2 预算金额（万元）: 10891.6, 61915.7, None, ``): the
    list is split back into cells and ``None`` becomes ``""``, the empty cell of the intermediate form. A line that is
    not an item continues the item above it (a cell with a line break); lines before the first item are paragraphs.
    Which columns belong together is the layout's business: the reader only restores the cells.
    """
    blocks: list[Block] = []
    items: list[list[str]] = []  # [number, key, raw values text]
    for line in text.split("\n"):
        match = _OUTLINE_ITEM.match(line.strip())
        if match:
            items.append([match["number"], match["key"], match["values"]])
        elif items and line.strip():
            items[-1][2] += "\n" + line.strip()
        elif line.strip():
            blocks.append(Paragraph(line.strip()))
    if items:
        blocks.append(Table(rows=tuple((number, key, *_outline_cells(raw)) for number, key, raw in items)))
    return blocks


def _outline_cells(raw: str) -> tuple[str, ...]:
    """``a, b, None, `` → ``("a", "b", "")``: the list separator also ends the last value."""
    raw = raw.strip()
    if raw.endswith(_OUTLINE_SEPARATOR.strip()):
        raw = raw[: -len(_OUTLINE_SEPARATOR.strip())].rstrip()
    if not raw:
        return ()
    cells = (cell.strip() for cell in raw.split(_OUTLINE_SEPARATOR))
    return tuple("" if cell == _OUTLINE_EMPTY_CELL else cell for cell in cells)


FORM_READERS: dict[str, Callable[[str], list[Block]]] = {
    "cells-per-line": _cells_per_line,
    "tab-rows": _tab_rows,
    "outline": _outline,
    "plain": _plain,
}
