"""The single-project form layouts (ledger.layouts.project_forms) on workbooks written with openpyxl.

The forms are laid out as the real ones in the corpus (tests/corpus/test_xlsx_corpus.py): labels in merged ranges,
values to their right or below, totals as formulas (here without cached results, so the reader evaluates them),
rates stored as fractions under a percent format.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from ledger.findings import find
from ledger.layouts.project_forms import ProjectApplicationLayout, ProjectSelfEvaluationLayout
from ledger.model import Execution, IndicatorResult
from ledger.pipeline.parse import parse_publication
from ledger.readers import read_document

SEEDS = Path(__file__).resolve().parents[2] / "samples" / "seeds"


def _sheet() -> tuple[openpyxl.Workbook, Worksheet]:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    return workbook, sheet


def _save(workbook: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def application(spending_total: str = "=SUM(F14:F15)") -> bytes:
    workbook, sheet = _sheet()
    rows: list[list[object]] = [
        ["2023年项目申报表"],
        ["项目名称", None, "职业技能提升", None, "项目代码", "42010023P001"],
        ["项目主管部门", None, "某市人力资源和社会保障局", None, "项目执行单位", "某市职业技能鉴定中心"],
        ["项目主要内容", None, "开展职业技能培训和鉴定"],
        ["项目总预算", None, 300, None, "项目当年预算", 300],
        ["项目资金来源", None, "资金来源项目", None, None, "金额"],
        [None, None, "合计", None, None, "=F8+F10"],
        [None, None, "1.一般公共预算财政拨款收入", None, None, 280],
        [None, None, "  其中：申请当年预算拨款", None, None, 280],
        [None, None, "2.事业收入", None, None, 20],
        [None, None, "3.上年结转", None, None, None],
        ["项目支出预算及测算依据", "项目支出明细预算", "项目支出明细", None, None, "金额"],
        [None, None, "合计", None, None, spending_total],
        [None, None, "1.培训补贴", None, None, 250],
        [None, None, "2.鉴定补贴", None, None, 50],
        ["项目绩效总目标", None, "完成年度培训任务"],
        ["项目年度绩效指标", None, "一级指标", "二级指标", "指标内容", "指标值", "备注"],
        [None, None, "产出指标", "数量指标", "培训人数", "≥5000人"],
        [None, None, None, "质量指标", "鉴定合格率", 0.9],
        [None, None, None, "成本指标"],
        [None, None, "满意度指标", "服务对象满意度指标", "学员满意度", 0.95],
    ]
    for row in rows:
        sheet.append(list(row))
    for ref in ("F19", "F21"):
        sheet[ref].number_format = "0%"
    for merged in ("A1:G1", "A2:B2", "C2:D2", "A6:B11", "C6:E6", "A12:A15", "A17:B21", "C18:C20"):
        sheet.merge_cells(merged)
    return _save(workbook)


def self_evaluation() -> bytes:
    workbook, sheet = _sheet()
    sheet.title = "就业补助资金"
    rows: list[list[object]] = [
        ["2022年度项目支出绩效自评表"],
        ["项目名称", "就业补助资金", None, None, None, None, "项目联系人", None, "某某"],
        [
            "项目实施单位",
            "某区就业中心",
            None,
            None,
            None,
            None,
            "项目主管部门",
            None,
            "某区人力资源和社会保障局",
        ],
        ["项目预算执行情况（万元）", "全年预算数（A）", None, None, None, "全年执行数（B）"],
        [None, 800, None, None, None, 760],
        ["当年绩效目标", "全年绩效目标", None, None, None, None, None, "全年目标实际完成情况"],
        [None, "城镇新增就业人数4000人", None, None, None, None, None, "城镇新增就业人数4200人"],
        [
            "指标类型",
            "指标名称",
            "指标\n性质",
            "指标值",
            "计量\n单位",
            "指标\n权重",
            "全年\n完成值",
            "评价标准",
        ],
        ["产出类指标", "补贴发放准确率", "≥", 95, "%", 20, 100, "达到目标得满分"],
        [None, "城镇新增就业人数", "≥", 4000, "人", 30, 4200, "达到目标得满分"],
        ["管理类指标", "资金使用合规性", "无", "合规", "无", 10, "合规", "合规得满分"],
        ["合计"],
    ]
    for row in rows:
        sheet.append(list(row))
    for merged in ("A1:I1", "B2:F2", "A4:A5", "B4:E4", "B5:E5", "A9:A10"):
        sheet.merge_cells(merged)
    return _save(workbook)


def test_an_application_form_becomes_one_project() -> None:
    snapshot = parse_publication(application(), "申报表.xlsx").snapshot
    assert (snapshot.department.name, snapshot.fiscal_year, snapshot.document_kind) == (
        "某市人力资源和社会保障局",
        2023,
        "project-application",
    )
    (project,) = snapshot.projects
    assert (project.code, project.name, project.unit) == (
        "42010023P001",
        "职业技能提升",
        "某市职业技能鉴定中心",
    )
    assert (project.amount, project.fiscal_amount) == (Decimal(300), Decimal(280))
    assert [(i.level1, i.level2, i.name, i.value.raw) for i in project.indicators] == [
        ("产出指标", "数量指标", "培训人数", "≥5000人"),
        ("产出指标", "质量指标", "鉴定合格率", "90%"),
        ("满意度指标", "服务对象满意度指标", "学员满意度", "95%"),
    ]
    (sources,) = snapshot.budget_overview.income
    assert sources.amount == Decimal(300)  # =F8+F10, evaluated: the file has no cached result
    assert [(line.name, line.amount) for line in sources.children] == [
        ("一般公共预算财政拨款收入", Decimal(280)),
        ("事业收入", Decimal(20)),
        ("上年结转", None),
    ]
    assert sources.children[0].children[0].name == "申请当年预算拨款"
    assert [w.code for w in snapshot.warnings] == ["placeholder-indicator"]  # the empty 成本指标 template row


def test_spending_that_does_not_add_up_to_the_budget_is_reported() -> None:
    snapshot = parse_publication(application(spending_total="290"), "申报表.xlsx").snapshot
    messages = [w.message for w in snapshot.warnings if w.code == "totals-mismatch"]
    assert messages == ["合计 = 各项之和: 290 ≠ 300", "项目当年预算 = 合计: 300 ≠ 290"]


def test_a_self_evaluation_keeps_targets_results_and_execution() -> None:
    snapshot = parse_publication(self_evaluation(), "自评表.xlsx").snapshot
    assert (snapshot.department.name, snapshot.fiscal_year, snapshot.document_kind) == (
        "某区人力资源和社会保障局",
        2022,
        "project-self-evaluation",
    )
    (project,) = snapshot.projects
    assert (project.name, project.unit, project.amount, project.goals) == (
        "就业补助资金",
        "某区就业中心",
        Decimal(800),
        ["城镇新增就业人数4000人"],
    )
    assert [(i.level1, i.source_level1, i.name, i.value.raw) for i in project.indicators] == [
        ("产出指标", "产出类指标", "补贴发放准确率", "≥95%"),
        ("产出指标", "产出类指标", "城镇新增就业人数", "≥4000人"),
        ("管理指标", "管理类指标", "资金使用合规性", "合规"),
    ]
    assert [(i.result.raw, i.result.weight) for i in project.indicators if i.result] == [
        ("100%", Decimal(20)),
        ("4200人", Decimal(30)),
        ("合规", Decimal(10)),
    ]
    assert project.execution == Execution(budget=Decimal(800), executed=Decimal(760), rate=None)
    (note,) = snapshot.warnings
    assert (note.code, note.message) == (
        "not-recorded",
        "全年目标实际完成情况 (the goal's result, as text) is not recorded: 城镇新增就业人数4200人",
    )


SELF_EVALUATION_RULES = ("result-contradicts-target", "score-above-weight", "execution-rate-mismatch")


def scored_self_evaluation() -> bytes:
    """A self-evaluation with 分值, 得分, 偏差原因 and a stated 执行率 — and three things its figures contradict."""
    workbook, sheet = _sheet()
    rows: list[list[object]] = [
        ["2022年度项目支出绩效自评表"],
        ["项目名称", "就业补助资金", None, "项目主管部门", "某区人力资源和社会保障局"],
        ["项目预算执行情况（万元）", "全年预算数", "全年执行数", "执行率"],
        [None, 800, 760, "90%"],
        ["当年绩效目标", "全年绩效目标"],
        [None, "城镇新增就业人数4000人"],
        ["指标类型", "指标名称", "指标性质", "指标值", "计量单位", "分值", "实际完成值", "得分", "偏差原因"],
        ["产出类指标", "补贴发放准确率", "≥", 95, "%", 20, 93, 20, None],
        [None, "城镇新增就业人数", "≥", 4000, "人", 30, 3500, 35, "经济下行，企业用工需求减少"],
        ["管理类指标", "资金使用合规性", "无", "合规", "无", 10, None, None, None],
        ["合计"],
    ]
    for row in rows:
        sheet.append(list(row))
    return _save(workbook)


def test_a_self_evaluation_with_scores_reasons_and_a_stated_rate() -> None:
    snapshot = parse_publication(scored_self_evaluation(), "自评表.xlsx").snapshot
    (project,) = snapshot.projects
    assert [(i.name, i.value.raw, i.result) for i in project.indicators] == [
        ("补贴发放准确率", "≥95%", IndicatorResult(raw="93%", weight=Decimal(20), score=Decimal(20))),
        (
            "城镇新增就业人数",
            "≥4000人",
            IndicatorResult(
                raw="3500人", weight=Decimal(30), score=Decimal(35), reason="经济下行，企业用工需求减少"
            ),
        ),
        ("资金使用合规性", "合规", IndicatorResult(raw="", weight=Decimal(10))),
    ]
    assert project.execution == Execution(budget=Decimal(800), executed=Decimal(760), rate=Decimal(90))
    assert [(f.rule, f.message) for f in find(snapshot) if f.rule in SELF_EVALUATION_RULES] == [
        (
            "score-above-weight",
            "就业补助资金: 城镇新增就业人数 scores 35 of a weight of 30",
        ),
        (
            "result-contradicts-target",
            "就业补助资金: 补贴发放准确率 is reported as met (得分 20 of 20) but its result 93% misses the target"
            " ≥95%, short by 2",
        ),
        (
            "result-contradicts-target",
            "就业补助资金: 城镇新增就业人数 is reported as met (得分 35 of 30) but its result 3500人 misses the"
            " target ≥4000人, short by 500",
        ),
        (
            "execution-rate-mismatch",
            "就业补助资金: 执行率 90% is not 全年执行数/全年预算数 = 760/800 = 95%",
        ),
    ]


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_seed_publications_are_not_claimed(seed: str) -> None:
    document = read_document((SEEDS / seed).read_bytes())
    assert ProjectApplicationLayout().detect(document) == 0
    assert ProjectSelfEvaluationLayout().detect(document) == 0


def test_each_form_is_claimed_only_by_its_layout() -> None:
    application_document = read_document(application())
    evaluation_document = read_document(self_evaluation())
    assert ProjectApplicationLayout().detect(application_document) > 0
    assert ProjectSelfEvaluationLayout().detect(application_document) == 0
    assert ProjectSelfEvaluationLayout().detect(evaluation_document) > 0
    assert ProjectApplicationLayout().detect(evaluation_document) == 0
