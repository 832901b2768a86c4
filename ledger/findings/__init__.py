"""Audit findings (docs/architecture.md §7): what an auditor should look at in one snapshot, and what changed between two versions.

:func:`find` runs every rule over a snapshot; each rule is a small function in a module of its family:

- ``totals-mismatch`` — a total its parts do not add up to (合计不符): :mod:`.totals`
- ``cost-exceeds-budget`` — a 成本指标 above the project's 预算数: :mod:`.costs`
- ``placeholder-indicator`` — a template row left unfilled (``指标 5:``): :mod:`.parse_warnings`
- ``empty-indicator`` — indicators kept without 指标值 or a real name: :mod:`.indicators`
- ``duplicate-indicator`` — the same 三级指标 twice in one table: :mod:`.indicators`
- ``unit-mismatch`` — a count in 万元; 元 where 万元 is meant, or the reverse: :mod:`.indicators`
- ``stale-year-reference`` — target text naming a year before the fiscal year: :mod:`.stale`
- ``spending-plan-incomplete`` / ``spending-plan-decreasing`` — a 资金支出计划 that does not end at 100 %, or
  whose cumulative share falls: :mod:`.spending`
- ``carry-over-unreconciled`` — 上年结转结余 ≠ the projects coded for earlier years: :mod:`.unreconciled_carry_over`
- ``truncated-document`` — the publication stops mid-table: :mod:`.parse_warnings`
- ``result-contradicts-target`` / ``score-above-weight`` / ``execution-rate-mismatch`` — a self-evaluation whose
  own figures contradict what it reports: :mod:`.self_evaluation`
- ``claim-disagrees-with-tables`` / ``claim-disagrees-with-last-year`` / ``claim-arithmetic-off`` /
  ``claim-unmatched`` — a claim of the 预算情况说明 its tables, last year's tables or its own figures contradict,
  or that names no table line: :mod:`.claim_checks` (these need the tables of the same year and of last year,
  which the pipeline hands in)

:func:`compare` tells new, resolved and persisting findings apart by their ``key`` (rule + place, never wording).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from pydantic import BaseModel, ConfigDict, Field

from ledger.findings import (
    claim_checks,
    costs,
    indicators,
    parse_warnings,
    self_evaluation,
    spending,
    stale,
    totals,
    unreconciled_carry_over,
)
from ledger.findings.finding import FINDINGS_SCHEMA, SEVERITIES, Finding, Severity, severity_rank
from ledger.model import Snapshot

__all__ = [
    "FINDINGS_SCHEMA",
    "RULES",
    "SEVERITIES",
    "FindingsComparison",
    "Finding",
    "Severity",
    "compare",
    "find",
]

Rule = Callable[[Snapshot], list[Finding]]

#: Every rule, in the order findings are reported within one severity.
RULES: tuple[Rule, ...] = (
    parse_warnings.find,
    totals.find,
    costs.find,
    unreconciled_carry_over.find,
    indicators.find_unit_mismatches,
    spending.find,
    indicators.find_empty,
    indicators.find_duplicates,
    stale.find,
    self_evaluation.find,
)


def find(
    snapshot: Snapshot, *, tables: Snapshot | None = None, previous_year: Snapshot | None = None
) -> list[Finding]:
    """Every finding of ``snapshot``: the most severe first, then in rule order, then in document order.

    ``tables`` are the tables of the same department and year when ``snapshot`` is a narrative published apart
    from them; ``previous_year`` last year's tables. The narrative's claims are checked against both.

    Keys are unique within the result: where two findings would share one (the same rule at two places that have
    the same identity, e.g. two indicators with the same name and path), the later ones in document order get
    ``#2``, ``#3``.
    """
    claims = claim_checks.find(snapshot, tables=tables, previous=previous_year)
    found = _unique_keys([*(finding for rule in RULES for finding in rule(snapshot)), *claims])
    ordered = sorted(enumerate(found), key=lambda item: (severity_rank(item[1].severity), item[0]))
    return [finding for _, finding in ordered]


def _unique_keys(findings: Iterable[Finding]) -> list[Finding]:
    seen: dict[str, int] = {}
    unique: list[Finding] = []
    for finding in findings:
        count = seen.get(finding.key, 0) + 1
        seen[finding.key] = count
        unique.append(finding if count == 1 else finding.model_copy(update={"key": f"{finding.key}#{count}"}))
    return unique


class FindingsComparison(BaseModel):
    """Findings of an older and a newer version, told apart by key. ``persisting`` holds the newer findings."""

    model_config = ConfigDict(extra="forbid")

    new: list[Finding] = Field(default_factory=list)
    resolved: list[Finding] = Field(default_factory=list)
    persisting: list[Finding] = Field(default_factory=list)


def compare(old_findings: Sequence[Finding], new_findings: Sequence[Finding]) -> FindingsComparison:
    """New (only in the newer version), resolved (only in the older) and persisting (in both) findings."""
    old_keys = {finding.key for finding in old_findings}
    new_keys = {finding.key for finding in new_findings}
    return FindingsComparison(
        new=[f for f in new_findings if f.key not in old_keys],
        resolved=[f for f in old_findings if f.key not in new_keys],
        persisting=[f for f in new_findings if f.key in old_keys],
    )
