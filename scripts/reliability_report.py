"""Reliability figures at scale (docs/architecture.md §9): the scenarios of ``tests/reliability`` run bigger, and their figures
written into ``docs/RELIABILITY.md`` (between the ``figures`` markers) and printed.

    python scripts/reliability_report.py                  # 200 kills, 1 % cuts, both engines (about 10 minutes)
    python scripts/reliability_report.py --quick          # a smoke run (about a minute)
    python scripts/reliability_report.py --no-postgres --no-write

PostgreSQL is the server of the tests (``LEDGER_TEST_PG_URL``, default ``postgres@127.0.0.1:5432``); without one the
PostgreSQL figures say so. Every random choice comes from ``--seed``.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from typer.testing import CliRunner  # noqa: E402

from cli.main import app  # noqa: E402
from ledger.pipeline.ingest import ingest_paths  # noqa: E402
from ledger.pipeline.parse import parse_publication  # noqa: E402
from ledger.store import Ledger  # noqa: E402
from tests.reliability.inputs import (  # noqa: E402
    HONEST,
    MIB,
    bad_inputs,
    content_hash,
    cut_points,
    full_snapshot,
    judge_cut,
    reencodings,
    seed_bytes,
)
from tests.reliability.ledgers import (  # noqa: E402
    Databases,
    EngineName,
    check_refusal,
    engine_available,
    ledger_problems,
    read_facts,
)
from tests.reliability.processes import (  # noqa: E402
    CrashCampaign,
    CrashPlan,
    Zygote,
    concurrent_ingest,
    crash_campaign,
    ledger_command,
    overlapping_sets,
    write_files,
)
from tests.reliability.tamper import ATTACKS, fill_tamper_ledger, run_attack  # noqa: E402

DOC = ROOT / "docs" / "RELIABILITY.md"
BEGIN, END = "<!-- figures:begin -->", "<!-- figures:end -->"
runner = CliRunner()


@dataclass
class Section:
    title: str
    lines: list[str] = field(default_factory=list)
    failures: int = 0
    #: Known shortcomings found again (unmarked truncation cuts): reported, not counted as failures.
    gaps: int = 0
    #: One line for the summary table at the top.
    summary: str = ""

    def table(self, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        self.lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        self.lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
        self.lines.append("")

    def markdown(self) -> str:
        return "\n".join([f"### {self.title}", "", *self.lines]).rstrip() + "\n"


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


# --- bad input ----------------------------------------------------------------------------------------------------


def bad_input_section(databases: Databases, engines: Sequence[EngineName], folder: Path) -> Section:
    section = Section("Bad input")
    rows = []
    for bad in bad_inputs():
        data = bad.build()
        path = folder / bad.name
        path.write_bytes(data)
        for engine in engines:
            url = databases.new(engine)
            with Ledger(url) as ledger:
                ingest_paths(ledger, [folder.parent / "seeds" / name for name in seed_bytes()])
            before = read_facts(url)
            result = runner.invoke(app, ["--db", url, "ingest", str(path)])
            refusal = check_refusal(url, before, bad.name, data, result.stderr, stored=bad.stored)
            ok = result.exit_code == 1 and not result.stdout and not refusal.problems
            section.failures += not ok
            rows.append(
                [
                    bad.what,
                    _size(len(data)),
                    engine,
                    result.exit_code,
                    "yes" if ok else "; ".join(refusal.problems),
                ]
                + [refusal.reason[:90]]
            )
    section.table(
        ["input", "size", "engine", "exit", "one line, stored, parse-failed, nothing else", "reason"], rows
    )
    batch = _batch_in_a_real_process(folder, databases)
    section.failures += not batch[0]
    held = len(rows) - section.failures + (not batch[0])
    section.summary = (
        f"{len(bad_inputs())} kinds × {len(engines)} engines: {held}/{len(rows)} refused in one line, stored, "
        f"recorded as parse-failed, nothing else changed; a real process's mixed batch "
        f"{'held' if batch[0] else 'FAILED'}"
    )
    section.lines.append(
        f"A real `ledger ingest` process given the five seeds and the small bad files in one folder: {batch[1]}"
    )
    section.lines.append("")
    return section


def _size(n: int) -> str:
    return f"{n / MIB:.1f} MB" if n >= MIB else f"{n / 1024:.1f} KiB" if n >= 1024 else f"{n} B"


def _batch_in_a_real_process(folder: Path, databases: Databases) -> tuple[bool, str]:
    batch = folder / "batch"
    batch.mkdir()
    small = [bad for bad in bad_inputs() if bad.name not in ("huge.txt", "bomb.xlsx")]
    for bad in small:
        (batch / bad.name).write_bytes(bad.build())
    for name, data in seed_bytes().items():
        (batch / name).write_bytes(data)
    url = databases.new("sqlite")
    done = subprocess.run(ledger_command(url, [batch]), capture_output=True, text=True, timeout=300)
    errors = done.stderr.splitlines()
    recorded = [line for line in done.stdout.splitlines() if line.startswith("recorded")]
    ok = (
        done.returncode == 1
        and "Traceback" not in done.stderr
        and len(errors) == len(small)
        and len(recorded) == len(seed_bytes())
        and not ledger_problems(url)
    )
    return ok, (
        f"exit {done.returncode}, {len(recorded)} recorded, {len(errors)} one-line errors for {len(small)} bad "
        f"files, {'no traceback' if 'Traceback' not in done.stderr else 'A TRACEBACK'}, verify "
        f"{'passes' if not ledger_problems(url) else 'FAILS'}"
    )


# --- awkward input and truncation ---------------------------------------------------------------------------------


def encoding_section() -> Section:
    section = Section("Awkward but valid input")
    rows = []
    for name, data in seed_bytes().items():
        expected = content_hash(full_snapshot(name))
        same = [
            e
            for e, d in reencodings(data).items()
            if content_hash(parse_publication(d, name).snapshot) == expected
        ]
        section.failures += len(reencodings(data)) - len(same)
        rows.append([name, f"{len(same)}/{len(reencodings(data))}"])
    section.lines.append(
        "Each seed re-encoded as " + ", ".join(reencodings(b"")) + ": same content hash as UTF-8?"
    )
    section.lines.append("")
    section.table(["seed", "same snapshot"], rows)
    total = len(seed_bytes()) * len(reencodings(b""))
    section.summary = (
        f"{total - section.failures}/{total} re-encodings give the very snapshot of the UTF-8 seed"
    )
    return section


def truncation_section(step: int) -> Section:
    section = Section(
        f"Truncation (every {step} % of each seed, on a character boundary and inside a character)"
    )
    rows = []
    unmarked: dict[str, list[int]] = {}
    for name, data in seed_bytes().items():
        results = [judge_cut(cut, data) for cut in cut_points(name, data, range(step, 100, step))]
        verdicts = Counter(result.verdict for result in results)
        bad = [r.cut.percent for r in results if r.verdict not in HONEST]
        if bad:
            unmarked[name] = bad
        section.gaps += sum(r.verdict == "unmarked" for r in results)
        section.failures += verdicts["crash"]
        rows.append(
            [
                name,
                len(results),
                verdicts["complete"],
                verdicts["marked-truncated"],
                verdicts["clean-error"],
                verdicts["unmarked"],
                verdicts["crash"],
            ]
        )
    section.table(["seed", "cuts", "complete", "marked truncated", "clean error", "UNMARKED", "crash"], rows)
    cuts = sum(int(str(row[1])) for row in rows)
    section.summary = (
        f"{cuts} cuts: {cuts - section.gaps - section.failures} honest (complete, marked truncated or a clean "
        f"error), {section.gaps} unmarked{' (known layout gaps, below)' if section.gaps else ''}, "
        f"{section.failures} crashes"
    )
    for name, percents in unmarked.items():
        section.lines.append(
            f"- {name}: unmarked (a shorter snapshot without `truncated`) at {_ranges(percents)} %"
        )
    section.lines.append("")
    return section


def _ranges(numbers: Sequence[int]) -> str:
    spans: list[list[int]] = []
    for n in sorted(set(numbers)):
        if spans and n - spans[-1][-1] <= 1:
            spans[-1].append(n)
        else:
            spans.append([n])
    return ", ".join(f"{s[0]}–{s[-1]}" if len(s) > 1 else str(s[0]) for s in spans)


# --- crashes, concurrency, tampering ------------------------------------------------------------------------------


def crash_section(
    databases: Databases, engines: Sequence[EngineName], folder: Path, kills: int, seed: int, zygote: Zygote
) -> Section:
    section = Section("Crashes (SIGKILL during `ledger ingest`)")
    files = write_files(folder / "crash-files")
    shares = {"sqlite": 0.7, "postgres": 0.3} if len(engines) == 2 else {engines[0]: 1.0}
    rows, phases_rows = [], []
    for engine in engines:
        n = round(kills * shares[engine])
        cli = max(1, n // 10)
        plan = CrashPlan(timed=(n - cli) // 2, targeted=n - cli - (n - cli) // 2, cli=cli)
        campaign = crash_campaign(databases, folder, engine, files, plan, seed=seed, zygote=zygote)
        rows.append(_crash_row(campaign))
        phases = Counter(r.phase for r in campaign.results)
        phases_rows.append([engine, *(phases[p] for p in _PHASES)])
        failed = [r for r in campaign.results if r.problems or not r.completed]
        section.failures += len(failed)
        for result in failed[:5]:
            section.lines.append(
                f"- FAILED run {result.run} ({result.phase}): {result.problems} {result.mismatch}"
            )
    section.lines.append(
        f"Each run: a fresh ledger, {len(files)} files (the seeds, two second revisions, duplicate content, an "
        "unreadable file), one kill; then `verify` and the invariants, then the same ingest again, which must end "
        "with exactly what an uninterrupted run records (same publications, snapshots, revisions and event types "
        "in the same order)."
    )
    section.lines.append("")
    section.table(
        ["engine", "kills", "whole after the kill", "completed by the re-run", "uninterrupted run"], rows
    )
    section.lines.append("Where the kills landed (from each process's transaction trace):")
    section.lines.append("")
    section.table(["engine", *_PHASES], phases_rows)
    kills = sum(int(str(row[1])) for row in rows)
    inside = sum(int(str(row[2])) + int(str(row[3])) for row in phases_rows)
    section.summary = (
        f"{kills - section.failures}/{kills} kills survived: ledger whole, the re-run completed it exactly once "
        f"({inside} kills inside the schema migration or a publication's write transaction)"
    )
    return section


_PHASES = ("start-up", "migration", "write-transaction", "between", "finished", "cli-killed")


def _crash_row(campaign: CrashCampaign) -> list[object]:
    results = campaign.results
    return [
        campaign.engine,
        len(results),
        f"{sum(not r.problems for r in results)}/{len(results)}",
        f"{sum(r.completed for r in results)}/{len(results)}",
        f"{campaign.forked_seconds:.2f} s forked, {campaign.cli_seconds:.2f} s as a new `ledger` process",
    ]


def concurrency_section(
    databases: Databases, engines: Sequence[EngineName], folder: Path, rounds: int, seed: int, zygote: Zygote
) -> Section:
    section = Section("Concurrent writers")
    files = write_files(folder / "concurrency-files")
    rng = random.Random(seed)
    shapes = [(4, 0.75), (8, 1.0), (6, 0.5)]
    rows = []
    for engine in engines:
        for index in range(rounds):
            workers, share = shapes[index % len(shapes)]
            forked = index < rounds - 1  # the last round of each engine: fresh interpreters
            sets = overlapping_sets(files, workers, share, rng)
            result = concurrent_ingest(
                databases.scratch(engine),
                engine,
                sets,
                zygote=zygote if forked else None,
                folder=folder,
            )
            section.failures += not result.ok
            rows.append(
                [
                    engine,
                    workers,
                    "forked" if forked else "new interpreters",
                    sum(result.files_per_worker),
                    f"{result.publications}/{result.expected_publications}",
                    f"{len(result.snapshots)}/{len(result.expected_snapshots)}",
                    "yes" if result.ok else f"NO: {result.problems[:2]} {result.unexpected_errors[:2]}",
                    f"{result.seconds:.2f} s",
                ]
            )
    section.lines.append(
        "Each round starts its processes together on a fresh ledger (they also race to create the schema), each "
        "with its own shuffled share of the files. OK means: every publication stored once, every distinct content "
        "once per series, revisions 1..n without gaps in recording order, the chain verifies, no process failed "
        "on a lock, and each file was new to exactly one process."
    )
    section.lines.append("")
    section.table(
        ["engine", "processes", "started as", "ingests", "publications", "snapshots", "OK", "wall"], rows
    )
    most = max((int(str(row[1])) for row in rows), default=0)
    section.summary = (
        f"{len(rows) - section.failures}/{len(rows)} rounds of up to {most} simultaneous writers held: each "
        "publication once, revisions gapless, chain valid, no lock failure"
    )
    return section


def tamper_section(databases: Databases, engines: Sequence[EngineName], folder: Path) -> Section:
    section = Section("Tampering")
    counts: Counter[tuple[str, str]] = Counter()
    wrong = []
    for engine in engines:
        url = databases.new(engine)
        target = fill_tamper_ledger(url, folder / f"tamper-{engine}")
        with Ledger(url) as ledger, ledger.engine.connect() as connection:
            for attack in ATTACKS:
                result = run_attack(connection, attack, target)
                counts[(engine, result.caught_by)] += 1
                if result.caught_by != attack.detector:
                    wrong.append(
                        f"{engine}: {attack.name}: expected {attack.detector}, got {result.caught_by}"
                    )
    section.failures += len(wrong)
    groups = Counter(attack.group for attack in ATTACKS)
    section.lines.append(
        f"{len(ATTACKS)} attacks ({', '.join(f'{n} {g}' for g, n in groups.items())}) on each engine, with the "
        "append-only triggers dropped or disabled first, as an attacker with database access would:"
    )
    section.lines.append("")
    section.table(
        ["engine", "caught by verify", "caught by verify --digest only", "not detectable (by design)"],
        [[e, counts[(e, "verify")], counts[(e, "digest")], counts[(e, "by-design")]] for e in engines],
    )
    section.lines += [f"- UNEXPECTED {line}" for line in wrong]
    cases = len(ATTACKS) * len(engines)
    by_verify = sum(counts[(e, "verify")] for e in engines)
    by_digest = sum(counts[(e, "digest")] for e in engines)
    section.summary = (
        f"{cases} cases: {by_verify} caught by verify, {by_digest} (consistent rewrites) by verify --digest, "
        f"{cases - by_verify - by_digest} not detectable by design (a well-formed append); {len(wrong)} unexpected"
    )
    return section


def pytest_section(title: str, path: str, env: dict[str, str]) -> Section:
    section = Section(title)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", path],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **env},
        timeout=3600,
    )
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-300:]
    section.failures += done.returncode != 0
    section.summary = summary
    extra = ", ".join(f"{k}={v}" for k, v in env.items())
    section.lines.append(
        f"`pytest {path}`{f' ({extra})' if extra else ''}: {summary} ({time.monotonic() - started:.0f} s)"
    )
    section.lines.append("")
    return section


# --- main ---------------------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kills", type=int, default=200, help="crash runs in all (default 200)")
    parser.add_argument("--cut-step", type=int, default=1, help="truncation step in percent (default 1)")
    parser.add_argument("--rounds", type=int, default=6, help="concurrency rounds per engine (default 6)")
    parser.add_argument("--examples", type=int, default=1000, help="hypothesis examples per property")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 20 kills, 10 %% cuts, 2 rounds")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-write", action="store_true", help=f"print only; do not update {DOC.name}")
    args = parser.parse_args(argv)
    if args.quick:
        args.kills, args.cut_step, args.rounds, args.examples = 20, 10, 2, 100
    engines: list[EngineName] = ["sqlite"]
    postgres_note = "PostgreSQL: not run (--no-postgres)."
    if not args.no_postgres:
        problem = engine_available("postgres")
        if problem is None:
            engines.append("postgres")
            postgres_note = ""
        else:
            postgres_note = f"PostgreSQL: not run ({problem})."
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="reliability-") as tmp:
        folder = Path(tmp)
        seeds = folder / "seeds"
        seeds.mkdir()
        for name, data in seed_bytes().items():
            (seeds / name).write_bytes(data)
        databases = Databases(folder / "ledgers")
        (folder / "ledgers").mkdir()
        (folder / "bad").mkdir()
        zygote = Zygote()
        steps: list[Callable[[], Section]] = [
            lambda: bad_input_section(databases, engines, folder / "bad"),
            encoding_section,
            lambda: truncation_section(args.cut_step),
            lambda: crash_section(databases, engines, folder, args.kills, args.seed, zygote),
            lambda: concurrency_section(databases, engines, folder, args.rounds, args.seed, zygote),
            lambda: tamper_section(databases, engines, folder),
            lambda: pytest_section(
                "Properties (hypothesis)",
                "tests/reliability/test_properties.py",
                {"PROPERTY_EXAMPLES": str(args.examples)},
            ),
            lambda: pytest_section("Migrations", "tests/reliability/test_migration_safety.py", {}),
        ]
        sections = []
        try:
            for step in steps:
                section = step()
                print(section.markdown(), flush=True)
                sections.append(section)
        finally:
            zygote.close()
            databases.close()
    figures = _figures(sections, args, postgres_note, time.monotonic() - started)
    if not args.no_write:
        _write(figures)
    failures, gaps = sum(s.failures for s in sections), sum(s.gaps for s in sections)
    print(f"{failures} failures, {gaps} known gaps (unmarked truncation cuts)", file=sys.stderr)
    return 1 if failures else 0


def _figures(
    sections: Sequence[Section], args: argparse.Namespace, postgres_note: str, seconds: float
) -> str:
    command = "python scripts/reliability_report.py" + (" --quick" if args.quick else "")
    head = (
        f"Generated by `{command}` (seed {args.seed}) in {seconds / 60:.1f} minutes, "
        f"{time.strftime('%Y-%m-%d')}. {postgres_note}".rstrip()
    )
    summary = Section("Summary")
    summary.table(
        ["scenario", "result"], [[section.title.split(" (")[0], section.summary] for section in sections]
    )
    return "\n".join([head, "", summary.markdown(), *(section.markdown() for section in sections)])


def _write(figures: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(text):
        raise SystemExit(f"{DOC} has no {BEGIN} … {END} block to fill")
    DOC.write_text(pattern.sub(lambda _: f"{BEGIN}\n{figures}\n{END}", text), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
