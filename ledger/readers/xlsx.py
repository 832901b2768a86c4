"""XLSX reader (openpyxl): each visible sheet → a paragraph with the sheet's name, then the sheet as one table.

What a cell reads is what Excel displays (:mod:`ledger.readers.xlsx_format`): the cached result of a formula, the
number rendered through its number format — with every digit the cell stores: a number format that shows fewer
decimals than the cell holds rounds only the display, so the reader keeps the stored value (percentages, dates and
text read as displayed). A formula saved without a cached result is evaluated when it is simple
arithmetic (:mod:`ledger.readers.xlsx_formula`); otherwise the cell reads empty and the document's
``meta["warnings"]`` says which cell and why.

The table keeps the sheet's grid: every row has the same cells in the same columns, like the tab-separated
PDF text form, so a layout can read a column by its position. A merged range shows its text in its first
(top-left) cell, the way Excel stores and prints it; the other cells of the range are ``""``. Pass
``merged="carry"`` to repeat the text over the whole range instead. Empty rows and the empty columns around the
used area are dropped. Hidden sheets are skipped (they are not part of what was published) and listed in
``meta["hidden_sheets"]``.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

import openpyxl
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.utils.cell import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ledger.errors import ReadError
from ledger.readers.cells import clean_cell, join_warnings
from ledger.readers.document import Block, Document, Paragraph, Table
from ledger.readers.limits import LimitExceeded, Limits, current
from ledger.readers.safety import check_office_zip, check_workbook_cells
from ledger.readers.xlsx_format import display, to_decimal
from ledger.readers.xlsx_formula import CellContent, UnsupportedFormula, evaluate

MergedMode = Literal["anchor", "carry"]


def read_xlsx(data: bytes, *, merged: MergedMode = "anchor") -> Document:
    """Read an XLSX workbook; :class:`ReadError` if it is unsafe, damaged or not a workbook."""
    check_office_zip(data)
    try:
        check_workbook_cells(data)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise ReadError(f"damaged Excel workbook: {type(exc).__name__}: {exc}") from exc
    formulas = _load(data, data_only=False)
    cached = _load(data, data_only=True)
    reader = _WorkbookReader(formulas, cached, merged)
    blocks: list[Block] = []
    hidden: list[str] = []
    for sheet in formulas.worksheets:
        if not isinstance(sheet, Worksheet):
            continue  # chart sheets hold no cells
        if sheet.sheet_state != "visible":
            hidden.append(sheet.title)
            continue
        rows = reader.sheet_rows(sheet)
        blocks.append(Paragraph(sheet.title))
        if rows:
            blocks.append(Table(rows=rows))
    meta = {"format": "xlsx", "sheets": str(len(formulas.worksheets))}
    if hidden:
        meta["hidden_sheets"] = "\n".join(hidden)
    meta.update(join_warnings(reader.warnings))
    return Document(blocks=tuple(blocks), form="xlsx", meta=meta)


def _load(data: bytes, *, data_only: bool) -> Workbook:
    try:
        with warnings.catch_warnings():
            # openpyxl warns about workbook features it drops (data validation extensions, conditional formats …);
            # they carry no cell text.
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(io.BytesIO(data), data_only=data_only, read_only=False)
    except (
        Exception
    ) as exc:  # openpyxl raises assorted errors (KeyError, ValueError, XML errors) on bad input
        raise ReadError(f"damaged Excel workbook: {type(exc).__name__}: {exc}") from exc


@dataclass
class _WorkbookReader:
    formulas: Workbook
    cached: Workbook
    merged: MergedMode
    warnings: list[str] = field(default_factory=list)
    _evaluating: set[tuple[str, int, int]] = field(default_factory=set)
    _evaluated: dict[tuple[str, int, int], CellContent] = field(default_factory=dict)
    _cells_read: int = 0
    _formula_cells: int = 0
    _areas: dict[str, tuple[int, int]] = field(default_factory=dict)
    limits: Limits = field(default_factory=current)

    def sheet_rows(self, sheet: Worksheet) -> tuple[tuple[str, ...], ...]:
        height, width = sheet.max_row, sheet.max_column
        self._cells_read += height * width
        limit = self.limits.xlsx_cells
        if self._cells_read > limit:
            raise LimitExceeded(f"workbook refused: more than {limit} cells", limit="xlsx_cells", value=limit)
        grid = [
            [self._display(sheet, row, column) for column in range(1, width + 1)]
            for row in range(1, height + 1)
        ]
        self._apply_merges(sheet, grid)
        return _trim(grid)

    def _apply_merges(self, sheet: Worksheet, grid: list[list[str]]) -> None:
        for cell_range in sheet.merged_cells.ranges:
            min_col, min_row, max_col, max_row = cell_range.bounds
            text = grid[min_row - 1][min_col - 1] if min_row <= len(grid) and min_col <= len(grid[0]) else ""
            for row in range(min_row, min(max_row, len(grid)) + 1):
                for column in range(min_col, min(max_col, len(grid[row - 1])) + 1):
                    if (row, column) != (min_row, min_col):
                        grid[row - 1][column - 1] = text if self.merged == "carry" else ""

    def _display(self, sheet: Worksheet, row: int, column: int) -> str:
        cell = sheet.cell(row=row, column=column)
        if isinstance(cell, MergedCell):
            return ""
        value = self.cached[sheet.title].cell(row=row, column=column).value
        if value is None and cell.data_type == "f":
            try:
                computed = self._content(sheet.title, row, column)
            except UnsupportedFormula as exc:
                where = f"{sheet.title}!{get_column_letter(column)}{row}"
                self.warnings.append(
                    f"formula-not-evaluated: {where} {cell.value} has no cached value ({exc})"
                )
                computed = None
            value = computed if isinstance(computed, Decimal) else None
        return clean_cell(display(value, cell.number_format, exact=True))

    def _content(self, title: str, row: int, column: int) -> CellContent:
        """A cell as a formula operand: cached or evaluated number, text, or ``None`` when empty."""
        key = (title, row, column)
        if key in self._evaluated:
            return self._evaluated[key]
        if title not in self.formulas.sheetnames:
            raise UnsupportedFormula(f"no sheet named {title!r}")
        self._count_formula_cell()
        height, width = self._used_area(title)
        if row > height or column > width:
            # Outside the used area the cell is empty; asking openpyxl for it would create it (a SUM over
            # A1:CV100000 would create ten million cells).
            return None
        cell = self.formulas[title].cell(row=row, column=column)
        value = self.cached[title].cell(row=row, column=column).value
        content: CellContent
        if value is not None:
            content = _as_content(value)
        elif isinstance(cell, Cell) and cell.data_type == "f" and isinstance(cell.value, str):
            content = self._evaluate(title, row, column, cell.value)
        else:
            content = None
        self._evaluated[key] = content
        return content

    def _used_area(self, title: str) -> tuple[int, int]:
        """(max row, max column) of a sheet, computed once (openpyxl scans every cell to answer)."""
        if title not in self._areas:
            sheet = self.formulas[title]
            self._areas[title] = (sheet.max_row, sheet.max_column) if isinstance(sheet, Worksheet) else (0, 0)
        return self._areas[title]

    def _count_formula_cell(self) -> None:
        self._formula_cells += 1
        limit = self.limits.xlsx_formula_cells
        if self._formula_cells > limit:
            raise LimitExceeded(
                f"workbook refused: its formulas reference more than {limit} cells",
                limit="xlsx_formula_cells",
                value=limit,
            )

    def _evaluate(self, title: str, row: int, column: int, formula: str) -> CellContent:
        key = (title, row, column)
        if key in self._evaluating:
            raise UnsupportedFormula(f"circular reference through {title}!{get_column_letter(column)}{row}")
        self._evaluating.add(key)
        try:
            return evaluate(formula, title, self._content)
        finally:
            self._evaluating.discard(key)


def _as_content(value: object) -> CellContent:
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, int | float | Decimal):
        return to_decimal(value)
    return str(value)


def _trim(grid: list[list[str]]) -> tuple[tuple[str, ...], ...]:
    """Drop empty rows and the empty columns before and after the used area."""
    rows = [row for row in grid if any(row)]
    if not rows:
        return ()
    used = [index for index in range(len(rows[0])) if any(row[index] for row in rows)]
    first, last = used[0], used[-1]
    return tuple(tuple(row[first : last + 1]) for row in rows)
