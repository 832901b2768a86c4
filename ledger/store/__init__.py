"""The store: the database, its schema, the hash-chained event log, departments and their aliases, verification.

:mod:`.catalog` (re-exported here) opens a ledger and finds publications, departments and snapshots; :mod:`.schema`
holds the tables; :mod:`.events` appends to and reads the event chain; :mod:`.verify` recomputes every hash;
:mod:`.departments` keeps aliases. The store knows nothing of parsing, diffs or findings.
"""

from ledger.store.catalog import (
    Ledger,
    Series,
    add_publication,
    add_snapshot,
    canonical_department,
    current_counts_by_department,
    current_snapshots,
    department_by_name,
    department_name,
    departments_matching,
    describe,
    find_in_series_by_hash,
    find_publication,
    latest_of,
    list_snapshots,
    load_snapshot,
    next_revision,
    resolve_ref,
    series_of,
    with_canonical_department,
)

__all__ = [
    "Ledger",
    "find_publication",
    "add_publication",
    "department_by_name",
    "canonical_department",
    "with_canonical_department",
    "departments_matching",
    "Series",
    "series_of",
    "next_revision",
    "find_in_series_by_hash",
    "add_snapshot",
    "load_snapshot",
    "current_snapshots",
    "current_counts_by_department",
    "list_snapshots",
    "latest_of",
    "department_name",
    "describe",
    "resolve_ref",
]
