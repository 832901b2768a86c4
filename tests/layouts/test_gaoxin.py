"""The Gaoxin seed (高新区人社局 2024年部门预算绩效文本) through the hebei-targets layout.

Checked by hand against samples/seeds/gaoxin-hrss-2024-targets.txt:

- the cover names the department only as 高新区人社局 (also ``高新区人社局编制``); no unit lines, no unit codes;
- 总体绩效目标: two unnumbered paragraphs; 分项绩效目标: five items （一）…（五）, each with 绩效目标：/绩效指标： lines;
- seven project tables, all without a code (``————`` or an empty cell), amounts written with 万元:
  4000 + 230 + 683 + 1206 + 50 + 66 + 2800 = 9035;
- project 1 被征地农民社会保障费: plan 20/50/70/100%, goals 目标1/目标2 on rows of their own, a blank row under the
  indicator header, indicator values ``≧5个``, ``是``, ``及时发放``, ``=7000万元``, ``=100%``; its 效果指标 row is
  broken in two (三级指标 筹集社会保障费和风险基金完成 | then 描述, 及时发放, 工作经验 on the next row);
- project 2 9村村民参加企业职工养老保险财政补贴 (title printed on two lines): plan 0/10/10/100%;
- project 3's 二级指标 ``社会效益\\n\\n指标``; every 一级指标 cell is broken (``产出\\n\\n指标``);
- project 5 党员档案集中管理经费: cost indicator ``≧50`` with no unit.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ledger.layouts import choose_layout
from ledger.layouts.hebei_targets import HebeiTargetsLayout
from ledger.layouts.project_table import ROW_JOINED
from ledger.model import Snapshot
from ledger.readers.document import Document
from ledger.readers.text import read_text

SEED = Path(__file__).resolve().parents[2] / "samples" / "seeds" / "gaoxin-hrss-2024-targets.txt"
NAMES = [
    "被征地农民社会保障费",
    "9村村民参加企业职工养老保险财政补贴",
    "城乡居民养老保险区级财政补助",
    "机关事业养老保险财政补助",
    "党员档案集中管理经费",
    "驻村工作队工作经费及驻村干部人身意外保险经费",
    "人才发展资金",
]


@pytest.fixture(scope="module")
def document() -> Document:
    return read_text(SEED.read_bytes())


@pytest.fixture(scope="module")
def snapshot(document: Document) -> Snapshot:
    return HebeiTargetsLayout().parse(document)


def test_detected_as_hebei_targets(document: Document) -> None:
    assert choose_layout(document).name == "hebei-targets"


def test_department_as_published(snapshot: Snapshot) -> None:
    assert snapshot.department.name == "高新区人社局"
    assert snapshot.department.code is None
    assert snapshot.units == []
    assert snapshot.fiscal_year == 2024
    assert snapshot.document_kind == "department-targets"


def test_goals(snapshot: Snapshot) -> None:
    assert [g.key for g in snapshot.goals] == ["总体", "总体2", *(f"分项{n}" for n in range(1, 6))]
    goals = {g.key: g.text for g in snapshot.goals}
    assert goals["总体"].startswith("做好人才工作、社会保险基金监管工作")
    assert goals["分项2"] == (
        "社会保险管理及实施\n"
        "绩效目标：防范基金风险，确保参保人员权益，确保保险待遇落实到位，稳步提高各类保险参保率，确保各项待遇落实到位。\n"
        "绩效指标：养老金征缴任务完成率为100%，受益群体满意度达到85%以上。"
    )
    assert not any(g.text.startswith("1.不断提高基层党建") for g in snapshot.goals)


def test_seven_projects_without_codes_summing_to_9035(snapshot: Snapshot) -> None:
    assert [p.name for p in snapshot.projects] == NAMES
    assert all(p.code is None for p in snapshot.projects)
    assert all(p.unit is None for p in snapshot.projects)
    assert sum(p.amount or 0 for p in snapshot.projects) == Decimal("9035")
    assert all(p.fiscal_amount == p.amount and p.other_amount is None for p in snapshot.projects)
    assert [len(p.indicators) for p in snapshot.projects] == [6] * 7


def test_first_project_by_hand(snapshot: Snapshot) -> None:
    project = snapshot.projects[0]
    assert project.amount == Decimal("4000")
    assert project.purpose == "用于支付被征地农民社会保障费和风险基金。"
    assert project.spending_plan == {
        "03": Decimal("20"),
        "06": Decimal("50"),
        "10": Decimal("70"),
        "12": Decimal("100"),
    }
    assert project.goals == [
        "政府和用地单位按照核定度将社会保障费足额划入指定预存款专户。",
        "政府和用地单位按照核定度将风险基金足额划入指定预存款专户。",
    ]
    count, help_, timely, cost, effect, satisfaction = project.indicators
    assert (count.level1, count.level2, count.name) == ("产出指标", "数量指标", "审批地块数量")
    assert (count.value.raw, count.value.op, count.value.number, count.value.unit) == (
        "≧5个",
        ">=",
        Decimal("5"),
        "个",
    )
    assert (help_.value.op, help_.value.text) == (None, "是")
    assert (timely.value.op, timely.value.text) == (None, "及时发放")
    assert (cost.level2, cost.value.op, cost.value.number, cost.value.unit) == (
        "成本指标",
        "=",
        Decimal("7000"),
        "万元",
    )
    assert (effect.level1, effect.source_level1, effect.level2) == ("效益指标", "效果指标", "社会效益指标")
    assert (effect.name, effect.description, effect.value.text, effect.basis) == (
        "筹集社会保障费和风险基金完成",
        "被征地农民社会保障费和风险基金是否及时发放",
        "及时发放",
        "工作经验",
    )
    assert (satisfaction.level1, satisfaction.value.op, satisfaction.value.number) == (
        "满意度指标",
        "=",
        Decimal("100"),
    )


def test_effect_indicators_map_to_benefit_and_labels_lose_their_line_breaks(snapshot: Snapshot) -> None:
    indicators = [i for p in snapshot.projects for i in p.indicators]
    assert {i.level1 for i in indicators} == {"产出指标", "效益指标", "满意度指标"}
    mapped = [i for i in indicators if i.source_level1 is not None]
    assert len(mapped) == 7 and all(i.source_level1 == "效果指标" and i.level1 == "效益指标" for i in mapped)
    assert not any(any(c.isspace() for c in (i.level1 or "") + (i.level2 or "")) for i in indicators)
    assert snapshot.projects[2].indicators[4].level2 == "社会效益指标"


def test_plans_and_values(snapshot: Snapshot) -> None:
    villages = snapshot.projects[1]
    assert villages.spending_plan == {
        "03": Decimal("0"),
        "06": Decimal("10"),
        "10": Decimal("10"),
        "12": Decimal("100"),
    }
    assert villages.goals[0] == "及时拨付，缴纳国库。"
    archive_cost = snapshot.projects[4].indicators[3]
    assert (
        archive_cost.name,
        archive_cost.value.raw,
        archive_cost.value.number,
        archive_cost.value.unit,
    ) == (
        "项目金额",
        "≧50",
        Decimal("50"),
        None,
    )


def test_only_warning_is_the_rebuilt_row(snapshot: Snapshot) -> None:
    (warning,) = snapshot.warnings
    assert warning.code == ROW_JOINED
    assert warning.where.startswith("被征地农民社会保障费项目绩效目标表")
    assert snapshot.notices == []
