"""What every command shares: opening the ledger named by ``--db`` and turning library errors into one line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

from .output import command_line, error

if TYPE_CHECKING:
    from ledger.errors import AmbiguousRefError
    from ledger.store import Ledger


@contextmanager
def open_ledger(ctx: typer.Context) -> Iterator[Ledger]:
    """The ledger for this command (one per command), closed afterwards; errors become one line and exit 1."""
    with user_errors(ctx):
        from ledger.store import Ledger

        ledger = Ledger((ctx.obj or {}).get("db"))
        try:
            yield ledger
        finally:
            ledger.close()


@contextmanager
def user_errors(ctx: typer.Context | None = None) -> Iterator[None]:
    """Library errors as one line and exit 1; with the command's context, an ambiguity names commands that run."""
    from sqlalchemy.exc import DBAPIError

    from ledger.errors import AmbiguousRefError, LedgerError

    try:
        yield
    except AmbiguousRefError as exc:
        error(_say_which(exc, ctx))
        raise typer.Exit(1) from None
    except LedgerError as exc:
        error(str(exc))
        raise typer.Exit(1) from None
    except DBAPIError as exc:  # the driver's own errors: unreachable server, locked or non-database file …
        error(f"database error: {exc.orig}")
        raise typer.Exit(1) from None


def _say_which(exc: AmbiguousRefError, ctx: typer.Context | None) -> str:
    """The error, then the user's own command once per choice, the ambiguous reference replaced: each runs as
    printed. Without the command line (the library called otherwise) the choices are listed as they are."""
    argv = _argv(ctx)
    if not exc.choices or exc.ref is None or argv is None or exc.ref not in [a.strip() for a in argv]:
        return str(exc)
    commands = [
        command_line(["ledger", *(choice if a.strip() == exc.ref else a for a in argv)])
        for choice in exc.choices
    ]
    return f"{exc.message}; say which: {', '.join(f'`{command}`' for command in commands)}"


def _argv(ctx: typer.Context | None) -> list[str] | None:
    found = ctx.meta.get("ledger.argv") if ctx is not None else None
    return list(found) if isinstance(found, list) else None
