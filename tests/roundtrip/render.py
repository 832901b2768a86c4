"""Publications written out again, varied the way real files vary, for the readers' round trips.

A publication whose snapshot is known (a seed, whose golden snapshot is reviewed, or a generated version of one) is
taken in its intermediate form (:class:`~ledger.readers.document.Document`), varied as publishers vary —
amounts with thousands separators, placeholder dashes left blank, tables broken across pages at any row and inside
a row (a label split as ``八、社会保障和就`` / ``业支出``), header rows repeated on every page, label cells merged down
the rows they head, amounts stored with more decimals than their cell's number format shows — and written out as
the file a department would publish, with the format libraries themselves (reportlab, python-docx, openpyxl).
Reading that file back through the real readers and layouts must give the same snapshot: every field.

Nothing here interprets a cell beyond what the variation needs: an amount is a number with a decimal point
(``2320.28``, ``10891.615675``), a placeholder a run of dashes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Literal

import openpyxl
from openpyxl.utils.cell import get_column_letter

from ledger.readers.document import Block, Document, Paragraph, Table
from tests.readers.builders import PdfStyle, docx_of, pdf_of

Format = Literal["pdf", "docx", "xlsx", "text"]
FORMATS: tuple[Format, ...] = ("pdf", "docx", "xlsx", "text")

#: An amount as printed: digits with a decimal point, maybe grouped (``1,438.00``).
_AMOUNT = re.compile(r"^-?\d{1,3}(?:,?\d{3})*\.\d+$")
_PLACEHOLDER = re.compile(r"^[-—–]+$")
_GROUP_COMMA = re.compile(r"(?<=\d),(?=\d{3})")


@dataclass(frozen=True)
class Variation:
    """How one rendering differs from a plain one. ``breaks``: (block index, row index, lines kept on the page
    before the break) — 0 starts the row on a new page, more cuts the row itself."""

    format: Format
    thousands: bool = False
    blank_placeholders: bool = False
    merge_labels: bool = True
    repeat_rows: int = 0
    landscape: bool = True
    breaks: tuple[tuple[int, int, int], ...] = ()
    #: XLSX: decimals the number format of an amount cell shows at most (the cell stores them all).
    shown_decimals: int = 2
    extra: Mapping[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        parts: list[str] = [self.format]
        parts += [name for name in ("thousands", "blank_placeholders") if getattr(self, name)]
        if not self.merge_labels:
            parts.append("unmerged")
        if self.format == "pdf":
            parts.append("landscape" if self.landscape else "portrait")
            parts += [f"repeat={self.repeat_rows}"] if self.repeat_rows else []
            parts += [f"break@{b}:{r}/{k}" for b, r, k in self.breaks]
        if self.format == "xlsx":
            parts.append(f"shown_decimals={self.shown_decimals}")
        return " ".join(parts)


def vary(document: Document, variation: Variation) -> Document:
    """The document's text as the variation prints it (separators, blanks); layout is the renderer's business."""
    if not (variation.thousands or variation.blank_placeholders):
        return document

    def cell(text: str) -> str:
        if variation.blank_placeholders and _PLACEHOLDER.match(text.strip()):
            return ""
        if variation.thousands and _AMOUNT.match(text.strip()):
            whole, _, fraction = text.strip().replace(",", "").partition(".")
            return (
                f"{int(whole):,}.{fraction}"
                if not whole.startswith("-")
                else f"-{int(whole[1:]):,}.{fraction}"
            )
        return text

    blocks: list[Block] = [
        Table(rows=tuple(tuple(cell(text) for text in row) for row in block.rows))
        if isinstance(block, Table)
        else block
        for block in document.blocks
    ]
    return replace(document, blocks=tuple(blocks))


def render(document: Document, variation: Variation) -> bytes:
    """The varied document as the bytes of a file in the variation's format."""
    varied = vary(document, variation)
    if variation.format == "pdf":
        width, height = (842.0, 595.0) if variation.landscape else (595.0, 842.0)
        style = PdfStyle(page_width=width, page_height=height, repeat_rows=variation.repeat_rows, indent=2)
        breaks: dict[int, dict[int, int]] = {}
        for block, row, kept in variation.breaks:
            breaks.setdefault(block, {})[row] = kept
        return pdf_of(varied.blocks, style, breaks)
    if variation.format == "docx":
        return docx_of(varied, merge_labels=variation.merge_labels)
    if variation.format == "xlsx":
        return xlsx_of(varied, shown_decimals=variation.shown_decimals, merge_labels=variation.merge_labels)
    return text_of(varied).encode("utf-8")


# --- XLSX -----------------------------------------------------------------------------------------------------------


def xlsx_of(document: Document, *, shown_decimals: int = 2, merge_labels: bool = True) -> bytes:
    """A workbook: each table on a sheet of its own, named by the paragraph before it (its caption).

    Amounts are stored as numbers under a number format showing at most ``shown_decimals`` decimals (``#,##0.00``
    where the text groups thousands), so a cell may hold more than it shows. A short row's last cell is merged
    across the rest of the grid; an empty label cell below a filled one (first two columns) is merged into it.
    Paragraphs other than captions have no place in a workbook and are not written.
    """
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    caption = ""
    for block in document.blocks:
        if isinstance(block, Paragraph):
            caption = block.text
            continue
        sheet = workbook.create_sheet(_sheet_title(caption, workbook.sheetnames))
        for r, row in enumerate(block.rows, start=1):
            for c, text in enumerate(row, start=1):
                _set_cell(sheet.cell(row=r, column=c), text, shown_decimals)
            if 0 < len(row) < block.width:
                sheet.merge_cells(start_row=r, start_column=len(row), end_row=r, end_column=block.width)
        if merge_labels:
            _merge_labels(sheet, block)
        caption = ""
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_title(caption: str, taken: list[str]) -> str:
    title = re.sub(r"[\[\]:*?/\\：]", "", caption).strip()[:28] or "Sheet"
    candidate, n = title, 1
    while candidate in taken:
        n += 1
        candidate = f"{title[:26]}{n}"
    return candidate


def _set_cell(cell: Any, text: str, shown_decimals: int) -> None:
    stripped = text.strip()
    if not _AMOUNT.match(stripped):
        cell.value = text if text else None
        return
    digits = stripped.replace(",", "")
    written = len(digits.partition(".")[2])
    shown = min(written, shown_decimals)
    cell.value = float(Decimal(digits))
    pattern = "#,##0" if "," in stripped else "0"
    cell.number_format = pattern + ("." + "0" * shown if shown else "")


def _merge_labels(sheet: Any, table: Table) -> None:
    for column in (0, 1):
        top: int | None = None
        for r, row in enumerate(table.rows):
            full = len(row) == table.width
            if full and top is not None and column < len(row) and row[column] == "":
                continue
            if top is not None and r - 1 > top:
                letter = get_column_letter(column + 1)
                sheet.merge_cells(f"{letter}{top + 1}:{letter}{r}")
            top = r if full and column < len(row) and row[column] else None
        if top is not None and len(table.rows) - 1 > top:
            letter = get_column_letter(column + 1)
            sheet.merge_cells(f"{letter}{top + 1}:{letter}{len(table.rows)}")


# --- text -----------------------------------------------------------------------------------------------------------


def text_of(document: Document) -> str:
    """The document as the text extraction of its form would have it.

    ``cells-per-line`` (DOCX text): a paragraph per line; a table row is its cells, one per line after a tab, rows
    separated by a blank line, the table ended by two. Every other form is written as ``tab-rows`` (PDF text): a row per line, cells
    separated by tabs — for the outline form too, whose rows keep their numbered first cell.
    """
    lines: list[str] = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif document.form == "cells-per-line":
            for row in block.rows:
                lines += ["\t" + cell for cell in row] + [""]
            lines += [""]  # two blank lines end a table
        else:
            lines += ["\t".join(cell.replace("\n", " ") for cell in row) for row in block.rows]
    return "\n".join(lines) + "\n"


# --- comparing ------------------------------------------------------------------------------------------------------


def comparable(snapshot: Mapping[str, Any], variation: Variation) -> dict[str, Any]:
    """A snapshot's canonical JSON for comparison: warnings and a claim's page apart (they say how the file was read
    and laid out, not what it says); where the
    variation grouped thousands, the source text of indicator values (``raw``) without the separators; and in a
    PDF, text without its line breaks, and a list of texts (goals, which layouts split at line breaks) as their
    joined text — a PDF has no paragraph marks, so a hard line break inside a cell that falls exactly at the
    cell's edge is indistinguishable from a wrap (the one thing a PDF cannot give back)."""

    def clean(value: Any, key: str | None = None) -> Any:
        if isinstance(value, dict):
            return {k: clean(v, k) for k, v in value.items() if k not in ("warnings", "page")}
        if isinstance(value, list):
            if variation.format == "pdf" and value and all(isinstance(v, str) for v in value):
                return clean("".join(value))
            return [clean(v) for v in value]
        if isinstance(value, str):
            if key == "raw" and variation.thousands:
                value = _GROUP_COMMA.sub("", value)
            if variation.format == "pdf":
                value = value.replace("\n", "")
        return value

    cleaned = clean(dict(snapshot))
    assert isinstance(cleaned, dict)
    return cleaned
