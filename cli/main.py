"""The ``ledger`` command: a thin layer that parses arguments, calls the library and formats what it returns."""

from __future__ import annotations

from typing import Annotated

import typer

from . import commands

app = typer.Typer(
    name="ledger",
    help="Change-tracking ledger for Chinese public budgets and performance targets (部门预算, 预算绩效目标).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", envvar="LEDGER_DB", help="Ledger database: a file path or URL (default ./ledger.db)."
        ),
    ] = None,
) -> None:
    ctx.obj = {"db": db}


commands.register(app)


def run() -> None:
    """Console-script entry point."""
    app()
