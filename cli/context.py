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
def open_ledger(ctx: typer.Context, *, create: bool = False) -> Iterator[Ledger]:
    """The ledger for this command (one per command), closed afterwards; errors become one line and exit 1.

    Only commands that record something pass ``create=True`` (ingest, watch add, notify add, alias add, demo): a command that
    reads never creates a ledger, so a mistyped ``--db`` is an error naming the path, not an empty ledger.
    """
    with user_errors():
        from ledger.store import Ledger

        ledger = Ledger((ctx.obj or {}).get("db"), create=create)
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
    except OverflowError as exc:  # a number too large for the database (an id of 20 digits)
        error(f"a number is out of range: {exc}")
        raise typer.Exit(2) from None
