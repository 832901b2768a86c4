"""Readers turn a file's bytes into the intermediate form (:mod:`ledger.document`), whatever its format."""

from __future__ import annotations

from ledger.document import Document
from ledger.readers.text import read_text


def read_document(data: bytes, filename: str = "") -> Document:
    """Read ``data`` by its content (the file name is only a hint for error messages)."""
    return read_text(data)
