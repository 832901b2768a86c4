"""History-query latency on a large ledger (docs/architecture.md §7, §9): what an auditor asks of 10k–50k snapshots.

Measured through the library, one read transaction per query as the CLI does (the process start is measured by
``bench.cli``):

- ``ledger snapshots --department X``: ``store.list_snapshots(department=X)``, one department's history;
- ``ledger show X@YEAR`` / ``X@YEARrN`` / a hash prefix: ``store.resolve_ref``;
- ``ledger snapshots`` (every snapshot), ``ledger departments`` (every department) and ``ledger log --limit 50``;
- ``ledger findings X@YEAR``: resolve, load the snapshot, run the findings;

- ``ledger history X`` and ``ledger history X --indicator/--project/--line``: ``ledger.query.history``.

    python -m bench.history --db bench/out/ledger-10k.db      # a ledger built by bench.ingest --keep
    python -m bench.history --quick                            # builds a tiny ledger itself
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from bench import generate as gen
from bench.harness import Report, Timing, arguments, finish, measure
from ledger import store
from ledger.pipeline.ingest import ingest_bytes
from ledger.query import history
from ledger.store import Ledger, events
from ledger.store.departments import list_departments
from ledger.store.schema import DepartmentRow, SnapshotRow

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


def history_queries(ledger: Ledger, department: str) -> list[tuple[str, str, Callable[[Session], object]]]:
    """``ledger history`` queries on entities of ``department``: its versions, then one timeline of each kind."""
    queries: list[tuple[str, str, Callable[[Session], object]]] = [
        (
            "ledger history X",
            "history.department_history(X)",
            lambda s: history.department_history(s, department),
        )
    ]
    follow = followed_entities(ledger, department)
    for kind, option in (("indicator", "indicator"), ("project", "project"), ("function_line", "line")):
        if kind in follow:
            value = follow[kind]
            queries.append(
                (
                    f"ledger history X --{option} {value}",
                    f"history.entity_timelines(X, {option}=…)",
                    partial(_timeline, department, {option: value}),
                )
            )
    return queries


def _timeline(department: str, follow: dict[str, str], session: Session) -> object:
    return history.entity_timelines(session, department, **follow)


Query = Callable[[Session], object]


def measure_queries(report: Report, ledger: Ledger, repeat: int, label: str) -> None:
    department, year, count = pick_department(ledger)
    total = snapshot_count(ledger)
    from ledger.findings import find

    with ledger.read() as session:
        some_hash = store.current_snapshots(session)[total // 2].content_hash[:12]

    queries: list[tuple[str, str, Query]] = [
        (
            "ledger snapshots --department X",
            "store.list_snapshots(department=X)",
            lambda s: store.list_snapshots(s, department=department),
        ),
        (
            "ledger show X@YEAR",
            "store.resolve_ref('X@YEAR')",
            lambda s: store.resolve_ref(s, f"{department}@{year}"),
        ),
        (
            "ledger show X@YEARr1",
            "store.resolve_ref('X@YEARr1')",
            lambda s: store.resolve_ref(s, f"{department}@{year}r1"),
        ),
        ("ledger show HASH", "store.resolve_ref(hash prefix)", lambda s: store.resolve_ref(s, some_hash)),
        (
            "ledger findings X@YEAR",
            "resolve_ref + load_snapshot + findings.find",
            lambda s: find(store.load_snapshot(store.resolve_ref(s, f"{department}@{year}"))),
        ),
        ("ledger log --limit 50", "events.last_events(50)", lambda s: events.last_events(s, 50)),
        *history_queries(ledger, department),
        ("ledger snapshots", "store.list_snapshots()", lambda s: store.list_snapshots(s)),
        ("ledger departments", "departments.list_departments()", lambda s: list_departments(s)),
    ]
    table = report.table(
        f"{label}: {total} snapshots; department X = {department} ({count} snapshots), YEAR = {year} "
        f"(ms, median of {repeat}; target {TARGET_MS:.0f} ms)",
        ["command", "library call", "median", "min", "max"],
    )
    for command, call, query in queries:
        table.add(command, call, *_cells(measure(in_session(ledger, query), repeat=repeat)))


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
