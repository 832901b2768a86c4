"""Readers turn a file's bytes into the intermediate form (:mod:`ledger.readers.document`), whatever its format.

:func:`read_document` picks the reader by content (:func:`ledger.readers.sniff.sniff`), never by the file name: a
PNG named ``.pdf`` is refused as an image, an XLSX named ``.docx`` is read as the workbook it is, an HTML table
saved as ``.xls`` is read as HTML. Plain text is the fallback.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import cast

from ledger.errors import ReadError
from ledger.readers.document import Document
from ledger.readers.limits import check_size
from ledger.readers.sniff import sniff

#: The reader of each format, as (module, function). Imported when first needed: pdfplumber, openpyxl and
#: python-docx together take a quarter of a second to import, which every CLI command would otherwise pay.
READERS: dict[str, tuple[str, str]] = {
    "pdf": ("ledger.readers.pdf", "read_pdf"),
    "docx": ("ledger.readers.docx", "read_docx"),
    "xlsx": ("ledger.readers.xlsx", "read_xlsx"),
    "html": ("ledger.readers.html", "read_html"),
    "text": ("ledger.readers.text", "read_text"),
}


def reader_for(format_name: str) -> Callable[[bytes], Document] | None:
    """The reader function for a sniffed format, or None when there is none."""
    if format_name not in READERS:
        return None
    module, function = READERS[format_name]
    return cast(Callable[[bytes], Document], getattr(importlib.import_module(module), function))


def read_document(data: bytes, filename: str = "") -> Document:
    """Read ``data`` by its content. ``filename`` is not used to choose: callers name the file in their messages.

    Raises :class:`ReadError` with a one-line reason (and, for formats it cannot read, what to convert to).
    """
    found = sniff(data)
    reader = reader_for(found.format)
    if reader is None or found.problem is not None:
        raise ReadError(found.problem or f"no reader for {found.format} files")
    check_size(found.format, len(data))
    return reader(data)
