"""The Laoting seed (乐亭县人力资源和社会保障局 2024 预算绩效目标) through the hebei-targets layout.

Checked by hand against samples/seeds/laoting-hrss-2024-targets.txt:

- the department is named only by the unit line ``356001乐亭县人力资源和社会保障局本级`` (the text says 我局);
  three units 356001 本级, 356003 乐亭县社会保险服务中心, 356004 乐亭县就业服务中心, in that order;
- 总体绩效目标: one paragraph then 目标1…目标4; 分项绩效目标: eleven items （一）…（十一）;
- project 1 考核奖励经费 13022524P0008F010032K: 227.00 / 227.00 / 其他资金 blank, 25/50/75/100% by 3/6/10/12月底,
  seven indicators, 考核奖励人数 ≥1700人 (符合考核奖励要求的人数, 2024年预算指标安排), 考核奖金 ≤227万元;
- project 7 社保中心运行费: eight indicators, the 效益指标 group has 经济/社会/可持续影响指标 (level 1 inherited);
- project 8 2024年省级城乡居民社会保险代办员补助资金 (356003): 8.00, 行政村数量 488个, 效益 value
  ``保持经办服务顺利开展`` (qualitative), basis 唐财社【2023】170号;
- project 12 就业补助资金: its purpose cell carries a ``[bookmark: _GoBack]`` artefact; its 绩效目标 cell has
  ``1.…`` and ``目标2：…`` (two goals);
- project 16 中央就业补助资金 13022524P00000810008Q: 1438.00, plan and goal complete, then the file ends inside
  the first indicator row (产出指标 / 数量指标 / 符合政策规定的毕业年度高校毕业生享受求职创业补贴比例, nothing more);
- budgets: the 15 complete projects sum to 10632.34, with project 16 to 12070.34; 98 indicators in the 15.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.errors import ParseError
from ledger.layouts import choose_layout
from ledger.layouts.hebei_targets import HebeiTargetsLayout
from ledger.layouts.project_table import TRUNCATED
from ledger.model import Snapshot, Unit
from ledger.readers.document import Document
from ledger.readers.text import read_text

SEED = Path(__file__).resolve().parents[2] / "samples" / "seeds" / "laoting-hrss-2024-targets.txt"
TRUNCATED_CODE = "13022524P00000810008Q"


@pytest.fixture(scope="module")
def document() -> Document:
    return read_text(SEED.read_bytes())


@pytest.fixture(scope="module")
def snapshot(document: Document) -> Snapshot:
    return HebeiTargetsLayout().parse(document)


def test_detected_as_hebei_targets(document: Document) -> None:
    assert choose_layout(document).name == "hebei-targets"


@pytest.mark.parametrize(
    "other",
    ["haigang-hrss-2024-budget.txt", "taishan-hrss-2024-targets.txt", "zhanjiang-hrss-2024-targets.txt"],
)
def test_other_layouts_are_not_claimed(other: str) -> None:
    """Haigang carries the same project tables inside a full 部门预算公开 (收支总表 …): not this layout."""
    assert HebeiTargetsLayout().detect(read_text((SEED.parent / other).read_bytes())) == 0


def test_department_year_kind(snapshot: Snapshot) -> None:
    assert snapshot.department.name == "乐亭县人力资源和社会保障局"
    assert snapshot.department.code == "356"
    assert snapshot.fiscal_year == 2024
    assert snapshot.document_kind == "department-targets"


def test_three_units_with_codes(snapshot: Snapshot) -> None:
    assert snapshot.units == [
        Unit(code="356001", name="乐亭县人力资源和社会保障局本级"),
        Unit(code="356003", name="乐亭县社会保险服务中心"),
        Unit(code="356004", name="乐亭县就业服务中心"),
    ]


def test_goals(snapshot: Snapshot) -> None:
    keys = [g.key for g in snapshot.goals]
    assert keys == ["总体", "1", "2", "3", "4", *(f"分项{n}" for n in range(1, 12))]
    goals = {g.key: g.text for g in snapshot.goals}
    assert goals["1"] == "突出就业优先，全力提升就业创业质量。"
    assert goals["4"].startswith("突出服务发展")
    assert goals["总体"].startswith("我局严格按照绩效管理的要求")
    assert goals["分项2"] == "考核奖励经费项目\n开展事业单位考核奖励工作，确保各单位考核奖励资金按时发放。"
    assert goals["分项8"].startswith("人才市场运行经费\n")
    assert not any("保障措施" in g.text or g.text.startswith("一是") for g in snapshot.goals)


def test_fifteen_complete_projects_and_one_truncated(snapshot: Snapshot) -> None:
    truncated = [w for w in snapshot.warnings if w.code == TRUNCATED]
    assert len(truncated) == 1
    (warning,) = truncated
    assert "16.中央就业补助资金绩效目标表" in warning.where
    for missing in (
        "绩效指标描述",
        "指标值",
        "指标值确定依据",
        "符合政策规定的毕业年度高校毕业生享受求职创业补贴比例",
    ):
        assert missing in warning.message
    assert "publication is cut off" in warning.message

    assert len(snapshot.projects) == 16
    complete = snapshot.projects[:15]
    partial = snapshot.projects[15]
    assert partial.code == TRUNCATED_CODE and partial.name == "中央就业补助资金"
    assert partial.amount == Decimal("1438.00") and partial.indicators == []
    assert all(p.indicators for p in complete)
    assert sum(p.amount or 0 for p in complete) == Decimal("10632.34")
    assert sum(p.amount or 0 for p in snapshot.projects) == Decimal("12070.34")
    assert sum(len(p.indicators) for p in complete) == 98
    assert snapshot.warnings == truncated


def test_projects_by_unit(snapshot: Snapshot) -> None:
    by_unit = [p.unit for p in snapshot.projects]
    assert (
        by_unit
        == ["乐亭县人力资源和社会保障局本级"] * 5
        + ["乐亭县社会保险服务中心"] * 3
        + ["乐亭县就业服务中心"] * 8
    )


def test_first_project_by_hand(snapshot: Snapshot) -> None:
    project = snapshot.projects[0]
    assert (project.code, project.name) == ("13022524P0008F010032K", "考核奖励经费")
    assert (project.amount, project.fiscal_amount, project.other_amount) == (
        Decimal("227"),
        Decimal("227"),
        None,
    )
    assert project.purpose == "开展事业单位考核奖励工作，确保各单位开合奖励资金按时发放。"
    assert project.spending_plan == {
        "03": Decimal("25"),
        "06": Decimal("50"),
        "10": Decimal("75"),
        "12": Decimal("100"),
    }
    assert project.goals == ["开展事业单位考核奖励工作，确保各单位开合奖励资金按时发放。"]
    assert len(project.indicators) == 7
    first = project.indicators[0]
    assert (first.level1, first.level2, first.name, first.description, first.basis) == (
        "产出指标",
        "数量指标",
        "考核奖励人数",
        "符合考核奖励要求的人数",
        "2024年预算指标安排",
    )
    assert (first.value.raw, first.value.op, first.value.number, first.value.unit) == (
        "≥1700人",
        ">=",
        Decimal("1700"),
        "人",
    )
    cost = project.indicators[3]
    assert (cost.level1, cost.level2, cost.value.op, cost.value.number, cost.value.unit) == (
        "产出指标",
        "成本指标",
        "<=",
        Decimal("227"),
        "万元",
    )


def test_inherited_levels_and_qualitative_values(snapshot: Snapshot) -> None:
    running = snapshot.projects[6]
    assert running.name == "社保中心运行费" and len(running.indicators) == 8
    assert [(i.level1, i.level2) for i in running.indicators[4:7]] == [
        ("效益指标", "经济效益指标"),
        ("效益指标", "社会效益指标"),
        ("效益指标", "可持续影响指标"),
    ]
    agents = snapshot.projects[7]
    assert agents.name == "2024年省级城乡居民社会保险代办员补助资金"
    villages, *_, service, _ = agents.indicators
    assert (villages.value.op, villages.value.number, villages.value.unit) == ("=", Decimal("488"), "个")
    assert (service.value.op, service.value.text) == (None, "保持经办服务顺利开展")
    assert agents.notices == ["唐财社[2023]170号"]


def test_bookmarks_dropped_and_numbered_goals_split(snapshot: Snapshot) -> None:
    subsidy = snapshot.projects[11]
    assert subsidy.name == "就业补助资金"
    assert subsidy.purpose is not None and subsidy.purpose.startswith("资金按规定用于职业培训补贴")
    assert "bookmark" not in subsidy.purpose
    assert len(subsidy.goals) == 2 and subsidy.goals[1] == "确保完成年度城镇新增就业目标任务。"


def test_notices_cited(snapshot: Snapshot) -> None:
    assert [n.ref for n in snapshot.notices] == [
        "唐财社[2023]170号",
        "唐财金[2023]16号",
        "唐财社[2023]172号",
        "唐财金[2023]18号",
    ]
    project_refs = {ref for p in snapshot.projects for ref in p.notices}
    assert project_refs == {n.ref for n in snapshot.notices}


def test_gb18030_reads_the_same(snapshot: Snapshot) -> None:
    encoded = SEED.read_text(encoding="utf-8").encode("gb18030")
    assert HebeiTargetsLayout().parse(read_text(encoded)) == snapshot


def _cut(lines: list[str], after: str) -> Document:
    index = next(i for i, line in enumerate(lines) if line.strip() == after)
    return read_text("\n".join(lines[: index + 1]).encode("utf-8"))


def test_cut_inside_an_earlier_table_is_truncated_there() -> None:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    snapshot = HebeiTargetsLayout().parse(_cut(lines, "监督种类"))
    assert [p.name for p in snapshot.projects] == ["考核奖励经费", "人事工作经费", "社保基金监管经费"]
    (warning,) = snapshot.warnings
    assert warning.code == TRUNCATED and warning.where.startswith("3.社保基金监管经费绩效目标表")


def test_cut_before_any_project_table_is_a_parse_error() -> None:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    with pytest.raises(ParseError):
        HebeiTargetsLayout().parse(_cut(lines, "预算项目绩效目标"))


LINES = SEED.read_text(encoding="utf-8").split("\n")


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=len(LINES)))
def test_any_cut_of_the_publication_parses_or_raises_parse_error(keep: int) -> None:
    document = read_text("\n".join(LINES[:keep]).encode("utf-8"))
    try:
        snapshot = HebeiTargetsLayout().parse(document)
    except ParseError:
        return
    assert 1 <= len(snapshot.projects) <= 16
    assert snapshot.department.name == "乐亭县人力资源和社会保障局"
