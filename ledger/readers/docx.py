"""DOCX reader (python-docx): paragraphs and tables in document order → the intermediate form.

The output matches the ``cells-per-line`` text form of the same document (the DOCX text extractions among the
seeds), so one layout parser reads both:

* blocks come in body order (paragraphs between tables stay between them), content controls unwrapped;
* a table row has one cell per ``w:tc`` element: a cell merged across columns (``gridSpan``) appears once, and a
  cell continuing a vertical merge (``vMerge``) is ``""`` — python-docx's ``row.cells`` would repeat the merged
  cell instead, which makes a label look like several;
* a cell's paragraphs are joined with line breaks, each line stripped;
* automatic numbering is rendered (``一、``, ``1.``, ``（1）``): Word stores it apart from the text, and a heading
  without its number is not the heading the reader saw.

Headers, footers, footnotes and text boxes are not read: publications put page furniture there, not content.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import docx
from docx.document import Document as WordDocument
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as WordParagraph

from ledger.errors import ReadError
from ledger.readers.cells import clean_cell
from ledger.readers.document import Block, Document, Paragraph, Table
from ledger.readers.safety import check_office_zip

_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (
    qn(tag) for tag in ("w:p", "w:tbl", "w:tr", "w:tc", "w:sdt", "w:sdtContent")
)
_CUSTOM_XML = qn("w:customXml")
_VAL = qn("w:val")


def read_docx(data: bytes) -> Document:
    """Read a DOCX file; :class:`ReadError` if it is unsafe, damaged or not a Word document."""
    check_office_zip(data)
    try:
        word = docx.Document(io.BytesIO(data))
    except (
        Exception
    ) as exc:  # python-docx raises assorted errors (KeyError, ValueError, lxml errors) on bad input
        raise ReadError(f"damaged Word document: {type(exc).__name__}: {exc}") from exc
    numbering = _Numbering(word)
    blocks = list(_blocks(word.element.body, word, numbering))
    return Document(blocks=tuple(blocks), form="docx", meta={"format": "docx"})


def _blocks(container: Any, word: WordDocument, numbering: _Numbering) -> Iterator[Block]:
    for child in _content_children(container):
        if child.tag == _P:
            text = _paragraph_text(child, word, numbering).strip()
            if text:
                yield Paragraph(text)
        elif child.tag == _TBL:
            rows = tuple(_table_rows(child, word, numbering))
            if rows:
                yield Table(rows=rows)


def _content_children(element: Any) -> Iterator[Any]:
    """Child elements with content-control (``w:sdt``) and custom-XML wrappers unwrapped."""
    for child in element.iterchildren():
        if child.tag == _SDT:
            for content in child.iterchildren(_SDT_CONTENT):
                yield from _content_children(content)
        elif child.tag == _CUSTOM_XML:
            yield from _content_children(child)
        else:
            yield child


def _paragraph_text(p: Any, word: WordDocument, numbering: _Numbering) -> str:
    text: str = WordParagraph(p, word).text
    number = numbering.label(p)
    if not number:
        return text
    separator = " " if number[-1].isalnum() and numbering.suffix(p) != "nothing" else ""
    return f"{number}{separator}{text}"


def _table_rows(tbl: Any, word: WordDocument, numbering: _Numbering) -> Iterator[tuple[str, ...]]:
    for tr in (child for child in _content_children(tbl) if child.tag == _TR):
        cells = tuple(
            "" if _continues_vertical_merge(tc) else _cell_text(tc, word, numbering)
            for tc in _content_children(tr)
            if tc.tag == _TC
        )
        if cells:
            yield cells


def _continues_vertical_merge(tc: Any) -> bool:
    """``<w:vMerge/>`` (no value, or ``continue``) marks a cell covered by the merged cell above it."""
    tc_pr = tc.find(qn("w:tcPr"))
    v_merge = None if tc_pr is None else tc_pr.find(qn("w:vMerge"))
    return v_merge is not None and v_merge.get(_VAL, "continue") == "continue"


def _cell_text(tc: Any, word: WordDocument, numbering: _Numbering) -> str:
    """The cell's paragraphs (those of nested tables included, in order), one line each."""
    lines = [_paragraph_text(p, word, numbering) for p in tc.iter(_P)]
    return clean_cell("\n".join(lines))


# --- automatic numbering (编号) --------------------------------------------------------------------------------

_CHINESE_DIGITS = "零一二三四五六七八九"
_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"


def _chinese(number: int, digits: str = _CHINESE_DIGITS, ten: str = "十", hundred: str = "百") -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五: the counting style of ``一、二、`` headings."""
    if number < 10:
        return digits[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return (ten if tens == 1 else digits[tens] + ten) + (digits[ones] if ones else "")
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        head = digits[hundreds] + hundred
        if rest == 0:
            return head
        if rest < 10:
            return head + digits[0] + digits[rest]
        tens, ones = divmod(rest, 10)
        return head + digits[tens] + ten + (digits[ones] if ones else "")
    return str(number)


def _roman(number: int) -> str:
    values: tuple[tuple[int, str], ...] = (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
        (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    )  # fmt: skip
    out = ""
    for value, letters in values:
        while number >= value:
            out, number = out + letters, number - value
    return out


def _letters(number: int) -> str:
    """Word's letter numbering repeats the letter: A … Z, AA … ZZ, AAA …"""
    return chr(ord("A") + (number - 1) % 26) * ((number - 1) // 26 + 1)


def format_number(number: int, fmt: str) -> str:
    """A list counter in one of Word's number formats (``w:numFmt``); unknown formats fall back to decimal."""
    if fmt in ("none", "bullet"):
        return ""
    if number <= 0:
        return str(number)
    formats: dict[str, Callable[[int], str]] = {
        "decimalZero": lambda n: f"{n:02d}",
        "upperRoman": _roman,
        "lowerRoman": lambda n: _roman(n).lower(),
        "upperLetter": _letters,
        "lowerLetter": lambda n: _letters(n).lower(),
        "chineseCounting": _chinese,
        "chineseCountingThousand": _chinese,
        "ideographDigital": _chinese,
        "japaneseCounting": _chinese,
        "taiwaneseCounting": _chinese,
        "chineseLegalSimplified": lambda n: _chinese(n, _LEGAL_DIGITS, "拾", "佰"),
        "ideographLegalTraditional": lambda n: _chinese(n, _LEGAL_DIGITS, "拾", "佰"),
        "ideographTraditional": lambda n: _HEAVENLY_STEMS[(n - 1) % 10],
        "ideographZodiac": lambda n: _EARTHLY_BRANCHES[(n - 1) % 12],
        "decimalEnclosedCircle": lambda n: chr(0x2460 + n - 1) if n <= 20 else str(n),
        "decimalEnclosedCircleChinese": lambda n: chr(0x2460 + n - 1) if n <= 20 else str(n),
        "decimalEnclosedParen": lambda n: chr(0x2474 + n - 1) if n <= 20 else f"({n})",
        "decimalEnclosedFullstop": lambda n: chr(0x2488 + n - 1) if n <= 20 else f"{n}.",
        "decimalFullWidth": lambda n: "".join(chr(ord(d) + 0xFEE0) for d in str(n)),
        "decimalFullWidth2": lambda n: "".join(chr(ord(d) + 0xFEE0) for d in str(n)),
    }
    render = formats.get(fmt)
    return render(number) if render else str(number)


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    suffix: str = "tab"
    legal: bool = False


@dataclass
class _Numbering:
    """Renders list labels the way Word displays them, counting as the document is read in order.

    Counters belong to a list instance (``w:num``); a level restarts whenever a higher level advances.
    """

    word: WordDocument
    counters: dict[str, list[int]] = field(default_factory=dict)
    _levels: dict[tuple[str, int], _Level] = field(default_factory=dict)

    def __post_init__(self) -> None:
        try:
            self._root: Any = self.word.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            self._root = None
        self._styles = self._style_numbering()

    def label(self, p: Any) -> str:
        ref = self._reference(p)
        if ref is None:
            return ""
        num_id, ilvl = ref
        level = self._level(num_id, ilvl)
        if level is None or level.fmt in ("none", "bullet"):
            return ""
        counters = self.counters.setdefault(num_id, [0] * 9)
        if counters[ilvl] == 0:
            counters[ilvl] = level.start - 1
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = 0
        text = level.text
        for shown in range(ilvl + 1):
            shown_level = self._level(num_id, shown) or _Level()
            value = counters[shown] if counters[shown] else shown_level.start
            fmt = "decimal" if level.legal else shown_level.fmt
            text = text.replace(f"%{shown + 1}", format_number(value, fmt))
        return text.strip()

    def suffix(self, p: Any) -> str:
        ref = self._reference(p)
        level = self._level(*ref) if ref else None
        return level.suffix if level else "tab"

    def _reference(self, p: Any) -> tuple[str, int] | None:
        """(numId, level) from the paragraph's own properties or, failing that, its style's."""
        p_pr = p.find(qn("w:pPr"))
        num_pr = None if p_pr is None else p_pr.find(qn("w:numPr"))
        if num_pr is None and p_pr is not None:
            style = p_pr.find(qn("w:pStyle"))
            if style is not None:
                return self._styles.get(style.get(_VAL, ""))
        if num_pr is None:
            return None
        num_id = num_pr.find(qn("w:numId"))
        ilvl = num_pr.find(qn("w:ilvl"))
        if num_id is None or num_id.get(_VAL) in (None, "0"):
            return None
        level = _int(ilvl.get(_VAL) if ilvl is not None else "0", 0)
        return str(num_id.get(_VAL)), min(max(level, 0), 8)

    def _style_numbering(self) -> dict[str, tuple[str, int]]:
        """Paragraph styles that carry numbering (headings often do), following ``basedOn`` chains."""
        try:
            styles_root = self.word.styles.element
        except (NotImplementedError, KeyError, AttributeError):
            return {}
        own: dict[str, tuple[str, int]] = {}
        based_on: dict[str, str] = {}
        for style in styles_root.iterchildren(qn("w:style")):
            style_id = style.get(qn("w:styleId"), "")
            base = style.find(qn("w:basedOn"))
            if base is not None:
                based_on[style_id] = base.get(_VAL, "")
            num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            num_id = None if num_pr is None else num_pr.find(qn("w:numId"))
            if num_id is not None and num_id.get(_VAL) not in (None, "0"):
                ilvl = num_pr.find(qn("w:ilvl")) if num_pr is not None else None
                own[style_id] = (str(num_id.get(_VAL)), _int(ilvl.get(_VAL) if ilvl is not None else "0", 0))
        resolved = dict(own)
        for style_id in based_on:
            seen: set[str] = set()
            current = style_id
            while current not in own and current in based_on and current not in seen:
                seen.add(current)
                current = based_on[current]
            if current in own:
                resolved.setdefault(style_id, own[current])
        return resolved

    def _level(self, num_id: str, ilvl: int) -> _Level | None:
        key = (num_id, ilvl)
        if key not in self._levels:
            found = self._find_level(num_id, ilvl)
            if found is None:
                return None
            self._levels[key] = found
        return self._levels[key]

    def _find_level(self, num_id: str, ilvl: int) -> _Level | None:
        if self._root is None:
            return None
        num = next((n for n in self._root.iterchildren(qn("w:num")) if n.get(qn("w:numId")) == num_id), None)
        if num is None:
            return None
        override = next(
            (o for o in num.iterchildren(qn("w:lvlOverride")) if _int(o.get(qn("w:ilvl")), -1) == ilvl), None
        )
        lvl = override.find(qn("w:lvl")) if override is not None else None
        if lvl is None:
            abstract_ref = num.find(qn("w:abstractNumId"))
            abstract_id = abstract_ref.get(_VAL) if abstract_ref is not None else None
            abstract = next(
                (
                    a
                    for a in self._root.iterchildren(qn("w:abstractNum"))
                    if a.get(qn("w:abstractNumId")) == abstract_id
                ),
                None,
            )
            if abstract is None:
                return None
            lvl = next(
                (lv for lv in abstract.iterchildren(qn("w:lvl")) if _int(lv.get(qn("w:ilvl")), -1) == ilvl),
                None,
            )
            if lvl is None:
                return None
        level = _Level(
            start=_int(_child_val(lvl, "w:start"), 1),
            fmt=_child_val(lvl, "w:numFmt") or "decimal",
            text=_child_val(lvl, "w:lvlText") or "",
            suffix=_child_val(lvl, "w:suff") or "tab",
            legal=lvl.find(qn("w:isLgl")) is not None,
        )
        start_override = override.find(qn("w:startOverride")) if override is not None else None
        if start_override is not None:
            level.start = _int(start_override.get(_VAL), level.start)
        return level


def _child_val(element: Any, tag: str) -> str | None:
    child = element.find(qn(tag))
    return None if child is None else child.get(_VAL)


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default
