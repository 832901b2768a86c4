"""The ``ledger`` command: a thin layer that parses arguments, calls the library and formats what it returns."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from . import commands
from .output import SETTINGS, Color

#: Options of the whole program that may also be given after the subcommand (``ledger snapshots --db x.db``).
GLOBAL_OPTIONS = {"--db": True, "--color": True, "--no-pager": False}


def hoist_global_options(args: list[str]) -> list[str]:
    """Move the global options found after the subcommand to the front, where click parses them.

    ``ledger snapshots --db x.db`` becomes ``ledger --db x.db snapshots``. Arguments after ``--`` are left alone.
    """
    front: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            rest += args[index:]
            break
        name = arg.split("=", 1)[0]
        if name in GLOBAL_OPTIONS:
            takes_value = GLOBAL_OPTIONS[name] and "=" not in arg
            front += args[index : index + (2 if takes_value else 1)]
            index += 2 if takes_value else 1
            continue
        rest.append(arg)
        index += 1
    return front + rest


class LedgerGroup(TyperGroup):
    """The root command: global options may follow the subcommand (they are moved to the front), and it keeps the
    arguments it was given (``ctx.meta["ledger.argv"]``), so an error that names what would work can print the
    user's own command with only the ambiguous reference replaced (:mod:`cli.context`)."""

    # ``Any``: the context class is typer's vendored click's, which typer does not export under a public name.
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(args))

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        given = list(args)
        ctx = super().make_context(info_name, args, parent=parent, **extra)
        ctx.meta["ledger.argv"] = given
        return ctx


app = typer.Typer(
    cls=LedgerGroup,
    name="ledger",
    help="Change-tracking ledger for Chinese public budgets and performance targets (部门预算, 预算绩效目标).\n\n"
    "--db, --color and --no-pager may also follow the command (ledger snapshots --db other.db).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"ledger (budget-ledger) {version('budget-ledger')}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", envvar="LEDGER_DB", help="Ledger database: a file path or URL (default ./ledger.db)."
        ),
    ] = None,
    color: Annotated[
        Color,
        typer.Option("--color", help="Colour the output: auto (on a terminal, unless NO_COLOR is set)."),
    ] = Color.auto,
    no_pager: Annotated[
        bool,
        typer.Option("--no-pager", help="Never page long output (default: LEDGER_PAGER, PAGER or less)."),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Print the version and exit.",
            show_default=False,
        ),
    ] = False,
) -> None:
    ctx.obj = {"db": db}
    SETTINGS.color = color
    SETTINGS.pager = not no_pager


commands.register(app)


def run(*args: Any) -> None:
    """Console-script entry point."""
    app()
