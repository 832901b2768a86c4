"""PDF reader (pdfplumber): ruled tables and the text around them, page by page, → the intermediate form.

Only PDFs with a text layer can be read: a scan (pages that are images) is a :class:`ReadError`, never an empty
snapshot — this tool does no OCR.

Tables are found from their ruling lines. Each keeps the grid pdfplumber finds (like the tab-separated PDF text
form, a layout reads columns by position): a cell spanning several grid positions shows its text in its first
position, the others are ``""``. Two kinds of drawing artefact are removed:

* *sliver columns*, grid columns narrower than any character (double borders drawn as thin filled boxes, common
  in PDFs exported from spreadsheets): a spanning cell's text moves to its first real column, so a value and its
  header line up again;
* rows and columns with no text at all.

Where the text of one cell breaks over several lines, lines that fill the cell's width are joined (a wrap), and
lines that stop short keep their line break (``收支预算总表`` / ``部门：…`` stay two lines). Body text is treated the
same way against the page's text margins, so a paragraph broken over lines becomes one paragraph again.

A table continued on the next page (it ends the page; a table of the same width starts the next one) becomes one
table, its repeated title and header rows dropped. Rows cut by the page break are left as they are: a row whose
key cells are empty continuing the row above is how every PDF form shows it, and the layouts read it so.

Page numbers (``3``, ``- 3 -``, ``第3页``) at the top or bottom of a page are dropped.
"""

from __future__ import annotations

import io
import re
import statistics
import time
import warnings
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pdfplumber
from pdfplumber.page import Page
from pdfplumber.table import Table as PlumberTable
from pdfplumber.utils.text import chars_to_textmap

from ledger.errors import ReadError
from ledger.readers.cells import clean_cell, join_warnings
from ledger.readers.document import Block, Document, Paragraph, Table
from ledger.readers.limits import LimitExceeded, Limits, current
from ledger.readers.safety import check_pdf_streams

#: A grid column narrower than this (points) cannot hold a character: it is a border drawn as a box.
SLIVER_WIDTH = 6.0
#: Rules closer than this (points) meet (pdfplumber's own snapping tolerance).
SNAP = 3.0
#: How far (points) two tables' edges may differ and still be the same table across a page break.
SAME_EDGE = 4.0
#: Lines this close to the page's top or bottom edge (as a fraction of its height) may be page furniture.
FURNITURE_BAND = 0.12
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–_~·•\s]*\d{1,4}[-—–_~·•\s]*|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})$"
)
_ASCII_WORD_END = re.compile(r"[A-Za-z0-9,.;:%)\]]$")
_ASCII_WORD_START = re.compile(r"^[A-Za-z0-9(\[]")
#: A list item's number at the start of a line: ``1.`` ``2、`` ``3．`` (not ``1.5``), ``2.2.`` (a number typed twice,
#: as publications do) or ``(1)`` ``（2）``;
#: ``目标2：`` (a short word, a number and a colon) is one too.
_ITEM_MARKER = re.compile(
    r"^(?:(?P<n>\d{1,2})[.、．](?:(?P=n)[.、．])?(?!\d)|[(（](?P<m>\d{1,2})[)）]"
    r"|[\u4e00-\u9fff]{1,4}\s*(?P<w>\d{1,2})\s*[:：])"
)
_LATIN_RUN = r"[A-Za-z0-9.,:%()\[\]/_+=-]+"
#: The end of a line whose last Latin word stands alone on it or right after CJK text (no space before it).
_BROKEN_WORD = re.compile(rf"(?:^|[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]){_LATIN_RUN}$")
_SENTENCE_END = re.compile(r"[。！？；!?;]$")
#: A heading or list item's opening: （四） 四、 3. 3、 (3) 第三章.
_ORDINAL_START = re.compile(
    r"^(?:[（(][一二三四五六七八九十百\d]+[）)]|[一二三四五六七八九十百]+[、.．]|\d{1,2}[、.．](?!\d)|第[一二三四五六七八九十百\d]+[章节条部分])"
)


def read_pdf(data: bytes) -> Document:
    """Read a PDF; :class:`ReadError` if it is damaged, encrypted, too large, or has no text layer."""
    limits = current()
    check_pdf_streams(data, limits)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many unrelated types (PDFSyntaxError, PSEOF, …) on bad input
        raise ReadError(f"damaged or encrypted PDF: {type(exc).__name__}: {exc}") from exc
    with pdf, warnings.catch_warnings():
        # pdfminer warns about harmless oddities (missing font widths, odd cross-references); they carry no text
        warnings.simplefilter("ignore")
        try:
            page_count = len(pdf.pages)
            if page_count > limits.pdf_pages:
                raise LimitExceeded(
                    f"PDF refused: {page_count} pages", limit="pdf_pages", value=limits.pdf_pages
                )
            pages = _read_pages(pdf.pages, limits)
        except ReadError:
            raise
        except Exception as exc:  # a page pdfminer cannot interpret
            raise ReadError(f"damaged PDF: {type(exc).__name__}: {exc}") from exc
    without_text = [str(number) for number, page in enumerate(pages, start=1) if not page.has_text]
    if len(without_text) == len(pages):
        raise ReadError(
            "PDF has no text layer (scanned pages?): this tool does no OCR; "
            "ask for the original document or a PDF with text"
        )
    margins = _Margins.of(pages)
    blocks = _join_pages(pages, margins)
    meta = {"format": "pdf", "pages": str(len(pages))}
    notes = []
    if without_text:
        meta["pages_without_text"] = ",".join(without_text)
        notes.append(f"pages-without-text: pages {', '.join(without_text)} have no text layer (scans?)")
    meta.update(join_warnings(notes))
    return Document(blocks=tuple(blocks), form="pdf", meta=meta)


def _read_pages(pages: Sequence[Page], limits: Limits) -> list[_PageContent]:
    """Every page, within the reading deadline: the work of one page varies a hundredfold with what it draws."""
    deadline = time.monotonic() + limits.pdf_seconds
    read = []
    for number, page in enumerate(pages, start=1):
        if time.monotonic() > deadline:
            raise LimitExceeded(
                f"PDF refused: reading its {len(pages)} pages took too long (stopped at page {number})",
                limit="pdf_seconds",
                value=limits.pdf_seconds,
            )
        read.append(_read_page(page))
        page.close()  # drop the page's parsed objects: a long PDF must not hold them all
    return read


# --- one page -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    """A line of body text, with what the paragraph joining needs to know."""

    text: str
    x0: float
    x1: float
    top: float
    char_size: float
    #: A space drawn after the last character: where a line was wrapped at a space, the space belongs in the text.
    ends_with_space: bool = False


@dataclass
class _Grid:
    """A table found on a page, before tables continued across pages are joined."""

    rows: list[list[str]]
    #: Each column's left and right edge.
    columns: list[tuple[float, float]]
    x0: float
    x1: float
    top: float
    bottom: float


_PageItem = _Line | _Grid


@dataclass
class _PageContent:
    items: list[_PageItem]
    width: float
    height: float
    has_text: bool


def _read_page(page: Page) -> _PageContent:
    page = page.dedupe_chars()
    chars: list[dict[str, Any]] = list(page.chars)
    if not chars:
        return _PageContent([], float(page.width), float(page.height), has_text=False)
    used: set[int] = set()
    settings = {"explicit_horizontal_lines": _closing_edges(page)}
    grids = [_grid(table, chars, used) for table in page.find_tables(settings)]
    # chars in no cell (a label in a corner of the table's box that no ruling closes) stay body text
    outside = [char for char in chars if id(char) not in used]
    lines = [line for line in _lines(outside) if not _is_furniture(line, float(page.height))]
    items: list[_PageItem] = [grid for grid in grids if grid.rows]
    items.extend(lines)
    items.sort(key=lambda item: item.top)
    return _PageContent(items, float(page.width), float(page.height), has_text=True)


def _lines(chars: list[dict[str, Any]]) -> list[_Line]:
    if not chars:
        return []
    found = chars_to_textmap(chars).extract_text_lines(strip=True, return_chars=True)
    blanks = [char for char in chars if char["text"].isspace()]
    lines = []
    for line in found:
        if not line["text"].strip():
            continue
        size = _char_size(line["chars"])
        x1, top = float(line["x1"]), float(line["top"])
        lines.append(
            _Line(
                text=line["text"],
                x0=float(line["x0"]),
                x1=x1,
                top=top,
                char_size=size,
                ends_with_space=any(
                    abs(float(b["top"]) - top) < size / 2 and x1 - 0.5 <= float(b["x0"]) <= x1 + size
                    for b in blanks
                ),
            )
        )
    return lines


def _char_size(chars: Iterable[dict[str, Any]]) -> float:
    sizes = [float(char.get("size") or 0) for char in chars]
    sizes = [size for size in sizes if size > 0]
    return statistics.median(sizes) if sizes else 10.0


def _is_furniture(line: _Line, height: float) -> bool:
    in_band = line.top < height * FURNITURE_BAND or line.top > height * (1 - FURNITURE_BAND)
    return in_band and bool(_PAGE_NUMBER.match(line.text.strip()))


# --- tables ---------------------------------------------------------------------------------------------------


def _closing_edges(page: Page) -> list[dict[str, Any]]:
    """Horizontal rules to close tables whose top or bottom rule is missing.

    A table continued from the previous page often has no rule above its first row (the rule was drawn at the
    foot of the previous page), and pdfplumber finds no cell without all four sides: the row would be lost. Where
    two or more vertical rules start (or end) at the same height with no horizontal rule there, the missing rule
    is supplied.
    """
    edges: list[dict[str, Any]] = list(page.edges)
    horizontal: dict[int, list[dict[str, Any]]] = {}
    for edge in edges:
        # a rule drawn as a thin box also has a short horizontal side at each end: that closes nothing
        if edge["orientation"] == "h" and float(edge["x1"]) - float(edge["x0"]) >= SLIVER_WIDTH:
            horizontal.setdefault(round(float(edge["top"])), []).append(edge)

    def closed(x: float, y: float) -> bool:
        return any(
            float(h["x0"]) - SNAP <= x <= float(h["x1"]) + SNAP and abs(float(h["top"]) - y) <= SNAP
            for key in range(round(y) - round(SNAP) - 1, round(y) + round(SNAP) + 2)
            for h in horizontal.get(key, ())
        )

    open_ends: dict[int, list[float]] = {}
    for edge in edges:
        if edge["orientation"] != "v" or float(edge["bottom"]) - float(edge["top"]) < SNAP:
            continue
        x = float(edge["x0"])
        for y in (float(edge["top"]), float(edge["bottom"])):
            if not closed(x, y):
                open_ends.setdefault(round(y), []).append(x)
    supplied = []
    for y, xs in sorted(open_ends.items()):
        if len(xs) >= 2 and max(xs) - min(xs) >= SLIVER_WIDTH:
            supplied.append(
                {
                    "object_type": "explicit_edge",
                    "orientation": "h",
                    "x0": min(xs),
                    "x1": max(xs),
                    "top": float(y),
                    "bottom": float(y),
                    "width": max(xs) - min(xs),
                    "height": 0.0,
                }
            )
    return supplied


def _grid(table: PlumberTable, chars: list[dict[str, Any]], used: set[int]) -> _Grid:
    """The table's cells placed on its grid, sliver columns and empty rows and columns removed.

    Adds the ``id`` of every char that went into a cell to ``used``.
    """
    x0, top, x1, bottom = (float(v) for v in table.bbox)
    xs = sorted({float(cell[0]) for cell in table.cells} | {x1})
    ys = sorted({float(cell[1]) for cell in table.cells} | {bottom})
    slivers = {index for index in range(len(xs) - 1) if xs[index + 1] - xs[index] < SLIVER_WIDTH}
    covering: dict[tuple[int, int], tuple[float, ...]] = {}  # grid position → the cell covering it
    anchors: dict[tuple[float, ...], tuple[int, int]] = {}  # cell → where its text goes
    for cell in table.cells:
        box = tuple(float(v) for v in cell)
        first_col, last_col = _index(xs, box[0]), max(_index(xs, box[0]), _last_index(xs, box[2]))
        first_row, last_row = _index(ys, box[1]), max(_index(ys, box[1]), _last_index(ys, box[3]))
        for row in range(first_row, last_row + 1):
            for column in range(first_col, last_col + 1):
                covering[(row, column)] = box
        column = next((c for c in range(first_col, last_col + 1) if c not in slivers), first_col)
        anchors[box] = (first_row, column)
    cell_chars: dict[tuple[float, ...], list[dict[str, Any]]] = {}
    for char in chars:
        x, y = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        if not (x0 <= x < x1 and top <= y < bottom):
            continue
        found = covering.get((_index(ys, y), _index(xs, x)))
        if found is not None and found[0] <= x < found[2] and found[1] <= y < found[3]:
            cell_chars.setdefault(found, []).append(char)
            used.add(id(char))
    placed = {
        anchors[box]: text
        for box, in_cell in cell_chars.items()
        if (text := _cell_text(in_cell, box[2] - box[0]))
    }
    kept_columns = [c for c in range(len(xs) - 1) if c not in slivers or any(col == c for _, col in placed)]
    grid_rows = ([placed.get((r, c), "") for c in kept_columns] for r in range(len(ys) - 1))
    rows = [cells for cells in grid_rows if any(cells)]
    columns = [(xs[c], xs[c + 1]) for c in kept_columns]
    text_top = min((float(char["top"]) for in_cell in cell_chars.values() for char in in_cell), default=top)
    return _Grid(rows=rows, columns=columns, x0=x0, x1=x1, top=text_top, bottom=bottom)


def _index(edges: Sequence[float], value: float) -> int:
    """The grid interval ``value`` falls in (edges: the sorted interval starts, then the end)."""
    return min(max(bisect_right(edges, value + 0.01) - 1, 0), max(len(edges) - 2, 0))


def _last_index(edges: Sequence[float], end: float) -> int:
    """The last grid interval a cell ending at ``end`` covers."""
    return min(max(bisect_left(edges, end - 0.01) - 1, 0), max(len(edges) - 2, 0))


def _cell_text(chars: list[dict[str, Any]], cell_width: float) -> str:
    """The cell's lines, wrapped lines joined: a line as wide as the widest, in a cell it fills, was wrapped."""
    lines = _lines(chars)
    if len(lines) <= 1:
        return clean_cell(lines[0].text if lines else "")
    size = statistics.median(line.char_size for line in lines)
    widest = max(line.x1 - line.x0 for line in lines)
    fills_cell = widest >= cell_width - 4 * size
    text = lines[0].text
    item = _item_number(lines[0].text)
    for previous, line in zip(lines, lines[1:], strict=False):
        wrapped = fills_cell and (previous.x1 - previous.x0) >= widest - 1.5 * size
        following = _item_number(line.text)
        if item is not None and following == item + 1:
            wrapped, item = False, following  # the next item of the cell's list starts a line, however full
        text = join_wrapped(text, line.text, previous.ends_with_space) if wrapped else text + "\n" + line.text
    return clean_cell(text)


def _item_number(line: str) -> int | None:
    """The number of the list item a line opens (``2.保障…``, ``3、…``, ``(4)…``, ``目标2：…``): the next number
    opens the next item whatever its style (``1.资金…`` then ``目标2：确保…``, as the Laoting tables number them)."""
    match = _ITEM_MARKER.match(line.strip())
    return int(match["n"] or match["m"] or match["w"]) if match else None


def join_wrapped(head: str, tail: str, spaced: bool = False) -> str:
    """Join a line broken by wrapping: no space between CJK characters, one between two Latin words or where the
    line ended with a drawn space.

    A Latin word that fills its line or follows CJK text directly (``…完成202`` / ``4年度``) was broken inside
    itself — a word too long for the cell (a project code ``13022524P0008F010037`` / ``M``, an amount
    ``10891.6156`` / ``75``), or a number in Chinese prose, which has no spaces to break at: it continues without
    a space."""
    if spaced:
        return f"{head} {tail}"
    if _ASCII_WORD_END.search(head) and _ASCII_WORD_START.match(tail):
        last_line = head.rsplit("\n", 1)[-1].strip()
        return head + tail if _BROKEN_WORD.search(last_line) else f"{head} {tail}"
    return head + tail


# --- across pages ---------------------------------------------------------------------------------------------


@dataclass
class _Margins:
    """The body text's left and right edges, per page width (portrait and landscape pages differ)."""

    left: dict[int, float] = field(default_factory=dict)
    right: dict[int, float] = field(default_factory=dict)

    @classmethod
    def of(cls, pages: Sequence[_PageContent]) -> _Margins:
        margins = cls()
        by_width: dict[int, list[_Line]] = {}
        for page in pages:
            lines = [item for item in page.items if isinstance(item, _Line) and len(item.text) >= 10]
            by_width.setdefault(round(page.width), []).extend(lines)
        for width, lines in by_width.items():
            if len(lines) >= 3:
                rights = sorted(line.x1 for line in lines)
                lefts = sorted(line.x0 for line in lines)
                margins.right[width] = rights[int(len(rights) * 0.9)]
                margins.left[width] = lefts[int(len(lefts) * 0.1)]
        return margins

    def continues(self, line: _Line, following: _Line, page_width: float) -> bool:
        """A line reaching the right margin, followed by one starting at the left margin, was wrapped."""
        width = round(page_width)
        if width not in self.right:
            return False
        reaches_right = line.x1 >= self.right[width] - 1.5 * line.char_size
        starts_left = following.x0 <= self.left[width] + 0.5 * following.char_size
        # A sentence ending exactly at the margin, then a numbered heading or item (（四）…, 二、…, 3.…): a new
        # paragraph that only looks like a wrap.
        new_item = bool(_SENTENCE_END.search(line.text)) and bool(
            _ORDINAL_START.match(following.text.strip())
        )
        return reaches_right and starts_left and not new_item


def _join_pages(pages: Sequence[_PageContent], margins: _Margins) -> list[Block]:
    blocks: list[Block] = []
    open_grid: _Grid | None = None  # the last table, while nothing has followed it
    paragraph: str | None = None
    last_line: _Line | None = None
    started = 0  # the page the open paragraph started on
    for number, page in enumerate(pages, start=1):
        for position, item in enumerate(page.items):
            if isinstance(item, _Grid):
                if paragraph is not None:
                    blocks.append(Paragraph(paragraph, page=started))
                    paragraph, last_line = None, None
                if open_grid is not None and position == 0 and _same_table(open_grid, item):
                    aligned = _aligned_rows(item, open_grid.columns)
                    open_grid.rows.extend(_without_repeated_head(open_grid.rows, aligned))
                    continue
                if open_grid is not None:
                    blocks.append(_table(open_grid))
                open_grid = item
                continue
            if open_grid is not None:
                blocks.append(_table(open_grid))
                open_grid = None
            if (
                paragraph is not None
                and last_line is not None
                and margins.continues(last_line, item, page.width)
            ):
                paragraph = join_wrapped(paragraph, item.text, last_line.ends_with_space)
            else:
                if paragraph is not None:
                    blocks.append(Paragraph(paragraph, page=started))
                paragraph, started = item.text, number
            last_line = item
    if open_grid is not None:
        blocks.append(_table(open_grid))
    if paragraph is not None:
        blocks.append(Paragraph(paragraph, page=started))
    return blocks


def _same_table(previous: _Grid, following: _Grid) -> bool:
    """Same left and right edges: the table runs on (it was the last thing on its page, this is the first)."""
    return abs(previous.x0 - following.x0) <= SAME_EDGE and abs(previous.x1 - following.x1) <= SAME_EDGE


def _aligned_rows(grid: _Grid, columns: Sequence[tuple[float, float]]) -> list[list[str]]:
    """The grid's rows re-cut to ``columns`` (the table's columns on its first page), each cell to the column it
    overlaps most. The continued part of a table is often drawn with other column rules than its start."""
    if grid.columns == list(columns):
        return grid.rows
    target = [_best_column(column, columns) for column in grid.columns]
    aligned = []
    for row in grid.rows:
        cells = [""] * len(columns)
        for text, index in zip(row, target, strict=False):
            if text:
                cells[index] = f"{cells[index]} {text}".strip() if cells[index] else text
        aligned.append(cells)
    return aligned


def _best_column(column: tuple[float, float], columns: Sequence[tuple[float, float]]) -> int:
    def overlap(other: tuple[float, float]) -> float:
        return min(column[1], other[1]) - max(column[0], other[0])

    return max(range(len(columns)), key=lambda index: overlap(columns[index]))


def _without_repeated_head(rows: list[list[str]], continued: list[list[str]]) -> list[list[str]]:
    """The continued table's rows, less the title and header rows it repeats from the table's start."""
    skip = 0
    while skip < len(continued) and skip < len(rows) and continued[skip] == rows[skip]:
        skip += 1
    return continued[skip:]


def _table(grid: _Grid) -> Table:
    """The finished table, without the columns that hold no text on any of its pages."""
    used = [c for c in range(len(grid.columns)) if any(row[c] for row in grid.rows)]
    return Table(rows=tuple(tuple(row[c] for c in used) for row in grid.rows))
