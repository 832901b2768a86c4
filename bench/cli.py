"""CLI cold start (docs/architecture.md §9): whole-process time of ``ledger --help`` and ``ledger snapshots``, and where it goes.

Each command is run as a fresh process (``--runs`` times, median reported), with hyperfine as a cross-check when it
is installed. ``python -X importtime`` then shows which imports ``ledger --help`` pays for: the report lists the
costliest top-level packages and the ``ledger``/``cli`` modules that pull them in.

    python -m bench.cli [--quick] [--runs 20] [--db bench/out/ledger-10k.db]
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.harness import ROOT, Report, arguments, finish

LEDGER = str(Path(sys.executable).with_name("ledger"))
TARGET_HELP_MS = 300.0
_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)$")


def run_times(command: list[str], runs: int, env: dict[str, str]) -> list[float]:
    samples = []
    for _ in range(runs + 1):  # the first run warms the file cache and is dropped
        start = time.perf_counter()
        subprocess.run(
            command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
        )
        samples.append(time.perf_counter() - start)
    return samples[1:]


def hyperfine_median(command: list[str], runs: int, env: dict[str, str]) -> float | None:
    binary = shutil.which("hyperfine")
    if binary is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "hf.json"
        shell_command = " ".join(_quote(a) for a in command)
        subprocess.run(
            [binary, "--warmup", "2", "--runs", str(runs), "-N", "--export-json", str(out), shell_command],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )
        result: dict[str, Any] = json.loads(out.read_text())
    return float(result["results"][0]["median"])


def _quote(arg: str) -> str:
    return arg if re.fullmatch(r"[\w@./:=-]+", arg) else "'" + arg.replace("'", "'\\''") + "'"


def import_costs(command: list[str], env: dict[str, str]) -> tuple[dict[str, int], dict[str, int]]:
    """From ``-X importtime``: the import time (µs) each package costs on its own (the self time of all its
    modules), and the cumulative time of each ledger/ledger_cli module (what it pulls in)."""
    process = subprocess.run(
        [sys.executable, "-X", "importtime", *command],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    packages: dict[str, int] = defaultdict(int)
    own: dict[str, int] = {}
    for line in process.stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if not match:
            continue
        self_time, cumulative, name = int(match.group(1)), int(match.group(2)), match.group(4)
        root = name.lstrip("_").split(".")[0]
        packages[root] += self_time
        if root in ("ledger", "ledger_cli"):
            own[name] = cumulative
    return dict(packages), own


def import_tables(report: Report, label: str, command: list[str], env: dict[str, str]) -> None:
    packages, own = import_costs(command, env)
    top = report.table(
        f"imports paid by `{label}` (python -X importtime, one run): self time per package, ms",
        ["package", "ms"],
    )
    for name, micros in sorted(packages.items(), key=lambda kv: -kv[1])[:15]:
        top.add(name, round(micros / 1000, 1))
    top.notes.append(f"all imports: {sum(packages.values()) / 1000:.1f} ms")
    mine = report.table(f"ledger / cli modules imported by `{label}`: cumulative ms", ["module", "ms"])
    for name, micros in sorted(own.items(), key=lambda kv: -kv[1])[:15]:
        mine.add(name, round(micros / 1000, 1))


def sample_ledger(folder: Path, env: dict[str, str]) -> Path:
    path = folder / "samples.db"
    subprocess.run(
        [LEDGER, "--db", str(path), "ingest", str(ROOT / "samples" / "seeds")],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return path


def main(argv: list[str] | None = None) -> int:
    parser = arguments("CLI cold start.")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--db", action="append", default=[], help="also time `ledger snapshots` on this ledger"
    )
    args = parser.parse_args(argv)
    runs = 2 if args.quick else args.runs
    env = {k: v for k, v in os.environ.items() if k != "LEDGER_DB"}
    report = Report("cli cold start")
    with tempfile.TemporaryDirectory() as folder:
        samples_db = sample_ledger(Path(folder), env)
        commands: list[tuple[str, list[str]]] = [
            ("python -c pass (interpreter alone)", [sys.executable, "-c", "pass"]),
            ("ledger --help", [LEDGER, "--help"]),
            ("ledger snapshots (5 samples)", [LEDGER, "--db", str(samples_db), "snapshots"]),
        ]
        for db in args.db:
            commands.append((f"ledger snapshots ({Path(db).name})", [LEDGER, "--db", db, "snapshots"]))
        table = report.table(
            f"whole-process time (ms, median of {runs} runs after one warm-up)",
            ["command", "median", "min", "max", "hyperfine median"],
        )
        for label, command in commands:
            samples = run_times(command, runs, env)
            hyperfine = None if args.quick else hyperfine_median(command, runs, env)
            table.add(
                label,
                round(statistics.median(samples) * 1000, 1),
                round(min(samples) * 1000, 1),
                round(max(samples) * 1000, 1),
                round(hyperfine * 1000, 1) if hyperfine is not None else "-",
            )
        table.notes.append(f"target: `ledger --help` under {TARGET_HELP_MS:.0f} ms")
        import_tables(report, "ledger --help", [LEDGER, "--help"], env)
        import_tables(report, "ledger snapshots", [LEDGER, "--db", str(samples_db), "snapshots"], env)
    finish(report, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
