"""From bytes to a canonical snapshot: pick a reader by content, pick a layout by detection, parse."""

from __future__ import annotations

from dataclasses import dataclass

from ledger.errors import LedgerError, ParseError
from ledger.layouts import parse_by_evidence
from ledger.model import ParseWarning, Snapshot
from ledger.readers import read_document
from ledger.readers.document import Document


@dataclass(frozen=True)
class ParseResult:
    document: Document
    snapshot: Snapshot
    parser_name: str
    parser_version: str


def parse_publication(data: bytes, filename: str = "") -> ParseResult:
    """Read ``data`` (any supported format) and parse it with the layout that recognises it.

    What the reader could not read as it stands (a formula without a cached value, a PDF page without text, hidden
    sheets) becomes a warning of the snapshot, so it is never silently lost. Raises
    :class:`ledger.errors.ReadError`, :class:`ledger.errors.UnknownLayoutError` or :class:`ledger.errors.ParseError`.
    """
    document = read_document(data, filename)
    chosen = parse_by_evidence(document)
    layout, snapshot = chosen.layout, chosen.snapshot
    reader_warnings = _reader_warnings(document)
    if "truncated" in document.meta and not any(w.code == "truncated" for w in snapshot.warnings):
        # The layout saw whole tables; the reader saw the file stop inside a cell (a DOCX extraction cut off).
        reader_warnings.append(
            ParseWarning(code="truncated", message=document.meta["truncated"], where=document.form)
        )
    if reader_warnings:
        snapshot = snapshot.model_copy(update={"warnings": [*snapshot.warnings, *reader_warnings]})
    return ParseResult(
        document=document, snapshot=snapshot, parser_name=layout.name, parser_version=layout.version
    )


def _reader_warnings(document: Document) -> list[ParseWarning]:
    meta = document.meta
    found = [
        ParseWarning(code="reader-warning", message=line, where=document.form)
        for line in meta.get("warnings", "").splitlines()
        if line.strip()
    ]
    if meta.get("pages_without_text"):
        found.append(
            ParseWarning(
                code="pages-without-text",
                message=f"pages {meta['pages_without_text']} have no text layer (no OCR): their content is missing",
                where=document.form,
            )
        )
    if meta.get("hidden_sheets"):
        hidden = ", ".join(meta["hidden_sheets"].splitlines())
        found.append(
            ParseWarning(
                code="hidden-sheets", message=f"hidden sheets not read: {hidden}", where=document.form
            )
        )
    return found


def parse_or_failure(data: bytes, filename: str = "") -> ParseResult | LedgerError:
    """:func:`parse_publication`, with every failure returned as a typed error instead of raised.

    A bug in a reader or a layout (an IndexError, a validation error) is a parse failure of that publication too:
    it must neither lose the publication nor stop a batch.
    """
    try:
        return parse_publication(data, filename)
    except LedgerError as exc:
        return exc
    except Exception as exc:
        return ParseError(f"internal parser error ({type(exc).__name__}: {exc}); please report it")
