"""The columns of every exported record kind: their Chinese headers, sheet titles, and which hold amounts.

One table for every export (:mod:`ledger.report.writers` writes it, :mod:`ledger.report.workbook` builds the records of diffs,
histories and the audit workbook), so a column is named the same wherever it appears: 原版本 in the changes and
in the detections, 快照 in the findings and in the projects of several snapshots.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ledger.diff.records import ENTITY_LABELS


@dataclass(frozen=True)
class ExportColumn:
    """One column of a kind: its record key, its Chinese header, and its role.

    ``amount``: Decimals in it are numbers shown with two places (money in 万元, and percentages, which the ledger
    rounds to two places). ``context``: it names where a record comes from (快照, 原版本 …) when a sheet gathers
    several snapshots or comparisons; it is shown only when the records carry it, so an empty sheet of one snapshot
    does not grow a column it never uses.
    """

    key: str
    header: str
    amount: bool = False
    context: bool = False


_AMOUNT = "amount"
_CONTEXT = "context"


def _columns(*spec: tuple[str, str] | tuple[str, str, str]) -> tuple[ExportColumn, ...]:
    """Columns from ``(key, header)`` or ``(key, header, role)`` with role ``amount`` or ``context``."""
    columns = []
    for key, header, *role in spec:
        columns.append(ExportColumn(key, header, amount=_AMOUNT in role, context=_CONTEXT in role))
    return tuple(columns)


#: Sheet titles (Excel allows 31 characters, no ``[]:*?/\``).
SHEET_TITLES: dict[str, str] = {
    "summary": "概况",
    "projects": "项目",
    "indicators": "绩效指标",
    "lines": "预算科目",
    "function_lines": "功能分类科目",
    "economic_lines": "经济分类科目",
    "goals": "绩效目标",
    "key_tasks": "重点工作任务",
    "notices": "资金文件",
    "warnings": "解析提示",
    "findings": "审计发现",
    "claims": "预算说明核对",
    "diff_summary": "汇总",
    "changes": "变更",
    "detections": "检测",
    "versions": "版本",
    "timeline": "时间线",
    "snapshots": "快照",
    "events": "事件",
    "departments": "部门",
}

#: The columns of each record kind, in order, with their Chinese headers.
COLUMNS: dict[str, tuple[ExportColumn, ...]] = {
    "summary": _columns(("item", "事项"), ("value", "内容", _AMOUNT)),
    "projects": _columns(
        ("snapshot", "快照", _CONTEXT),
        ("code", "项目编码"),
        ("name", "项目名称"),
        ("unit", "单位"),
        ("amount", "预算数（万元）", _AMOUNT),
        ("fiscal_amount", "其中：财政资金（万元）", _AMOUNT),
        ("other_amount", "其他资金（万元）", _AMOUNT),
        ("purpose", "资金用途"),
        ("spending_plan", "资金支出计划（累计%）"),
        ("goals", "绩效目标"),
        ("notices", "资金文件"),
        ("indicator_count", "指标数"),
    ),
    "indicators": _columns(
        ("snapshot", "快照", _CONTEXT),
        ("project_code", "项目编码"),
        ("project_name", "项目名称"),
        ("level1", "一级指标"),
        ("level2", "二级指标"),
        ("name", "三级指标"),
        ("description", "绩效指标描述"),
        ("value", "指标值"),
        ("op", "比较"),
        ("number", "数值"),
        ("upper", "上限"),
        ("unit", "计量单位"),
        ("text", "定性指标值"),
        ("basis", "指标值确定依据"),
        ("source_level1", "原文一级指标"),
    ),
    "lines": _columns(
        ("table", "表"),
        ("parent", "上级"),
        ("code", "编码"),
        ("name", "名称"),
        ("amount", "金额（万元）", _AMOUNT),
    ),
    "function_lines": _columns(
        ("table", "表"),
        ("code", "科目编码"),
        ("name", "科目名称"),
        ("total", "合计（万元）", _AMOUNT),
        ("basic", "基本支出（万元）", _AMOUNT),
        ("project", "项目支出（万元）", _AMOUNT),
        ("carry_over", "上年结转（万元）", _AMOUNT),
    ),
    "economic_lines": _columns(
        ("code", "科目编码"),
        ("name", "科目名称"),
        ("total", "合计（万元）", _AMOUNT),
        ("personnel", "人员经费（万元）", _AMOUNT),
        ("public", "公用经费（万元）", _AMOUNT),
    ),
    "goals": _columns(
        ("project_code", "项目编码"), ("project_name", "项目名称"), ("key", "编号"), ("text", "目标")
    ),
    "key_tasks": _columns(
        ("name", "名称"),
        ("content", "主要实施内容"),
        ("amount", "拟投入的资金（万元）", _AMOUNT),
        ("expected", "期望达到的目标"),
        ("optional", "其他需完成的任务（可选填）"),
    ),
    "notices": _columns(("ref", "文号"), ("issuer", "发文机关代字"), ("year", "年份"), ("number", "序号")),
    "warnings": _columns(("code", "类别"), ("message", "说明"), ("where", "位置")),
    "claims": _columns(
        ("page", "页码"),
        ("subject", "说明事项"),
        ("entity", "对应科目"),
        ("stated_amount", "说明金额（万元）", _AMOUNT),
        ("table_amount", "表列金额（万元）", _AMOUNT),
        ("last_year_amount", "上年表列金额（万元）", _AMOUNT),
        ("direction", "增减"),
        ("stated_delta", "说明增减额（万元）", _AMOUNT),
        ("computed_delta", "计算增减额（万元）", _AMOUNT),
        ("stated_percent", "说明增减率（%）", _AMOUNT),
        ("computed_percent", "计算增减率（%）", _AMOUNT),
        ("verdict", "核对结论"),
        ("failed", "不符之处"),
        ("reason", "主要原因"),
        ("text", "原文"),
    ),
    "findings": _columns(
        ("snapshot", "快照", _CONTEXT),
        ("status", "状态", _CONTEXT),
        ("base", "对比基准", _CONTEXT),
        ("severity", "严重程度"),
        ("rule", "规则"),
        ("location", "位置"),
        ("message", "说明"),
        ("key", "键"),
        ("facts", "数据"),
    ),
    # --- listings of the ledger itself (ledger snapshots, log, departments) ----------------------------------------
    "snapshots": _columns(
        ("id", "快照编号"),
        ("ref", "版本"),
        ("department", "部门"),
        ("fiscal_year", "年度"),
        ("document_kind", "文件类型"),
        ("revision", "修订号"),
        ("content_hash", "内容哈希"),
        ("parser", "解析器"),
        ("recorded_at", "记录时间"),
    ),
    "events": _columns(
        ("seq", "序号"),
        ("created_at", "时间"),
        ("type", "事件类型"),
        ("subject", "对象"),
        ("label", "说明"),
        ("payload", "内容"),
        ("prev_hash", "前一哈希"),
        ("hash", "哈希"),
    ),
    "departments": _columns(
        ("id", "部门编号"),
        ("name", "部门"),
        ("code", "部门编码"),
        ("aliases", "别名"),
        ("snapshots", "快照数"),
        ("years", "年度"),
    ),
    # --- diffs (docs/architecture.md §6): a comparison's totals, its change records, its detections --------------------------
    "diff_summary": _columns(
        ("old_version", "原版本", _CONTEXT),
        ("new_version", "新版本", _CONTEXT),
        ("scope", "对比类型"),
        ("total", "变更数"),
        ("added", "新增"),
        ("removed", "删除"),
        ("modified", "修改"),
        ("renamed", "更名"),
        ("moved", "移动"),
        ("budget_old", "支出总计·原（万元）", _AMOUNT),
        ("budget_new", "支出总计·新（万元）", _AMOUNT),
        ("budget_delta", "支出总计·变化额（万元）", _AMOUNT),
        ("budget_pct", "支出总计·变化率（%）", _AMOUNT),
        ("project_budget_old", "项目预算数·原（万元）", _AMOUNT),
        ("project_budget_new", "项目预算数·新（万元）", _AMOUNT),
        ("project_budget_delta", "项目预算数·变化额（万元）", _AMOUNT),
        ("project_budget_pct", "项目预算数·变化率（%）", _AMOUNT),
        ("detections", "检测数"),
        ("notes", "说明"),
    ),
    "changes": _columns(
        ("old_version", "原版本", _CONTEXT),
        ("new_version", "新版本", _CONTEXT),
        ("scope", "对比类型"),
        ("entity", "对象类型"),
        ("label", "名称"),
        ("change", "变更类型"),
        ("field", "字段"),
        ("field_label", "字段名称"),
        ("old", "原值", _AMOUNT),
        ("new", "新值", _AMOUNT),
        ("delta", "变化额", _AMOUNT),
        ("pct", "变化率（%）", _AMOUNT),
        ("direction", "方向"),
        ("matched_by", "匹配方式"),
        ("score", "相似度"),
        ("tags", "标记"),
        ("key", "键"),
        ("old_key", "原键"),
    ),
    "detections": _columns(
        ("old_version", "原版本", _CONTEXT),
        ("new_version", "新版本", _CONTEXT),
        ("code", "检测项"),
        ("tag", "标记"),
        ("entity", "对象类型"),
        ("where", "位置"),
        ("message", "说明"),
        ("field", "字段"),
        ("key", "键"),
        ("evidence", "依据"),
    ),
    # --- history (docs/architecture.md §7): a department's versions, an entity's timeline ------------------------------------
    "versions": _columns(
        ("version", "版本"),
        ("snapshot_id", "快照编号"),
        ("fiscal_year", "年度"),
        ("document_kind", "文件类型"),
        ("revision", "修订号"),
        ("recorded_at", "记录时间"),
        ("content_hash", "内容哈希"),
        ("parser", "解析器"),
        ("base", "对比基准"),
        ("scope", "对比类型"),
        ("added", "新增"),
        ("removed", "删除"),
        ("modified", "修改"),
        ("renamed", "更名"),
        ("moved", "移动"),
        ("budget_delta", "支出总计·变化额（万元）", _AMOUNT),
    ),
    "timeline": _columns(
        ("entity", "对象类型"),
        ("label", "名称"),
        ("version", "版本"),
        ("fiscal_year", "年度"),
        ("revision", "修订号"),
        ("present", "存在"),
        ("label_then", "当时名称"),
        ("value", "值", _AMOUNT),
        ("changes", "变化"),
    ),
}


#: Codes translated where the headers are Chinese (CSV and XLSX); JSON keeps the codes. Keyed by record key.
CODE_LABELS: dict[str, dict[str, str]] = {
    "change": {"added": "新增", "removed": "删除", "modified": "修改", "renamed": "更名", "moved": "移动"},
    "direction": {
        "tightened": "收紧",
        "loosened": "放宽",
        "unit-changed": "单位变化",
        "qualitative": "定性变化",
        "changed": "变化",
    },
    "scope": {"yoy": "同比", "revision": "修订", "reparse": "重新解析"},
    "entity": dict(ENTITY_LABELS),
    "severity": {"error": "错误", "warning": "警告", "info": "提示"},
    "status": {"new": "新增", "resolved": "已解决", "persisting": "持续"},
}


def translated(kind: str, key: str, value: Any) -> Any:
    """The Chinese label of a code in column ``key`` of a known ``kind`` (``modified`` → ``修改``); other values
    unchanged (a kind without Chinese headers keeps its codes too)."""
    labels = CODE_LABELS.get(key) if kind in COLUMNS else None
    if labels is None or not isinstance(value, str):
        return value
    return labels.get(value, value)


def columns_for(kind: str, records: Sequence[Mapping[str, Any]]) -> list[ExportColumn]:
    """The known columns of ``kind`` present in any record (in their order), then unknown keys as they come.

    Without records, every known column but the context ones: an empty sheet still says what it would hold.
    """
    known = COLUMNS.get(kind, ())
    present: dict[str, None] = {}
    for record in records:
        present.update(dict.fromkeys(record))
    columns = [column for column in known if column.key in present or not (records or column.context)]
    named = {column.key for column in known}
    columns += [ExportColumn(key, key) for key in present if key not in named]
    return columns
