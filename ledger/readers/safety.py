"""Limits checked before a parser touches an untrusted file: ZIP and flate bombs, cell counts, XML entity tricks.

DOCX and XLSX are ZIP archives of XML parts. A hostile (or broken) file can declare gigabytes behind a few
kilobytes (a ZIP bomb) or define XML entities that expand exponentially ("billion laughs") or read local files
(external entities). openpyxl parses with the standard library and guards against neither unless ``defusedxml`` is
installed, so :func:`check_office_zip` runs first, on the ZIP's central directory and on the raw bytes of each XML
part, and refuses the file with a :class:`~ledger.errors.ReadError` before openpyxl or python-docx see it.

Office applications never write a document type declaration into these parts, so any ``<!DOCTYPE`` or
``<!ENTITY`` is refused outright rather than parsed carefully.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from ledger.errors import ReadError
from ledger.readers.limits import LimitExceeded, Limits, current

#: What a DTD looks like in the encodings an XML part may use (Office writes UTF-8; UTF-16 is legal XML too).
_DTD_MARKERS: tuple[bytes, ...] = tuple(
    marker.encode(codec)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for codec in ("utf-8", "utf-16-le", "utf-16-be")
)
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_CHUNK = 64 * 1024


def check_office_zip(data: bytes, limits: Limits | None = None) -> None:
    """Refuse ``data`` (a DOCX/XLSX) if it would unpack too large or its XML declares a DTD or entities."""
    limits = limits or current()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            _check_directory(members, limits)
            for member in members:
                if member.filename.lower().endswith(_XML_SUFFIXES):
                    _check_xml_member(archive, member)
    except ReadError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        ValueError,
        NotImplementedError,
    ) as exc:
        raise ReadError(f"damaged office file (not a readable ZIP archive): {exc}") from exc
    except RuntimeError as exc:  # zipfile raises RuntimeError for encrypted members
        raise ReadError(f"unreadable office file: {exc}") from exc


def _check_directory(members: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Sizes as the central directory declares them; zipfile never inflates a member past its declared size.

    The ratio is checked over the whole archive, not per part: 240 parts of 1 MiB at 1000:1 are as much a bomb as
    one part of 240 MiB.
    """
    if len(members) > limits.zip_parts:
        raise LimitExceeded(
            f"office file refused: {len(members)} parts", limit="zip_parts", value=limits.zip_parts
        )
    total = compressed = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise ReadError(f"office file refused: part {member.filename!r} is encrypted")
        if member.file_size > limits.zip_part_bytes:
            raise LimitExceeded(
                f"office file refused: part {member.filename!r} unpacks to {member.file_size} bytes",
                limit="zip_part_bytes",
                value=limits.zip_part_bytes,
            )
        total += member.file_size
        compressed += member.compress_size
        if total > limits.zip_total_bytes:
            raise LimitExceeded(
                "office file refused: it unpacks to more bytes than allowed — a ZIP bomb?",
                limit="zip_total_bytes",
                value=limits.zip_total_bytes,
            )
    ratio = total / max(compressed, 1)
    if total > limits.zip_ratio_floor_bytes and ratio > limits.zip_ratio:
        raise LimitExceeded(
            f"office file refused: it unpacks to {total} bytes, compressed {ratio:.0f}:1 — a ZIP bomb?",
            limit="zip_ratio",
            value=limits.zip_ratio,
        )


def _check_xml_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Stream the part and look for a DTD; the overlap catches a marker split across two chunks."""
    overlap = max(len(marker) for marker in _DTD_MARKERS) - 1
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            if any(marker in window for marker in _DTD_MARKERS):
                raise ReadError(
                    f"office file refused: part {member.filename!r} declares a DTD or XML entities "
                    "(office applications never write them; entity expansion is an attack)"
                )
            tail = window[-overlap:]


_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_CELL_REFERENCE = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br=["']([A-Z]{1,3})([0-9]{1,7})["']""")
_MERGE = re.compile(
    rb"""<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?\bref=["']([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})"""
)
_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)
#: Longest stretch of a sheet's XML a pattern above must see at once (a ``<c …>`` or ``<mergeCell …>`` tag).
_TAG_WINDOW = 512


def check_workbook_cells(data: bytes, limits: Limits | None = None) -> int:
    """Count the cells a workbook's sheets would load, streaming their XML, before openpyxl loads anything.

    openpyxl builds an object per cell and per position of a merged range, and the reader a grid over each sheet's
    used area, so what is counted is, per sheet, the larger of its cells (``<c>`` elements) and the area from A1 to
    the furthest cell referenced, plus the area of its merged ranges. The sheet's ``<dimension>`` is not trusted:
    it can claim anything. Returns the count; raises :class:`LimitExceeded` over ``xlsx_cells``.
    """
    limits = limits or current()
    total = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.infolist():
            if _SHEET_PART.match(member.filename):
                total += _sheet_cells(archive, member)
                if total > limits.xlsx_cells:
                    raise LimitExceeded(
                        f"workbook refused: its sheets hold more than {limits.xlsx_cells} cells "
                        f"(counted before loading; {member.filename} reached {total})",
                        limit="xlsx_cells",
                        value=limits.xlsx_cells,
                    )
    return total


def _sheet_cells(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> int:
    cells = merged = max_row = max_column = 0
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            fresh = len(tail)  # a match ending inside the tail was counted with the previous chunk
            for match in _CELL.finditer(window):
                cells += match.end() > fresh
            for match in _CELL_REFERENCE.finditer(window):
                if match.end() > fresh:
                    max_column = max(max_column, column_index(match[1]))
                    max_row = max(max_row, int(match[2]))
            for match in _MERGE.finditer(window):
                if match.end() > fresh:
                    rows = abs(int(match[4]) - int(match[2])) + 1
                    columns = abs(column_index(match[3]) - column_index(match[1])) + 1
                    merged += rows * columns
            tail = window[-_TAG_WINDOW:]
    return max(cells, max_row * max_column) + merged


def column_index(letters: bytes) -> int:
    """``b"A"`` → 1, ``b"CV"`` → 100, ``b"XFD"`` → 16384."""
    index = 0
    for letter in letters:
        index = index * 26 + (letter - 64)
    return index


_PDF_STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
_INFLATE_STEP = 1024 * 1024


def check_pdf_streams(data: bytes, limits: Limits | None = None) -> int:
    """Inflate every flate stream of a PDF into nothing, counting bytes, before pdfminer inflates any of them.

    pdfminer inflates a stream whole, in memory, whatever it claims: a 3 MB stream of zeros becomes gigabytes. Here
    each ``stream`` keyword is followed by a bounded inflater (``/Length`` is not trusted, the inflater stops at
    the end of the deflate data); a stream that is not deflate data fails at once and is skipped. Returns the
    total; raises :class:`LimitExceeded` over ``pdf_stream_bytes`` or ``pdf_inflated_bytes``. Streams of an
    encrypted PDF are not deflate data until decrypted, so they are not counted (see docs/limits.md).
    """
    limits = limits or current()
    total = 0
    for match in _PDF_STREAM.finditer(data):
        size = _inflated_size(data, match.end(), limits.pdf_stream_bytes)
        if size > limits.pdf_stream_bytes:
            raise LimitExceeded(
                f"PDF refused: a stream at byte {match.end()} inflates to more than {limits.pdf_stream_bytes} "
                "bytes — a flate bomb?",
                limit="pdf_stream_bytes",
                value=limits.pdf_stream_bytes,
            )
        total += size
        if total > limits.pdf_inflated_bytes:
            raise LimitExceeded(
                "PDF refused: its streams inflate to more bytes than allowed — a flate bomb?",
                limit="pdf_inflated_bytes",
                value=limits.pdf_inflated_bytes,
            )
    return total


def _inflated_size(data: bytes, start: int, cap: int) -> int:
    """Bytes the deflate data at ``start`` inflates to, stopping once past ``cap``; 0 when it is not deflate."""
    inflater = zlib.decompressobj()
    size = 0
    position = start
    try:
        while not inflater.eof and size <= cap:
            if inflater.unconsumed_tail:
                chunk = inflater.unconsumed_tail
            elif position < len(data):
                chunk = data[position : position + _INFLATE_STEP]
                position += len(chunk)
            else:
                break
            size += len(inflater.decompress(chunk, _INFLATE_STEP))
    except zlib.error:
        return size
    return size
