"""Options several commands share, and checks of option values that typer's types do not make."""

from __future__ import annotations

import math
from typing import Annotated

import typer

from .output import Format

FormatOption = Annotated[
    Format,
    typer.Option("--format", "-f", help="Output format: table, json, jsonl, csv (Chinese headers) or md."),
]
NoHeadersOption = Annotated[bool, typer.Option("--no-headers", help="With -f csv: leave out the header row.")]
#: Ids and counts are at most this (SQLite's integers are 64-bit; a 20-digit number is a typo, not an id).
MAX_INT = 2**63 - 1


def finite(value: float | None) -> float | None:
    """Typer callback: refuse nan and infinity (click's ranges let nan through)."""
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a finite number")
    return value


def bounded(value: int | None) -> int | None:
    """Typer callback: refuse integers beyond 64 bits before they reach the database."""
    if value is not None and abs(value) > MAX_INT:
        raise typer.BadParameter(f"{value} is too large")
    return value
