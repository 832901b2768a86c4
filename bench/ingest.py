"""Ingest throughput (docs/architecture.md §9) on SQLite and PostgreSQL for a generated corpus, and how it changes as the ledger grows.

Default mode is the real thing: ``ledger.pipeline.ingest.ingest_bytes`` once per publication, one write transaction
each, as ``ledger ingest`` does — read, parse, store the bytes, record the snapshot, append the events, and derive in
the same transaction (:mod:`ledger.pipeline.derive`: entity values with lineage, diffs against the previous revision
and year, findings; the report names them). The corpus is generated before the clock starts. Inside each ingest
the clock is split: *parse* (``parse_publication``), *derive* (``derive_snapshot``: diffs, findings,
entity values) and *store* (the rest: publication, snapshot, events).

- ``--no-react`` opens the ledger with ``derive=False`` (storage only: what ingest did before diffs were wired).

``--bulk`` is the documented shortcut for building a big ledger (50k) in reasonable time on a small machine: worker
processes parse the publications in parallel, and the main process records them with the library's own
``ledger.pipeline.ingest._record`` (store publication, publication-received event, snapshot, snapshot-recorded event
and its derivation) in transactions of ``--batch`` publications. The rows and events are those of a normal ingest; the
timing is NOT an ingest throughput and is reported as "bulk build".

    python -m bench.ingest --versions 1000 --chunk 100
    python -m bench.ingest --versions 10000 --keep bench/out/ledger-10k.db
    python -m bench.ingest --versions 10000 --no-react --backend postgres
    python -m bench.ingest --versions 50000 --bulk --keep bench/out/ledger-50k.db
"""

from __future__ import annotations

import importlib
import multiprocessing
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from bench import generate as gen
from bench.harness import Report, arguments, finish, postgres_version
from bench.ledgers import BenchDatabase, postgres_ledger, sqlite_ledger
from ledger.errors import LedgerError
from ledger.model import Snapshot
from ledger.pipeline import ingest as ingest_module
from ledger.pipeline.parse import ParseResult
from ledger.readers.document import Document
from ledger.store import Ledger


@dataclass
class Chunk:
    """Timings of one run of consecutive ingests."""

    first: int
    count: int = 0
    seconds: float = 0.0
    parse_seconds: float = 0.0
    derive_seconds: float = 0.0
    per_publication: list[float] = field(default_factory=list)

    def row(self, done: int) -> list[Any]:
        store = self.seconds - self.parse_seconds - self.derive_seconds
        return [
            f"{self.first + 1}–{done}",
            round(self.count / self.seconds, 1) if self.seconds else 0,
            round(statistics.median(self.per_publication) * 1000, 1) if self.per_publication else "-",
            *(
                round(part / self.count * 1000, 1)
                for part in (self.parse_seconds, self.derive_seconds, store)
            ),
        ]


class Clock:
    """Adds up the time spent in ``module.name`` while installed (the module attribute is wrapped)."""

    def __init__(self, module: ModuleType | None, name: str) -> None:
        self.seconds = 0.0
        self.module = module
        self.name = name
        self._original: Callable[..., Any] | None = module.__dict__.get(name) if module else None

    def __enter__(self) -> Clock:
        original = self._original
        if self.module is None or original is None:
            return self

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start

        self.module.__dict__[self.name] = timed
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.module is not None and self._original is not None:
            self.module.__dict__[self.name] = self._original


def _module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def corpus(versions: int, *, rng_seed: int, per_kind: int) -> list[tuple[str, bytes]]:
    catalogues = gen.catalogues_for(gen.load_seeds(), per_kind=per_kind, rng_seed=rng_seed)
    plan = gen.CorpusPlan(versions, rng_seed=rng_seed)
    return [(v.filename, v.data()) for v in gen.generate(plan, catalogues)]


def run_ingest(
    ledger: Ledger, publications: Sequence[tuple[str, bytes]], chunk_size: int
) -> tuple[list[Chunk], Counter[str], float]:
    chunks: list[Chunk] = []
    statuses: Counter[str] = Counter()
    started = time.perf_counter()
    with (
        # Parsing is ledger.pipeline.parse.parse_publication, called through parse_or_failure (or bound in the
        # ingest module by older versions): one clock per call.
        Clock(_module("ledger.pipeline.parse"), "parse_publication") as parse_clock,
        Clock(ingest_module, "parse_publication") as bound_parse_clock,
        # Ingest calls ledger.pipeline.derive.derive_and_announce, which calls derive_snapshot in its own module;
        # older versions bound it elsewhere: each call passes through exactly one of these two clocks.
        Clock(_module("ledger.pipeline.derive"), "derive_snapshot") as derive_clock,
        Clock(_module("ledger.reactions"), "derive_snapshot") as bound_derive_clock,
    ):
        for i, (name, data) in enumerate(publications):
            if i % chunk_size == 0:
                chunks.append(Chunk(first=i))
            chunk = chunks[-1]
            parse_before = parse_clock.seconds + bound_parse_clock.seconds
            derive_before = derive_clock.seconds + bound_derive_clock.seconds
            start = time.perf_counter()
            outcome = ingest_module.ingest_bytes(ledger, data, name=name)
            elapsed = time.perf_counter() - start
            statuses[outcome.status] += 1
            chunk.count += 1
            chunk.seconds += elapsed
            chunk.parse_seconds += parse_clock.seconds + bound_parse_clock.seconds - parse_before
            chunk.derive_seconds += derive_clock.seconds + bound_derive_clock.seconds - derive_before
            chunk.per_publication.append(elapsed)
    return chunks, statuses, time.perf_counter() - started


# --- bulk build ---------------------------------------------------------------------------------------------------

_worker_state: dict[str, Any] = {}


def _init_worker(versions: int, rng_seed: int, per_kind: int) -> None:
    _worker_state["plan"] = gen.CorpusPlan(versions, rng_seed=rng_seed)
    _worker_state["catalogues"] = gen.catalogues_for(gen.load_seeds(), per_kind=per_kind, rng_seed=rng_seed)


def _parse_version(i: int) -> tuple[str, bytes, Snapshot | None, str, str, str | None]:
    from ledger.pipeline.parse import parse_publication

    version = gen.version_at(_worker_state["plan"], _worker_state["catalogues"], i)
    data = version.data()
    try:
        result = parse_publication(data, version.filename)
    except LedgerError as exc:
        return version.filename, data, None, "", "", str(exc)
    return version.filename, data, result.snapshot, result.parser_name, result.parser_version, None


def bulk_build(
    ledger: Ledger, versions: int, *, rng_seed: int, per_kind: int, workers: int, batch: int
) -> tuple[Counter[str], float, list[tuple[int, float]]]:
    """Returns the outcomes, the wall time, and (publications, seconds) of each batch's write transaction — the
    recording cost alone, as the ledger grows (parsing happens in the workers meanwhile).

    The workers parse one batch ahead, no further: parsing is faster than recording, and an unbounded ``imap``
    would pile up every parsed publication in this process (7.4 GB at 50k before this was bounded)."""
    statuses: Counter[str] = Counter()
    writes: list[tuple[int, float]] = []
    started = time.perf_counter()
    context = multiprocessing.get_context("fork")
    windows = [range(start, min(start + batch, versions)) for start in range(0, versions, batch)]
    with context.Pool(workers, _init_worker, (versions, rng_seed, per_kind)) as pool:
        ahead = pool.map_async(_parse_version, windows[0], chunksize=25) if windows else None
        for following in [*windows[1:], None]:
            assert ahead is not None
            group = ahead.get()
            ahead = pool.map_async(_parse_version, following, chunksize=25) if following else None
            write_started = time.perf_counter()
            with ledger.write() as session:
                for name, data, snapshot, parser_name, parser_version, error in group:
                    parsed = (
                        ParseResult(Document((), "cells-per-line"), snapshot, parser_name, parser_version)
                        if snapshot is not None
                        else None
                    )
                    failure = LedgerError(error) if error else None
                    outcome = ingest_module._record(
                        session,
                        data,
                        name=name,
                        source=name,
                        parsed=parsed,
                        failure=failure,
                        derive=ledger.derive,
                    )
                    statuses[outcome.status] += 1
            writes.append((len(group), time.perf_counter() - write_started))
    return statuses, time.perf_counter() - started, writes


# --- main ---------------------------------------------------------------------------------------------------------


def open_database(backend: str, keep: Path | None, pg_name: str) -> AbstractContextManager[BenchDatabase]:
    if backend == "sqlite":
        return sqlite_ledger(keep)
    return postgres_ledger(pg_name, keep=keep is not None)


def open_ledger(url: str, *, react: bool) -> Ledger:
    """The ledger, with or without its reactions (diffs, findings and entity values derived on ingest)."""
    return Ledger(url, derive=react)


def describe_work(report: Report, *, react: bool) -> None:
    report.extra["derives"] = react
    work = "each ingest = read + parse + store publication + snapshot + events"
    if react:
        work += "; then derive in the same transaction (entity values, diffs, findings and their events)"
    else:
        work += "; nothing derived (no diffs, no findings on ingest: --no-react)"
    report.note(work)


def bulk_report(report: Report, args: Any, database: BenchDatabase, ledger: Ledger) -> None:
    statuses, seconds, writes = bulk_build(
        ledger,
        args.versions,
        rng_seed=args.seed,
        per_kind=args.per_kind,
        workers=args.workers,
        batch=args.batch,
    )
    summary = report.table(
        "bulk build (NOT an ingest throughput)",
        ["backend", "versions", "workers", "batch", "seconds", "publications/s", "outcomes", "DB MB"],
    )
    summary.add(
        args.backend,
        args.versions,
        args.workers,
        args.batch,
        round(seconds, 1),
        round(args.versions / seconds, 1),
        dict(statuses),
        database.size_mb(),
    )
    growth = report.table(
        f"recording cost as the ledger grows (write transactions only, every {args.chunk})",
        ["publications", "write ms/pub"],
    )
    done = count = 0
    spent = 0.0
    for size, write_seconds in writes:
        done, count, spent = done + size, count + size, spent + write_seconds
        if count >= args.chunk or done == args.versions:
            growth.add(f"{done - count + 1}–{done}", round(spent / count * 1000, 1))
            count, spent = 0, 0.0


def ingest_report(report: Report, args: Any, database: BenchDatabase, ledger: Ledger) -> None:
    started = time.perf_counter()
    publications = corpus(args.versions, rng_seed=args.seed, per_kind=args.per_kind)
    report.note(
        f"corpus generated in {time.perf_counter() - started:.1f} s (not timed): "
        f"{len(publications)} publications, {sum(len(d) for _, d in publications) / 1e6:.1f} MB"
    )
    chunks, statuses, seconds = run_ingest(ledger, publications, args.chunk)
    summary = report.table(
        "ingest_bytes, one transaction per publication",
        [
            "backend",
            "versions",
            "seconds",
            "publications/s",
            "parse ms/pub",
            "derive ms/pub",
            "store ms/pub",
            "outcomes",
            "DB MB",
        ],
    )
    n = len(publications)
    parse_total = sum(c.parse_seconds for c in chunks)
    derive_total = sum(c.derive_seconds for c in chunks)
    summary.add(
        args.backend,
        n,
        round(seconds, 1),
        round(n / seconds, 1),
        round(parse_total / n * 1000, 1),
        round(derive_total / n * 1000, 1),
        round((seconds - parse_total - derive_total) / n * 1000, 1),
        dict(statuses),
        database.size_mb(),
    )
    growth = report.table(
        f"as the ledger grows (every {args.chunk})",
        ["publications", "publications/s", "median ms/pub", "parse ms/pub", "derive ms/pub", "store ms/pub"],
    )
    done = 0
    for chunk in chunks:
        done += chunk.count
        growth.add(*chunk.row(done))
    growth.notes.append(
        "parse does not depend on the ledger's size: its drift between chunks is machine noise (shared machine)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = arguments("Ingest throughput of a generated corpus.")
    parser.add_argument("--versions", type=int, default=10_000)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--chunk", type=int, default=1000, help="report throughput every N publications")
    parser.add_argument("--seed", type=int, default=0, help="corpus random seed")
    parser.add_argument("--per-kind", type=int, default=8, help="verified mutations per kind and seed")
    parser.add_argument(
        "--keep", type=Path, help="keep the ledger (SQLite: at this path; PostgreSQL: any value)"
    )
    parser.add_argument("--pg-database", default="ledger_bench")
    parser.add_argument("--no-react", action="store_true", help="no diffs/findings on ingest (storage only)")
    parser.add_argument(
        "--bulk", action="store_true", help="parallel parse + batched transactions (see above)"
    )
    parser.add_argument(
        "--workers", type=int, default=max(1, multiprocessing.cpu_count() - 1), help="parse processes (bulk)"
    )
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args(argv)
    if args.quick:
        args.versions, args.chunk, args.per_kind = min(args.versions, 10), 5, 1

    mode = ", bulk build" if args.bulk else ""
    mode += ", no reactions" if args.no_react else ""
    report = Report(f"ingest ({args.backend}{mode})")
    with open_database(args.backend, args.keep, args.pg_database) as database:
        ledger = open_ledger(database.url, react=not args.no_react)
        try:
            if args.backend == "postgres":
                report.extra["postgres"] = postgres_version(database.url)
            describe_work(report, react=not args.no_react)
            (bulk_report if args.bulk else ingest_report)(report, args, database, ledger)
        finally:
            ledger.close()
    finish(report, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
