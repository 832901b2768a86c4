"""Parser warnings that are findings in their own right: a truncated document and placeholder indicator rows.

A layout parser reports what it could not read as fact in :attr:`Snapshot.warnings`; two of those describe the
*publication*, not the parser, and an auditor must see them among the findings:

- ``truncated`` (the document stops mid-table, like Laoting's) → ``truncated-document``, an ``error``: everything
  after the cut is missing from the publication itself;
- ``placeholder-indicator`` and ``indicator-without-name`` (template rows such as ``指标 5:`` left unfilled, left
  out of the snapshot by the parser) → ``placeholder-indicator``, a ``warning``.
"""

from __future__ import annotations

from ledger.findings.finding import Finding, Severity, make_key
from ledger.model import ParseWarning, Snapshot
from ledger.model.names import normalise_name

TRUNCATED_RULE = "truncated-document"
PLACEHOLDER_RULE = "placeholder-indicator"

#: Warning code → (finding rule, severity).
WARNING_RULES: dict[str, tuple[str, Severity]] = {
    "truncated": (TRUNCATED_RULE, "error"),
    "placeholder-indicator": (PLACEHOLDER_RULE, "warning"),
    "indicator-without-name": (PLACEHOLDER_RULE, "warning"),
}


def find(snapshot: Snapshot) -> list[Finding]:
    return [finding for warning in snapshot.warnings if (finding := from_warning(warning)) is not None]


def from_warning(warning: ParseWarning) -> Finding | None:
    mapped = WARNING_RULES.get(warning.code)
    if mapped is None:
        return None
    rule, severity = mapped
    # A truncated document is one problem of the whole publication, wherever the cut falls in this version.
    identity = "document" if rule == TRUNCATED_RULE else f"where:{normalise_name(warning.where)}"
    return Finding(
        rule=rule,
        severity=severity,
        message=warning.message.strip() or f"the parser reported {warning.code}",
        location=warning.where.strip() or "document",
        key=make_key(rule, identity),
        facts={"warning": warning.code},
    )
