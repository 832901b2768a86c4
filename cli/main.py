"""The ``ledger`` command: a thin layer that parses arguments, calls the library and formats what it returns."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from . import commands


class LedgerGroup(TyperGroup):
    """The root command keeps the arguments it was given (``ctx.meta["ledger.argv"]``), so an error that names what
    would work can print the user's own command with only the ambiguous reference replaced (:mod:`cli.context`)."""

    # ``Any``: the context class is typer's vendored click's, which typer does not export under a public name.
    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        given = list(args)
        ctx = super().make_context(info_name, args, parent=parent, **extra)
        ctx.meta["ledger.argv"] = given
        return ctx


app = typer.Typer(
    cls=LedgerGroup,
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
