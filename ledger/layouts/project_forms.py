"""Layouts: single-project spreadsheet forms — the 项目申报表 (project application) and the 项目支出绩效自评表
(project expenditure performance self-evaluation).

Both are one-sheet forms of label cells and value cells (label in one merged range, its value in the next), read
here by label, never by position: ``项目名称 | 专项资金``, ``项目主管部门 | 武汉市…分局``.

* 项目申报表 → ``project-application``: one project (name, code, executing unit, this year's budget, the
  appropriation share, main content as purpose, the overall goal, the indicator table); the funding sources
  (项目资金来源) and the spending detail (项目支出明细) become the budget overview.
* 项目支出绩效自评表 → ``project-self-evaluation``: one project (name, executing unit, full-year budget, goal,
  indicators with their target values). The form is an *evaluation*: what was actually spent (全年执行数, 执行率)
  becomes the project's ``execution``; what each indicator achieved (全年完成值), its weight (指标权重/分值), score
  (得分) and the stated reason for a shortfall (偏差原因) become the indicator's ``result``. The goal's result
  as text (全年目标实际完成情况) has no place in the model: a ``not-recorded`` warning keeps it.

The department is the form's 项目主管部门 (the supervising department), the year the one in the form's title.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ledger.errors import ParseError, ValueParseError
from ledger.layouts.common import AmountReader, mismatch, squash, strip_ordinal
from ledger.model import (
    BudgetOverview,
    Department,
    Execution,
    Goal,
    Indicator,
    IndicatorResult,
    IndicatorValue,
    Line,
    Project,
    Snapshot,
)
from ledger.model.values import parse_value
from ledger.readers.document import Document

Row = tuple[str, ...]

_TITLE_YEAR = re.compile(r"(?P<year>(?:19|20)\d{2})\s*年")
#: The 二级指标 words of the national framework (财预〔2020〕10号) and the 一级指标 each belongs to, for forms whose
#: 指标类型 column names the second level only (``数量指标``) or a variant of the first (``产出类指标``).
LEVEL2_PARENT = {
    "数量指标": "产出指标",
    "质量指标": "产出指标",
    "时效指标": "产出指标",
    "成本指标": "产出指标",
    "经济效益指标": "效益指标",
    "社会效益指标": "效益指标",
    "生态效益指标": "效益指标",
    "环境效益指标": "效益指标",
    "可持续影响指标": "效益指标",
    "服务对象满意度指标": "满意度指标",
}
LEVEL1_SPELLINGS = {
    "产出类指标": "产出指标",
    "效益类指标": "效益指标",
    "满意度类指标": "满意度指标",
    "管理类指标": "管理指标",
}
#: Comparison cells of the self-evaluation's 指标性质 column that state no operator.
NO_OPERATOR = ("无", "")


@dataclass(kw_only=True)
class FormReader(AmountReader):
    """The form's rows, with label look-up; amounts and warnings as every layout reads them."""

    rows: list[Row]

    @classmethod
    def of(cls, document: Document) -> FormReader:
        return cls(rows=[tuple(row) for table in document.tables() for row in table.rows])

    def find(self, label: str) -> tuple[int, int] | None:
        """(row, column) of the cell reading ``label`` (spaces removed), else of the first one starting with it."""
        cells = [(r, c, squash(cell)) for r, row in enumerate(self.rows) for c, cell in enumerate(row)]
        exact = next(((r, c) for r, c, text in cells if text == label), None)
        return exact or next(((r, c) for r, c, text in cells if text.startswith(label)), None)

    def value(self, label: str) -> str:
        """The first filled cell right of the label (``""`` when the label is missing or its value empty)."""
        found = self.find(label)
        if found is None:
            return ""
        r, c = found
        return next((cell.strip() for cell in self.rows[r][c + 1 :] if cell.strip()), "")

    def below(self, label: str) -> str:
        """The cell under the label (a value printed beneath its heading: 全年预算数 over 7574)."""
        found = self.find(label)
        if found is None or found[0] + 1 >= len(self.rows):
            return ""
        r, c = found
        row = self.rows[r + 1]
        return row[c].strip() if c < len(row) else ""

    def title_year(self, title_word: str) -> int:
        for row in self.rows:
            for cell in row:
                if title_word in squash(cell) and (match := _TITLE_YEAR.search(cell)):
                    return int(match["year"])
        raise ParseError(f"{title_word}: the title states no year")


def _markers_found(document: Document, title: str, labels: Sequence[str]) -> int:
    text = squash(document.text())
    if title not in text:
        return 0
    found = sum(1 for label in labels if label in text)
    return (found + 1) * 10 if found >= len(labels) - 1 else 0


def _value(raw: str, reader: FormReader, where: str) -> IndicatorValue | None:
    try:
        return parse_value(raw)
    except ValueParseError:
        reader.warn("placeholder-indicator", f"indicator {where!r} has no 指标值", where)
        return None


def _levels(level1: str, level2: str) -> tuple[str | None, str | None, str | None]:
    """(level1, level2, the source's level-1 word when it was mapped)."""
    source = level1 or None
    if level1 in LEVEL1_SPELLINGS:
        level1 = LEVEL1_SPELLINGS[level1]
    elif level1 in LEVEL2_PARENT and not level2:
        level1, level2 = LEVEL2_PARENT[level1], level1  # the column names the second level
    elif not level1 and level2 in LEVEL2_PARENT:
        level1 = LEVEL2_PARENT[level2]
    mapped = source if source is not None and source != level1 else None
    return level1 or None, level2 or None, mapped


# --- 项目申报表 --------------------------------------------------------------------------------------------------


class ProjectApplicationLayout:
    """项目申报表 → ``project-application``."""

    name = "project-application-form"
    version = "2"
    looks_for = "a 项目申报表 (项目名称, 项目主管部门, 项目总预算, 项目资金来源, 项目年度绩效指标)"
    LABELS = ("项目名称", "项目主管部门", "项目当年预算", "项目资金来源", "项目年度绩效指标")

    def detect(self, document: Document) -> int:
        return _markers_found(document, "项目申报表", self.LABELS)

    def parse(self, document: Document) -> Snapshot:
        form = FormReader.of(document)
        department = form.value("项目主管部门")
        if not department:
            raise ParseError("项目申报表 without 项目主管部门")
        sources = _item_lines(form, "资金来源项目", "金额")
        spending = _item_lines(form, "项目支出明细", "金额")
        appropriation = next((line.amount for line in _flatten(sources) if "财政拨款" in line.name), None)
        project = Project(
            code=form.value("项目代码") or None,
            name=form.value("项目名称"),
            unit=form.value("项目执行单位") or None,
            amount=form.amount(form.value("项目当年预算"), "项目当年预算"),
            fiscal_amount=appropriation,
            purpose=form.value("项目主要内容") or None,
            goals=[text] if (text := form.value("项目绩效总目标")) else [],
            indicators=_application_indicators(form),
        )
        for heading, lines in (("项目资金来源", sources), ("项目支出明细", spending)):
            _check_total(form, lines, project.amount, heading)
        total = form.amount(form.value("项目总预算"), "项目总预算")
        if total is not None and project.amount is not None and total != project.amount:
            form.warn(
                "not-recorded", f"项目总预算 {total} differs from 项目当年预算 {project.amount}", "项目总预算"
            )
        return Snapshot(
            department=Department(name=department),
            fiscal_year=form.title_year("项目申报表"),
            document_kind="project-application",
            projects=[project],
            budget_overview=BudgetOverview(income=sources, expenditure=spending),
            goals=[Goal(key="1", text=goal) for goal in project.goals],
            warnings=form.warnings,
        )


def _item_lines(form: FormReader, heading: str, amount_heading: str) -> list[Line]:
    """A heading's list (``资金来源项目 | 金额``): ``合计`` is the root, numbered items its children, ``其中：…`` theirs."""
    found = form.find(heading)
    if found is None:
        return []
    r, c = found
    amount_column = next(
        (i for i, cell in enumerate(form.rows[r]) if i > c and squash(cell).startswith(amount_heading)), None
    )
    root: Line | None = None
    tops: list[Line] = []
    current: Line | None = None
    for row in form.rows[r + 1 :]:
        name = row[c].strip() if c < len(row) else ""
        if not name or any(cell.strip() for cell in row[:c]):
            break  # the list ends at a blank or where the next section's label begins
        cell = row[amount_column] if amount_column is not None and amount_column < len(row) else ""
        line = Line(name=strip_ordinal(name), amount=form.amount(cell, f"{heading}, {name}"))
        if root is None and not tops and squash(name) in ("合计", "总计"):
            root = line
            tops.append(line)
        elif name.startswith("其中") or (current is not None and not re.match(r"^\d+[.．、]", name)):
            if current is not None:
                current.children.append(line)
        else:
            current = line
            (root.children if root is not None else tops).append(line)
    return tops


def _check_total(form: FormReader, lines: Sequence[Line], budget: Decimal | None, where: str) -> None:
    """合计 = its items, and = 项目当年预算 (sources and spending both account for this year's budget)."""
    for line in lines:
        if line.children and (
            warning := mismatch(line.amount, [c.amount for c in line.children], "合计 = 各项之和", where)
        ):
            form.warnings.append(warning)
        if budget is not None and (warning := mismatch(budget, [line.amount], "项目当年预算 = 合计", where)):
            form.warnings.append(warning)


def _flatten(lines: Sequence[Line]) -> list[Line]:
    return [item for line in lines for item in (line, *_flatten(line.children))]


def _application_indicators(form: FormReader) -> list[Indicator]:
    found = form.find("一级指标")
    if found is None:
        return []
    r, c = found
    header = [squash(cell) for cell in form.rows[r]]
    columns = {
        label: header.index(label)
        for label in ("一级指标", "二级指标", "指标内容", "指标值")
        if label in header
    }
    if len(columns) < 4:
        form.warn(
            "unread-table",
            "the indicator table's header is not 一级指标/二级指标/指标内容/指标值",
            "项目年度绩效指标",
        )
        return []
    indicators: list[Indicator] = []
    level1 = level2 = ""
    for row in form.rows[r + 1 :]:
        cells = {key: (row[i].strip() if i < len(row) else "") for key, i in columns.items()}
        if cells["一级指标"]:
            level1, level2 = cells["一级指标"], ""
        if cells["二级指标"]:
            level2 = cells["二级指标"]
        name, raw = cells["指标内容"], cells["指标值"]
        where = f"项目年度绩效指标 / {level1} / {level2}"
        if not name and not raw:
            form.warn(
                "placeholder-indicator", f"{level2 or level1} has no indicator (empty template row)", where
            )
            continue
        value = _value(raw, form, f"{where} / {name}")
        if value is None:
            continue
        l1, l2, source = _levels(level1, level2)
        indicators.append(Indicator(level1=l1, level2=l2, name=name, value=value, source_level1=source))
    return indicators


# --- 项目支出绩效自评表 -----------------------------------------------------------------------------------------


class ProjectSelfEvaluationLayout:
    """项目支出绩效自评表 → ``project-self-evaluation``: targets, budget, and the results set against them."""

    name = "project-self-evaluation-form"
    version = "3"
    looks_for = "a 项目支出绩效自评表 (项目名称, 项目主管部门, 全年预算数, 全年执行数, 指标值, 全年完成值)"
    LABELS = ("项目名称", "项目主管部门", "全年预算数", "全年执行数", "全年完成值")

    def detect(self, document: Document) -> int:
        return _markers_found(document, "项目支出绩效自评表", self.LABELS)

    def parse(self, document: Document) -> Snapshot:
        form = FormReader.of(document)
        department = form.value("项目主管部门")
        if not department:
            raise ParseError("项目支出绩效自评表 without 项目主管部门")
        budget = form.amount(form.below("全年预算数"), "全年预算数")
        goal = form.below("全年绩效目标")
        project = Project(
            name=form.value("项目名称"),
            unit=form.value("项目实施单位") or None,
            amount=budget,
            goals=[goal] if goal else [],
            indicators=_evaluation_indicators(form),
            execution=Execution(
                budget=budget,
                executed=form.amount(form.below("全年执行数"), "全年执行数"),
                rate=_rate(form),
            ),
        )
        achieved = form.below("全年目标实际完成情况")
        if achieved:
            form.warn(
                "not-recorded",
                f"全年目标实际完成情况 (the goal's result, as text) is not recorded: {achieved}",
                "项目支出绩效自评表",
            )
        return Snapshot(
            department=Department(name=department),
            fiscal_year=form.title_year("项目支出绩效自评表"),
            document_kind="project-self-evaluation",
            projects=[project],
            goals=[Goal(key="1", text=goal)] if goal else [],
            warnings=form.warnings,
        )


def _rate(form: FormReader) -> Decimal | None:
    """执行率 as the form states it (in %), beside or beneath its label; None when the form has none."""
    if form.find("执行率") is None:
        return None
    text = (form.below("执行率") or form.value("执行率")).replace("%", "").replace("％", "")
    return form.amount(text, "执行率") if text else None


#: Result columns of the indicator table, each under any of its spellings; only 全年完成值 is required.
_RESULT_COLUMNS = {
    "result": ("全年完成值", "实际完成值", "全年实际值"),
    "weight": ("指标权重", "分值", "权重"),
    "score": ("得分",),
    "reason": ("偏差原因分析及改进措施", "偏差原因"),
    "met": ("是否完成", "是否达成"),
}


def _evaluation_indicators(form: FormReader) -> list[Indicator]:
    """Indicators from 指标类型 | 指标名称 | 指标性质 | 指标值 | 计量单位 | 指标权重 | 全年完成值 [| 得分 | 偏差原因]."""
    found = form.find("指标名称")
    if found is None:
        return []
    r, _ = found
    header = [squash(cell) for cell in form.rows[r]]
    wanted = ("指标类型", "指标名称", "指标性质", "指标值", "计量单位")
    columns = {label: header.index(label) for label in wanted if label in header}
    for key, spellings in _RESULT_COLUMNS.items():
        at = next((header.index(word) for word in spellings if word in header), None)
        if at is not None:
            columns[key] = at
    if len([label for label in wanted if label in columns]) < len(wanted) or "result" not in columns:
        missing = {label for label in (*wanted, "全年完成值") if label not in header}
        form.warn("unread-table", f"the indicator header lacks {missing}", "指标")
        return []
    indicators: list[Indicator] = []
    level = ""
    for row in form.rows[r + 1 :]:
        cells = {key: (row[i].strip() if i < len(row) else "") for key, i in columns.items()}
        if squash(cells["指标类型"]) in ("合计", "说明") or squash(row[0]).startswith(
            ("合计", "说明", "备注")
        ):
            break
        level = cells["指标类型"] or level
        name = squash(cells["指标名称"])
        if not name:
            continue
        operator = "" if cells["指标性质"] in NO_OPERATOR else cells["指标性质"]
        unit = "" if cells["计量单位"] in NO_OPERATOR else cells["计量单位"]
        where = f"指标 / {level} / {name}"
        value = _value(f"{operator}{cells['指标值']}{unit}", form, where)
        if value is None:
            continue
        l1, l2, source = _levels(level, "")
        indicators.append(
            Indicator(
                level1=l1,
                level2=l2,
                name=name,
                value=value,
                source_level1=source,
                result=_result(form, cells, unit, where),
            )
        )
    return indicators


def _result(form: FormReader, cells: dict[str, str], unit: str, where: str) -> IndicatorResult:
    raw = cells["result"]
    if raw and unit and _BARE_NUMBER.match(raw):
        raw += unit  # the 计量单位 column is the result's unit too: 49358 → 49358人
    met = cells.get("met", "")
    return IndicatorResult(
        raw=raw,
        weight=form.amount(cells["weight"], f"{where} / 指标权重") if cells.get("weight") else None,
        score=form.amount(cells["score"], f"{where} / 得分") if cells.get("score") else None,
        reason=cells.get("reason") or None,
        reported_met=True
        if met in ("是", "完成", "已完成", "达成")
        else False
        if met in ("否", "未完成")
        else None,
    )


_BARE_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
