"""The bundled demonstration: ingest the sample publications and pick one revision and one year-over-year pair.

The samples are the five real 2024 seeds plus derived versions (``samples/README.md`` lists every planted edit):
a second publication of Haigang 2024, Haigang 2025 and Laoting 2023.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ledger.errors import LedgerError
from ledger.pipeline.ingest import IngestOutcome, ingest_paths
from ledger.query.comparisons import Comparison, compare_refs, year_over_year
from ledger.store import Ledger

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
_FOLDERS = ("seeds", "haigang", "laoting", "gaoxin")


@dataclass(frozen=True)
class DemoResult:
    outcomes: list[IngestOutcome]
    revision: Comparison
    year_over_year: Comparison


def sample_paths(root: Path = SAMPLES) -> list[Path]:
    """The sample publications in ingest order (seeds first), or an error saying where they were looked for."""
    paths = [p for folder in _FOLDERS for p in sorted((root / folder).glob("*.txt"))]
    if not paths:
        raise LedgerError(
            f"no sample publications under {root} (the demo runs from a checkout of the project)"
        )
    return paths


def run_demo(ledger: Ledger, root: Path = SAMPLES) -> DemoResult:
    outcomes = ingest_paths(ledger, sample_paths(root))
    with ledger.read() as session:
        revision = compare_refs(session, "海港区@2024r1", "海港区@2024r2")
        [yoy] = year_over_year(session, "乐亭县", 2024)
    return DemoResult(outcomes=outcomes, revision=revision, year_over_year=yoy)
