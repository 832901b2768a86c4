"""The terminal report of a diff: totals first, then one table per entity kind, then the detections.

:func:`render_diff` returns a rich renderable; the command prints it (``console.print(render_diff(result))``).
Column widths come from rich's cell measure, which counts a CJK character as two cells, so Chinese labels line up.
"""

from __future__ import annotations

from decimal import Decimal

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ledger.diff.records import ENTITY_KINDS, ENTITY_LABELS, SCOPE_LABELS, Change, DiffResult, Totals
from ledger.report.diff_formats import cell_text, stated_text

__all__ = ["render_diff"]

_KIND_STYLES = {
    "added": "green",
    "removed": "red",
    "modified": "yellow",
    "renamed": "cyan",
    "moved": "magenta",
}
_DIRECTION_STYLES = {"tightened": "bold green", "loosened": "bold red"}


def _cut(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _signed(value: Decimal | None) -> Text:
    if value is None:
        return Text("")
    text = cell_text(value)
    if value > 0:
        return Text(f"+{text}", style="green")
    return Text(text, style="red" if value < 0 else "")


def _heading(result: DiffResult) -> Text:
    summary = result.summary
    old, new = result.old, result.new
    if result.scope in ("cross-department", "cross-kind"):
        # Two departments (or two kinds of file): not a change from one to the other, so no arrow.
        heading = Text(
            f"{old.department} {old.fiscal_year} {old.document_kind}  vs  "
            f"{new.department} {new.fiscal_year} {new.document_kind}  ",
            style="bold",
        )
    else:
        heading = Text(f"{new.department}  {old.fiscal_year} → {new.fiscal_year}  ", style="bold")
    heading.append(f"({SCOPE_LABELS[result.scope]})  ")
    heading.append(f"{summary.total} changes: ")
    for kind, count in (
        ("added", summary.added),
        ("removed", summary.removed),
        ("modified", summary.modified),
        ("renamed", summary.renamed),
        ("moved", summary.moved),
    ):
        heading.append(f"{kind} {count}  ", style=_KIND_STYLES[kind] if count else "dim")
    return heading


def _percent(value: Decimal | None) -> Text:
    """A percentage as computed (two places: ``+0.60%``), signed and coloured."""
    if value is None:
        return Text("")
    text = format(value, "f")
    if value > 0:
        return Text(f"+{text}%", style="green")
    return Text(f"{text}%", style="red" if value < 0 else "")


def _totals_table(result: DiffResult) -> Table:
    summary = result.summary
    table = Table(header_style="bold")
    for column, justify in (
        ("total 合计", "left"),
        ("old", "right"),
        ("new", "right"),
        ("Δ", "right"),
        ("Δ%", "right"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    rows: tuple[tuple[str, Totals], ...] = (
        ("budget 支出总计", summary.budget),
        ("projects 项目预算数", summary.project_budget),
    )
    for name, totals in rows:
        table.add_row(
            name,
            cell_text(totals.old),
            cell_text(totals.new),
            _signed(totals.delta),
            _percent(totals.pct),
        )
    return table


def _entity_table(kind: str, changes: list[Change], text_limit: int) -> Table:
    table = Table(
        title=f"{ENTITY_LABELS[kind]} ({kind}) — {len(changes)}", title_justify="left", header_style="bold"
    )
    table.add_column("label", overflow="fold", max_width=text_limit)
    table.add_column("change")
    table.add_column("field", overflow="fold")
    table.add_column("old", overflow="fold", max_width=text_limit)
    table.add_column("new", overflow="fold", max_width=text_limit)
    table.add_column("Δ", justify="right")
    table.add_column("Δ%", justify="right")
    table.add_column("direction")
    table.add_column("matched by")
    table.add_column("tags")
    explained = any(stated_text(change) for change in changes)
    if explained:  # the department's own explanation (预算情况说明), where it gives one
        table.add_column("stated 说明", overflow="fold", max_width=text_limit * 2)
    for change in changes:
        table.add_row(
            _cut(change.label, text_limit * 2),
            Text(change.change, style=_KIND_STYLES[change.change]),
            change.field_label or change.field or "",
            _cut(cell_text(change.old), text_limit * 2),
            _cut(cell_text(change.new), text_limit * 2),
            _signed(change.delta),
            _percent(change.pct),
            Text(change.direction or "", style=_DIRECTION_STYLES.get(change.direction or "", "")),
            (change.matched_by or "") + (f" {cell_text(change.score)}" if change.score is not None else ""),
            ", ".join(change.tags),
            *([stated_text(change)] if explained else []),
        )
    return table


def _detections_table(result: DiffResult, text_limit: int) -> Table:
    table = Table(title=f"detections — {len(result.detections)}", title_justify="left", header_style="bold")
    table.add_column("code")
    table.add_column("where", overflow="fold", max_width=text_limit)
    table.add_column("message", overflow="fold")
    for detection in result.detections:
        table.add_row(detection.code, _cut(detection.where, text_limit * 2), detection.message)
    return table


def _programs_table(result: DiffResult, text_limit: int) -> Table:
    table = Table(
        title=f"programs 资金项目 — {len(result.programs)}", title_justify="left", header_style="bold"
    )
    table.add_column("program", overflow="fold", max_width=text_limit)
    table.add_column("allocations", overflow="fold")
    table.add_column("summary", overflow="fold")
    for chain in result.programs:
        table.add_row(
            _cut(chain.program, text_limit * 2),
            "\n".join(f"{a.fund_year} {a.notice} {a.status}" for a in chain.allocations),
            chain.summary,
        )
    return table


def render_diff(result: DiffResult, *, text_limit: int = 40, detections: bool = True) -> RenderableType:
    """The report as a rich renderable: a totals table, one table per entity kind (in snapshot order), notes, and
    (``detections``) the detectors' findings. Texts longer than ``text_limit`` cells fold; very long ones are cut."""
    parts: list[RenderableType] = [_heading(result), _totals_table(result)]
    parts += [Text(f"note: {note}", style="bold yellow") for note in result.notes]
    for kind in ENTITY_KINDS:
        changes = [change for change in result.changes if change.entity == kind]
        if changes:
            parts.append(_entity_table(kind, changes, text_limit))
    if not result.changes:
        parts.append(Text("no changes", style="dim"))
    if result.programs:
        parts.append(_programs_table(result, text_limit))
    if detections and result.detections:
        parts.append(_detections_table(result, text_limit))
    return Group(*parts)
