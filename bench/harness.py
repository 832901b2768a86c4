"""What every benchmark script shares: repeated timing with medians, the machine it ran on, and its report.

A report is printed as plain text tables and, with ``--json PATH``, written as JSON (the machine, the command line,
the time, and each table's rows), so ``docs/BENCHMARKS.md`` can cite numbers that a rerun reproduces.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shlex
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "budget-ledger",
    "SQLAlchemy",
    "sqlmodel",
    "pydantic",
    "alembic",
    "deepdiff",
    "rfc8785",
    "rapidfuzz",
    "typer",
    "rich",
    "psycopg",
    "openpyxl",
    "python-docx",
    "pdfplumber",
    "git-history",
)


@dataclass(frozen=True)
class Timing:
    """Seconds per run over ``runs`` repetitions (after the warm-up runs, which are not counted)."""

    runs: int
    median: float
    minimum: float
    maximum: float

    @property
    def median_ms(self) -> float:
        return self.median * 1000

    def as_dict(self) -> dict[str, float | int]:
        return {
            "runs": self.runs,
            "median_ms": round(self.median * 1000, 3),
            "min_ms": round(self.minimum * 1000, 3),
            "max_ms": round(self.maximum * 1000, 3),
        }


def measure(action: Callable[[], object], *, repeat: int, warmup: int = 1) -> Timing:
    """Run ``action`` ``warmup`` times untimed, then ``repeat`` times timed; the median is what reports cite."""
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return Timing(len(samples), statistics.median(samples), min(samples), max(samples))


def timing_of(samples: Sequence[float]) -> Timing:
    return Timing(len(samples), statistics.median(samples), min(samples), max(samples))


def machine() -> dict[str, Any]:
    """The machine and software a result was measured on."""
    return {
        "cpu": _cpu_model(),
        "nproc": os.cpu_count(),
        "memory_gb": _memory_gb(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load_average": _load_average(),
        "packages": {name: _version(name) for name in PACKAGES},
        "checkout": _CHECKOUT,
        "source_digest": _SOURCE_DIGEST,
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _load_average() -> list[float] | None:
    """1/5/15-minute load averages when the report is written: a busy machine makes every number slower."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _checkout() -> str | None:
    """The commit of the checkout, with ``+dirty`` when the working tree has uncommitted changes (read-only git)."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return commit + ("+dirty" if dirty else "")


def source_digest() -> str:
    """SHA-256 (12 hex digits) of the library and CLI sources as measured, committed or not: two reports with the
    same digest measured the same code."""
    digest = hashlib.sha256()
    for path in sorted(
        [*ROOT.glob("ledger/**/*.py"), *ROOT.glob("cli/**/*.py"), *ROOT.glob("migrations/**/*.py")]
    ):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


#: Both taken when the benchmark starts (this module is imported first), so a report names the code it loaded even
#: if the sources or the checkout change while a long run goes on.
_SOURCE_DIGEST = source_digest()
_CHECKOUT = _checkout()


def postgres_version(url: str) -> str | None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return str(connection.execute(text("SHOW server_version")).scalar())
    except Exception:  # noqa: BLE001 - a missing server is reported, not raised
        return None
    finally:
        engine.dispose()


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *values: Any) -> None:
        self.rows.append(list(values))


@dataclass
class Report:
    """One script's results: tables plus free notes (what was and was not included)."""

    name: str
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def table(self, title: str, columns: Sequence[str]) -> Table:
        table = Table(title, list(columns))
        self.tables.append(table)
        return table

    def note(self, text: str) -> None:
        self.notes.append(text)

    def render(self) -> str:
        out = [f"== {self.name}"]
        for table in self.tables:
            out.append("")
            out.append(f"-- {table.title}")
            out.extend(_format_rows([table.columns, *[[_cell(v) for v in row] for row in table.rows]]))
            out.extend(f"   {note}" for note in table.notes)
        if self.notes:
            out.append("")
            out.extend(f"note: {note}" for note in self.notes)
        return "\n".join(out) + "\n"

    def as_dict(self) -> dict[str, Any]:
        return {
            "benchmark": self.name,
            "command": command_line(),
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "tables": [
                {"title": t.title, "columns": t.columns, "rows": t.rows, "notes": t.notes}
                for t in self.tables
            ],
            "notes": self.notes,
            **self.extra,
        }


def command_line() -> str:
    """How to rerun this script: ``python -m bench.NAME ARGS`` (``sys.argv[0]`` is the file under ``-m``)."""
    script = Path(sys.argv[0])
    head = f"-m bench.{script.stem}" if script.parent == Path(__file__).parent else str(script)
    return " ".join(["python", head, *(shlex.quote(a) for a in sys.argv[1:])])


def _cell(value: Any) -> str:
    if isinstance(value, float | int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _format_rows(rows: list[list[Any]]) -> list[str]:
    widths = [max(_width(str(row[i])) for row in rows if i < len(row)) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [str(v) + " " * (widths[i] - _width(str(v))) for i, v in enumerate(row)]
        lines.append("   " + "  ".join(cells).rstrip())
        if n == 0:
            lines.append("   " + "  ".join("-" * w for w in widths))
    return lines


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in text)


def arguments(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--quick", action="store_true", help="the tiniest sizes (a smoke run, not a measurement)"
    )
    parser.add_argument("--json", type=Path, help="also write the report as JSON to this file")
    return parser


def finish(report: Report, json_path: Path | None) -> None:
    sys.stdout.write(report.render())
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=2, default=str) + "\n")
