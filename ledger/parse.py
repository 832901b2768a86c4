"""From bytes to a canonical snapshot: pick a reader by content, pick a layout by detection, parse."""

from __future__ import annotations

from dataclasses import dataclass

from ledger.document import Document
from ledger.layouts import choose_layout
from ledger.model import Snapshot
from ledger.readers import read_document


@dataclass(frozen=True)
class ParseResult:
    document: Document
    snapshot: Snapshot
    parser_name: str
    parser_version: str


def parse_publication(data: bytes, filename: str = "") -> ParseResult:
    """Read ``data`` (any supported format) and parse it with the layout that recognises it.

    Raises :class:`ledger.errors.ReadError`, :class:`ledger.errors.UnknownLayoutError` or
    :class:`ledger.errors.ParseError`.
    """
    document = read_document(data, filename)
    layout = choose_layout(document)
    snapshot = layout.parse(document)
    return ParseResult(
        document=document, snapshot=snapshot, parser_name=layout.name, parser_version=layout.version
    )
