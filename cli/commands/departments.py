"""Departments and aliases: ``ledger departments``, ``ledger alias add``, ``ledger alias remove``."""

from __future__ import annotations

from typing import Annotated

import typer

from ..context import open_ledger
from ..output import Format, command_line, print_json, print_table

alias_app = typer.Typer(
    help="Other names of departments (e.g. 高新区人社局 for the full name).", no_args_is_help=True
)


def departments(
    ctx: typer.Context,
    output: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
) -> None:
    """List departments with their aliases, snapshot counts and years."""
    from ledger.store.departments import list_departments

    with open_ledger(ctx) as ledger, ledger.read() as session:
        infos = list_departments(session)
    if output is Format.json:
        print_json([info.__dict__ for info in infos])
        return
    print_table(
        None,
        ["id", "department", "code", "aliases", "snapshots", "years"],
        [
            [i.id, i.name, i.code, _aliases(i.aliases, i.merged), i.snapshots, ", ".join(map(str, i.years))]
            for i in infos
        ],
    )


def _aliases(aliases: list[str], merged: list[str]) -> str:
    """Aliases, a merged department's own name marked (merged): ``ledger alias remove NAME`` splits it off."""
    return ", ".join(f"{a} (merged)" if a in merged else a for a in aliases)


@alias_app.command("add")
def alias_add(
    ctx: typer.Context,
    alias: Annotated[str, typer.Argument(help="The other name, e.g. 高新区人社局.")],
    canonical: Annotated[str, typer.Argument(help="The department's canonical full name.")],
) -> None:
    """Declare ALIAS another name of CANONICAL, whenever it is said (recorded as an event).

    When both are departments with snapshots, ALIAS's department is merged into CANONICAL's: every query sees one
    department from then on; its snapshots stay as recorded; `ledger alias remove ALIAS` splits it off again.
    """
    from ledger.pipeline.regroup import add_alias

    with open_ledger(ctx) as ledger, ledger.write() as session:
        outcome = add_alias(session, alias, canonical)
    if outcome.effect == "merged":
        typer.echo(
            f"merged {outcome.alias} ({outcome.snapshots} snapshot{'' if outcome.snapshots == 1 else 's'})"
            f" into {outcome.department}; undo with: {command_line(['ledger', 'alias', 'remove', outcome.alias])}"
        )
    elif outcome.effect == "already":
        typer.echo(f"{alias} is already {outcome.department}")
    else:
        created = " (a new department, no snapshots yet)" if outcome.effect == "created" else ""
        typer.echo(f"{alias} -> {outcome.department}{created}")


@alias_app.command("remove")
def alias_remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A merged department's name, or an alias.")],
) -> None:
    """Undo an alias: split a merged department off again (recorded as an event), or drop a plain alias."""
    from ledger.pipeline.regroup import remove_alias

    with open_ledger(ctx) as ledger, ledger.write() as session:
        outcome = remove_alias(session, name)
    if outcome.effect == "split":
        typer.echo(
            f"split {outcome.name} ({outcome.snapshots} snapshot{'' if outcome.snapshots == 1 else 's'})"
            f" off {outcome.department}"
        )
    else:
        typer.echo(f"{outcome.name} is no longer an alias of {outcome.department}")


def register(app: typer.Typer) -> None:
    app.command()(departments)
    app.add_typer(alias_app, name="alias")
