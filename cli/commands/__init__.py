"""Each module here adds its commands to the app; this is the one place that lists them."""

from __future__ import annotations

import typer

from . import across, claims, core, departments, diff, findings, history, outcomes, serve, watch


def register(app: typer.Typer) -> None:
    core.register(app)
    departments.register(app)
    diff.register(app)
    history.register(app)
    across.register(app)
    outcomes.register(app)
    watch.register(app)
    findings.register(app)
    serve.register(app)
    claims.register(app)
