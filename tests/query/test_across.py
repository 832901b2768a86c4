"""``ledger compare``: one indicator, line or project across the departments of the sample ledger (five seeds and
the derived versions), matched by normalised name and unit, with each department's change from its own last year."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from cli.main import app
from ledger.demo import run_demo
from ledger.model import Indicator
from ledger.model.values import parse_value
from ledger.query.across import compare_across, indicator_unit
from ledger.query.history import entity_timelines, program_histories
from ledger.store import Ledger

TAISHAN = "台山市人力资源和社会保障局"
ZHANJIANG = "湛江市人力资源和社会保障局"
LAOTING = "乐亭县人力资源和社会保障局"


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('across')}/ledger.db"
    with Ledger(url) as ledger:
        run_demo(ledger)
    yield url


@pytest.mark.parametrize(
    ("name", "raw", "unit"),
    [
        ("城镇新增就业人数（人）", "50000", "人"),
        ("城镇新增就业人数", "≥ 4900 人", "人"),
        ("城镇新增就业人数（万人）", "≥3.2", "万人"),
        ("群众满意度", "≥75%", "%"),
        ("扶持企业数", "较上年有所提升", None),
    ],
)
def test_an_indicators_unit_is_its_values_else_the_one_after_its_name(
    name: str, raw: str, unit: str | None
) -> None:
    assert indicator_unit(Indicator(name=name, value=parse_value(raw))) == unit


@pytest.mark.slow
def test_one_indicator_across_the_seed_departments(url: str) -> None:
    with Ledger(url) as ledger, ledger.read() as session:
        entries = compare_across(session, "indicator", "城镇新增就业人数（人）", 2024)
        assert [(e.department, e.owner, e.name, e.unit, e.value, e.previous) for e in entries] == [
            (TAISHAN, "部门整体", "城镇新增就业人数", "人", "≥ 4900 人", None),
            (ZHANJIANG, "部门整体", "城镇新增就业人数(人)", "人", "50000", None),
        ]
        # Laoting has its own 2023 (samples/laoting): each entry says how it moved since.
        [kaohe] = compare_across(session, "project", "考核奖励经费", 2024)
        assert (kaohe.department, kaohe.value, kaohe.previous, kaohe.delta, kaohe.pct, kaohe.direction) == (
            LAOTING,
            "227",
            "215",
            Decimal(12),
            Decimal("5.58"),
            "up",
        )
        tightened = compare_across(session, "indicator", "公开招聘次数", 2024)
        assert [(e.value, e.previous, e.direction) for e in tightened] == [("≥6次", "≥8次", "loosened")]
        [line] = compare_across(session, "line", "2080101", 2024)
        assert (line.department, line.name, line.value, line.unit) == (
            "秦皇岛市海港区人力资源和社会保障局",
            "行政运行",
            "279.52",
            "万元",
        )
        assert compare_across(session, "indicator", "没有这个指标", 2024) == []


@pytest.mark.slow
def test_compare_prints_every_format(url: str) -> None:
    runner = CliRunner()
    base = ["--db", url, "compare", "--indicator", "城镇新增就业人数", "--year", "2024"]
    csv = runner.invoke(app, [*base, "-f", "csv"])
    assert csv.exit_code == 0
    assert csv.output == (
        "department,ref,owner,name,unit,value,previous,delta,pct,direction\n"
        f"{TAISHAN},{TAISHAN}@2024r1/department-targets,部门整体,城镇新增就业人数,人,≥ 4900 人,,,,\n"
        f"{ZHANJIANG},{ZHANJIANG}@2024r1/department-targets,部门整体,城镇新增就业人数(人),人,50000,,,,\n"
    )
    as_json = json.loads(runner.invoke(app, [*base, "-f", "json"]).output)
    assert [(e["department"], e["value"], e["unit"]) for e in as_json] == [
        (TAISHAN, "≥ 4900 人", "人"),
        (ZHANJIANG, "50000", "人"),
    ]
    md = runner.invoke(app, [*base, "-f", "md"]).output.splitlines()
    assert md[0] == "# 城镇新增就业人数 — 2024"
    assert md[5].startswith(f"| {ZHANJIANG} | ")
    table = runner.invoke(app, base)
    assert table.exit_code == 0 and TAISHAN in table.output
    missing = runner.invoke(app, ["--db", url, "compare", "--indicator", "没有这个指标", "--year", "2024"])
    assert (missing.exit_code, missing.output) == (1, "no department has '没有这个指标' in 2024\n")
    both = runner.invoke(app, ["--db", url, "compare", "--year", "2024"])
    assert both.exit_code == 2


@pytest.mark.slow
def test_history_shows_the_program_chain_of_notice_funded_allocations(url: str) -> None:
    with Ledger(url) as ledger, ledger.read() as session:
        timelines = entity_timelines(session, "海港区", project="国有企业退休人员社会化管理中央")
    [program] = program_histories(timelines)
    assert program.chain == "2023 秦财企[2022]692号 → 2024 秦财企[2023]649号 → 2025 秦财企[2024]611号"
    assert [len(a.versions) for a in program.allocations] == [2, 3, 1]
    output = CliRunner().invoke(
        app, ["--db", url, "history", "海港区", "--project", "国有企业退休人员社会化管理中央"]
    )
    assert (
        "program 资金项目 关于提前下达国有企业退休人员社会化管理中央财政补助资金预算的通知" in output.output
    )
