"""Evaluate the simple formulas of budget spreadsheets when the file carries no cached result.

Excel stores each formula's last result next to it, and the reader uses that. Files written by other tools
(scripts, some exporters, openpyxl itself) store the formula alone; a total such as ``=SUM(C5:C6)`` or
``=F27+F28+F29`` would then read as an empty cell. This evaluates the arithmetic such totals use — numbers, cell
references (``C5``, ``$C$5``, ``'表1'!C5``), ranges inside ``SUM``, ``+``, ``-`` and parentheses — exactly, in
:class:`~decimal.Decimal`. Anything else raises :class:`UnsupportedFormula`, and the reader reports the cell
instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.utils.cell import column_index_from_string

#: A referenced cell's content: a number, a text, or ``None`` for an empty cell (which counts as 0, as in Excel).
CellContent = Decimal | str | None
#: Looks a cell up by (sheet title, row, column); evaluates it first if it is itself an uncached formula.
Resolver = Callable[[str, int, int], CellContent]

#: A ``SUM`` over more cells than this is not a budget total; refuse rather than walk a whole sheet.
MAX_RANGE_CELLS = 100_000

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
    | (?P<ref>(?:(?P<sheet>'(?:[^']|'')+'|[^\s'!:(),+\-*/^&=<>"]+)!)?
              \$?(?P<col1>[A-Za-z]{1,3})\$?(?P<row1>\d+)
              (?::\$?(?P<col2>[A-Za-z]{1,3})\$?(?P<row2>\d+))?)(?![\w(])
    | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
    | (?P<function>[A-Za-z][A-Za-z0-9.]*)\s*\(
    | (?P<op>[-+(),])
    """,
    re.VERBOSE,
)


class UnsupportedFormula(Exception):
    """The formula uses something beyond numbers, references, SUM, + and -; the reason is the message."""


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    reference: tuple[str | None, int, int, int, int] | None = None  # sheet, row1, col1, row2, col2


def _tokenize(formula: str) -> Iterator[_Token]:
    position = 0
    while position < len(formula):
        match = _TOKEN.match(formula, position)
        if match is None:
            raise UnsupportedFormula(f"cannot read {formula[position:]!r}")
        position = match.end()
        kind = match.lastgroup
        if kind == "space":
            continue
        if match["ref"]:
            sheet = match["sheet"]
            if sheet is not None and sheet.startswith("'"):
                sheet = sheet[1:-1].replace("''", "'")
            row1, col1 = int(match["row1"]), column_index_from_string(match["col1"].upper())
            row2 = int(match["row2"]) if match["row2"] else row1
            col2 = column_index_from_string(match["col2"].upper()) if match["col2"] else col1
            yield _Token(
                "ref",
                match["ref"],
                (sheet, min(row1, row2), min(col1, col2), max(row1, row2), max(col1, col2)),
            )
        elif match["number"]:
            yield _Token("number", match["number"])
        elif match["function"]:
            yield _Token("function", match["function"].upper())
        else:
            yield _Token("op", match["op"])


class _Parser:
    def __init__(self, formula: str, sheet: str, resolve: Resolver) -> None:
        self.tokens = list(_tokenize(formula))
        self.index = 0
        self.sheet = sheet
        self.resolve = resolve

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise UnsupportedFormula("formula ends too early")
        self.index += 1
        return token

    def expect(self, text: str) -> None:
        token = self.take()
        if token.kind != "op" or token.text != text:
            raise UnsupportedFormula(f"expected {text!r}, found {token.text!r}")

    def parse(self) -> Decimal:
        value = self.expression()
        if self.peek() is not None:
            raise UnsupportedFormula(f"unexpected {self.take().text!r}")
        return value

    def expression(self) -> Decimal:
        value = self.term()
        while (token := self.peek()) is not None and token.kind == "op" and token.text in "+-":
            self.take()
            value = value + self.term() if token.text == "+" else value - self.term()
        return value

    def term(self) -> Decimal:
        token = self.take()
        if token.kind == "op" and token.text in "+-":
            value = self.term()
            return value if token.text == "+" else -value
        if token.kind == "number":
            return Decimal(token.text)
        if token.kind == "ref" and token.reference is not None:
            sheet, row1, col1, row2, col2 = token.reference
            if (row1, col1) != (row2, col2):
                raise UnsupportedFormula(f"a range ({token.text}) outside SUM")
            return self.number_at(sheet, row1, col1, token.text)
        if token.kind == "function":
            if token.text != "SUM":
                raise UnsupportedFormula(f"function {token.text}")
            return self.sum_arguments()
        if token.kind == "op" and token.text == "(":
            value = self.expression()
            self.expect(")")
            return value
        raise UnsupportedFormula(f"unexpected {token.text!r}")

    def sum_arguments(self) -> Decimal:
        total = Decimal(0)
        if (token := self.peek()) is not None and token.kind == "op" and token.text == ")":
            self.take()
            return total
        while True:
            token = self.peek()
            following = self.tokens[self.index + 1] if self.index + 1 < len(self.tokens) else None
            is_lone_reference = following is None or (following.kind == "op" and following.text in ",)")
            if (
                token is not None
                and token.kind == "ref"
                and token.reference is not None
                and is_lone_reference
            ):
                self.take()
                total += self.range_sum(token.reference, token.text)
            else:
                total += self.expression()
            separator = self.take()
            if separator.kind == "op" and separator.text == ")":
                return total
            if separator.kind != "op" or separator.text != ",":
                raise UnsupportedFormula(f"unexpected {separator.text!r} in SUM")

    def range_sum(self, reference: tuple[str | None, int, int, int, int], text: str) -> Decimal:
        """SUM over a range ignores text and empty cells, as Excel does."""
        sheet, row1, col1, row2, col2 = reference
        if (row2 - row1 + 1) * (col2 - col1 + 1) > MAX_RANGE_CELLS:
            raise UnsupportedFormula(f"range {text} is too large")
        total = Decimal(0)
        for row in range(row1, row2 + 1):
            for column in range(col1, col2 + 1):
                content = self.resolve(sheet or self.sheet, row, column)
                if isinstance(content, Decimal):
                    total += content
        return total

    def number_at(self, sheet: str | None, row: int, column: int, text: str) -> Decimal:
        content = self.resolve(sheet or self.sheet, row, column)
        if content is None:
            return Decimal(0)
        if isinstance(content, Decimal):
            return content
        raise UnsupportedFormula(f"{text} holds text, not a number")


def evaluate(formula: str, sheet: str, resolve: Resolver) -> Decimal:
    """The value of ``formula`` (with or without its leading ``=``) on ``sheet``."""
    body = formula[1:] if formula.startswith("=") else formula
    if not body.strip():
        raise UnsupportedFormula("empty formula")
    return _Parser(body, sheet, resolve).parse()
