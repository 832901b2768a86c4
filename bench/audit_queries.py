"""The auditor's three questions on the sample ledger (issue 5): each answered from the CLI alone, in under a second?

1. How did indicator X of project Y change across all versions?
   ``ledger history 海港区 --project 秦财社[2022]794 --indicator 补贴发放及时率`` (≥90% → ≥85% → ≥90%)
2. Which findings appeared in the latest revision?
   ``ledger findings 海港区@2025 --since 海港区@2024`` (the latest version against the one before it)
3. Export it all to a workbook.
   ``ledger export 海港区 --all --to audit.xlsx``

The sample ledger is what ``ledger demo`` builds (the five seeds, a Haigang revision, Haigang 2025, Laoting 2023),
made afresh in a temporary folder. Each question is timed twice, medians reported: as a whole ``python -m cli``
process (what the auditor waits for, interpreter start and imports included; the first run is dropped) and as the
library calls the command makes, in-process (what the query itself costs). ``ledger --help`` and ``ledger snapshots``
are timed the same way: the floors every command pays (interpreter and CLI start-up; then opening the ledger, which
imports the store, SQLAlchemy and the migrations).

    python -m bench.audit_queries [--runs 10] [--quick] [--json FILE]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from bench.harness import ROOT, Report, Timing, arguments, finish, measure, timing_of
from ledger import store
from ledger.demo import run_demo
from ledger.findings import compare, find
from ledger.query.history import entity_timelines
from ledger.report import writers as export
from ledger.report.workbook import audit_sheets
from ledger.store import Ledger

TARGET_MS = 1000.0
DEPARTMENT = "海港区"
PROJECT = "秦财社[2022]794"
INDICATOR = "补贴发放及时率"
LATEST, BEFORE = f"{DEPARTMENT}@2025", f"{DEPARTMENT}@2024"


@dataclass(frozen=True)
class Question:
    text: str
    arguments: list[str]
    #: The library calls the command makes; returns a one-line answer for the report.
    library: Callable[[Ledger, Path], str]


def timeline(ledger: Ledger, _folder: Path) -> str:
    with ledger.read() as session:
        found = entity_timelines(session, DEPARTMENT, project=PROJECT, indicator=INDICATOR)
    values = [step.value or "(absent)" for t in found for step in t.steps]
    return f"{len(found)} timeline: " + " → ".join(values)


def new_findings(ledger: Ledger, _folder: Path) -> str:
    with ledger.read() as session:
        old, new = store.resolve_ref(session, BEFORE), store.resolve_ref(session, LATEST)
        result = compare(find(store.load_snapshot(old)), find(store.load_snapshot(new)))
    return f"{len(result.new)} new: " + ", ".join(f.rule for f in result.new)


def workbook(ledger: Ledger, folder: Path) -> str:
    with ledger.read() as session:
        sheets = audit_sheets(session, DEPARTMENT)
    export.write(sheets, folder / "audit-library.xlsx")
    return ", ".join(f"{kind} {len(records)}" for kind, records in sheets.items())


def questions(folder: Path) -> list[Question]:
    return [
        Question(
            "how did indicator X of project Y change across all versions",
            ["history", DEPARTMENT, "--project", PROJECT, "--indicator", INDICATOR],
            timeline,
        ),
        Question(
            "which findings appeared in the latest revision",
            ["findings", LATEST, "--since", BEFORE],
            new_findings,
        ),
        Question(
            "export it all to a workbook",
            ["export", DEPARTMENT, "--all", "--to", str(folder / "audit.xlsx")],
            workbook,
        ),
    ]


def process_times(command: list[str], runs: int) -> Timing:
    samples = []
    for _ in range(runs + 1):  # the first run warms the file cache and is dropped
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
        samples.append(time.perf_counter() - start)
    return timing_of(samples[1:])


def main(argv: list[str] | None = None) -> int:
    parser = arguments("The auditor's three questions on the sample ledger, from the CLI.")
    parser.add_argument("--runs", type=int, default=10, help="timed runs per question (median reported)")
    args = parser.parse_args(argv)
    runs = 2 if args.quick else args.runs
    report = Report("audit queries")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        db = folder / "ledger.db"
        ledger = Ledger(f"sqlite:///{db}")
        try:
            run_demo(ledger)
            cli = [sys.executable, "-m", "cli", "--db", str(db)]
            table = report.table(
                f"the sample ledger (ledger demo), ms, median of {runs}",
                ["question", "command", "process", "library", f"under {TARGET_MS:.0f} ms", "answer"],
            )
            for what, floor_command in (
                ("(floor: start-up)", ["--help"]),
                ("(floor: open the ledger)", ["snapshots"]),
            ):
                floor = process_times([*cli, *floor_command], runs)
                table.add(what, "ledger " + " ".join(floor_command), round(floor.median_ms, 1), "", "", "")
            for question in questions(folder):
                whole = process_times([*cli, *question.arguments], runs)
                library = measure(partial(question.library, ledger, folder), repeat=runs)
                table.add(
                    question.text,
                    "ledger " + " ".join(question.arguments).replace(str(folder) + "/", ""),
                    round(whole.median_ms, 1),
                    round(library.median_ms, 1),
                    "yes" if whole.median_ms < TARGET_MS else "NO",
                    question.library(ledger, folder),
                )
        finally:
            ledger.close()
    report.note("process: a fresh `python -m cli` per run (interpreter start and imports included)")
    report.note("library: the calls the command makes, in one process, one read transaction each")
    finish(report, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
