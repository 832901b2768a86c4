"""One publication, four formats, one snapshot: the Zhanjiang 部门整体预算绩效目标表 as the workbook it was exported
from (amounts stored with more decimals than their number format shows), as DOCX, as PDF and as text.

The seed (text) records 基本支出 as 10891.615675; the workbook cell holds 10891.615675 under the format ``0.00``
and shows 10891.62. An XLSX reader that took the display for the value gave the same publication two snapshots.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from ledger.model.canonical import to_jsonable
from ledger.pipeline.parse import parse_publication
from ledger.readers.document import Document, Table
from tests.readers.test_xlsx import ZHANJIANG_INDICATORS
from tests.roundtrip.cases import GOLDEN, SEEDS
from tests.roundtrip.render import FORMATS, Format, Variation, render

WIDTH = 5


def _seed_items(key: str, count: int) -> list[str]:
    seed = (SEEDS / "zhanjiang-hrss-2024-targets.txt").read_text("utf-8")
    return seed.split(f"{key}: ", 1)[1].split(", ")[:count]


def zhanjiang_grid() -> Document:
    """The template sheet as a grid of cell texts, numbers written in full (as the seed has them)."""
    goals = _seed_items("1.4 总体绩效目标", 1)[0]
    contents = _seed_items("1.5.2 主要实施内容", 3)
    expected = _seed_items("1.5.4 期望达到的目标（概述）", 3)
    names = _seed_items("1.5.1 名称", 3)
    amounts = ["18862", "587.81", "1140"]
    rows: list[tuple[str, ...]] = [
        ("2024年市级部门整体预算绩效目标表",),
        ("部门名称", "湛江市人力资源和社会保障局"),
        ("基本信息", "财政供养人员数", "737", "下属二级单位数", "10"),
        ("预算整体情况", "部门预算支出", "预算金额（万元）", "收入来源", "预算金额（万元）"),
        ("", "基本支出", "10891.615675", "财政拨款", "72807.384975"),
        ("", "项目支出", "61915.7693", "其他资金", "0"),
        ("", "事业发展性支出", "预算金额（万元）", "按预算级次划分", "预算金额（万元）"),
        ("", "财政专项资金", "", "市本级使用资金", ""),
        ("", "其他事业发展性支出", "", "拟用于对下转移支付资金", ""),
        ("总体绩效目标", goals),
        ("年度重点工作任务", "名称", "主要实施内容", "拟投入的资金（万元）", "期望达到的目标（概述）"),
        *(("", n, c, a, e) for n, c, a, e in zip(names, contents, amounts, expected, strict=True)),
        ("其他需完成的任务（可选填）",),
        ("绩效指标", "一级指标", "二级指标", "三级指标", "指标值"),
        *(
            ("", level1, level2, name or "", "100%" if value == 1 else "" if value is None else str(value))
            for level1, level2, name, value in ZHANJIANG_INDICATORS
        ),
    ]
    assert all(len(row) <= WIDTH for row in rows)
    return Document(blocks=(Table(rows=tuple(rows)),), form="tab-rows")


@pytest.fixture(scope="module")
def snapshots() -> dict[Format, dict[str, object]]:
    grid = zhanjiang_grid()
    return {
        format: to_jsonable(
            parse_publication(render(grid, Variation(format)), f"zhanjiang.{format}").snapshot
        )
        for format in FORMATS
    }


def test_the_workbook_holds_more_decimals_than_it_shows() -> None:
    """The premise: the XLSX amount cells are formatted to two decimals and store six."""
    import io

    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(render(zhanjiang_grid(), Variation("xlsx"))))
    cell = workbook.worksheets[0]["C5"]
    assert (cell.value, cell.number_format) == (10891.615675, "0.00")


@pytest.mark.slow
@pytest.mark.parametrize("format", [f for f in FORMATS if f != "text"])
def test_one_publication_in_every_format_gives_one_snapshot(
    snapshots: dict[Format, dict[str, object]], format: Format
) -> None:
    assert snapshots[format] == snapshots["text"]


@pytest.mark.slow
def test_the_amounts_are_the_stored_values_the_seed_records(
    snapshots: dict[Format, dict[str, object]],
) -> None:
    golden = json.loads((GOLDEN / "zhanjiang-hrss-2024-targets.json").read_text("utf-8"))
    for format, snapshot in snapshots.items():
        assert snapshot["budget_overview"] == golden["budget_overview"], format
        overview = snapshot["budget_overview"]
        assert isinstance(overview, dict)
        assert Decimal(overview["expenditure"][0]["amount"]) == Decimal("10891.615675"), format
