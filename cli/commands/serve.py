"""``ledger serve``: the read-only web view (``ledger.web``) on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import ipaddress
from typing import Annotated

import typer

from ..context import user_errors
from ..output import note


def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (the view has no login: keep it local).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on.")] = 8000,
    db: Annotated[
        str | None,
        typer.Option("--db", help="Ledger database to serve (as `ledger --db`, which it overrides)."),
    ] = None,
) -> None:
    """Serve a read-only web view of the ledger: departments, timelines, comparisons, histories, findings."""
    import uvicorn

    from ledger.store import Ledger
    from ledger.web import create_app

    if not _is_loopback(host):
        note(
            f"warning: serving on {host}: the web view has no login; anyone who can reach it can read the ledger"
        )
    with user_errors():
        ledger = Ledger(db or (ctx.obj or {}).get("db"), derive=False)
    try:
        typer.echo(f"serving {ledger.url} at http://{host}:{port}/ (read-only; Ctrl-C stops)")
        uvicorn.run(create_app(ledger), host=host, port=port, log_level="warning")
    finally:
        ledger.close()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def register(app: typer.Typer) -> None:
    app.command()(serve)
