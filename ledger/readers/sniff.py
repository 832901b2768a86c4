"""Which format a file is in, told by its content (magic bytes, ZIP part names), never by its name.

Departments publish PDF, DOCX, XLSX, HTML and text, and file names lie: a ``.xls`` that is really an HTML table, a
scan saved as ``.pdf`` that is a PNG, an XLSX renamed ``.docx``. :func:`sniff` looks at the bytes and answers with
a :class:`Sniffed` naming the format and, for a format that cannot be read, why and what to do about it.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

#: Formats a reader exists for.
READABLE = frozenset({"pdf", "docx", "xlsx", "html", "text"})

_PDF_MAGIC = b"%PDF-"
#: The PDF header may follow some leading junk; readers accept it within the first kilobyte.
_PDF_HEADER_WINDOW = 1024
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Magic bytes of formats that are certainly not a publication's text: (prefix, name, description).
_BINARY_MAGICS: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png", "a PNG image"),
    (b"\xff\xd8\xff", "jpeg", "a JPEG image"),
    (b"GIF87a", "gif", "a GIF image"),
    (b"GIF89a", "gif", "a GIF image"),
    (b"II*\x00", "tiff", "a TIFF image"),
    (b"MM\x00*", "tiff", "a TIFF image"),
    (b"\x1f\x8b", "gzip", "a gzip archive"),
    (b"Rar!\x1a\x07", "rar", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z", "a 7-Zip archive"),
    (b"{\\rtf", "rtf", "an RTF document"),
)
_TEXT_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
#: How much of the start is looked at to tell HTML and binary data from text.
_HEAD = 8192
#: HTML announces itself early: a doctype or one of the structural tags, after at most some whitespace/comments.
_HTML_TAG = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|title|table)\b", re.IGNORECASE)
_SPREADSHEET_ML = re.compile(rb"urn:schemas-microsoft-com:office:spreadsheet")
_WORD_ML = re.compile(rb"schemas\.microsoft\.com/office/word/2003/wordml")


@dataclass(frozen=True)
class Sniffed:
    """The format found; ``problem`` says why it cannot be read (and what to do) when it is not readable."""

    format: str
    problem: str | None = None

    @property
    def readable(self) -> bool:
        return self.problem is None


def sniff(data: bytes) -> Sniffed:
    """The format of ``data`` by its content: ``pdf``, ``docx``, ``xlsx``, ``html``, ``text`` or an unreadable one."""
    if not data.strip():
        return Sniffed("empty", "empty file")
    if _PDF_MAGIC in data[:_PDF_HEADER_WINDOW]:
        return Sniffed("pdf")
    if data.startswith(_ZIP_MAGICS):
        return _sniff_zip(data)
    if data.startswith(_OLE2_MAGIC):
        return _sniff_ole2(data)
    for magic, name, description in _BINARY_MAGICS:
        if data.startswith(magic):
            return Sniffed(name, f"{description}, not a document with text: no reader for it (no OCR)")
    if data[8:12] == b"WEBP" and data.startswith(b"RIFF"):
        return Sniffed("webp", "a WebP image, not a document with text: no reader for it (no OCR)")
    return _sniff_markup_or_text(data)


def _sniff_zip(data: bytes) -> Sniffed:
    """Office Open XML is a ZIP whose parts say what it is: ``word/document.xml`` or ``xl/workbook.xml``."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        return Sniffed("zip", "a damaged or truncated ZIP file (an office document cut off in transfer?)")
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return Sniffed("docx")
        if "xl/workbook.xml" in names:
            return Sniffed("xlsx")
        if any(name.startswith("ppt/") for name in names):
            return Sniffed("pptx", "a PowerPoint presentation: not supported; export it to PDF")
        return Sniffed("ooxml", "an Office Open XML package that is neither a Word document nor a workbook")
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        kind = mimetype.decode("ascii", "replace").rsplit(".", 1)[-1]
        return Sniffed(
            "odf",
            f"an OpenDocument file ({kind}): not supported; save it as .docx or .xlsx (or export to PDF)",
        )
    return Sniffed("zip", "a ZIP archive, not a document: unpack it and ingest the files inside")


def _sniff_ole2(data: bytes) -> Sniffed:
    """Legacy Office files (OLE2 compound documents): tell Excel from Word by their stream names."""
    # Word first: Word documents often embed Excel tables (a ``Workbook`` stream inside), the reverse is rare.
    if "WordDocument".encode("utf-16-le") in data:
        return Sniffed(
            "doc",
            "a legacy Word 97-2003 document (.doc): not supported; save it as .docx "
            "(Word: Save As; LibreOffice: soffice --headless --convert-to docx FILE)",
        )
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") + b"\x00\x00" in data:
        return Sniffed(
            "xls",
            "a legacy Excel 97-2003 workbook (.xls): not supported; save it as .xlsx "
            "(Excel: Save As; LibreOffice: soffice --headless --convert-to xlsx FILE)",
        )
    return Sniffed("ole2", "a legacy Office (OLE2) file that is neither a Word document nor a workbook")


def _sniff_markup_or_text(data: bytes) -> Sniffed:
    head = _ascii_view(data[:_HEAD])
    stripped = head.lstrip()
    if stripped.startswith(b"<"):
        if _SPREADSHEET_ML.search(head):
            return Sniffed("spreadsheetml", "an Excel 2003 XML spreadsheet: not supported; save it as .xlsx")
        if _WORD_ML.search(head):
            return Sniffed("wordml", "a Word 2003 XML document: not supported; save it as .docx")
        if _HTML_TAG.search(head):
            return Sniffed("html")
    if not data.startswith(_TEXT_BOMS) and b"\x00" in data[:_HEAD]:
        return Sniffed("binary", "binary data, not a document this tool can read")
    return Sniffed("text")


def _ascii_view(head: bytes) -> bytes:
    """The start of the file with a byte-order mark removed and UTF-16 folded to one byte per character.

    Enough to recognise markup (all ASCII) in UTF-8, GB18030 and UTF-16 files alike.
    """
    if head.startswith(b"\xef\xbb\xbf"):
        return head[3:]
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            text = head[2:].decode(codec, "ignore")
            return text.encode("ascii", "replace")
    return head
