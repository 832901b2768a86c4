"""Comparable versions across document kinds: what part of a department's year each kind of file carries.

A department's budget for a year (部门预算公开) is one version whatever files it came in: one combined disclosure
(``budget-disclosure``: tables and narrative), or a tables file (``budget-tables``, 预算公开表) and a narrative file
(``budget-narrative``, 部门预算说明). Each file is its own snapshot; for comparison, a year is seen as *facets*:

- ``tables``: the account tables — units, 预算整体情况 (budget_overview) and every account (收支总表 … 国有资产);
- ``narrative``: the text — 基本信息, goals, key tasks, projects, indicators, notices, and the totals a narrative
  states in sentences (:data:`NARRATIVE_ACCOUNTS`).

Two snapshots of different kinds are compared on the facets they share (a combined 2018 with a tables 2019: the
tables facet), each projected onto those facets with :func:`facet_view`, so what one kind of file never carries is not
reported as removed. Kinds outside the budget family (department-targets, project-targets …) are their own facet.
The rule is written up in ``docs/architecture.md`` ("Comparable versions across document kinds").
"""

from __future__ import annotations

from typing import Any

from ledger.model import Accounts, BasicInfo, BudgetOverview, Snapshot

#: The facets each document kind carries. A kind not listed carries one facet named after itself.
KIND_FACETS: dict[str, tuple[str, ...]] = {
    "budget-disclosure": ("tables", "narrative"),
    "budget-tables": ("tables",),
    "budget-narrative": ("narrative",),
}

#: The account fields a narrative states in sentences (收入预算总计 …, 机关运行经费 …): its part of ``accounts``.
NARRATIVE_ACCOUNTS = (
    "income_total",
    "expenditure_total",
    "current_year_income",
    "current_year_expenditure",
    "carry_over",
    "basic_expenditure",
    "project_expenditure",
    "operating_costs",
)

#: Top-level fields of each facet (``department``, ``fiscal_year``, ``document_kind`` and ``warnings`` belong to all).
_FACET_FIELDS: dict[str, frozenset[str]] = {
    "tables": frozenset({"units", "budget_overview", "accounts"}),
    "narrative": frozenset(
        {"basic_info", "accounts", "goals", "key_tasks", "projects", "indicators", "notices"}
    ),
}
_EMPTY: dict[str, Any] = {
    "units": [],
    "basic_info": BasicInfo(),
    "budget_overview": BudgetOverview(),
    "accounts": None,
    "goals": [],
    "key_tasks": [],
    "projects": [],
    "indicators": [],
    "notices": [],
}


def facets_of(kind: str) -> tuple[str, ...]:
    return KIND_FACETS.get(kind, (kind,))


def common_facets(old_kind: str, new_kind: str) -> tuple[str, ...]:
    """The facets two kinds share, in the order of ``new_kind``'s (empty: the two are not comparable)."""
    old = set(facets_of(old_kind))
    return tuple(facet for facet in facets_of(new_kind) if facet in old)


def facet_label(facets: tuple[str, ...]) -> str:
    return "+".join(facets)


def facet_view(snapshot: Snapshot, facets: tuple[str, ...]) -> Snapshot:
    """``snapshot`` with only the fields of ``facets``, the rest emptied: both sides of a comparison across kinds
    are projected, so each shows only what both kinds of file carry."""
    keep = frozenset().union(*(_FACET_FIELDS.get(facet, frozenset(_EMPTY)) for facet in facets))
    update: dict[str, Any] = {name: empty for name, empty in _EMPTY.items() if name not in keep}
    if "accounts" in keep and "tables" not in facets and snapshot.accounts is not None:
        update["accounts"] = _stated_totals(snapshot.accounts)
    return snapshot.model_copy(update=update)


def _stated_totals(accounts: Accounts) -> Accounts:
    return Accounts(**{name: getattr(accounts, name) for name in NARRATIVE_ACCOUNTS})
