"""The diff engine (SPEC §6): year-over-year, revision and reparse comparisons of canonical snapshots.

result = diff_snapshots(old, new, scope="yoy")          # align, compare, detect
result.filter(entity=["project"], min_pct=Decimal(10))   # a narrower view
to_markdown(result), to_csv(result), to_json(result)     # renderings (strings)
"""

from __future__ import annotations

from ledger.diff.engine import diff_snapshots, scope_between
from ledger.diff.export import to_csv, to_json, to_markdown, to_xlsx
from ledger.diff.records import Change, Detection, DiffResult, DiffSummary, Scope

__all__ = [
    "Change",
    "Detection",
    "DiffResult",
    "DiffSummary",
    "Scope",
    "diff_snapshots",
    "scope_between",
    "to_csv",
    "to_json",
    "to_markdown",
    "to_xlsx",
]
