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
from typer.testing import CliRunner

from cli.main import app
from ledger.findings.self_evaluation import find_in_project
from ledger.model import Execution, Snapshot
from ledger.pipeline.parse import parse_publication
from ledger.query.outcomes import project_outcome

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


def test_the_self_evaluation_keeps_targets_results_and_execution() -> None:
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
    assert project.execution == Execution(budget=Decimal(7574), executed=Decimal(6643), rate=None)
    assert [(i.name, i.value.raw, i.result.raw if i.result else None) for i in project.indicators][-7:] == [
        ("公共就业服务满意度", "≥90%", "90%"),
        ("预算执行率", "≥90%", "88%"),
        ("资金使用合规性", "合规", "合规"),
        ("财务监控有效性", "有效", "较有效"),
        ("绩效目标明确性", "明确", "明确"),
        ("政府采购程序性", "合规", "合规"),
        ("管理制度健全性", "健全", "较健全"),
    ]
    (note,) = [w for w in found.warnings if w.code == "not-recorded"]
    assert note.message.endswith("城镇新增就业人数49358人，零就业家庭帮扶率100%")


def test_the_self_evaluations_results_against_its_targets() -> None:
    (project,) = snapshot(EVALUATION).projects
    outcome = project_outcome("渝中区@2021", project, None, None, [])
    missed = [(i.name, i.target, i.result, i.gap) for i in outcome.indicators if i.status == "missed"]
    assert missed == [
        ("预算执行率", "≥90%", "88%", Decimal(2)),
        ("财务监控有效性", "有效", "较有效", None),
        ("管理制度健全性", "健全", "较健全", None),
    ]
    assert {i.status for i in outcome.indicators} == {"met", "missed"}
    assert (outcome.budget, outcome.executed, outcome.rate_computed) == (
        Decimal(7574),
        Decimal(6643),
        Decimal("87.71"),
    )
    # 88% stated for 预算执行率 agrees with 6643/7574 = 87.71% to within rounding: no finding.
    assert find_in_project(project) == []


def test_ledger_results_on_the_self_evaluation(tmp_path: Path) -> None:
    path = CORPUS / EVALUATION
    if not path.exists():
        pytest.skip(f"corpus file not present: {path}")
    url = f"sqlite:///{tmp_path}/ledger.db"
    runner = CliRunner()
    assert runner.invoke(app, ["--db", url, "ingest", str(path)]).exit_code == 0
    ref = "渝中区人力资源和社会保障局@2021/project-self-evaluation"
    found = runner.invoke(app, ["--db", url, "results", ref, "-f", "csv"])
    assert found.exit_code == 0
    rows = found.output.splitlines()
    assert rows[0] == "indicator,target,result,status,gap,weight,score,reason"
    assert [row for row in rows if ",missed," in row] == [
        "预算执行率,≥90%,88%,missed,2,8,,",
        "财务监控有效性,有效,较有效,missed,,2,,",
        "管理制度健全性,健全,较健全,missed,,2,,",
    ]
    assert len(rows) == 17  # the header and 16 indicators
    heading = runner.invoke(app, ["--db", url, "results", ref, "-f", "md"]).output.splitlines()[0]
    assert (
        heading
        == "# 就业补助资金: executed 6643 of 7574万元 (87.71%); targets from the self-evaluation itself"
    )
    wrong = runner.invoke(app, ["--db", url, "results", "渝中区人力资源和社会保障局@2021"])
    assert wrong.exit_code == 0  # the department's only 2021 snapshot is the self-evaluation
