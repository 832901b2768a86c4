"""The intermediate form every reader produces and every layout parser consumes.

A publication, whatever its format (text extraction, DOCX, XLSX, PDF, HTML), becomes a flat sequence of blocks in
reading order: paragraphs and tables. A table is a list of rows; a row is a list of cell texts (``""`` for an empty
cell). Readers keep cell text as it stands (newlines inside a cell included); layout parsers do the interpretation.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    text: str
    #: The page the paragraph starts on (1-based), where the format has pages (PDF); not part of its identity.
    page: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)

    def text(self) -> str:
        """All cell texts, row by row, tab-separated: for detection and searching, not for parsing."""
        return "\n".join("\t".join(row) for row in self.rows)


Block = Paragraph | Table


@dataclass(frozen=True)
class Document:
    blocks: tuple[Block, ...]
    #: The textual form or format the reader recognised (``cells-per-line``, ``tab-rows``, ``outline``, ``xlsx`` …).
    form: str
    meta: dict[str, str] = field(default_factory=dict)

    def tables(self) -> Iterator[Table]:
        return (b for b in self.blocks if isinstance(b, Table))

    def paragraphs(self) -> Iterator[Paragraph]:
        return (b for b in self.blocks if isinstance(b, Paragraph))

    def text(self) -> str:
        """The whole document as plain text (paragraphs and table cells), for layout detection."""
        return "\n".join(b.text if isinstance(b, Paragraph) else b.text() for b in self.blocks)
