"""Output helpers of the CLI: JSON, rich tables with correct CJK widths, one-line errors."""

from __future__ import annotations

import json
import re
import shlex
import sys
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text


class Format(StrEnum):
    table = "table"
    json = "json"


def console() -> Console:
    # soft_wrap=False and an explicit width keep output stable when stdout is not a terminal (pipes, CliRunner).
    return Console(highlight=False, width=None if sys.stdout.isatty() else 160)


def print_json(value: Any) -> None:
    # Imported here: ledger.canonical pulls in the model, pydantic and rfc8785 (~85 ms), which --help never needs.
    from ledger.model.canonical import to_jsonable

    sys.stdout.write(json.dumps(to_jsonable(value), ensure_ascii=False, indent=2) + "\n")


def print_table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    table = Table(title=title, show_lines=False, header_style="bold")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        # Text, not markup: source text such as "[bookmark: _Toc…]" must print as it stands.
        table.add_row(*(Text("" if cell is None else str(cell)) for cell in row))
    console().print(table)


def note(message: str) -> None:
    """One line on stderr that is not an error (what a listing left out): ``ledger: …``."""
    sys.stderr.write(f"ledger: {' '.join(message.split())}\n")


def error(message: str) -> None:
    """One line on stderr: ``ledger: error: …``."""
    sys.stderr.write(f"ledger: error: {' '.join(message.split())}\n")


_SHELL_SPECIAL = re.compile(r"""[\s'"\\$`!*?&|;<>(){}\[\]#~]""")


def command_line(words: list[str]) -> str:
    """A command as a user types it: words quoted only where the shell needs it (Chinese names stay readable)."""
    return " ".join(shlex.quote(word) if not word or _SHELL_SPECIAL.search(word) else word for word in words)
