"""The SVG chart: a point per version that has a number, escaped texts, Decimal coordinates."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from ledger.query.history import Step, Timeline
from ledger.web.chart import ChartPoint, line_chart, timeline_points


def _timeline(entity: str, values: list[str | None]) -> Timeline:
    steps = [
        Step(
            snapshot_id=i,
            ref=f"x@{2023 + i}r1",
            fiscal_year=2023 + i,
            revision=1,
            present=v is not None,
            value=v,
        )
        for i, v in enumerate(values)
    ]
    return Timeline(entity=entity, label="label", steps=steps)


@pytest.mark.parametrize(
    ("entity", "values", "numbers"),
    [
        ("project", ["16.5", "16.5", "14.50"], [Decimal("16.5"), Decimal("16.5"), Decimal("14.50")]),
        ("project", ["16.5", None, "14.5"], [Decimal("16.5"), None, Decimal("14.5")]),
        ("indicator", ["≥95%", "≥98%", "较上年有所提升"], [Decimal("95"), Decimal("98"), None]),
        ("indicator", ["≤403860.63元", "≤453860.63元"], [Decimal("403860.63"), Decimal("453860.63")]),
        ("goal", ["文字", "文字"], [None, None]),
    ],
)
def test_points_are_the_numbers_of_each_version(
    entity: str, values: list[str | None], numbers: list[Decimal | None]
) -> None:
    points = timeline_points(_timeline(entity, values))
    assert [p.value for p in points] == numbers
    assert [p.version for p in points] == [f"{2023 + i}r1" for i in range(len(values))]


def test_one_circle_per_point_and_every_text_escaped() -> None:
    points = [
        ChartPoint("2024r1", Decimal("95"), "≥95%"),
        ChartPoint("2024r2", None, "(absent)"),
        ChartPoint("2025r1", Decimal("98"), "<script>alert(1)</script>"),
    ]
    svg = str(line_chart(points, title='<img src=x onerror="alert(2)">'))
    assert svg.count("<circle") == 2
    assert "<script>" not in svg and "<img" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert svg.count(">2024r2</text>") == 1  # the version without a number keeps its place on the axis


def test_a_constant_series_and_a_single_point_are_drawn() -> None:
    flat = str(
        line_chart([ChartPoint("a", Decimal("5"), "5"), ChartPoint("b", Decimal("5"), "5")], title="t")
    )
    assert flat.count("<circle") == 2 and "<polyline" in flat
    single = str(line_chart([ChartPoint("a", Decimal("0"), "0")], title="t"))
    assert single.count("<circle") == 1 and "<polyline" not in single


def test_no_number_no_chart() -> None:
    assert "no numeric value" in line_chart([ChartPoint("a", None, "文字")], title="t")


#: Texts as XML can hold them (HTML tolerates control characters, the XML parser of this test does not).
_TEXT = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=30)


@given(
    title=_TEXT,
    texts=st.lists(_TEXT, min_size=1, max_size=5),
    numbers=st.lists(st.decimals(min_value=-(10**9), max_value=10**9, places=2), min_size=1, max_size=5),
)
def test_any_text_leaves_the_svg_well_formed(title: str, texts: list[str], numbers: list[Decimal]) -> None:
    points = [
        ChartPoint(f"v{i}", number, text)
        for i, (number, text) in enumerate(zip(numbers, texts, strict=False))
    ]
    svg = etree.fromstring(
        str(line_chart(points, title=title)).encode()
    )  # raises on any markup a text injected
    assert len(svg.findall("{http://www.w3.org/2000/svg}circle")) == len(points)
    assert svg.findtext("{http://www.w3.org/2000/svg}title") == title
