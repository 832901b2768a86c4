"""Merging and splitting departments after the fact (``ledger alias add`` / ``ledger alias remove``).

The department rows change (:mod:`ledger.departments`, an event each) and, when that changes which snapshots are one
department's history, that history is derived again in the same transaction: the year-over-year diffs, lineages and
findings of the merged (or split) departments, so every query sees the departments as they now stand.
"""

from __future__ import annotations

from sqlmodel import Session

from ledger.pipeline.derive import rederive_departments
from ledger.store import departments
from ledger.store.departments import AliasOutcome, SplitOutcome


def add_alias(session: Session, alias: str, canonical: str) -> AliasOutcome:
    """Declare ``alias`` another name of ``canonical``; a merge re-derives the merged history."""
    outcome = departments.add_alias(session, alias, canonical)
    if outcome.regrouped:
        rederive_departments(session, outcome.regrouped)
    return outcome


def remove_alias(session: Session, name: str) -> SplitOutcome:
    """Undo an alias; a split re-derives both departments' histories."""
    outcome = departments.remove_alias(session, name)
    if outcome.regrouped:
        rederive_departments(session, outcome.regrouped)
    return outcome
