"""Departments and aliases: ``ledger departments``, ``ledger alias add``."""

from __future__ import annotations

from typing import Annotated

import typer

from ..context import open_ledger
from ..output import Format, print_json, print_table

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
            [i.id, i.name, i.code, ", ".join(i.aliases), i.snapshots, ", ".join(map(str, i.years))]
            for i in infos
        ],
    )


@alias_app.command("add")
def alias_add(
    ctx: typer.Context,
    alias: Annotated[str, typer.Argument(help="The other name, e.g. 高新区人社局.")],
    canonical: Annotated[str, typer.Argument(help="The department's canonical full name.")],
) -> None:
    """Declare ALIAS another name of CANONICAL (recorded as an event)."""
    from ledger.store.departments import add_alias

    with open_ledger(ctx) as ledger, ledger.write() as session:
        department = add_alias(session, alias, canonical)
        name = department.name
    typer.echo(f"{alias} -> {name}")


def register(app: typer.Typer) -> None:
    app.command()(departments)
    app.add_typer(alias_app, name="alias")
