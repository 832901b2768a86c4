"""The diff engine: year-over-year, revision and reparse comparisons of canonical snapshots (docs/architecture.md).

result = diff_snapshots(old, new, scope="yoy")          # align, compare, detect
result.filter(entity=["project"], min_pct=Decimal(10))   # a narrower view

Renderings (Markdown, CSV, JSON, XLSX) are in :mod:`ledger.report.diff_formats`. The engine is a pure function of
two snapshots: it never reads the database.
"""

from __future__ import annotations

from ledger.diff.engine import diff_snapshots, scope_between
from ledger.diff.records import Change, Detection, DiffResult, DiffSummary, Scope

__all__ = [
    "Change",
    "Detection",
    "DiffResult",
    "DiffSummary",
    "Scope",
    "diff_snapshots",
    "scope_between",
]
