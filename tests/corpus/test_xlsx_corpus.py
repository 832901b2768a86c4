"""The two real XLSX forms in ``../shared/corpus/xlsx``: what maps onto the snapshot model, and what does not.

Checked by hand in the workbooks:

* wuhan-donghu-hrss-2020-project-application.xlsx — a 2020年项目申报表 (project application): 项目主管部门
  武汉市人力资源和社会保障局东湖新技术开发区分局, 项目名称 专项资金, 项目当年预算 6730; 资金来源 合计 F11 6730;
  支出明细 合计 F26 is ``=F27+…+F32`` with Excel's cached 6730 (874.18 + 3080 + 1545 + 1195.82 + 10 + 25);
  培训人员合格率 F44 stores 1 under format ``0%`` (shows 100%), 仲裁案件法定期限结案率 F45 0.95 (95%).
* yuzhong-2021-project-self-evaluation.xlsx — a 2021年度项目支出绩效自评表 (self-evaluation) on sheet
  就业补助资金: 项目主管部门 渝中区人力资源和社会保障局, 全年预算数 7574, 全年执行数 6643; 预算执行率 target ≥90%,
  完成值 G21 0.88 under ``0%`` (88%).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ledger.model import Snapshot
from ledger.pipeline.parse import parse_publication

pytestmark = pytest.mark.corpus

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "xlsx"
APPLICATION = "wuhan-donghu-hrss-2020-project-application.xlsx"
EVALUATION = "yuzhong-2021-project-self-evaluation.xlsx"


def snapshot(name: str) -> Snapshot:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"corpus file not present: {path}")
    return parse_publication(path.read_bytes(), name).snapshot


def test_the_project_application() -> None:
    found = snapshot(APPLICATION)
    assert (found.department.name, found.fiscal_year, found.document_kind) == (
        "武汉市人力资源和社会保障局东湖新技术开发区分局",
        2020,
        "project-application",
    )
    (project,) = found.projects
    assert (project.name, project.code, project.amount, project.fiscal_amount) == (
        "专项资金",
        None,
        Decimal(6730),
        Decimal(6730),
    )
    assert project.goals == ["完成2020年度市、区下达的各项目标任务"]
    (spending,) = found.budget_overview.expenditure
    assert spending.amount == Decimal(6730)  # the cached result of =F27+…+F32
    assert sum((line.amount or Decimal(0) for line in spending.children), Decimal(0)) == Decimal(6730)
    values = {indicator.name: indicator.value.raw for indicator in project.indicators}
    assert values["培训人员合格率"] == "100%"  # stored 1, formatted 0%
    assert values["仲裁案件法定期限结案率"] == "95%"
    assert values["城镇新增就业人数"] == "25000人"
    assert not [w for w in found.warnings if w.code == "totals-mismatch"]
    assert {w.where.split(" / ")[-1] for w in found.warnings if w.code == "placeholder-indicator"} == {
        "成本指标",
        "经济效益指标",
        "环境效益指标",
        "可持续影响指标",
    }


def test_the_self_evaluation_keeps_targets_and_says_what_it_does_not_record() -> None:
    found = snapshot(EVALUATION)
    assert (found.department.name, found.fiscal_year, found.document_kind) == (
        "渝中区人力资源和社会保障局",
        2021,
        "project-self-evaluation",
    )
    (project,) = found.projects
    assert (project.name, project.unit, project.amount) == (
        "就业补助资金",
        "渝中区就业和人才中心",
        Decimal(7574),
    )
    rate = next(i for i in project.indicators if i.name == "预算执行率")
    assert (rate.value.op, rate.value.number, rate.value.unit) == (">=", Decimal(90), "%")
    assert (rate.level1, rate.source_level1) == ("管理指标", "管理类指标")
    (note,) = [w for w in found.warnings if w.code == "not-recorded"]
    assert "全年执行数 6643万元" in note.message and "预算执行率 88%" in note.message
