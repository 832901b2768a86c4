"""HTML reader (lxml): the paragraphs and data tables of a published web page → the intermediate form.

* Charset: a byte-order mark, else the page's own ``<meta charset>`` / ``http-equiv`` declaration, else UTF-8,
  else GB18030. Pages labelled ``gb2312`` or ``gbk`` are decoded as GB18030, the superset they usually really use.
* Tables keep their grid: ``rowspan``/``colspan`` are expanded so every row has a cell in every column, the text in
  the spanning cell's first (top-left) position and ``""`` in the rest (``merged="carry"`` repeats it instead) —
  the same shape as an XLSX sheet or a PDF table.
* A table that contains another table is page layout, not data: its cells are read as ordinary content, so the
  data tables inside come out as tables and the text around them as paragraphs.
* Paragraphs: block elements and ``<br>`` break lines; scripts, styles and the ``<head>`` are skipped.
* An error page (a ``404``/``403``/``500`` title or heading, and no table) is a :class:`ReadError`, so a broken
  link is not recorded as a publication without content.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import lxml.html
from lxml import etree

from ledger.errors import ReadError
from ledger.readers.cells import clean_cell
from ledger.readers.document import Block, Document, Paragraph, Table
from ledger.readers.limits import LimitExceeded, current

MergedMode = Literal["anchor", "carry"]

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
#: Labels that name a subset of GB18030; decoding as GB18030 reads everything they can hold, and more.
_GB_FAMILY = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "ms936", "euc-cn", "csgb2312", "hz-gb-2312"}
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))

_SKIPPED = {"script", "style", "noscript", "template", "head", "title", "iframe", "object", "svg", "select"}
_BLOCKS = {
    "address", "article", "aside", "blockquote", "center", "dd", "details", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "nav", "ol", "p", "pre", "section", "summary", "ul", "body", "html",
    # the parts of a layout table read as blocks too
    "table", "caption", "thead", "tbody", "tfoot", "tr", "td", "th",
}  # fmt: skip
_SECTIONS = {"thead", "tbody", "tfoot"}
_CELLS = {"td", "th"}
#: HTML allows colspan up to 1000 and rowspan up to 65534; no real table spans more than this.
_MAX_SPAN = 1000
_WHITESPACE = re.compile(r"[ \t\n\r\f\u00a0]+")
_ERROR_PAGE = re.compile(
    r"\b(?:40[0-9]|50[0-9])\b|not\s+found|forbidden|bad\s+gateway|service\s+unavailable|internal\s+server\s+error"
    r"|页面不存在|页面未找到|找不到|无法访问|访问出错|访问受限|禁止访问|服务器错误|系统错误|出错了",
    re.IGNORECASE,
)
#: An error page is short: a real publication page with a 404 in some link text is not one.
_ERROR_PAGE_MAX_TEXT = 1000


def decode_html(data: bytes) -> str:
    """The page's text, decoded by BOM, declared charset, then UTF-8, then GB18030."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise ReadError(f"HTML page is not valid {codec} despite its byte-order mark") from exc
    candidates = [codec for codec in (_declared_charset(data[:4096]), "utf-8", "gb18030") if codec]
    for codec in dict.fromkeys(candidates):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    raise ReadError(f"HTML page cannot be decoded as any of {', '.join(dict.fromkeys(candidates))}")


def _declared_charset(head: bytes) -> str | None:
    match = _META_CHARSET.search(head)
    if match is None:
        return None
    label = match.group(1).decode("ascii", "ignore").lower()
    if label in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def read_html(data: bytes, *, merged: MergedMode = "anchor") -> Document:
    """Read an HTML page; :class:`ReadError` for an undecodable page, an error page, or a page without text."""
    text = _XML_DECLARATION.sub("", decode_html(data), count=1)
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(f"HTML page cannot be parsed: {exc}") from exc
    walker = _Walker(merged)
    walker.visit_children(root)
    walker.flush()
    blocks = tuple(walker.blocks)
    _refuse_error_page(root, blocks)
    if not blocks:
        raise ReadError("HTML page has no text")
    return Document(blocks=blocks, form="html", meta={"format": "html"})


def _refuse_error_page(root: Any, blocks: tuple[Block, ...]) -> None:
    if any(isinstance(block, Table) for block in blocks):
        return
    text = "\n".join(block.text for block in blocks if isinstance(block, Paragraph))
    if len(text) > _ERROR_PAGE_MAX_TEXT:
        return
    headings = [_squash(" ".join(element.itertext())) for element in root.iter("title", "h1", "h2")]
    for heading in headings:
        if _ERROR_PAGE.search(heading):
            raise ReadError(f"HTML page is an error page, not a publication: {heading!r}")


def _squash(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def _tag(element: Any) -> str:
    """Lower-case tag name; ``""`` for comments and processing instructions."""
    return element.tag.lower() if isinstance(element.tag, str) else ""


def _is_data_table(table: Any) -> bool:
    """A table without a table inside it holds data; one with tables inside is page layout."""
    return not any(True for _ in table.iterdescendants("table"))


@dataclass
class _Walker:
    merged: MergedMode
    blocks: list[Block] = field(default_factory=list)
    line: list[str] = field(default_factory=list)

    def add(self, text: str | None) -> None:
        if text:
            self.line.append(text)

    def flush(self) -> None:
        text = _squash("".join(self.line))
        self.line = []
        if text:
            self.blocks.append(Paragraph(text))

    def visit_children(self, element: Any) -> None:
        self.add(element.text)
        for child in element:
            self.visit(child)
            self.add(child.tail)

    def visit(self, element: Any) -> None:
        tag = _tag(element)
        if not tag or tag in _SKIPPED:
            return
        if tag == "br":
            self.flush()
        elif tag == "table" and _is_data_table(element):
            self.flush()
            caption = element.find("caption")
            if caption is not None:
                self.add(caption.text_content())
                self.flush()
            rows = _table_grid(element, self.merged)
            if rows:
                self.blocks.append(Table(rows=rows))
        elif tag in _BLOCKS:
            self.flush()
            self.visit_children(element)
            self.flush()
        else:
            self.visit_children(element)


def _rows_of(table: Any) -> Iterator[Any]:
    """The table's own rows (not those of nested tables), header and footer sections included, in order."""
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            yield child
        elif tag in _SECTIONS:
            yield from (row for row in child if _tag(row) == "tr")


def _table_grid(table: Any, merged: MergedMode) -> tuple[tuple[str, ...], ...]:
    """Rows of the table with spans expanded into a full grid.

    The cells the spans expand to are counted before each is expanded, and the grid's area before it is built:
    60 cells spanning 1000×1000 each would otherwise fill gigabytes.
    """
    limit = current().html_table_cells
    grid: dict[tuple[int, int], str] = {}
    height = width = expanded = 0
    for row_index, row in enumerate(_rows_of(table)):
        column = 0
        for cell in (c for c in row if _tag(c) in _CELLS):
            while (row_index, column) in grid:
                column += 1
            rowspan = _span(cell.get("rowspan"))
            colspan = _span(cell.get("colspan"))
            expanded += rowspan * colspan
            if expanded > limit:
                raise LimitExceeded(
                    f"HTML table refused: its row and column spans expand to more than {limit} cells",
                    limit="html_table_cells",
                    value=limit,
                )
            text = _cell_text(cell)
            for dr in range(rowspan):
                for dc in range(colspan):
                    anchor = dr == 0 and dc == 0
                    grid[(row_index + dr, column + dc)] = text if anchor or merged == "carry" else ""
            column += colspan
            width = max(width, column)
        height = row_index + 1
    if height * width > limit:
        raise LimitExceeded(
            f"HTML table refused: {height} rows × {width} columns", limit="html_table_cells", value=limit
        )
    rows = [tuple(grid.get((r, c), "") for c in range(width)) for r in range(height)]
    return tuple(row for row in rows if any(row))


def _span(value: str | None) -> int:
    try:
        span = int(str(value).strip()) if value is not None else 1
    except ValueError:
        return 1
    return min(max(span, 1), _MAX_SPAN)


def _cell_text(cell: Any) -> str:
    """A cell's text with ``<br>`` and block elements as line breaks, whitespace collapsed within lines."""
    walker = _Walker("anchor")
    walker.visit_children(cell)
    walker.flush()
    return clean_cell("\n".join(block.text for block in walker.blocks if isinstance(block, Paragraph)))
