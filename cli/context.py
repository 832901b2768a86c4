"""What every command shares: opening the ledger named by ``--db`` and turning library errors into one line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

from .output import error

if TYPE_CHECKING:
    from ledger.store import Ledger


@contextmanager
def open_ledger(ctx: typer.Context) -> Iterator[Ledger]:
    """The ledger for this command (one per command), closed afterwards; errors become one line and exit 1."""
    with user_errors():
        from ledger.store import Ledger

        ledger = Ledger((ctx.obj or {}).get("db"))
        try:
            yield ledger
        finally:
            ledger.close()


@contextmanager
def user_errors() -> Iterator[None]:
    from sqlalchemy.exc import DBAPIError

    from ledger.errors import LedgerError

    try:
        yield
    except LedgerError as exc:
        error(str(exc))
        raise typer.Exit(1) from None
    except DBAPIError as exc:  # the driver's own errors: unreachable server, locked or non-database file …
        error(f"database error: {exc.orig}")
        raise typer.Exit(1) from None
