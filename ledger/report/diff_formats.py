"""Renderings of a :class:`~ledger.diff.records.DiffResult`: JSON, CSV, Markdown and XLSX (docs/architecture.md §6).

Each function returns the document (text, or bytes for XLSX) and prints nothing. In JSON, CSV and Markdown, money
and percentages are exact decimal strings (``828.39``, ``7.10``); the XLSX holds them as numbers (Decimals handed to
openpyxl, never a float computed here).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal

from ledger.diff.records import (
    ENTITY_KINDS,
    ENTITY_LABELS,
    SCOPE_LABELS,
    Change,
    ChangeValue,
    Detection,
    DiffResult,
    Totals,
)
from ledger.model.canonical import decimal_text, to_jsonable
from ledger.report.workbook import diff_sheets, snapshot_name
from ledger.report.writers import csv_text
from ledger.report.writers import to_xlsx as write_xlsx

__all__ = ["to_csv", "to_json", "to_markdown", "to_xlsx"]

_KIND_LABELS = {"added": "新增", "removed": "删除", "modified": "修改", "renamed": "更名", "moved": "移动"}
_DIRECTION_LABELS = {
    "tightened": "收紧",
    "loosened": "放宽",
    "unit-changed": "单位变化",
    "qualitative": "定性变化",
    "changed": "变化",
}


def to_json(result: DiffResult, *, indent: int | None = 2) -> str:
    """The whole result as JSON (the ``ledger.diff/1`` shape: scope, old, new, summary, changes, detections)."""
    return json.dumps(to_jsonable(result), ensure_ascii=False, indent=indent) + "\n"


def cell_text(value: ChangeValue | Decimal | Iterable[str]) -> str:
    """One value as table text: Decimals exact, lists joined with ``; ``, ``None`` empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, int | str):
        return str(value)
    return "; ".join(str(item) for item in value)


def to_csv(
    result: DiffResult, *, old: str | None = None, new: str | None = None, headers: bool = True
) -> str:
    """The change records as CSV: exactly the 变更 sheet that ``--to FILE.csv`` writes (Chinese headers, codes
    translated, formula-like texts neutralised), without the byte-order mark a file gets. ``old``/``new`` name the
    sides (default: department, year and kind)."""
    sides = (old or snapshot_name(result, "old"), new or snapshot_name(result, "new"), result)
    return csv_text(diff_sheets([sides])["changes"], "changes", headers=headers)


# ---------------------------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------------------------


def _md(text: str, limit: int | None = None) -> str:
    """A table cell: one line, pipes escaped, long texts cut with an ellipsis."""
    flat = " ".join(text.split())
    if limit is not None and len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    return flat.replace("|", "\\|")


def _signed(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = decimal_text(value)
    return text if text.startswith("-") or text == "0" else f"+{text}"


def _percent(value: Decimal | None) -> str:
    """A percentage as computed (two places: ``+0.60%``), signed."""
    if value is None:
        return ""
    text = format(value, "f")
    return (text if value < 0 else f"+{text}") + "%"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _totals_row(name: str, totals: Totals) -> list[str]:
    return [
        name,
        cell_text(totals.old),
        cell_text(totals.new),
        _signed(totals.delta),
        _percent(totals.pct),
    ]


def stat_lines(result: DiffResult) -> list[str]:
    """``ledger diff --stat``: one line per entity kind with its counts by change kind, then the total and the
    budget totals (万元) — one screen whatever the size of the diff."""
    lines = []
    for kind in ENTITY_KINDS:
        changes = [change for change in result.changes if change.entity == kind]
        if not changes:
            continue
        counts = ", ".join(
            f"{sum(1 for c in changes if c.change == name)} {name}"
            for name in ("added", "removed", "modified", "renamed", "moved")
            if any(c.change == name for c in changes)
        )
        lines.append(f" {kind:<22} {len(changes):>5}  {counts}")
    summary = result.summary
    lines.append(
        f" {summary.total} changes: {summary.added} added, {summary.removed} removed, {summary.modified} modified,"
        f" {summary.renamed} renamed, {summary.moved} moved"
    )
    for name, totals in (
        ("budget 支出总计", summary.budget),
        ("projects 项目预算数", summary.project_budget),
    ):
        if totals.old is not None or totals.new is not None:
            lines.append(
                f" {name}: {cell_text(totals.old) or '-'} → {cell_text(totals.new) or '-'} 万元"
                + (
                    f" ({', '.join(filter(None, (_signed(totals.delta), _percent(totals.pct))))})"
                    if totals.delta is not None
                    else ""
                )
            )
    return lines


def summary_lines(result: DiffResult) -> list[str]:
    """The heading and the totals (counts by change kind, budget totals) of a Markdown report."""
    old, new, summary = result.old, result.new, result.summary
    if result.scope in ("cross-department", "cross-kind"):
        title = (
            f"# {old.department} {old.fiscal_year} vs {new.department} {new.fiscal_year}"
            f" ({SCOPE_LABELS[result.scope]})"
        )
    else:
        title = f"# {new.department}: {old.fiscal_year} → {new.fiscal_year} ({result.scope})"
    lines = [
        title,
        "",
        f"- old: {old.department} {old.fiscal_year} {old.document_kind}"
        + (f" `{old.snapshot_hash[:12]}`" if old.snapshot_hash else ""),
        f"- new: {new.department} {new.fiscal_year} {new.document_kind}"
        + (f" `{new.snapshot_hash[:12]}`" if new.snapshot_hash else ""),
        f"- changes: {summary.total} (added {summary.added}, removed {summary.removed}, modified {summary.modified},"
        f" renamed {summary.renamed}, moved {summary.moved})",
        "",
    ]
    lines += _table(
        ["total 合计", "old", "new", "Δ", "Δ%"],
        [
            _totals_row("budget 支出总计", summary.budget),
            _totals_row("projects 项目预算数", summary.project_budget),
        ],
    )
    return lines


def to_markdown(result: DiffResult, *, text_limit: int = 60) -> str:
    """A report for people: totals first, then one table per entity kind, then the detections.

    Long texts are cut at ``text_limit`` characters (the JSON and CSV keep them whole).
    """
    lines = summary_lines(result)
    for note in result.notes:
        lines += ["", f"> {note}"]
    for kind in ENTITY_KINDS:
        changes = [change for change in result.changes if change.entity == kind]
        if not changes:
            continue
        lines += ["", f"## {ENTITY_LABELS[kind]} ({kind}) — {len(changes)}", ""]
        explained = _explained(changes)  # the column of the department's own explanation, when it gives one
        header = ["label", "change", "field", "old", "new", "Δ", "Δ%", "direction", "matched by", "tags"]
        lines += _table(
            header + (["stated 说明"] if explained else []),
            (_change_row(change, text_limit, explained) for change in changes),
        )
    if result.programs:
        lines += ["", f"## Programs 资金项目 — {len(result.programs)}", ""]
        lines += _table(
            ["program", "allocations", "summary"],
            (
                [
                    _md(chain.program, text_limit),
                    _md("; ".join(f"{a.fund_year} {a.notice} {a.status}" for a in chain.allocations)),
                    _md(chain.summary),
                ]
                for chain in result.programs
            ),
        )
    if result.detections:
        lines += ["", f"## Detections — {len(result.detections)}", ""]
        lines += _table(
            ["code", "where", "message"], (_detection_row(d, text_limit) for d in result.detections)
        )
    return "\n".join(lines) + "\n"


def stated_text(change: Change) -> str:
    """What the budget explanation says about a change: ``stated +790.44 (+17.83%): 政策性增资…``; empty if nothing."""
    if change.stated_delta is None and change.stated_reason is None:
        return ""
    figures = _signed(change.stated_delta) + (
        f" ({_percent(change.stated_pct)})" if change.stated_pct else ""
    )
    reason = f": {change.stated_reason}" if change.stated_reason else ""
    return f"stated {figures}{reason}".replace("stated :", "stated:")


def _explained(changes: Sequence[Change]) -> bool:
    return any(stated_text(change) for change in changes)


def _change_row(change: Change, limit: int, explained: bool = False) -> list[str]:
    return [
        _md(change.label, limit),
        f"{change.change} {_KIND_LABELS[change.change]}",
        _md(change.field_label or change.field or ""),
        _md(cell_text(change.old), limit),
        _md(cell_text(change.new), limit),
        _signed(change.delta),
        _percent(change.pct),
        f"{change.direction} {_DIRECTION_LABELS[change.direction]}" if change.direction else "",
        (change.matched_by or "") + (f" ({cell_text(change.score)})" if change.score is not None else ""),
        _md(", ".join(change.tags)),
        *([_md(stated_text(change), limit * 2)] if explained else []),
    ]


def _detection_row(detection: Detection, limit: int) -> list[str]:
    return [detection.code, _md(detection.where, limit), _md(detection.message, limit * 2)]


# ---------------------------------------------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------------------------------------------


def to_xlsx(result: DiffResult) -> bytes:
    """The workbook of :func:`ledger.report.workbook.diff_sheets`: 汇总, 变更 and 检测, written by the shared writer of
    :mod:`ledger.report.writers` (Chinese headers, frozen header row, amounts as numbers in the ``0.00`` format).

    The sides are named by department, year and document kind; ``ledger diff --to`` names them by ledger reference.
    """
    buffer = io.BytesIO()
    write_xlsx(diff_sheets([(snapshot_name(result, "old"), snapshot_name(result, "new"), result)]), buffer)
    return buffer.getvalue()
