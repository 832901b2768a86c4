"""Chinese names of the compared fields, as the publications print them (for ``Change.field_label``)."""

from __future__ import annotations

from collections.abc import Sequence

_COMMON: dict[str, str] = {
    "name": "名称",
    "code": "编码",
    "amount": "金额",
    "parent": "上级科目",
    "text": "内容",
}

_BY_ENTITY: dict[str, dict[str, str]] = {
    "department": {"name": "部门名称", "code": "部门编码"},
    "basic_info": {"staff_count": "财政供养人员数", "subordinate_units": "下属二级单位数"},
    "unit": {"name": "单位名称", "code": "单位编码"},
    "accounts": {
        "income_total": "收入总计",
        "expenditure_total": "支出总计",
        "current_year_income": "本年收入合计",
        "current_year_expenditure": "本年支出合计",
        "carry_over": "上年结转结余",
        "carry_forward": "年终结转结余",
        "basic_expenditure": "基本支出",
        "project_expenditure": "项目支出",
        "operating_costs": "机关运行经费",
        "government_procurement": "政府采购预算",
        "three_public": "三公经费",
    },
    "function_line": {
        "name": "科目名称",
        "code": "科目编码",
        "total": "合计",
        "basic": "基本支出",
        "project": "项目支出",
        "carry_over": "上年结转",
    },
    "economic_line": {
        "name": "科目名称",
        "code": "科目编码",
        "total": "合计",
        "personnel": "人员经费",
        "public": "公用经费",
    },
    "goal": {"text": "目标内容"},
    "project_goal": {"text": "绩效目标"},
    "key_task": {
        "name": "名称",
        "content": "主要实施内容",
        "amount": "拟投入的资金",
        "expected": "期望达到的目标",
        "optional": "可选填",
    },
    "project": {
        "code": "项目编码",
        "name": "项目名称",
        "unit": "单位",
        "amount": "预算数",
        "fiscal_amount": "其中：财政资金",
        "other_amount": "其他资金",
        "purpose": "资金用途",
        "spending_plan": "资金支出计划",
        "notices": "资金文件",
    },
    "indicator": {
        "level1": "一级指标",
        "level2": "二级指标",
        "name": "三级指标",
        "description": "绩效指标描述",
        "value": "指标值",
        "basis": "指标值确定依据",
    },
    "notice": {"ref": "文号", "issuer": "发文机关", "year": "年份", "number": "文号序号"},
    "warning": {"message": "说明", "where": "位置", "code": "类别"},
}
_BY_ENTITY["fiscal_function_line"] = _BY_ENTITY["function_line"]


def field_label(entity: str, path: Sequence[str]) -> str | None:
    """``('project', ['spending_plan', '06'])`` → ``资金支出计划（6月底）``; ``None`` for an unknown field."""
    if not path:
        return None
    top = path[0]
    label = _BY_ENTITY.get(entity, {}).get(top) or _COMMON.get(top)
    if label is None:
        return None
    if len(path) > 1 and top == "spending_plan":
        month = path[1].lstrip("0") or path[1]
        return f"{label}（{month}月底）"
    if len(path) > 1 and top == "three_public":
        return f"{label}·{path[1]}"
    return label
