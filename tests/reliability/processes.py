"""Crash and concurrency scenarios with real processes, each running the real ``ledger ingest`` command.

* :func:`crash_campaign` — start an ingest on a fresh ledger, SIGKILL it (after a seeded random delay, or right after
  a chosen statement of a chosen write transaction), check the ledger is whole, then check that running the same
  ingest again brings it to exactly what an uninterrupted run records.
* :func:`concurrent_ingest` — several ingest processes started together on overlapping sets of files.

Processes are forked from a :class:`Zygote` (warm: a kill lands in the work, not in a second of imports), or started
as fresh interpreters (:class:`Worker`, the installed ``ledger`` command) where start-up itself is part of the test.
"""

from __future__ import annotations

import json
import os
import queue
import random
import select
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ledger import store
from ledger.model.canonical import sha256_hex
from ledger.pipeline.ingest import ingest_paths
from ledger.store import Ledger
from tests.reliability.inputs import ROOT, content_hash, random_bytes, revised, seed_bytes
from tests.reliability.ledgers import (
    Databases,
    EngineName,
    Outcome,
    ledger_problems,
    read_facts,
    read_outcome,
)

READY_TIMEOUT_S = 60.0
RUN_TIMEOUT_S = 180.0


class Worker:
    """One fresh ``tests.reliability.worker`` interpreter, started and warmed up, waiting for :meth:`go`."""

    def __init__(self, url: str, files: Sequence[Path]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.worker", "--db", url, *map(str, files)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.started_at = 0.0

    def wait_ready(self, timeout: float = READY_TIMEOUT_S) -> None:
        assert self.process.stdout is not None
        readable, _, _ = select.select([self.process.stdout], [], [], timeout)
        line = self.process.stdout.readline() if readable else ""
        if line.strip() != "ready":
            self.process.kill()
            _, err = self.process.communicate()
            raise RuntimeError(f"worker did not start: {line!r} {err[-2000:]}")

    def go(self) -> None:
        assert self.process.stdin is not None
        self.started_at = time.monotonic()
        self.process.stdin.write("go\n")
        self.process.stdin.flush()

    def finish(self, timeout: float = RUN_TIMEOUT_S) -> tuple[int, str, str]:
        out, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, out, err


# --- files --------------------------------------------------------------------------------------------------------


def write_files(folder: Path) -> list[Path]:
    """The scenario's publications as files: the seeds, two revisions (second publications of their series), one
    seed in GB18030 (other bytes, same content: duplicate content) and one unreadable file (a parse failure)."""
    folder.mkdir(parents=True, exist_ok=True)
    seeds = seed_bytes()
    contents: dict[str, bytes] = dict(seeds)
    contents["r2-laoting.txt"] = revised("laoting-hrss-2024-targets.txt")
    contents["r2-zhanjiang.txt"] = revised("zhanjiang-hrss-2024-targets.txt")
    contents["gb18030-taishan.txt"] = seeds["taishan-hrss-2024-targets.txt"].decode("utf-8").encode("gb18030")
    contents["zz-random.bin"] = random_bytes(4096)
    for name, data in contents.items():
        (folder / name).write_bytes(data)
    return [folder / name for name in contents]


# --- crashes ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CrashResult:
    """One killed ingest. ``phase`` is where the kill landed (from the process's trace): ``start-up`` (the ledger not
    yet opened), ``migration`` (inside the schema's creation), ``write-transaction`` (inside the transaction that
    records a publication; ``statements`` into it), ``between`` (reading or parsing, between transactions),
    ``finished`` (the ingest had ended before the kill), ``cli-killed`` (a fresh ``ledger`` process: no trace).
    ``kind`` is ``timed``, ``targeted`` (``aim`` says where) or ``cli``; ``committed`` counts the publications the
    kill left in the ledger; ``problems`` are what was wrong after the kill, ``mismatch`` what the re-run missed."""

    run: int
    engine: EngineName
    delay: float
    phase: str
    statements: int
    committed: int
    problems: tuple[str, ...]
    completed: bool
    mismatch: str = ""
    kind: str = ""
    aim: str = ""


def kill_phase(trace: str, killed: bool) -> tuple[str, int]:
    """Where the kill landed, from the trace lines, and how many statements into an open write transaction."""
    if not killed:
        return "finished", 0
    write_transactions = 0
    open_write = False
    statements = 0
    for line in trace.splitlines():
        if line == "B w":
            write_transactions += 1
            open_write, statements = True, 0
        elif line == "S" and open_write:
            statements += 1
        elif line in ("C", "R"):
            open_write = False
    if not trace:
        return "start-up", 0
    if open_write:
        return ("migration" if write_transactions == 1 else "write-transaction"), statements
    return "between", 0


class Zygote:
    """A ``tests.reliability.worker --zygote`` process: forks one ingest child per :meth:`start`."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.worker", "--zygote"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        # Lines are read by a thread into a queue: select() on a buffered pipe can miss lines already read ahead.
        self._lines: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read_lines, daemon=True)
        self._reader.start()
        self._expect("ready", READY_TIMEOUT_S)

    def start(
        self, url: str, files: Sequence[Path], folder: Path, *, trace: Path | None = None, name: str = "run"
    ) -> int:
        """Fork a child running the ingest; its stdout and stderr go to ``folder/NAME.out`` and ``NAME.err``."""
        request = {
            "db": url,
            "files": [str(path) for path in files],
            "out": str(folder / f"{name}.out"),
            "err": str(folder / f"{name}.err"),
            "trace": str(trace) if trace else None,
        }
        self._send(json.dumps(request))
        return int(self._expect("pid", READY_TIMEOUT_S).split()[1])

    def reap(self, pid: int) -> int:
        """The child's exit code (``-9``: killed) once it has ended."""
        self._send(f"reap {pid}")
        _, reaped, code = self._expect("exit", RUN_TIMEOUT_S).split()
        assert int(reaped) == pid
        return int(code)

    def close(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        self.process.wait(timeout=RUN_TIMEOUT_S)
        self._reader.join(timeout=RUN_TIMEOUT_S)
        self.process.stdout.close()

    def _read_lines(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line.strip())
        self._lines.put("")  # end of output: the zygote is gone

    def _send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def _expect(self, word: str, timeout: float) -> str:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            line = f"(nothing in {timeout} s)"
        if not line.startswith(word):
            self.process.kill()
            raise RuntimeError(f"zygote said {line!r}, expected {word!r}")
        return line


@dataclass
class CrashCampaign:
    engine: EngineName
    files: list[Path]
    reference: Outcome
    #: Seconds an uninterrupted ingest takes: forked from the zygote, and as a fresh ``ledger`` process.
    forked_seconds: float
    cli_seconds: float
    results: list[CrashResult] = field(default_factory=list)


def reference_outcome(databases: Databases, engine: EngineName, files: Sequence[Path]) -> Outcome:
    """What an uninterrupted ingest of ``files`` records."""
    url = databases.scratch(engine)
    with Ledger(url) as ledger:
        ingest_paths(ledger, files)
    return read_outcome(url)


def ledger_command(url: str, files: Sequence[Path]) -> list[str]:
    """The installed ``ledger`` console script, run as a user would."""
    script = Path(sys.executable).with_name("ledger")
    return [str(script), "--db", url, "ingest", *map(str, files)]


@dataclass(frozen=True)
class CrashPlan:
    """How many runs of each kind a campaign makes.

    ``timed``: forked, killed after a random delay within an uninterrupted run's length. ``targeted``: forked,
    killed as soon as its trace shows the chosen write transaction has sent the chosen number of statements (so
    every part of the transaction is hit, not only where time is spent). ``cli``: the installed ``ledger`` command
    in a fresh interpreter, killed after a random delay (start-up included).
    """

    timed: int
    targeted: int
    cli: int = 0

    @property
    def runs(self) -> int:
        return self.timed + self.targeted + self.cli


def crash_campaign(
    databases: Databases,
    folder: Path,
    engine: EngineName,
    files: Sequence[Path],
    plan: CrashPlan,
    *,
    seed: int,
    zygote: Zygote | None = None,
) -> CrashCampaign:
    """Run ``plan`` on fresh ledgers; every choice (delays, targets, order of kinds) comes from ``seed``."""
    rng = random.Random(seed)
    kinds = ["timed"] * plan.timed + ["targeted"] * plan.targeted + ["cli"] * plan.cli
    rng.shuffle(kinds)
    own_zygote = zygote is None
    zygote = zygote or Zygote()
    try:
        forked = _timed_forked_run(zygote, databases.scratch(engine), files, folder)
        cli = _timed_cli_run(databases.scratch(engine), files) if plan.cli else 0.0
        reference = reference_outcome(databases, engine, files)
        campaign = CrashCampaign(engine, list(files), reference, forked, cli)
        # One write transaction creates the schema, then one per file.
        transactions = 1 + len(files)
        for run, kind in enumerate(kinds):
            url = databases.scratch(engine)
            if kind == "cli":
                delay = rng.uniform(0.0, cli * 1.1)
                killed = _killed_cli_run(url, files, delay)
                phase, statements, aim = ("cli-killed" if killed else "finished"), 0, ""
            else:
                trace = folder / f"trace-{engine}-{run}.txt"
                target = (rng.randint(1, transactions), rng.randint(0, 12)) if kind == "targeted" else None
                aim = f"transaction {target[0]}, statement {target[1]}" if target else ""
                pid = zygote.start(url, files, folder, trace=trace)
                started = time.monotonic()
                if target is None:
                    time.sleep(rng.uniform(0.0, forked * 1.1))
                else:
                    _wait_for(trace, target, timeout=forked * 3 + 1)
                os.kill(pid, signal.SIGKILL)  # a child that already ended is a zombie until reaped: no harm
                delay = time.monotonic() - started
                killed = zygote.reap(pid) == -signal.SIGKILL
                phase, statements = kill_phase(trace.read_text() if trace.exists() else "", killed)
            result = _examine(run, engine, url, delay, phase, statements, files, reference)
            campaign.results.append(replace(result, kind=kind, aim=aim))
    finally:
        if own_zygote:
            zygote.close()
    return campaign


def _wait_for(trace: Path, target: tuple[int, int], *, timeout: float) -> None:
    """Poll the trace until write transaction ``target[0]`` has sent ``target[1]`` statements (or time is up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _write_progress(trace.read_text() if trace.exists() else "") >= target:
            return
        time.sleep(0.0002)


def _write_progress(trace: str) -> tuple[int, int]:
    """(write transactions begun, statements sent inside the latest) so far."""
    transactions = statements = 0
    writing = False
    for line in trace.splitlines():
        if line == "B w":
            transactions, statements, writing = transactions + 1, 0, True
        elif line == "S" and writing:
            statements += 1
        elif line in ("C", "R", "B r"):
            writing = False
    return transactions, statements


def _timed_forked_run(zygote: Zygote, url: str, files: Sequence[Path], folder: Path) -> float:
    started = time.monotonic()
    pid = zygote.start(url, files, folder, trace=None)
    code = zygote.reap(pid)
    if code not in (0, 1):
        raise RuntimeError(f"calibration ingest failed ({code}): {(folder / 'run.err').read_text()[-2000:]}")
    return time.monotonic() - started


def _timed_cli_run(url: str, files: Sequence[Path]) -> float:
    started = time.monotonic()
    done = subprocess.run(ledger_command(url, files), capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"calibration ingest failed ({done.returncode}): {done.stderr[-2000:]}")
    return time.monotonic() - started


def _killed_cli_run(url: str, files: Sequence[Path], delay: float) -> bool:
    process = subprocess.Popen(
        ledger_command(url, files), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(delay)
    if process.poll() is not None:
        return False
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=RUN_TIMEOUT_S)
    return True


def _examine(
    run: int,
    engine: EngineName,
    url: str,
    delay: float,
    phase: str,
    statements: int,
    files: Sequence[Path],
    reference: Outcome,
) -> CrashResult:
    """After the kill: the ledger must verify and keep its invariants; the same ingest again must complete it."""
    problems = tuple(ledger_problems(url))
    committed = len(read_facts(url).publications)
    with Ledger(url) as ledger:
        ingest_paths(ledger, files)
    after = read_outcome(url)
    problems += tuple(f"after the re-run: {p}" for p in ledger_problems(url))
    mismatch = "" if after == reference else _describe_mismatch(after, reference)
    return CrashResult(
        run=run,
        engine=engine,
        delay=round(delay, 4),
        phase=phase,
        statements=statements,
        committed=committed,
        problems=problems,
        completed=not mismatch,
        mismatch=mismatch,
    )


def _describe_mismatch(actual: Outcome, expected: Outcome) -> str:
    parts = []
    if actual.publications != expected.publications:
        parts.append(f"publications {len(actual.publications)} != {len(expected.publications)}")
    if actual.snapshots != expected.snapshots:
        parts.append(f"snapshots {actual.snapshots} != {expected.snapshots}")
    if actual.event_types != expected.event_types:
        parts.append(f"events {actual.event_types} != {expected.event_types}")
    return "; ".join(parts)


# --- concurrency --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConcurrencyResult:
    engine: EngineName
    workers: int
    files_per_worker: tuple[int, ...]
    exit_codes: tuple[int, ...]
    unexpected_errors: tuple[str, ...]
    problems: tuple[str, ...]
    publications: int
    expected_publications: int
    snapshots: frozenset[tuple[str, int, str, str]]
    expected_snapshots: frozenset[tuple[str, int, str, str]]
    seconds: float

    @property
    def ok(self) -> bool:
        return (
            not self.unexpected_errors
            and not self.problems
            and self.publications == self.expected_publications
            and self.snapshots == self.expected_snapshots
            and all(code in (0, 1) for code in self.exit_codes)
        )


def overlapping_sets(
    files: Sequence[Path], workers: int, share: float, rng: random.Random
) -> list[list[Path]]:
    """``workers`` shuffled subsets of ``files``, each about ``share`` of them, together covering all."""
    sets = [[path for path in files if rng.random() < share] for _ in range(workers)]
    for position, path in enumerate(files):  # every file goes to at least one worker
        if not any(path in chosen for chosen in sets):
            sets[position % workers].append(path)
    for chosen in sets:
        rng.shuffle(chosen)
    return sets


def concurrent_ingest(
    url: str,
    engine: EngineName,
    file_sets: Sequence[Sequence[Path]],
    *,
    zygote: Zygote | None = None,
    folder: Path | None = None,
    known: frozenset[str] = frozenset(),
) -> ConcurrencyResult:
    """Start one ingest per set at the same moment on the ledger at ``url`` (fresh: they race to create it), wait for
    all, and check what they recorded against what the files say. With a ``zygote`` the processes are forked from
    it (output in ``folder``), else each is a fresh interpreter released at one signal. ``known`` names the files
    the ledger holds already (new to no process)."""
    started = time.monotonic()
    if zygote is not None:
        assert folder is not None
        pids = [zygote.start(url, files, folder, name=f"w{i}") for i, files in enumerate(file_sets)]
        codes = [zygote.reap(pid) for pid in pids]
        seconds = time.monotonic() - started
        finished = [
            (code, (folder / f"w{i}.out").read_text(), (folder / f"w{i}.err").read_text())
            for i, code in enumerate(codes)
        ]
    else:
        workers = [Worker(url, files) for files in file_sets]
        for worker in workers:
            worker.wait_ready()
        started = time.monotonic()
        for worker in workers:
            worker.go()
        finished = [worker.finish() for worker in workers]
        seconds = time.monotonic() - started
    everything = {path for files in file_sets for path in files}
    expected_by_path = {path: _expected_snapshot(path) for path in everything}
    unreadable = {path.name for path, snapshot in expected_by_path.items() if snapshot is None}
    unexpected = tuple(
        line
        for _, _, err in finished
        for line in err.splitlines()
        if not any(line.startswith(f"ledger: error: {name}: ") for name in unreadable)
    )
    facts = read_facts(url)
    with Ledger(url) as ledger, ledger.read() as session:
        recorded = frozenset(
            (store.department_name(session, s[2]), s[3], s[4], s[6]) for s in facts.snapshots
        )
    problems = ledger_problems(url) + _reported_once(finished, {path.name for path in everything}, known)
    if len(recorded) != len(facts.snapshots):
        problems.append("a content was recorded twice")
    return ConcurrencyResult(
        engine=engine,
        workers=len(file_sets),
        files_per_worker=tuple(len(files) for files in file_sets),
        exit_codes=tuple(code for code, _, _ in finished),
        unexpected_errors=unexpected,
        problems=tuple(problems),
        publications=len(facts.publications),
        expected_publications=len({sha256_hex(path.read_bytes()) for path in everything}),
        snapshots=recorded,
        expected_snapshots=frozenset(e for e in expected_by_path.values() if e is not None),
        seconds=round(seconds, 3),
    )


def _reported_once(
    finished: Sequence[tuple[int, str, str]], names: set[str], known: frozenset[str]
) -> list[str]:
    """Across all processes, each file is new (recorded, duplicate content, or refused) to exactly one of them and
    ``unchanged`` to the others (to all of them if ``known``): what a user reads agrees with the ledger. A refused
    file is refused again by the others, as stored before (never a silent ``unchanged``)."""
    news: Counter[str] = Counter()
    for _, out, err in finished:
        for line in out.splitlines():
            status, name = line.split()[:2]
            if status != "unchanged":
                news[name] += 1
        for line in err.splitlines():
            if ": stored before as publication " not in line:
                news[line.removeprefix("ledger: error: ").split(": ")[0]] += 1
    expected = {name: 0 if name in known else 1 for name in names}
    return [
        f"{name} reported as new {news[name]} times" for name in sorted(names) if news[name] != expected[name]
    ]


def _expected_snapshot(path: Path) -> tuple[str, int, str, str] | None:
    from ledger.errors import LedgerError
    from ledger.pipeline.parse import parse_publication

    try:
        snapshot = parse_publication(path.read_bytes(), path.name).snapshot
    except LedgerError:
        return None
    return (snapshot.department.name, snapshot.fiscal_year, snapshot.document_kind, content_hash(snapshot))
