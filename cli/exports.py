"""``--to FILE``, shared by the commands that export: the file name says the format (.xlsx, .csv, .json)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .output import error

if TYPE_CHECKING:
    from ledger.report.writers import Record

#: The ``--to`` option of diff, history and findings.
ToOption = Annotated[
    Path | None,
    typer.Option(
        "--to",
        help="Write a file instead of printing: .xlsx (a sheet per kind, Chinese headers), .csv (a file per kind) "
        "or .json.",
    ),
]


def check_target(to: Path | None, output: object | None = None) -> None:
    """Refuse, before any work, a file name of no known format and ``--format`` together with ``--to`` (exit 2)."""
    from ledger.report.writers import check_target as supported

    if to is None:
        return
    if output is not None:
        error("--format prints to standard output and --to writes a file: give one of them")
        raise typer.Exit(2)
    try:
        supported(to)
    except ValueError as exc:
        error(str(exc))
        raise typer.Exit(2) from None


def write_sheets(sheets: Mapping[str, Sequence[Record | Mapping[str, Any]]], to: Path) -> None:
    """Write the sheets and say which files were written (``wrote PATH``, one line each)."""
    from ledger.report.writers import write

    try:
        written = write(sheets, to)
    except OSError as exc:
        error(f"cannot write {exc.filename or to}: {exc.strerror or exc}")
        raise typer.Exit(1) from None
    for path in written:
        typer.echo(f"wrote {path}")
