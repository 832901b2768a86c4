"""Long work at a terminal: a progress bar on stderr (file n of N, the current file), each result as it happens, a
summary line at the end, and on Ctrl-C what was recorded before it."""

from __future__ import annotations

import sys
from collections import Counter
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from .output import command_line, echo, error, note

if TYPE_CHECKING:
    from ledger.pipeline.ingest import IngestOutcome
    from ledger.store import Ledger

#: The order of the summary line: "9 recorded, 1 unchanged, 2 failed".
_STATUSES = ("recorded", "duplicate-content", "unchanged", "failed")


def summary(counts: Counter[str]) -> str:
    parts = [f"{counts[status]} {status}" for status in _STATUSES if counts[status]]
    return ", ".join(parts) or "nothing ingested"


def outcome_line(outcome: IngestOutcome) -> str:
    detail = f" ({outcome.warnings} warning{'s' if outcome.warnings > 1 else ''})" if outcome.warnings else ""
    return f"{outcome.status:<17} {outcome.name} -> {outcome.ref}{detail}"


def _progress(total: int) -> tuple[AbstractContextManager[Any], Any]:
    """A rich progress bar on stderr when it is a terminal (and more than one file); otherwise nothing."""
    if total < 2 or not sys.stderr.isatty():
        return nullcontext(), None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("ingesting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[current]}", markup=False),
        console=Console(stderr=True, markup=False, highlight=False),
        transient=True,
    )
    return progress, progress


def run_ingest(ledger: Ledger, files: list[Path]) -> Counter[str]:
    """Ingest ``files`` one by one, reporting as it goes; returns the count of each status."""
    from ledger.pipeline.ingest import ingest_each

    counts: Counter[str] = Counter()
    context, progress = _progress(len(files))
    with context:
        task = progress.add_task("ingest", total=len(files), current="") if progress else None
        outcomes = ingest_each(ledger, files)
        try:
            for index, outcome in enumerate(_announced(outcomes, files, progress, task)):
                counts[outcome.status] += 1
                # While the bar is shown, rich moves what is written to stdout/stderr above it.
                if outcome.status == "failed":
                    error(f"{outcome.name}: {outcome.error}")
                else:
                    echo(outcome_line(outcome))
                    department_notes(outcome)
                if progress is not None:
                    progress.update(task, completed=index + 1)
        except KeyboardInterrupt:
            done = sum(counts.values())
            error(
                f"interrupted after {done} of {len(files)} files: {summary(counts)} "
                "(what was recorded stays in the ledger; the rest was not ingested)"
            )
            raise typer.Exit(130) from None
    if len(files) > 1:  # for one file its line is the summary
        note(summary(counts))
    return counts


def _announced(outcomes: Any, files: list[Path], progress: Any, task: Any) -> Any:
    """Name each file on the progress bar before its (slow) ingest starts."""
    for path in files:
        if progress is not None:
            progress.update(task, current=path.name)
        try:
            yield next(outcomes)
        except StopIteration:
            return


def department_notes(outcome: IngestOutcome) -> None:
    """Say how a department spelled another way was recognised, and what a probably-same name would need."""
    published, department = outcome.published_as, (outcome.ref or "").split("@")[0]
    if outcome.department_match in ("key", "region"):
        how = "the same official name" if outcome.department_match == "key" else "the same name, region added"
        note(f"{published!r} is {department} ({how}); recorded as an alias")
    for other in outcome.probably:
        note(
            f"{published!r} is a new department, probably the same as {other!r}; if so, say: "
            f"{command_line(['ledger', 'alias', 'add', str(published), other])}"
        )
