"""What a layout parser is: detection on the intermediate form, then a parse into the canonical snapshot."""

from __future__ import annotations

from typing import Protocol

from ledger.model import Snapshot
from ledger.readers.document import Document


class Layout(Protocol):
    """One family of publication layouts (docs/architecture.md §3).

    ``detect`` looks at the document's content only (never the file name) and returns a score: 0 means "not mine",
    higher means more certain. ``parse`` returns the snapshot with its warnings; it raises
    :class:`ledger.errors.ParseError` when the document is recognised but cannot be read.
    """

    name: str
    version: str
    #: What detection looks for, in words, for the "unknown layout" error.
    looks_for: str

    def detect(self, document: Document) -> int: ...

    def parse(self, document: Document) -> Snapshot: ...
