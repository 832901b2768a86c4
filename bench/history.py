"""History-query latency on a large ledger (SPEC §7, §9): what an auditor asks of 10k–50k snapshots.

Measured through the library, one read transaction per query as the CLI does (the process start is measured by
``bench.cli``):

- ``ledger snapshots --department X``: ``store.list_snapshots(department=X)``, one department's history;
- ``ledger show X@YEAR`` / ``X@YEARrN`` / a hash prefix: ``store.resolve_ref``;
- ``ledger snapshots`` (every snapshot) and ``ledger log --limit 50``;
- ``ledger findings X@YEAR``: resolve, load the snapshot, run the findings;
- ``ledger history`` (indicator timeline, department history) when ``ledger.history`` exists.

Each query is timed as shipped, then again with :mod:`bench.proposals` installed: the store's snapshot look-ups
done in SQL instead of loading every snapshot row *with its canonical JSON* and filtering in Python — a proposal
for the store's owner, measured here, not used by the library.

    python -m bench.history --db bench/out/ledger-10k.db      # a ledger built by bench.ingest --keep
    python -m bench.history --quick                            # builds a tiny ledger itself
"""

from __future__ import annotations

import importlib
import inspect
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from bench import generate as gen
from bench import proposals
from bench.harness import Report, Timing, arguments, finish, measure
from ledger import events, store
from ledger.ingest import ingest_bytes
from ledger.store import Ledger
from ledger.tables import DepartmentRow, SnapshotRow

TARGET_MS = 50.0


def pick_department(ledger: Ledger) -> tuple[str, int, int]:
    """A department to ask about (name, fiscal year of its latest snapshot, its snapshot count): one made from the
    largest seed (a full budget disclosure, the most entities) when there is one, with the most snapshots."""
    with ledger.read() as session:
        query = (
            select(SnapshotRow.department_id, func.count(), func.max(SnapshotRow.fiscal_year))
            .group_by(col(SnapshotRow.department_id))
            .order_by(func.count().desc(), col(SnapshotRow.department_id))
            .limit(1)
        )
        row = session.exec(query.where(SnapshotRow.document_kind == "budget-disclosure")).first()
        row = row or session.exec(query).one()
        department = session.get(DepartmentRow, row[0])
        assert department is not None
        return department.name, int(row[2]), int(row[1])


def followed_entities(ledger: Ledger, department: str) -> dict[str, str]:
    """Something of ``department`` to follow through time: an indicator name, a project code, a subject code."""
    with ledger.read() as session:
        found = store.departments_matching(session, department)
        if not found or "entity_values" not in SnapshotRow.metadata.tables:
            return {}
        table = SnapshotRow.metadata.tables["entity_values"]
        picks: dict[str, str] = {}
        for kind, column in (("indicator", "label"), ("project", "key"), ("function_line", "key")):
            value = session.execute(
                select(table.c[column])
                .where(table.c.department_id == found[0].id, table.c.entity == kind)
                .order_by(table.c.id)
                .limit(1)
            ).scalar()
            if value:
                # An indicator's label is "project › level1 › level2 › name": follow it by its name.
                picks[kind] = str(value).rsplit("›", 1)[-1].strip() if kind == "indicator" else str(value)
        return picks


def snapshot_count(ledger: Ledger) -> int:
    with ledger.read() as session:
        return int(session.exec(select(func.count()).select_from(SnapshotRow)).one())


def in_session(ledger: Ledger, query: Callable[[Session], object]) -> Callable[[], object]:
    def run() -> object:
        with ledger.read() as session:
            return query(session)

    return run


def history_queries() -> dict[str, Callable[..., Any]]:
    """The functions of ``ledger.history`` (the lead's history queries) when the module exists."""
    try:
        module = importlib.import_module("ledger.history")
    except ImportError:
        return {}
    return {
        name: fn
        for name, fn in inspect.getmembers(module, inspect.isfunction)
        if fn.__module__ == module.__name__ and not name.startswith("_")
    }


def lead_history_queries(
    ledger: Ledger, department: str
) -> list[tuple[str, str, Callable[[Session], object]]]:
    """``ledger history`` queries (the lead's ``ledger.history``) when they exist, on entities of ``department``."""
    functions = history_queries()
    queries: list[tuple[str, str, Callable[[Session], object]]] = []
    if "department_history" in functions:
        history = functions["department_history"]
        queries.append(
            ("ledger history X", "history.department_history(X)", lambda s: history(s, department))
        )
    if "entity_timelines" in functions:
        timelines = functions["entity_timelines"]
        follow = followed_entities(ledger, department)
        for kind, option in (("indicator", "indicator"), ("project", "project"), ("function_line", "line")):
            if kind in follow:
                value = follow[kind]
                queries.append(
                    (
                        f"ledger history X --{option} {value}",
                        f"history.entity_timelines(X, {option}=…)",
                        partial(_timeline, timelines, department, {option: value}),
                    )
                )
    return queries


def _timeline(
    timelines: Callable[..., object], department: str, follow: dict[str, str], session: Session
) -> object:
    return timelines(session, department, **follow)


Query = Callable[[Session], object]


def measure_queries(report: Report, ledger: Ledger, repeat: int, label: str) -> None:
    department, year, count = pick_department(ledger)
    total = snapshot_count(ledger)
    from ledger.findings import find

    with ledger.read() as session:
        some_hash = store.current_snapshots(session)[total // 2].content_hash[:12]

    # (command, library call, the query, the proposed query — None: the same call with bench.proposals installed)
    queries: list[tuple[str, str, Query, Query | None]] = [
        (
            "ledger snapshots --department X",
            "store.list_snapshots(department=X)",
            lambda s: store.list_snapshots(s, department=department),
            None,
        ),
        (
            "ledger show X@YEAR",
            "store.resolve_ref('X@YEAR')",
            lambda s: store.resolve_ref(s, f"{department}@{year}"),
            None,
        ),
        (
            "ledger show X@YEARr1",
            "store.resolve_ref('X@YEARr1')",
            lambda s: store.resolve_ref(s, f"{department}@{year}r1"),
            None,
        ),
        (
            "ledger show HASH",
            "store.resolve_ref(hash prefix)",
            lambda s: store.resolve_ref(s, some_hash),
            None,
        ),
        (
            "ledger findings X@YEAR",
            "resolve_ref + load_snapshot + findings.find",
            lambda s: find(store.load_snapshot(store.resolve_ref(s, f"{department}@{year}"))),
            None,
        ),
        ("ledger snapshots", "store.list_snapshots()", lambda s: store.list_snapshots(s), None),
        (
            "ledger log --limit 50",
            "events.list_events()[-50:]",
            lambda s: events.list_events(s)[-50:],
            lambda s: proposals.last_events(s, 50),
        ),
        *((command, call, query, None) for command, call, query in lead_history_queries(ledger, department)),
    ]
    table = report.table(
        f"{label}: {total} snapshots; department X = {department} ({count} snapshots), YEAR = {year} "
        f"(ms, median of {repeat}; target {TARGET_MS:.0f} ms)",
        ["command", "library call", "median", "min", "max", "proposal median", "proposal max"],
    )
    for command, call, query, proposed in queries:
        shipped = measure(in_session(ledger, query), repeat=repeat)
        with proposals.installed():
            fixed = measure(in_session(ledger, proposed or query), repeat=repeat)
        table.add(command, call, *_cells(shipped), *_cells(fixed)[::2])
    table.notes.append(
        "with bench.proposals: the same call with the store's snapshot look-ups done in SQL (bench/proposals.py), "
        "a proposal measured here, not the library as shipped"
    )
    if not history_queries():
        table.notes.append("ledger.history does not exist yet: history queries not measured")


def _cells(timing: Timing) -> list[Any]:
    return [round(timing.median_ms, 2), round(timing.minimum * 1000, 2), round(timing.maximum * 1000, 2)]


def tiny_ledger(path: Path, versions: int) -> Ledger:
    ledger = Ledger(f"sqlite:///{path}")
    catalogues = gen.catalogues_for(gen.load_seeds(), per_kind=1)
    for version in gen.generate(gen.CorpusPlan(versions), catalogues):
        ingest_bytes(ledger, version.data(), name=version.filename)
    return ledger


def main(argv: list[str] | None = None) -> int:
    parser = arguments("History-query latency on a large ledger.")
    parser.add_argument("--db", action="append", default=[], help="ledger URL or SQLite path (repeatable)")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    report = Report("history queries")
    if args.quick or not args.db:
        with tempfile.TemporaryDirectory() as folder:
            ledger = tiny_ledger(Path(folder) / "ledger.db", 10)
            try:
                measure_queries(report, ledger, 2 if args.quick else args.repeat, "generated ledger")
            finally:
                ledger.close()
    for url in args.db:
        ledger = Ledger(url, migrate=False)
        try:
            measure_queries(report, ledger, args.repeat, url)
        finally:
            ledger.close()
    finish(report, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
