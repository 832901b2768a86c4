"""A small server-rendered SVG line chart: one entity's value at each version (no JavaScript, no CDN).

Amounts (万元) are plotted as they are; an indicator's 指标值 by its number, labelled as written, operator and unit
included (``≥95%``). A version without a number (absent, or a qualitative target) has its place on the axis but no point.
Every text is escaped: labels come from publications. Coordinates are computed in Decimal like every other number
of the ledger, and rounded to a tenth of a pixel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

from ledger.model.canonical import decimal_text
from ledger.model.values import parse_value
from ledger.query.history import Timeline
from ledger.report.workbook import AMOUNT_ENTITIES

WIDTH, HEIGHT = 640, 240
_LEFT, _RIGHT, _TOP, _BOTTOM = 80, 40, 28, 44
_PIXEL = Decimal("0.1")


@dataclass(frozen=True)
class ChartPoint:
    """One version on the x axis: its short name (``2024r2``), its number (None: no point) and the text shown."""

    version: str
    value: Decimal | None
    text: str


def timeline_points(timeline: Timeline) -> list[ChartPoint]:
    """A point per version of the timeline: amounts as numbers, indicator targets by their number."""
    points = []
    for step in timeline.steps:
        version = f"{step.fiscal_year}r{step.revision}"
        if not step.present or step.value is None:
            points.append(ChartPoint(version, None, "(absent)"))
            continue
        points.append(ChartPoint(version, _number(timeline.entity, step.value), step.value))
    return points


def _number(entity: str, value: str) -> Decimal | None:
    if entity in AMOUNT_ENTITIES:
        try:
            return Decimal(value)
        except ArithmeticError:
            return None
    if entity == "indicator":
        return parse_value(value).number
    return None


def _short(text: str, limit: int = 16) -> str:
    """A point's label as written (``≥95%``, the operator kept), cut when a target is a sentence."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _px(value: Decimal) -> str:
    return str(value.quantize(_PIXEL))


def line_chart(points: Sequence[ChartPoint], *, title: str) -> Markup:
    """The chart as inline SVG markup; a note instead when no version has a number."""
    numbers = [p.value for p in points if p.value is not None]
    if not numbers:
        return Markup('<p class="muted">no numeric value to chart</p>')
    low, high = min(numbers), max(numbers)
    if low == high:
        pad = abs(low) / 10 or Decimal(1)
        low, high = low - pad, high + pad
    plot_w, plot_h = Decimal(WIDTH - _LEFT - _RIGHT), Decimal(HEIGHT - _TOP - _BOTTOM)
    step = plot_w / max(len(points) - 1, 1)

    def x(index: int) -> Decimal:
        return _LEFT + (step * index if len(points) > 1 else plot_w / 2)

    def y(value: Decimal) -> Decimal:
        return _TOP + plot_h - (value - low) / (high - low) * plot_h

    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line class="axis" x1="{_LEFT}" y1="{HEIGHT - _BOTTOM}" x2="{WIDTH - _RIGHT}" y2="{HEIGHT - _BOTTOM}"/>',
        f'<line class="axis" x1="{_LEFT}" y1="{_TOP}" x2="{_LEFT}" y2="{HEIGHT - _BOTTOM}"/>',
    ]
    for tick in (low, (low + high) / 2, high):
        parts.append(
            f'<text class="tick" x="{_LEFT - 6}" y="{_px(y(tick) + 4)}" text-anchor="end">'
            f"{escape(decimal_text(tick.quantize(Decimal('0.01'))))}</text>"
        )
    drawn = [(x(i), y(p.value)) for i, p in enumerate(points) if p.value is not None]
    if len(drawn) > 1:
        path = " ".join(f"{_px(px)},{_px(py)}" for px, py in drawn)
        parts.append(f'<polyline class="line" points="{path}"/>')
    for index, point in enumerate(points):
        parts.append(
            f'<text class="tick" x="{_px(x(index))}" y="{HEIGHT - _BOTTOM + 18}" text-anchor="middle">'
            f"{escape(point.version)}</text>"
        )
        if point.value is not None:
            parts.append(
                f'<circle class="point" cx="{_px(x(index))}" cy="{_px(y(point.value))}" r="5">'
                f"<title>{escape(point.version)}: {escape(point.text)}</title></circle>"
                f'<text class="value" x="{_px(x(index))}" y="{_px(y(point.value) - 10)}" text-anchor="middle">'
                f"{escape(_short(point.text))}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))
