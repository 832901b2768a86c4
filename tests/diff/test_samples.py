"""The sample series (samples/README.md): every planted change is found, and nothing else is reported.

The derived publications are the seeds with the edits of samples/derive.py; the README says, edit by edit, which
change records each one must produce. The lists below are those records, in report order. Long texts are compared
by their first 29 characters.
"""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from ledger.diff import diff_snapshots
from ledger.diff.records import ChangeValue, DiffResult, Scope
from ledger.model import Snapshot
from ledger.pipeline.parse import parse_publication
from ledger.report.diff_formats import cell_text

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"

Row = tuple[str, str, str, str | None, str, str, str | None, str | None]


@cache
def load(relative: str) -> Snapshot:
    path = SAMPLES / relative
    return parse_publication(path.read_bytes(), path.name).snapshot


def short(value: ChangeValue) -> str:
    text = cell_text(value).replace("\n", " ")
    return text if len(text) <= 30 else text[:29] + "…"


def rows(result: DiffResult) -> list[Row]:
    return [
        (c.entity, c.key, c.change, c.field, short(c.old), short(c.new), c.direction, c.matched_by)
        for c in result.changes
    ]


@cache
def diff(old: str, new: str, scope: Scope) -> DiffResult:
    return diff_snapshots(load(old), load(new), scope=scope)


def test_the_derived_files_are_what_the_edits_make() -> None:
    done = subprocess.run(
        [sys.executable, str(SAMPLES / "derive.py"), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("relative", "year"),
    [
        ("haigang/haigang-hrss-2024-budget-r2.txt", 2024),
        ("haigang/haigang-hrss-2025-budget.txt", 2025),
        ("laoting/laoting-hrss-2023-targets.txt", 2023),
    ],
)
def test_the_derived_files_parse_with_the_seeds_layout(relative: str, year: int) -> None:
    snapshot = load(relative)
    seed = load("seeds/" + relative.split("/")[1].replace("-r2", "").replace(str(year), "2024"))
    assert snapshot.fiscal_year == year
    assert snapshot.department == seed.department
    assert [w.code for w in snapshot.warnings] == [w.code for w in seed.warnings]


# --- Haigang 2024, first publication → second publication (revision) -------------------------------------------

HAIGANG_REVISION: list[Row] = [
    ("budget_line", "expenditure/项目支出", "modified", "amount", "2132.39", "2137.39", None, "key"),
    ("budget_line", "income/上年结转结余", "modified", "amount", "828.39", "833.39", None, "key"),
    (
        "budget_line",
        "income/上年结转结余/一般公共预算拨款",
        "modified",
        "amount",
        "70.39",
        "75.39",
        None,
        "key",
    ),
    ("accounts", "accounts", "modified", "income_total", "4078.23", "4083.23", None, "identity"),
    ("accounts", "accounts", "modified", "expenditure_total", "4078.23", "4083.23", None, "identity"),
    ("accounts", "accounts", "modified", "current_year_expenditure", "4078.23", "4083.23", None, "identity"),
    ("accounts", "accounts", "modified", "carry_over", "828.39", "833.39", None, "identity"),
    ("accounts", "accounts", "modified", "project_expenditure", "2132.39", "2137.39", None, "identity"),
    (
        "account_line",
        "expenditure_lines/社会保障和就业支出",
        "modified",
        "amount",
        "2320.28",
        "2325.28",
        None,
        "key",
    ),
    ("function_line", "208", "modified", "total", "2320.28", "2325.28", None, "code"),
    ("function_line", "208", "modified", "project", "616.39", "621.39", None, "code"),
    ("function_line", "208", "modified", "carry_over", "70.39", "75.39", None, "code"),
    ("function_line", "20807", "modified", "total", "70.39", "75.39", None, "code"),
    ("function_line", "20807", "modified", "project", "70.39", "75.39", None, "code"),
    ("function_line", "20807", "modified", "carry_over", "70.39", "75.39", None, "code"),
    ("function_line", "2080799", "modified", "total", "70.39", "75.39", None, "code"),
    ("function_line", "2080799", "modified", "project", "70.39", "75.39", None, "code"),
    ("function_line", "2080799", "modified", "carry_over", "70.39", "75.39", None, "code"),
    ("fiscal_function_line", "208", "modified", "total", "2320.28", "2325.28", None, "code"),
    ("fiscal_function_line", "208", "modified", "project", "616.39", "621.39", None, "code"),
    ("fiscal_function_line", "20807", "modified", "total", "70.39", "75.39", None, "code"),
    ("fiscal_function_line", "20807", "modified", "project", "70.39", "75.39", None, "code"),
    ("fiscal_function_line", "2080799", "modified", "total", "70.39", "75.39", None, "code"),
    ("fiscal_function_line", "2080799", "modified", "project", "70.39", "75.39", None, "code"),
    (
        "goal",
        "分项1",
        "modified",
        "text",
        "办公室 综合协调机关重要政务、事务。",
        "办公室 综合协调机关重要政务、事务，督促重点工作落实。",
        None,
        "fuzzy-text",
    ),
    (
        "indicator",
        "13030224P00308P12449R|产出指标|时效指标|投诉举报案件完成的及时率",
        "modified",
        "value",
        "≥95%",
        "≥98%",
        "tightened",
        "key",
    ),
    (
        "indicator",
        "13030223P00MN0M10196D|产出指标|数量指标|管理服务对象人数(人)",
        "renamed",
        "name",
        "管理服务对象人数",
        "管理服务对象人数（人）",
        None,
        "name-without-unit",
    ),
    ("project", "13030223P00MN0M10193J", "modified", "amount", "40.39", "45.39", None, "code"),
    ("project", "13030223P00MN0M10193J", "modified", "fiscal_amount", "40.39", "45.39", None, "code"),
    ("project", "13030223P00MN0M10193J", "modified", "spending_plan.03", "25", "30", None, "code"),
    (
        "project_goal",
        "13030223P00MN0M10193J|1",
        "modified",
        "text",
        "完成全区就业困难人员认定。",
        "完成全区就业困难人员认定和动态管理。",
        None,
        "fuzzy-text",
    ),
    (
        "indicator",
        "13030223P00MN0M10193J|产出指标|质量指标|人员认定完成率",
        "moved",
        "level2",
        "数量指标",
        "质量指标",
        None,
        "name",
    ),
    (
        "indicator",
        "13030223P00MN0M10193J|产出指标|时效指标|补贴发放及时率",
        "modified",
        "value",
        "≥90%",
        "≥85%",
        "loosened",
        "key",
    ),
    (
        "indicator",
        "13030223P00MN0M10193J|产出指标|成本指标|补贴资金支出控制数",
        "modified",
        "value",
        "≤403860.63元",
        "≤453860.63元",
        "loosened",
        "key",
    ),
]

HAIGANG_REVISION_DETECTIONS: list[tuple[str, str | None]] = [
    ("carry-over-changed", "income/上年结转结余"),
    ("carry-over-changed", "income/上年结转结余/一般公共预算拨款"),
    ("carry-over-changed", "accounts"),
    ("carry-over-changed", "208"),
    ("carry-over-changed", "20807"),
    ("carry-over-changed", "2080799"),
    ("earlier-year-project", "13030223P00MN0M10196D"),
    ("earlier-year-project", "13030223P00MN0M10195R"),
    ("earlier-year-project", "13030223P00JD2G11017G"),
    ("earlier-year-project", "13030223P00MN0M10193J"),
    ("carry-over-reconciled", "accounts"),
    ("earlier-year-notice", "13030223P00MN0M10196D"),
    ("earlier-year-notice", "13030223P00MN0M10195R"),
    ("earlier-year-notice", "13030223P00JD2G11017G"),
    ("earlier-year-notice", "13030223P00MN0M10193J"),
]


def test_haigang_revision_reports_exactly_the_planted_changes() -> None:
    result = diff("seeds/haigang-hrss-2024-budget.txt", "haigang/haigang-hrss-2024-budget-r2.txt", "revision")
    assert rows(result) == HAIGANG_REVISION
    assert [(d.code, d.key) for d in result.detections] == HAIGANG_REVISION_DETECTIONS
    assert result.notes == []


# --- Haigang 2024 → Haigang 2025 (year over year) --------------------------------------------------------------

HAIGANG_NEXT_YEAR: list[Row] = [
    (
        "goal",
        "总体",
        "modified",
        "text",
        "负责全区人力资源和社会保障工作。人事制度改革深入推进，科学…",
        "负责全区人力资源和社会保障工作。人事制度改革深入推进，科学…",
        None,
        "fuzzy-text",
    ),
    ("project", "13030225P00308P12452C", "modified", "amount", "3.5", "5.5", None, "code-year-masked"),
    ("project", "13030225P00308P12452C", "modified", "fiscal_amount", "3.5", "5.5", None, "code-year-masked"),
    (
        "indicator",
        "13030225P00308P12452C|产出指标|成本指标|专网维护费用",
        "modified",
        "value",
        "≤3.5万元",
        "≤5.5万元",
        "loosened",
        "key",
    ),
    (
        "indicator",
        "13030225P00308P12456T|产出指标|质量指标|投诉举报结案率",
        "modified",
        "value",
        "≥95%",
        "≥98%",
        "tightened",
        "key",
    ),
    ("project", "13030225P00308P13017K", "added", None, "", "25", None, None),
    (
        "indicator",
        "13030225P00308P12463U|满意度指标|服务对象满意度指标|受益群体满意度",
        "modified",
        "value",
        "≥98%",
        "≥95%",
        "loosened",
        "key",
    ),
    ("project", "13030225P00308P12454K", "modified", "amount", "16.5", "14.5", None, "code-year-masked"),
    (
        "project",
        "13030225P00308P12454K",
        "modified",
        "fiscal_amount",
        "16.5",
        "14.5",
        None,
        "code-year-masked",
    ),
    (
        "indicator",
        "13030225P00308P12454K|产出指标|成本指标|专网维护费用控制数",
        "modified",
        "value",
        "≤16.5万元",
        "≤14.5万元",
        "tightened",
        "key",
    ),
    (
        "indicator",
        "13030225P00308P12373E|效益指标|社会效益指标|改制单位资金发放覆盖率",
        "moved",
        "level2",
        "经济效益指标",
        "社会效益指标",
        None,
        "fuzzy-name",
    ),
    (
        "indicator",
        "13030225P00308P12373E|效益指标|社会效益指标|改制单位资金发放覆盖率",
        "renamed",
        "name",
        "改制单位资金发放覆盖比例",
        "改制单位资金发放覆盖率",
        None,
        "fuzzy-name",
    ),
    (
        "indicator",
        "13030225P00308P12373E|效益指标|社会效益指标|改制单位资金发放覆盖率",
        "modified",
        "value",
        "≥95%",
        "≥98%",
        "tightened",
        "fuzzy-name",
    ),
    (
        "indicator",
        "13030223P00MN0M10195R|产出指标|数量指标|管理服务对象人数(人)",
        "renamed",
        "name",
        "管理服务对象人数",
        "管理服务对象人数（人）",
        None,
        "name-without-unit",
    ),
    (
        "indicator",
        "13030224P00MN0M10402E|产出指标|数量指标|管理服务对象人数",
        "modified",
        "value",
        "≥16000人",
        "≥16000人次",
        "unit-changed",
        "key",
    ),
    ("project", "13030225P00MN0M10655A", "added", None, "", "648.6", None, None),
    ("project", "13030225P00MN0M10656B", "added", None, "", "109.4", None, None),
    (
        "indicator",
        "13030225P00308P123813|产出指标|成本指标|业务费用控制数",
        "modified",
        "description",
        "养老保险各险种经办业务费用",
        "按2023年度标准核定的养老保险各险种经办业务费用",
        None,
        "key",
    ),
    (
        "indicator",
        "13030225P00308P12387Q|产出指标|质量指标|各项工作完成及时率",
        "moved",
        "level2",
        "时效指标",
        "质量指标",
        None,
        "name",
    ),
    (
        "indicator",
        "13030223P00MN0M10193J|效益指标|社会效益指标|享受就业补贴覆盖面",
        "modified",
        "value",
        "较上年有所提升",
        "≥95%",
        "qualitative",
        "key",
    ),
    (
        "project",
        "13030225P00308P12392J",
        "renamed",
        "name",
        "人才库档案管理经费",
        "人才库档案管理费",
        None,
        "code-year-masked",
    ),
    ("project", "13030224P00308P124505", "removed", None, "25", "", None, None),
    ("project", "13030223P00MN0M10196D", "removed", None, "648.6", "", None, None),
    ("project", "13030224P00MN0M104032", "removed", None, "109.4", "", None, None),
    ("notice", "秦财企[2024]611号", "added", None, "", "秦财企[2024]611号", None, None),
    ("notice", "秦财企[2024]613号", "added", None, "", "秦财企[2024]613号", None, None),
    ("notice", "秦财企[2022]692号", "removed", None, "秦财企[2022]692号", "", None, None),
    ("notice", "秦财企[2023]750号", "removed", None, "秦财企[2023]750号", "", None, None),
]

HAIGANG_NEXT_YEAR_PROGRAMS: list[tuple[str, list[tuple[int, str | None, str]]]] = [
    (
        "the 2024 allocation ended (-109.4); the 2025 allocation was added (+109.4); program continues 2023 → 2024 → 2025",
        [
            (2023, "秦财企[2022]694号", "continues"),
            (2024, "秦财企[2023]750号", "ended"),
            (2025, "秦财企[2024]613号", "added"),
        ],
    ),
    (
        "the 2023 allocation ended (-648.6); the 2025 allocation was added (+648.6); program continues 2023 → 2024 → 2025",
        [
            (2023, "秦财企[2022]692号", "ended"),
            (2024, "秦财企[2023]649号", "continues"),
            (2025, "秦财企[2024]611号", "added"),
        ],
    ),
]

HAIGANG_NEXT_YEAR_DETECTIONS: list[tuple[str, str | None]] = [
    ("earlier-year-project", "13030223P00MN0M10195R"),
    ("earlier-year-project", "13030224P00MN0M10402E"),
    ("earlier-year-project", "13030224P00MN0M10287W"),
    ("earlier-year-project", "13030223P00JD2G11017G"),
    ("earlier-year-project", "13030223P00MN0M10193J"),
    ("carry-over-unreconciled", "accounts"),
    ("earlier-year-notice", "13030223P00MN0M10195R"),
    ("earlier-year-notice", "13030224P00MN0M10402E"),
    ("earlier-year-notice", "13030224P00MN0M10287W"),
    ("earlier-year-notice", "13030223P00JD2G11017G"),
    ("earlier-year-notice", "13030223P00MN0M10193J"),
    ("notice-cited-again", "秦财企[2022]694号"),
    ("notice-cited-again", "秦财企[2023]649号"),
    ("notice-cited-again", "秦财社[2023]739号"),
    ("notice-cited-again", "秦财社[2023]377号"),
    ("notice-cited-again", "秦财社[2022]794号"),
    ("stale-year-reference", "13030225P00308P123813|产出指标|成本指标|业务费用控制数"),
    ("copied-goal", "分项1"),
    ("copied-goal", "分项2"),
    ("copied-goal", "分项3"),
    ("copied-goal", "分项4"),
    ("copied-goal", "分项5"),
    ("copied-goal", "分项6"),
    ("copied-indicators", None),
    ("copied-project-targets", "13030225P00308P12449R"),
    ("copied-project-targets", "13030225P00308P12599E"),
    ("copied-project-targets", "13030225P00308P124601"),
    ("copied-project-targets", "13030225P00308P12445B"),
    ("copied-project-targets", "13030225P00308P12446Y"),
    ("copied-project-targets", "13030224P00MN0M10287W"),
    ("copied-project-targets", "13030225P00308P12125P"),
    ("copied-project-targets", "13030225P00308P12378G"),
    ("copied-project-targets", "13030223P00JD2G11017G"),
    ("copied-project-targets", "13030225P00308P12392J"),
    ("copied-project-targets", "13030225P00308P12386X"),
]


def test_haigang_next_year_reports_exactly_the_planted_changes() -> None:
    result = diff("seeds/haigang-hrss-2024-budget.txt", "haigang/haigang-hrss-2025-budget.txt", "yoy")
    assert rows(result) == HAIGANG_NEXT_YEAR
    assert [(d.code, d.key) for d in result.detections] == HAIGANG_NEXT_YEAR_DETECTIONS


def test_haigang_next_year_reports_allocations_that_end_and_begin_as_program_chains() -> None:
    """Y3: an allocation that ends while the next one begins is never one project renamed."""
    result = diff("seeds/haigang-hrss-2024-budget.txt", "haigang/haigang-hrss-2025-budget.txt", "yoy")
    assert [
        (chain.summary, [(a.fund_year, a.notice, a.status) for a in chain.allocations])
        for chain in result.programs
    ] == HAIGANG_NEXT_YEAR_PROGRAMS
    assert not [
        c for c in result.changes if c.entity == "project" and c.change == "renamed" and "秦财" in str(c.old)
    ]
    tagged = [(c.key, c.change) for c in result.changes if "program" in c.tags]
    assert tagged == [
        ("13030225P00MN0M10655A", "added"),
        ("13030225P00MN0M10656B", "added"),
        ("13030223P00MN0M10196D", "removed"),
        ("13030224P00MN0M104032", "removed"),
    ]


# --- Laoting 2023 → Laoting 2024 (year over year) --------------------------------------------------------------

LAOTING_YEAR_BEFORE: list[Row] = [
    ("goal", "分项7", "added", None, "", "CA证书使用费用项目 照省政府督查室2022年2月23日转…", None, None),
    ("project", "13022524P0008F010032K", "modified", "amount", "215", "227", None, "code-year-masked"),
    ("project", "13022524P0008F010032K", "modified", "fiscal_amount", "215", "227", None, "code-year-masked"),
    (
        "indicator",
        "13022524P0008F010032K|产出指标|成本指标|考核奖金",
        "modified",
        "value",
        "≤215万元",
        "≤227万元",
        "loosened",
        "key",
    ),
    (
        "indicator",
        "13022524P0008F010037M|产出指标|时效指标|监察工作完成及时性",
        "modified",
        "value",
        "≥95%",
        "≥96%",
        "tightened",
        "key",
    ),
    (
        "indicator",
        "13022524P0008F0100337|产出指标|数量指标|公开招聘次数",
        "modified",
        "value",
        "≥8次",
        "≥6次",
        "loosened",
        "key",
    ),
    ("project", "13022524P00414610012J", "added", None, "", "18", None, None),
    (
        "indicator",
        "13022524P004146100136|效益指标|可持续影响指标|各项宣传政策及时公开",
        "moved",
        "level2",
        "社会效益指标",
        "可持续影响指标",
        None,
        "name",
    ),
    (
        "project",
        "13022524P00419610003E",
        "modified",
        "notices",
        "唐财社[2022]166号",
        "唐财社[2023]170号",
        None,
        "code-year-masked",
    ),
    (
        "indicator",
        "13022524P00419610003E|产出指标|数量指标|行政村数量",
        "modified",
        "basis",
        "唐财社【2022】166号",
        "唐财社【2023】170号",
        None,
        "key",
    ),
    (
        "indicator",
        "13022524P00419610003E|产出指标|质量指标|支付成功率",
        "modified",
        "basis",
        "唐财社【2022】166号",
        "唐财社【2023】170号",
        None,
        "key",
    ),
    (
        "indicator",
        "13022524P00419610003E|产出指标|时效指标|支付时效",
        "modified",
        "basis",
        "唐财社【2022】166号",
        "唐财社【2023】170号",
        None,
        "key",
    ),
    (
        "indicator",
        "13022524P00419610003E|产出指标|成本指标|财政资金到位金额",
        "modified",
        "basis",
        "唐财社【2022】166号",
        "唐财社【2023】170号",
        None,
        "key",
    ),
    (
        "indicator",
        "13022524P00419610003E|效益指标|社会效益指标|提供经办服务",
        "modified",
        "basis",
        "唐财社【2022】166号",
        "唐财社【2023】170号",
        None,
        "key",
    ),
    (
        "indicator",
        "13022524P00419610003E|满意度指标|服务对象满意度指标|参保对象满意度",
        "modified",
        "basis",
        "唐财社【2022】166号",
        "唐财社【2023】170号",
        None,
        "key",
    ),
    (
        "indicator",
        "13022524P000021100016|产出指标|数量指标|办公人数",
        "renamed",
        "name",
        "办公人数（人）",
        "办公人数",
        None,
        "name-without-unit",
    ),
    ("project", "13022523P000021100027", "removed", None, "60", "", None, None),
    ("notice", "唐财社[2023]170号", "added", None, "", "唐财社[2023]170号", None, None),
    ("notice", "唐财社[2022]166号", "removed", None, "唐财社[2022]166号", "", None, None),
]

LAOTING_YEAR_BEFORE_DETECTIONS: list[tuple[str, str | None]] = [
    ("notice-cited-again", "唐财金[2023]16号"),
    ("notice-cited-again", "唐财社[2023]172号"),
    ("notice-cited-again", "唐财金[2023]18号"),
    ("copied-goal-year-bumped", "总体"),
    ("copied-goal", "1"),
    ("copied-goal", "2"),
    ("copied-goal", "3"),
    ("copied-goal", "4"),
    ("copied-goal", "分项1"),
    ("copied-goal", "分项2"),
    ("copied-goal", "分项3"),
    ("copied-goal", "分项4"),
    ("copied-goal", "分项5"),
    ("copied-goal", "分项6"),
    ("copied-goal", "分项8"),
    ("copied-goal", "分项9"),
    ("copied-goal", "分项10"),
    ("copied-goal", "分项11"),
    ("copied-targets-year-bumped", "13022524P0008F010032K"),
    ("copied-targets-year-bumped", "13022524P0008F010037M"),
    ("copied-project-targets", "13022524P0008F0100362"),
    ("copied-targets-year-bumped", "13022524P0008F0100337"),
    ("copied-project-targets", "13022524P00004310002K"),
    ("copied-project-targets", "13022524P000056100018"),
    ("copied-project-targets", "13022524P00002010001G"),
    ("copied-project-targets", "13022524P00001910001C"),
    ("copied-project-targets", "13022524P00000910003C"),
    ("copied-project-targets", "13022524P00000810009C"),
    ("copied-project-targets", "13022524P000009100040"),
    ("copied-project-targets", "13022524P00000810008Q"),
]


def test_laoting_previous_year_reports_exactly_the_planted_changes() -> None:
    result = diff("laoting/laoting-hrss-2023-targets.txt", "seeds/laoting-hrss-2024-targets.txt", "yoy")
    assert rows(result) == LAOTING_YEAR_BEFORE
    assert [(d.code, d.key) for d in result.detections] == LAOTING_YEAR_BEFORE_DETECTIONS


def test_haigang_next_year_reports_the_renamed_and_moved_indicator_with_its_score() -> None:
    """Y16: one indicator renamed and moved under the same 一级指标, its value changed, with the similarity score."""
    result = diff("seeds/haigang-hrss-2024-budget.txt", "haigang/haigang-hrss-2025-budget.txt", "yoy")
    assert [
        (c.old_key, c.change, c.field, c.score)
        for c in result.changes
        if c.key == "13030225P00308P12373E|效益指标|社会效益指标|改制单位资金发放覆盖率"
    ] == [
        (
            "13030224P00308P12373E|效益指标|经济效益指标|改制单位资金发放覆盖比例",
            "moved",
            "level2",
            Decimal("87.0"),
        ),
        (
            "13030224P00308P12373E|效益指标|经济效益指标|改制单位资金发放覆盖比例",
            "renamed",
            "name",
            Decimal("87.0"),
        ),
        (
            "13030224P00308P12373E|效益指标|经济效益指标|改制单位资金发放覆盖比例",
            "modified",
            "value",
            Decimal("87.0"),
        ),
    ]
