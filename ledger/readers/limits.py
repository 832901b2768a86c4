"""Every limit the readers enforce on untrusted input, in one place (documented in docs/limits.md).

A publication is untrusted input: a few kilobytes can declare gigabytes (a ZIP or flate bomb), spans that expand
into a million cells, or formulas over whole sheets. Each limit here is checked *before* the expensive work it
bounds — on the file's size, the archive's directory, a streaming count, a span product — so a hostile file is
refused in seconds and a few hundred megabytes, with one line naming the limit and its value.

The defaults are far above any budget publication seen. Each can be raised for one run with an environment variable
``LEDGER_LIMIT_<NAME>`` (e.g. ``LEDGER_LIMIT_PDF_PAGES=3000``); :func:`current` reads them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace

from ledger.errors import ReadError

_MiB = 1024 * 1024


class LimitExceeded(ReadError):
    """Input refused because it exceeds a limit. ``limit`` names it (as in docs/limits.md), ``value`` its value."""

    def __init__(self, message: str, *, limit: str, value: int) -> None:
        super().__init__(f"{message} (limit {limit}={value}; raise it with LEDGER_LIMIT_{limit.upper()})")
        self.limit = limit
        self.value = value


@dataclass(frozen=True)
class Limits:
    """The limits, by name. The environment variable of ``pdf_pages`` is ``LEDGER_LIMIT_PDF_PAGES``."""

    #: Size of a file of each format, checked before it is read (and, on ingest, before it is stored).
    pdf_bytes: int = 200 * _MiB
    office_bytes: int = 100 * _MiB
    html_bytes: int = 20 * _MiB
    text_bytes: int = 16 * _MiB
    #: PDF: pages, and bytes its flate streams inflate to — each stream, and all of them together.
    pdf_pages: int = 1000
    pdf_stream_bytes: int = 64 * _MiB
    pdf_inflated_bytes: int = 512 * _MiB
    #: PDF: wall-clock seconds for reading the pages (the work per page varies a hundredfold).
    pdf_seconds: int = 600
    #: Office files (DOCX, XLSX): what the ZIP archive unpacks to, in total and per part, and its parts.
    zip_total_bytes: int = 200 * _MiB
    zip_part_bytes: int = 128 * _MiB
    zip_parts: int = 10_000
    #: Overall compression ratio of an archive that unpacks to more than ``zip_ratio_floor_bytes``.
    zip_ratio: int = 100
    zip_ratio_floor_bytes: int = 4 * _MiB
    #: XLSX: cells of the whole workbook (counted from the sheet XML before openpyxl loads it).
    xlsx_cells: int = 2_000_000
    #: XLSX: cells read by all formula ranges (``SUM(A1:CV100000)``) evaluated in one workbook.
    xlsx_formula_cells: int = 1_000_000
    #: HTML: cells of one table once its row and column spans are expanded.
    html_table_cells: int = 250_000


def current() -> Limits:
    """The default limits, with any ``LEDGER_LIMIT_<NAME>`` environment variable applied."""
    changes: dict[str, int] = {}
    for spec in fields(Limits):
        variable = f"LEDGER_LIMIT_{spec.name.upper()}"
        text = os.environ.get(variable)
        if text is None:
            continue
        try:
            value = int(text)
        except ValueError as exc:
            raise ReadError(f"{variable} must be a whole number, not {text!r}") from exc
        if value <= 0:
            raise ReadError(f"{variable} must be positive, not {value}")
        changes[spec.name] = value
    return replace(Limits(), **changes)


#: The size limit of each readable format (by :func:`ledger.readers.sniff.sniff`'s names).
_SIZE_LIMIT_OF = {
    "pdf": "pdf_bytes",
    "docx": "office_bytes",
    "xlsx": "office_bytes",
    "html": "html_bytes",
    "text": "text_bytes",
}


def size_limit(format_name: str, limits: Limits | None = None) -> tuple[str, int]:
    """The name and value of the size limit for a format (the largest of them for an unknown one)."""
    limits = limits or current()
    name = _SIZE_LIMIT_OF.get(format_name)
    if name is None:
        return max(((n, int(getattr(limits, n))) for n in set(_SIZE_LIMIT_OF.values())), key=lambda p: p[1])
    return name, int(getattr(limits, name))


def check_size(format_name: str, size: int, limits: Limits | None = None) -> None:
    """Refuse a file of ``size`` bytes in ``format_name`` over its size limit."""
    name, value = size_limit(format_name, limits)
    if size > value:
        raise LimitExceeded(f"{format_name} file refused: {size} bytes", limit=name, value=value)


def largest_size_limit(limits: Limits | None = None) -> tuple[str, int]:
    """No file larger than this can be read in any format: refuse it before reading it into memory."""
    return size_limit("", limits)
