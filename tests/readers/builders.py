"""Fixture files built with the format libraries themselves (python-docx, openpyxl, reportlab), never by hand.

``docx_of`` and ``pdf_of`` write an intermediate-form document back out as the file a department would publish:
DOCX tables with real merged cells (a short row's last cell spans the rest of the grid; an empty label cell below
a filled one is a vertical merge), PDF tables with ruling lines, cell text wrapped to the cell's width, and tables
broken across pages. Reading such a file must give back the document it was made from.

PDFs use reportlab's built-in CID font ``STSong-Light`` (Adobe-GB1): Chinese text without embedding a font file,
so the fixtures build the same on any machine.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import docx
from docx.table import _Cell

from ledger.readers.document import Document, Paragraph, Table

# --- DOCX -----------------------------------------------------------------------------------------------------------


def docx_of(document: Document, *, merge_labels: bool = True) -> bytes:
    """A DOCX with the document's paragraphs and tables, in order."""
    word = docx.Document()
    for block in document.blocks:
        if isinstance(block, Paragraph):
            word.add_paragraph(block.text)
        else:
            _add_table(word, block, merge_labels=merge_labels)
            word.add_paragraph("")  # Word needs a paragraph between two tables, or it joins them
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _add_table(word: docx.document.Document, table: Table, *, merge_labels: bool) -> None:
    width = table.width
    grid = word.add_table(rows=len(table.rows), cols=width)
    grid.style = "Table Grid"
    for row, word_row in zip(table.rows, grid.rows, strict=True):
        cells = word_row.cells  # once per row: python-docx recomputes the grid on every cell() call
        for text, cell in zip(row, cells, strict=False):
            _set_text(cell, text)
        if len(row) < width:
            cells[len(row) - 1].merge(cells[width - 1])
    if merge_labels:
        _merge_label_columns(grid, table)


def _set_text(cell: _Cell, text: str) -> None:
    """One paragraph per line, as Word writes a cell typed with Enter."""
    lines = text.split("\n")
    cell.text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def _merge_label_columns(grid: docx.table.Table, table: Table) -> None:
    """Merge an empty first or second cell into the filled cell above it (一级指标/二级指标 spanning rows)."""
    for column in (0, 1):
        top: _Cell | None = None
        for r, row in enumerate(table.rows):
            above = table.rows[r - 1] if r else ()
            same_shape = r > 0 and len(row) == len(above) == table.width
            if same_shape and column < len(row) and row[column] == "" and top is not None:
                top = top.merge(grid.cell(r, column))
            else:
                top = (
                    grid.cell(r, column)
                    if column < len(row) and row[column] and len(row) == table.width
                    else None
                )


# --- PDF ------------------------------------------------------------------------------------------------------------

FONT = "STSong-Light"
_WRAP_TOKENS = re.compile(r"[A-Za-z0-9.,%:;()\[\]<>/_+=$\\-]+ ?|\s|.")


@dataclass(frozen=True)
class PdfStyle:
    page_width: float = 842.0
    page_height: float = 595.0
    margin: float = 40.0
    font_size: float = 10.0
    line_height: float = 14.0
    padding: float = 4.0
    #: Repeat a table's first rows at the top of each page it continues on (as spreadsheet exports do).
    repeat_rows: int = 0
    #: Draw the top rule of a table continued on a new page (some exporters leave it out).
    rule_continued_top: bool = True
    #: Indent each paragraph's first line by this many characters (首行缩进: Chinese body text is set so).
    indent: int = 0


#: Where a table breaks across pages besides where the page is full: row index → how many of the row's lines stay
#: on the page before the break (0: the row starts the next page; 1 or more: the row itself is cut, its cells
#: continuing on the next page — a label split as ``八、社会保障和就`` / ``业支出``).
Breaks = Mapping[int, int]


def pdf_of(
    blocks: Sequence[Paragraph | Table | str],
    style: PdfStyle = PdfStyle(),
    breaks: Mapping[int, Breaks] | None = None,
) -> bytes:
    """A text-layer PDF: paragraphs wrapped to the page, tables ruled, page breaks where the page is full.

    A string in ``blocks`` is a page-break marker when it is ``"\\f"``. ``breaks`` forces page breaks inside
    tables, by the table's index in ``blocks`` (see :data:`Breaks`).
    """
    from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # type: ignore[import-untyped]
    from reportlab.pdfgen import canvas  # type: ignore[import-untyped]

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=(style.page_width, style.page_height))
    writer = _PdfWriter(pdf, style, pdfmetrics.stringWidth)
    for index, block in enumerate(blocks):
        if isinstance(block, str):
            writer.new_page()
        elif isinstance(block, Paragraph):
            writer.paragraph(block.text)
        else:
            writer.table(block, (breaks or {}).get(index, {}))
    pdf.save()
    return out.getvalue()


def image_only_pdf() -> bytes:
    """A scan: one page holding a picture and no text."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(out, "PDF")
    return out.getvalue()


class _PdfWriter:
    def __init__(self, pdf: object, style: PdfStyle, string_width: object) -> None:
        self.pdf = pdf
        self.style = style
        self.string_width = string_width
        self.y = style.page_height - style.margin
        self._first_on_page = True
        self._start_page()

    def _start_page(self) -> None:
        self.pdf.setFont(FONT, self.style.font_size)  # type: ignore[attr-defined]
        self.y = self.style.page_height - self.style.margin

    def new_page(self) -> None:
        self.pdf.showPage()  # type: ignore[attr-defined]
        self._start_page()

    def width_of(self, text: str) -> float:
        return float(self.string_width(text, FONT, self.style.font_size))  # type: ignore[operator]

    def wrap(self, text: str, width: float) -> list[str]:
        """Break each line of ``text`` to ``width`` as a word processor does: between CJK characters anywhere,
        Latin words and numbers only at spaces (a space at a break stays at the end of the line), and a word wider
        than the whole line between its characters (it would otherwise run into the next cell)."""
        lines: list[str] = []
        for source in text.split("\n"):
            line = ""
            for token in self._tokens(source, width):
                if line.strip() and self.width_of((line + token).rstrip()) > width:
                    lines.append(line)
                    line = token.lstrip() if token.isspace() else token
                else:
                    line += token
            lines.append(line)
        return lines

    def _tokens(self, source: str, width: float) -> list[str]:
        tokens: list[str] = []
        for token in _WRAP_TOKENS.findall(source):
            if len(token) > 1 and self.width_of(token.rstrip()) > width:
                tokens += list(token)
            else:
                tokens.append(token)
        return tokens

    def paragraph(self, text: str) -> None:
        style = self.style
        width = style.page_width - 2 * style.margin
        indent = style.indent * style.font_size
        lines = self.wrap(text, width - indent)
        if (
            indent and len(lines) > 1
        ):  # only the first line is narrower: the rest is wrapped again to the width
            lines = lines[:1] + self.wrap("".join(lines[1:]), width)
        for n, line in enumerate(lines):
            if self.y - style.line_height < style.margin:
                self.new_page()
            self.y -= style.line_height
            x = style.margin + (indent if n == 0 else 0)
            self.pdf.drawString(x, self.y + 3, line)  # type: ignore[attr-defined]

    def table(self, table: Table, breaks: Breaks | None = None) -> None:
        style = self.style
        width = style.page_width - 2 * style.margin
        column = width / table.width
        self._first_on_page = True
        breaks = breaks or {}
        for index, row in enumerate(table.rows):
            cells = list(row) + [""] * (table.width - len(row))
            wrapped = [self.wrap(text, column - 2 * style.padding) for text in cells]
            kept = breaks.get(index)
            if kept is not None and 0 < kept < max(len(lines) for lines in wrapped):
                # the row is cut by the page break: its first lines here, the rest of every cell on the next page
                self._fit(table, index, [lines[:kept] or [""] for lines in wrapped], column)
                self._page_break(table, index, column)
                wrapped = [lines[kept:] or [""] for lines in wrapped]
            elif kept is not None and not self._first_on_page:
                self._page_break(table, index, column)
            self._fit(table, index, wrapped, column)
        self.y -= style.line_height

    def _fit(self, table: Table, index: int, wrapped: list[list[str]], column: float) -> None:
        """Draw one row (or the part of it on this page), starting a new page first if it does not fit."""
        style = self.style
        height = max(len(lines) for lines in wrapped) * style.line_height + 2 * style.padding
        if self.y - height < style.margin:
            self._page_break(table, index, column)
        rule_top = index == 0 or style.rule_continued_top
        self._row(
            ["\n".join(lines) for lines in wrapped], column, self._first_on_page, rule_top, wrapped, height
        )
        self._first_on_page = False

    def _page_break(self, table: Table, index: int, column: float) -> None:
        """A new page, with the table's header rows repeated on it when the style says so."""
        repeated = list(table.rows[: self.style.repeat_rows])
        self.new_page()
        self._first_on_page = True
        for header in repeated if index >= len(repeated) else []:
            self._row(list(header) + [""] * (table.width - len(header)), column, self._first_on_page, True)
            self._first_on_page = False

    def _row(
        self,
        cells: list[str],
        column: float,
        first_on_page: bool,
        rule_top: bool,
        wrapped: list[list[str]] | None = None,
        height: float | None = None,
    ) -> None:
        style = self.style
        wrapped = wrapped or [self.wrap(text, column - 2 * style.padding) for text in cells]
        height = height or max(len(lines) for lines in wrapped) * style.line_height + 2 * style.padding
        top, bottom = self.y, self.y - height
        left = style.margin
        pdf = self.pdf
        if rule_top or not first_on_page:
            pdf.line(left, top, left + column * len(cells), top)  # type: ignore[attr-defined]
        pdf.line(left, bottom, left + column * len(cells), bottom)  # type: ignore[attr-defined]
        for c, lines in enumerate(wrapped):
            x = left + c * column
            pdf.line(x, top, x, bottom)  # type: ignore[attr-defined]
            for n, line in enumerate(lines):
                baseline = top - style.padding - (n + 1) * style.line_height + 3
                pdf.drawString(x + style.padding, baseline, line)  # type: ignore[attr-defined]
        pdf.line(left + column * len(cells), top, left + column * len(cells), bottom)  # type: ignore[attr-defined]
        self.y = bottom


def png_image() -> bytes:
    """A small PNG picture (what a scan or a screenshot is)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(out, "PNG")
    return out.getvalue()
