"""Helpers every format reader shares, so a cell reads the same whichever format it came in."""

from __future__ import annotations

import re

_LINE_BREAKS = re.compile(r"\r\n|\r|\v|\u2028|\u2029")


def clean_cell(text: str) -> str:
    """A cell's text as the text reader leaves it: line breaks kept, each line stripped, no blank edges.

    Spaces inside a line stay (``其中：财政    资金``); the layouts normalise them where they mean nothing.
    """
    lines = _LINE_BREAKS.sub("\n", text).split("\n")
    return "\n".join(line.strip() for line in lines).strip()


def join_warnings(warnings: list[str]) -> dict[str, str]:
    """Reader warnings as document metadata (``meta["warnings"]``, one per line); nothing when there are none."""
    return {"warnings": "\n".join(warnings)} if warnings else {}
