"""Run one reading of a hostile file in a fresh interpreter and measure it: wall time, peak RSS, the one line.

The reader runs in a child so that its peak memory is its own (the child's ``VmHWM``, not pytest's), and so
that a regression that eats memory kills a child, not the test run (``RLIMIT_AS`` caps it).
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT

_CHILD = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
from ledger.readers import read_document
from ledger.errors import LedgerError
data = open(sys.argv[1], "rb").read()
started = time.monotonic()
try:
    read_document(data, sys.argv[1])
    error = None
except LedgerError as exc:
    error = str(exc)
elapsed = time.monotonic() - started
# VmHWM, not ru_maxrss: ru_maxrss keeps the RSS of the forked parent (pytest's) across exec, VmHWM is this image's
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({{"error": error, "seconds": elapsed, "rss_mb": int(peak.split()[1]) / 1024}}))
"""

#: Address space a child may use at most: a reader that ignores its limits dies here instead of taking the machine.
ADDRESS_SPACE_CAP = 2 * 1024**3


@dataclass(frozen=True)
class Measured:
    error: str | None
    seconds: float
    rss_mb: float


def read_in_child(path: Path, env: dict[str, str] | None = None, timeout_s: float = 120.0) -> Measured:
    """Read ``path`` with :func:`ledger.readers.read_document` in a child; what it raised, how long, how much."""
    completed = subprocess.run(
        [sys.executable, "-c", _CHILD.format(cap=ADDRESS_SPACE_CAP), str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        env=env,
        check=False,
    )
    if completed.returncode != 0:
        raise AssertionError(f"reader child failed ({completed.returncode}): {completed.stderr[-2000:]}")
    found = json.loads(completed.stdout.strip().splitlines()[-1])
    return Measured(found["error"], found["seconds"], found["rss_mb"])
