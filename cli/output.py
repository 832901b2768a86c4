"""Output helpers of the CLI: one place that decides how anything reaches the terminal or a pipe.

- Tables on a terminal are rich tables laid out to its width (CJK characters count two cells). When standard
  output is not a terminal, nothing is laid out for one: a row is one line, however long (``grep`` and ``cut`` see
  whole records).
- Every string from a document is printed as text, never as rich markup, with control characters removed
  (:func:`ledger.report.terminal.printable`).
- ``-f json|jsonl|csv|md`` are the same everywhere: JSON and JSON Lines carry English keys and ISO 8601 UTC times;
  CSV carries the Chinese headers of the XLSX sheets, codes translated, formula-like texts neutralised, no
  byte-order mark (files written with ``--to`` get one, for Excel); Markdown is for pasting into reports.
- Long output on a terminal goes through a pager (``LEDGER_PAGER``, else ``PAGER``, else ``less -FRX``), unless
  ``--no-pager``.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from ledger.report.terminal import printable

if TYPE_CHECKING:
    from ledger.report.writers import Record

#: Width given to rich when standard output is not a terminal: wide enough that no row is ever wrapped.
PIPE_WIDTH = 10_000


class Format(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    md = "md"


class Color(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


@dataclass
class Settings:
    """The global options of this run (``--color``, ``--no-pager``), set once by the main callback."""

    color: Color = Color.auto
    pager: bool = True


SETTINGS = Settings()


def is_terminal() -> bool:
    return sys.stdout.isatty()


def console(*, wide: bool = False) -> Console:
    """A console for standard output: the terminal's width (or unlimited with ``wide`` or in a pipe), no markup."""
    terminal = is_terminal()
    return Console(
        width=None if terminal and not wide else PIPE_WIDTH,
        highlight=False,
        markup=False,
        emoji=False,
        no_color=SETTINGS.color is Color.never or None,
        force_terminal=True if SETTINGS.color is Color.always else None,
    )


def show(*renderables: RenderableType, wide: bool = False) -> None:
    """Print renderables; on a terminal, through the pager when they are taller than the screen."""
    out = console(wide=wide)
    if not (is_terminal() and SETTINGS.pager):
        for renderable in renderables:
            out.print(renderable)
        return
    with out.capture() as captured:
        for renderable in renderables:
            out.print(renderable)
    page(captured.get())


def page(text: str) -> None:
    """Write ``text``; through the pager when it is longer than the terminal is high."""
    height = shutil.get_terminal_size().lines
    command = pager_command()
    if text.count("\n") < height or command is None:
        sys.stdout.write(text)
        return
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")  # quit if one screen, keep colours, do not clear the screen
    try:
        with subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env) as process:  # noqa: S602
            assert process.stdin is not None
            try:
                process.stdin.write(text.encode())
                process.stdin.close()
            except BrokenPipeError:  # the reader quit the pager early
                pass
            process.wait()
    except OSError:
        sys.stdout.write(text)


def pager_command() -> str | None:
    """``LEDGER_PAGER``, else ``PAGER``, else ``less`` when installed; an empty value or ``cat`` means none."""
    command = os.environ.get("LEDGER_PAGER", os.environ.get("PAGER"))
    if command is None:
        command = "less" if shutil.which("less") else ""
    return None if command.strip() in ("", "cat") else command


def print_json(value: Any) -> None:
    # Imported here: ledger.canonical pulls in the model, pydantic and rfc8785 (~85 ms), which --help never needs.
    from ledger.model.canonical import to_jsonable

    sys.stdout.write(json.dumps(to_jsonable(value), ensure_ascii=False, indent=2) + "\n")


def print_jsonl(values: Sequence[Any]) -> None:
    from ledger.model.canonical import to_jsonable

    for value in values:
        sys.stdout.write(json.dumps(to_jsonable(value), ensure_ascii=False) + "\n")


def cell(value: Any) -> Text:
    """One table cell: a document string as plain text (no markup, no control characters)."""
    return Text(printable("" if value is None else str(value)))


def table(
    title: str | None,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    numeric: Sequence[str] = (),
) -> Table:
    """A rich table: text columns fold, ``numeric`` columns are right-aligned and never wrapped or cut."""
    result = Table(
        title=None if title is None else printable(title), header_style="bold", title_justify="left"
    )
    for column in columns:
        if column in numeric:
            result.add_column(column, justify="right", no_wrap=True, overflow="ignore")
        else:
            result.add_column(column, overflow="fold")
    for row in rows:
        result.add_row(*(value if isinstance(value, Text) else cell(value) for value in row))
    return result


def print_table(
    title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, numeric: Sequence[str] = ()
) -> None:
    show(table(title, columns, rows, numeric=numeric))


def emit(
    kind: str,
    records: Sequence[Record | Mapping[str, Any]],
    output: Format,
    *,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    title: str | None = None,
    numeric: Sequence[str] = (),
    headers: bool = True,
) -> None:
    """Print a listing in the chosen format: the ``records`` (English keys) for json/jsonl/csv, the human
    ``columns``/``rows`` for table/md (a table without rows prints nothing)."""
    if output is Format.json:
        print_json(list(records))
    elif output is Format.jsonl:
        print_jsonl(list(records))
    elif output is Format.csv:
        from ledger.report.writers import csv_text

        sys.stdout.write(csv_text(records, kind, headers=headers))
    elif output is Format.md:
        from ledger.report.tabular import markdown_table

        sys.stdout.write(markdown_table(columns, [[printable(_text(v)) for v in row] for row in rows]))
    elif rows:  # an empty table is only a frame: the command says in words that nothing matched
        print_table(title, columns, rows, numeric=numeric)


def _text(value: Any) -> str:
    return value.plain if isinstance(value, Text) else "" if value is None else str(value)


def echo(line: str, *, err: bool = False) -> None:
    """One line of plain text (document strings in it lose their control characters), flushed at once."""
    stream = sys.stderr if err else sys.stdout
    stream.write(printable(line) + "\n")
    stream.flush()


def note(message: str) -> None:
    """One line on stderr that is not an error (what a listing left out): ``ledger: …``."""
    echo(f"ledger: {' '.join(message.split())}", err=True)


def error(message: str) -> None:
    """One line on stderr: ``ledger: error: …``."""
    echo(f"ledger: error: {' '.join(message.split())}", err=True)


_SHELL_SPECIAL = re.compile(r"""[\s'"\\$`!*?&|;<>(){}\[\]#~]""")


def command_line(words: list[str]) -> str:
    """A command as a user types it: words quoted only where the shell needs it (Chinese names stay readable)."""
    return " ".join(shlex.quote(word) if not word or _SHELL_SPECIAL.search(word) else word for word in words)
