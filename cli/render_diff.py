"""The terminal report of a diff: totals first, then one table per entity kind, then the detections.

:func:`render_diff` returns a rich renderable laid out for a width: numbers are never wrapped or cut (their columns
are as wide as their longest number), texts wrap in what is left. Below :data:`FULL_WIDTH` cells the tables leave
out the columns an auditor needs least at a glance (field path, matched by, tags) and put the field's name under
the label; ``ledger diff --wide`` and ``-f json`` keep everything. Column widths come from rich's cell measure,
which counts a CJK character as two cells, so Chinese labels line up.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from rich import box
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ledger.diff.records import ENTITY_KINDS, ENTITY_LABELS, SCOPE_LABELS, Change, DiffResult, Totals
from ledger.report.diff_formats import cell_text, stated_text
from ledger.report.terminal import grouped, printable

__all__ = ["FULL_WIDTH", "render_diff", "unit_of"]

#: At least this many cells: every column; fewer: the compact layout.
FULL_WIDTH = 160
#: Cells between two columns: a cell's right padding, the (blank) divider, the next cell's left padding.
_GAP = 3

_KIND_STYLES = {
    "added": "green",
    "removed": "red",
    "modified": "yellow",
    "renamed": "cyan",
    "moved": "magenta",
}
_DIRECTION_STYLES = {"tightened": "bold green", "loosened": "bold red"}
#: Entity kinds whose amounts are money; the snapshot holds money in 万元 (docs/architecture.md §4).
_MONEY = {
    "budget_line",
    "accounts",
    "account_line",
    "function_line",
    "fiscal_function_line",
    "economic_line",
    "procurement_line",
    "asset_line",
    "project",
}


def unit_of(kind: str) -> str | None:
    """The unit of an entity kind's numbers as headers show it: 万元, or the indicator's own unit."""
    if kind in _MONEY:
        return "万元"
    if kind == "indicator":
        return "指标单位"
    return None


def _number(value: Decimal, kind: str | None) -> str:
    """Money with two places and grouped thousands (as the tables print it); other numbers grouped, digits kept."""
    return grouped(value, places=2 if kind in _MONEY else None)


def _value(value: object, kind: str | None) -> Text:
    if isinstance(value, Decimal):
        return Text(_number(value, kind))
    return Text(printable(cell_text(value)))  # type: ignore[arg-type]


def _signed(value: Decimal | None, kind: str | None = None) -> Text:
    if value is None:
        return Text("")
    text = _number(value, kind)
    if value > 0:
        return Text(f"+{text}", style="green")
    return Text(text, style="red" if value < 0 else "")


def _percent(value: Decimal | None) -> Text:
    """A percentage as computed (two places: ``+0.60%``), signed and coloured."""
    if value is None:
        return Text("")
    text = f"{value:,f}"
    if value > 0:
        return Text(f"+{text}%", style="green")
    return Text(f"{text}%", style="red" if value < 0 else "")


def _heading(result: DiffResult) -> Text:
    summary = result.summary
    old, new = result.old, result.new
    if result.scope in ("cross-department", "cross-kind"):
        # Two departments (or two kinds of file): not a change from one to the other, so no arrow.
        heading = Text(
            printable(
                f"{old.department} {old.fiscal_year} {old.document_kind}  vs  "
                f"{new.department} {new.fiscal_year} {new.document_kind}  "
            ),
            style="bold",
        )
    else:
        heading = Text(printable(f"{new.department}  {old.fiscal_year} → {new.fiscal_year}  "), style="bold")
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


def _totals_table(result: DiffResult) -> Table:
    summary = result.summary
    table = Table(header_style="bold", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("total 合计 (万元)", overflow="fold")
    for column in ("old", "new", "Δ", "Δ%"):
        table.add_column(column, justify="right", no_wrap=True, overflow="ignore")
    rows: tuple[tuple[str, Totals], ...] = (
        ("budget 支出总计", summary.budget),
        ("projects 项目预算数", summary.project_budget),
    )
    for name, totals in rows:
        table.add_row(
            name,
            Text("" if totals.old is None else _number(totals.old, "project")),
            Text("" if totals.new is None else _number(totals.new, "project")),
            _signed(totals.delta, "project"),
            _percent(totals.pct),
        )
    return table


def _change_cell(change: Change, compact: bool) -> Text:
    """The change kind; in the compact layout a modification with a direction says the direction instead."""
    if compact and change.change == "modified" and change.direction in _DIRECTION_STYLES:
        return Text(change.direction, style=_DIRECTION_STYLES[change.direction])
    return Text(change.change, style=_KIND_STYLES[change.change])


def _widest(cells: Sequence[Text], header: str = "") -> int:
    return max([cell_len(header), *(cell_len(cell.plain) for cell in cells)])


def _entity_table(kind: str, changes: list[Change], width: int, full: bool) -> Table:
    unit = unit_of(kind)
    title = f"{ENTITY_LABELS[kind]} ({kind}) — {len(changes)}" + (f", in {unit}" if unit else "")
    table = Table(
        title=title,
        title_justify="left",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    suffix = ""  # the unit is in the title: a header as wide as "old (指标单位)" would squeeze the numbers
    olds = [_value(change.old, kind) for change in changes]
    news = [_value(change.new, kind) for change in changes]
    deltas = [_signed(change.delta, kind) for change in changes]
    pcts = [_percent(change.pct) for change in changes]
    kinds = [_change_cell(change, not full) for change in changes]
    directions = [
        Text(change.direction or "", style=_DIRECTION_STYLES.get(change.direction or "", ""))
        for change in changes
    ]
    fields = [Text(printable(change.field_label or change.field or "")) for change in changes]
    extras = [
        [
            Text((c.matched_by or "") + (f" {cell_text(c.score)}" if c.score is not None else ""))
            for c in changes
        ],
        [Text(printable(", ".join(c.tags))) for c in changes],
    ]
    # Widths are decided here, not by rich: a number column is exactly as wide as its longest number (never wrapped
    # or cut), the old/new columns at least that, and the label gets what is left (it wraps).
    fixed = {
        "change": _widest(kinds, "change"),
        f"Δ{suffix}": _widest(deltas, f"Δ{suffix}"),
        "Δ%": _widest(pcts, "Δ%"),
    }
    if full:
        fixed["direction"] = _widest(directions, "direction")
    numeric_old = _widest(
        [c for c, ch in zip(olds, changes, strict=True) if isinstance(ch.old, Decimal)], "old"
    )
    numeric_new = _widest(
        [c for c, ch in zip(news, changes, strict=True) if isinstance(ch.new, Decimal)], "new"
    )
    columns = len(fixed) + (6 if full else 3)
    free = width - sum(fixed.values()) - _GAP * (columns - 1)
    # old and new get a quarter each of what is left (a seventh with the extra columns), the label the rest.
    share = max(free // (7 if full else 4), 8)
    old_width = min(max(_widest(olds, f"old{suffix}"), numeric_old), max(share, numeric_old))
    new_width = min(max(_widest(news, f"new{suffix}"), numeric_new), max(share, numeric_new))
    spare = free - old_width - new_width
    if full:
        field_width = min(_widest(fields, "field"), max(spare // 3, 8))
        extra_width = [
            min(_widest(cells, header), max(spare // 6, 6))
            for cells, header in zip(extras, ("matched by", "tags"), strict=True)
        ]
        spare -= field_width + sum(extra_width)
    labels = [Text(printable(change.label)) for change in changes]
    longest = max(
        [cell_len("label")]
        + [
            cell_len(label.plain) + (cell_len(f" · {field.plain}") if not full and field.plain else 0)
            for label, field in zip(labels, fields, strict=True)
        ]
    )
    label_width = min(max(spare, 10), longest)
    table.add_column("label", overflow="fold", width=label_width)
    table.add_column("change", no_wrap=True, overflow="ignore", width=fixed["change"])
    if full:
        table.add_column("field", overflow="fold", width=field_width)
    table.add_column(f"old{suffix}", overflow="fold", width=old_width)
    table.add_column(f"new{suffix}", overflow="fold", width=new_width)
    table.add_column(
        f"Δ{suffix}", justify="right", no_wrap=True, overflow="ignore", width=fixed[f"Δ{suffix}"]
    )
    table.add_column("Δ%", justify="right", no_wrap=True, overflow="ignore", width=fixed["Δ%"])
    if full:
        table.add_column("direction", no_wrap=True, overflow="ignore", width=fixed["direction"])
        table.add_column("matched by", overflow="fold", width=extra_width[0])
        table.add_column("tags", overflow="fold", width=extra_width[1])
    for index, change in enumerate(changes):
        label = labels[index]
        if not full and fields[index].plain and change.change == "modified":
            label.append(f" · {fields[index].plain}", style="dim")
        stated = stated_text(change)
        if stated:  # the department's own explanation (预算情况说明) under the change it explains
            label.append(f"\n说明 {printable(stated)}", style="italic")
        row: list[RenderableType] = [label, kinds[index]]
        if full:
            row.append(fields[index])
        row += [olds[index], news[index], deltas[index], pcts[index]]
        if full:
            row += [directions[index], extras[0][index], extras[1][index]]
        table.add_row(*row)
    return table


def _is_number(change: Change, side: int) -> bool:
    return isinstance(change.old if side == 0 else change.new, Decimal)


def _detections_table(result: DiffResult) -> Table:
    table = Table(
        title=f"detections — {len(result.detections)}",
        title_justify="left",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    table.add_column("code", no_wrap=True)
    table.add_column("where", overflow="fold", ratio=1)
    table.add_column("message", overflow="fold", ratio=2)
    for detection in result.detections:
        table.add_row(detection.code, Text(printable(detection.where)), Text(printable(detection.message)))
    return table


def _programs_table(result: DiffResult) -> Table:
    table = Table(
        title=f"programs 资金项目 — {len(result.programs)}",
        title_justify="left",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    table.add_column("program", overflow="fold", ratio=2)
    table.add_column("allocations", overflow="fold", ratio=2)
    table.add_column("summary", overflow="fold", ratio=3)
    for chain in result.programs:
        table.add_row(
            Text(printable(chain.program)),
            Text(printable("\n".join(f"{a.fund_year} {a.notice} {a.status}" for a in chain.allocations))),
            Text(printable(chain.summary)),
        )
    return table


def render_diff(
    result: DiffResult, *, width: int = FULL_WIDTH, full: bool | None = None, detections: bool = True
) -> RenderableType:
    """The report as a rich renderable laid out for ``width`` cells: a totals table, one table per entity kind (in
    snapshot order), notes, the program chains, and (``detections``) the detectors' findings. ``full`` (default:
    ``width`` ≥ :data:`FULL_WIDTH`) shows every column."""
    every = width >= FULL_WIDTH if full is None else full
    parts: list[RenderableType] = [_heading(result), _totals_table(result)]
    parts += [Text(f"note: {printable(note)}", style="bold yellow") for note in result.notes]
    for kind in ENTITY_KINDS:
        changes = [change for change in result.changes if change.entity == kind]
        if changes:
            parts.append(_entity_table(kind, changes, width, every))
    if not result.changes:
        parts.append(Text("no changes", style="dim"))
    if result.programs:
        parts.append(_programs_table(result))
    if detections and result.detections:
        parts.append(_detections_table(result))
    return Group(*parts)
