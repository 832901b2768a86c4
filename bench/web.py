"""Server time of the web view's pages (``ledger serve``) on a large ledger; the goal is < 200 ms per page.

The application runs under uvicorn on 127.0.0.1 in this process (a thread), and each page is fetched over HTTP the
way a browser fetches it. What is reported is the application's own time, from the ``Server-Timing`` header it
sends (request received → response started, the page fully rendered), so the HTTP client's overhead is not counted;
the whole round trip is reported next to it.

    python -m bench.web --db bench/out/ledger-10k.db      # a ledger built by bench.ingest --keep
    python -m bench.web --quick                            # builds a tiny ledger itself
"""

from __future__ import annotations

import re
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from bench.harness import Report, arguments, finish
from bench.history import followed_entities, pick_department, snapshot_count, tiny_ledger
from ledger import store
from ledger.query.history import department_history
from ledger.store import Ledger
from ledger.web import create_app
from ledger.web.urls import department_url, diff_url, findings_url, history_url

TARGET_MS = 200.0
_DURATION = re.compile(r"app;dur=([0-9.]+)")


def pages(ledger: Ledger) -> list[tuple[str, str]]:
    """(what, URL) of every page, about the department with the most versions (a full budget disclosure)."""
    department, year, _ = pick_department(ledger)
    with ledger.read() as session:
        versions = department_history(session, department)
        latest_diffed = next(v for v in reversed(versions) if v.diffs)
        base = latest_diffed.diffs[-1].base
        newest = latest_diffed.ref
        project = next(iter(_project_keys(session, newest)), None)
    follow = followed_entities(ledger, department)
    listed = [
        ("departments", "/"),
        ("departments, searched", "/?q=" + department[:4]),
        ("a department's timeline", department_url(department)),
        ("a department's year", department_url(department, year)),
        ("comparison", diff_url(base, newest)),
        ("comparison, filtered", diff_url(base, newest, only="modified", entity="indicator")),
    ]
    if project is not None:
        listed.append(("comparison + side by side", diff_url(base, newest, project=project)))
    listed += [
        ("comparison as XLSX", diff_url(base, newest, format="xlsx")),
        *(
            (f"history --{option}", history_url(department, **{option: follow[kind]}))
            for kind, option in (
                ("indicator", "indicator"),
                ("project", "project"),
                ("function_line", "line"),
            )
            if kind in follow
        ),
        ("findings of a version", findings_url(newest)),
        ("findings between two versions", findings_url(newest, base)),
        ("the ledger (head)", "/ledger"),
    ]
    return listed


def _project_keys(session: object, ref: str) -> list[str]:
    from sqlmodel import Session, select

    from ledger.store.schema import EntityValueRow

    assert isinstance(session, Session)
    row = store.resolve_ref(session, ref)
    query = select(EntityValueRow.key).where(
        EntityValueRow.snapshot_id == row.id, EntityValueRow.entity == "project"
    )
    return list(session.exec(query.limit(1)))


class _Serving:
    def __init__(self, ledger: Ledger) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        config = uvicorn.Config(create_app(ledger), host="127.0.0.1", port=port, log_level="error")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.base = f"http://127.0.0.1:{port}"

    def __enter__(self) -> _Serving:
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def measure_pages(report: Report, ledger: Ledger, repeat: int, label: str) -> None:
    listed = pages(ledger)
    total = snapshot_count(ledger)
    table = report.table(
        f"{label}: {total} snapshots (ms, median of {repeat} after a warm-up; target {TARGET_MS:.0f} ms of server "
        "time per page)",
        ["page", "URL", "server median", "server max", "round trip median", "bytes", "status"],
    )
    with _Serving(ledger) as serving, httpx.Client(base_url=serving.base, timeout=120) as client:
        for what, url in listed:
            client.get(url)  # warm-up: imports, templates, SQLite page cache
            server: list[float] = []
            trip: list[float] = []
            for _ in range(max(1, repeat)):
                start = time.perf_counter()
                response = client.get(url)
                trip.append((time.perf_counter() - start) * 1000)
                found = _DURATION.search(response.headers.get("server-timing", ""))
                server.append(float(found.group(1)) if found else float("nan"))
            table.add(
                what,
                url if len(url) < 60 else url[:57] + "…",
                round(statistics.median(server), 1),
                round(max(server), 1),
                round(statistics.median(trip), 1),
                len(response.content),
                response.status_code,
            )
        # Verification recomputes every hash of the ledger: on demand, never on a page load, and timed once.
        response = client.get("/ledger?verify=1")
        found = _DURATION.search(response.headers.get("server-timing", ""))
        report.note(
            f"{label}: /ledger?verify=1 (a full verification, on demand) took "
            f"{float(found.group(1)) if found else float('nan'):.0f} ms of server time"
        )


def main(argv: list[str] | None = None) -> int:
    parser = arguments("Server time of the web view's pages on a large ledger.")
    parser.add_argument("--db", action="append", default=[], help="ledger URL or SQLite path (repeatable)")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args(argv)
    report = Report("web pages")
    if args.quick or not args.db:
        with tempfile.TemporaryDirectory() as folder:
            ledger = tiny_ledger(Path(folder) / "ledger.db", 10)
            try:
                measure_pages(report, ledger, 2 if args.quick else args.repeat, "generated ledger")
            finally:
                ledger.close()
    for url in args.db:
        ledger = Ledger(url if "://" in url else f"sqlite:///{url}", migrate=False, derive=False)
        try:
            measure_pages(report, ledger, args.repeat, url)
        finally:
            ledger.close()
    finish(report, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
