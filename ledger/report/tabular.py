"""Listings as Markdown tables (``-f md``), for pasting into a report or an issue."""

from __future__ import annotations

from collections.abc import Sequence


def markdown_cell(text: str) -> str:
    """One cell: one line, pipes escaped (a label may contain ``|``)."""
    return " ".join(text.split()).replace("|", "\\|")


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured Markdown table of ``rows`` under ``header``."""
    lines = [
        "| " + " | ".join(markdown_cell(h) for h in header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
    ]
    lines += ["| " + " | ".join(markdown_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
