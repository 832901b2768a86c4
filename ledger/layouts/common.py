"""What every layout shares: one amount reader that collects warnings, and one finder of the standard tables.

Budget disclosures (部门预算公开) follow the finance ministry's reference formats: the same tables, under titles
that vary in small ways between provinces and years (收支总表 / 收支预算总表, 一般公共预算财政拨款支出表 /
一般公共预算支出预算表（功能科目）). :func:`table_kind` tells a table's kind from the words of its title;
:func:`captioned_tables` finds each table's title wherever it stands — the paragraphs above the table or the
table's own first row — after :func:`split_tables` has cut apart tables a reader gave as one grid.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ledger.errors import ValueParseError
from ledger.model import ParseWarning
from ledger.model.values import amount_in_wanyuan
from ledger.readers.document import Block, Paragraph, Table

_SPACES = re.compile(r"[\s\u3000]+")
#: Ordinal prefixes of line names: ``一、`` ``（一）`` ``1、`` ``1.`` ``(1)`` and the ``其中：`` of sub-lines.
_ORDINAL = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]、?|\d+[、.．](?!\d))\s*"
)
_OF_WHICH = re.compile(r"^其中[：:]\s*")


def squash(text: str) -> str:
    """Header text without the spaces DOCX tables pad it with: ``科目    编码`` → ``科目编码``."""
    return _SPACES.sub("", text)


def strip_ordinal(name: str) -> str:
    """A line name without its printed ordinal or ``其中：`` (they shift between years; the name does not)."""
    name = name.strip()
    name = _OF_WHICH.sub("", name)
    return _ORDINAL.sub("", name).strip()


def has_ordinal(name: str) -> bool:
    return bool(_ORDINAL.match(name.strip()))


def is_of_which(name: str) -> bool:
    """``其中：…`` — the first sub-line of the line above it."""
    return bool(_OF_WHICH.match(name.strip()))


def total(amounts: Iterable[Decimal | None]) -> Decimal:
    """Sum where a blank cell counts as nothing (blank means no money in these tables)."""
    return sum((amount for amount in amounts if amount is not None), Decimal(0))


def mismatch(
    expected: Decimal | None, parts: Iterable[Decimal | None], what: str, where: str
) -> ParseWarning | None:
    """A ``totals-mismatch`` warning when ``parts`` do not add up to ``expected`` (None when they do).

    ``what`` names the identity checked (``收入总计 = 本年收入合计 + 上年结转结余``); the message gives the printed
    total, then the sum of its printed parts.
    """
    parts = list(parts)
    if expected is None and all(part is None for part in parts):
        return None
    got = total(parts)
    if (expected or Decimal(0)) == got:
        return None
    return ParseWarning(code="totals-mismatch", message=f"{what}: {expected} ≠ {got}", where=where)


@dataclass
class AmountReader:
    """Reads money cells and collects the warnings of a parse: unreadable amounts, totals that do not add up,
    tables not read completely. A blank cell is None; a cell that is neither blank nor an amount is a warning,
    never zero."""

    warnings: list[ParseWarning] = field(default_factory=list)

    def amount(self, cell: str, where: str, unit: str | None = None) -> Decimal | None:
        """The cell in 万元; a bare number is in ``unit``, the money unit the table states (万元 when none)."""
        try:
            return amount_in_wanyuan(squash(cell), unit or "万元")
        except ValueParseError:
            self.warn("unreadable-amount", f"not an amount: {cell.strip()!r}", where)
            return None

    def warn(self, code: str, message: str, where: str) -> None:
        self.warnings.append(ParseWarning(code=code, message=message, where=where))

    def check(self, expected: Decimal | None, parts: Iterable[Decimal | None], what: str, where: str) -> None:
        """A ``totals-mismatch`` warning when the printed ``expected`` is not the sum of its printed parts."""
        if expected is not None and (warning := mismatch(expected, parts, what, where)) is not None:
            self.warnings.append(warning)


#: The standard tables by the words of their titles: (kind, words that must all appear, words that must not).
#: The first match wins, so the order matters: 绩效目标表 before everything (a project's title may name anything),
#: 财政拨款收支总表 before 收支总表, 机关运行经费 and 三公 before 一般公共预算…支出, 基本支出 before the other 支出表,
#: 一般公共预算财政拨款支出表 (a 一般公共预算 table) before 财政拨款支出表.
TABLE_KINDS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("project", ("绩效目标表",), ()),
    ("fiscal-statement", ("财政拨款收支",), ()),
    ("statement", ("收支", "总表"), ()),
    ("income", ("收入", "总表"), ()),
    ("operating-costs", ("机关运行经费",), ()),
    ("three-public", ("三公",), ()),
    ("fiscal-economic", ("财政拨款", "基本支出"), ()),
    ("general-economic", ("基本支出",), ()),
    ("government-fund", ("政府性基金", "支出"), ()),
    ("state-capital", ("国有资本经营", "支出"), ()),
    ("expenditure", ("支出", "总表"), ("财政拨款",)),
    ("general-function", ("一般公共预算", "支出"), ()),
    ("fiscal-function", ("财政拨款", "支出"), ()),
    ("project-expenditure", ("项目支出", "表"), ("绩效",)),
    ("procurement", ("政府采购",), ()),
    ("assets", ("资产",), ()),
    ("units", ("机构设置",), ()),
)
#: Titles of the standard tables, by kind, as people read them (for warnings and reports).
TABLE_TITLES = {
    "project": "绩效目标表",
    "fiscal-statement": "财政拨款收支总表",
    "statement": "收支总表",
    "income": "收入总表",
    "operating-costs": "机关运行经费支出表",
    "three-public": "“三公”经费支出表",
    "fiscal-economic": "财政拨款基本支出表",
    "general-economic": "一般公共预算基本支出表",
    "government-fund": "政府性基金预算支出表",
    "state-capital": "国有资本经营预算支出表",
    "expenditure": "支出总表",
    "general-function": "一般公共预算支出表",
    "fiscal-function": "财政拨款支出表",
    "project-expenditure": "项目支出表",
    "procurement": "政府采购预算表",
    "assets": "资产占用情况表",
    "units": "机构设置表",
}
#: A DOCX bookmark tag the text form keeps (``[bookmark: _Toc_2_2_0000000001]部门预算收支总表``).
BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
#: A paragraph that is only a page number.
_PAGE_NUMBER = re.compile(r"^\d{1,4}$")
#: A paragraph longer than this is body text, not a caption.
CAPTION_MAX = 100
#: How far back from a table its caption may stand (``公开01表`` / ``收支预算总表`` / ``部门名称：… 单位：万元``).
CAPTION_REACH = 3
_AMOUNT = re.compile(r"^-?[\d,，]*\d(?:\.\d+)?$")
_CONTINUED = re.compile(r"^[（(]?续表?[\d一二三四五六七八九十]*[）)]?$")
#: A title row names its table and says little else (``一般公共预算基本支出预算表``).
_TITLE_ROW_MAX = 40
#: ``（功能科目）``, ``(一般公共预算)`` after a title.
_TRAILING_NOTE = re.compile(r"[（(][^）)]*[）)]$")


def is_amount(cell: str) -> bool:
    return bool(_AMOUNT.match(squash(cell)))


def table_kind(caption: str) -> str | None:
    """The kind of standard table a title names (``部门预算收入总表`` → ``income``), or None."""
    text = squash(caption)
    for kind, wanted, unwanted in TABLE_KINDS:
        if all(word in text for word in wanted) and not any(word in text for word in unwanted):
            return kind
    return None


@dataclass(frozen=True)
class Found:
    """A table with its kind (None: not a standard table) and the caption that told it (``""``: none)."""

    kind: str | None
    caption: str
    table: Table


def captioned_tables(blocks: Sequence[Block], *, reach: int = CAPTION_REACH) -> list[Found]:
    """Every table of ``blocks`` with its kind and caption.

    The caption is the first of the table's own title cell and the (up to ``reach``) paragraphs right above it
    that names a kind; failing that, the paragraph right above the table (``""`` when a table or body text
    stands there). Bookmark tags are left out of captions and page numbers skipped. Tables are first cut apart
    and cleaned by :func:`split_tables`.
    """
    found: list[Found] = []
    blocks = split_tables(blocks)
    for index, block in enumerate(blocks):
        if not isinstance(block, Table):
            continue
        above = _paragraphs_above(blocks[:index], reach)
        own = [block.rows[0][0]] if block.rows and block.rows[0] else []
        caption = next((text for text in [*own, *above] if table_kind(text)), None)
        if caption is not None:
            found.append(Found(table_kind(caption), caption, block))
        else:
            found.append(Found(None, above[0] if above else "", block))
    return found


def _paragraphs_above(blocks: Sequence[Block], reach: int) -> list[str]:
    """Up to ``reach`` caption-length paragraphs right above (nearest first), page numbers and blanks skipped."""
    texts: list[str] = []
    for previous in reversed(blocks):
        if not isinstance(previous, Paragraph) or len(texts) == reach:
            break
        text = BOOKMARK.sub("", previous.text).strip()
        if not text or _PAGE_NUMBER.match(text):
            continue
        if len(text) > CAPTION_MAX:
            break
        texts.append(text)
    return texts


def split_tables(blocks: Sequence[Block]) -> list[Block]:
    """The blocks with each table cut where another table's title row stands inside it (the title becomes a
    paragraph), and rid of ``续表`` rows and of header rows a page break repeated.

    Two tables drawn one under the other on a page, or one ending a page where the next begins, can come out of a
    reader as one grid: an economic-classification table would otherwise be read as the rest of the function table
    above it.
    """
    result: list[Block] = []
    for block in blocks:
        if not isinstance(block, Table):
            result.append(block)
            continue
        block = split_merged_cells(block)
        rows: list[tuple[str, ...]] = []
        header: set[tuple[str, ...]] = set()
        for row in block.rows:
            text = squash("".join(row))
            if _CONTINUED.match(text):
                continue
            if rows and _is_title_row(row, text):
                result.append(Table(rows=tuple(rows)))
                result.append(Paragraph(text))
                rows, header = [], set()
                continue
            key = tuple(squash(cell) for cell in row)
            numbers = any(is_amount(cell) for cell in row)
            if not numbers and not _has_data(rows):
                header.add(key)
            elif not numbers and key in header and any(key):
                continue  # a header row repeated after a page break
            rows.append(tuple(row))
        if rows:
            result.append(Table(rows=tuple(rows)))
    return result


#: A label and its amount in one cell (``一、一般公共预算 33,172.15``): a grid whose rule between them is missing.
_LABEL_AND_AMOUNT = re.compile(
    r"^(?P<label>.*[\u4e00-\u9fff）)])\s+(?P<amount>-?\d[\d,，]*\.\d+|-?\d{1,3}(?:[,，]\d{3})+)$"
)


def split_merged_cells(table: Table) -> Table:
    """A table whose cells hold a label and its amount together, with each column split in two: the label, the
    amount. Tables without such cells are returned as they are."""
    if not any(_LABEL_AND_AMOUNT.match(cell.strip()) for row in table.rows for cell in row):
        return table
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row:
            text = cell.strip()
            if (match := _LABEL_AND_AMOUNT.match(text)) is not None:
                cells += [match["label"], match["amount"]]
            else:
                cells += ["", text] if is_amount(text) else [cell, ""]
        rows.append(tuple(cells))
    return Table(rows=tuple(rows))


def _has_data(rows: Sequence[Sequence[str]]) -> bool:
    return any(is_amount(cell) for row in rows for cell in row)


def _is_title_row(row: Sequence[str], text: str) -> bool:
    """One filled cell, no amount, naming a table kind and ending like a title: the title of the next table."""
    filled = [cell for cell in row if cell.strip()]
    title = _TRAILING_NOTE.sub("", text)
    return (
        len(filled) == 1
        and len(title) <= _TITLE_ROW_MAX
        and title.endswith("表")
        and table_kind(title) is not None
    )
