"""The snapshot seen as keyed entities: what the diff engine aligns and compares.

Each part of a :class:`~ledger.model.Snapshot` becomes a list of :class:`Entity`: a kind, a key that is stable across
versions (codes, normalised names, paths of names), a Chinese label for reports, and a *form* — a flat mapping of the
comparable fields (Decimals, strings, nested mappings; never lists, which are keyed first so the structural diff never
has to guess an order). Children that are entities of their own (a project's indicators and goals, a line's
sub-lines) are not part of their parent's form.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

import pydantic_core
from pydantic import BaseModel

from ledger.diff.records import ChangeValue, EntityKind
from ledger.model import (
    Accounts,
    Department,
    EconomicLine,
    FunctionLine,
    Goal,
    Indicator,
    KeyTask,
    Line,
    LineColumns,
    Notice,
    ParseWarning,
    Project,
    Snapshot,
    Unit,
)
from ledger.model.names import normalise_name, strip_enumerator

T = TypeVar("T")

#: A field value in a form: a scalar or a mapping of them (spending plan by month, 三公经费 by item, notice refs).
FormValue = Decimal | int | bool | str | None | Mapping[str, "FormValue"]
Form = Mapping[str, FormValue]

#: Owner part of the key of department-level indicators (project indicators use the project's key).
DEPARTMENT_OWNER = "部门整体"
KEY_SEPARATOR = "|"


@dataclass(frozen=True)
class Entity(Generic[T]):
    """One comparable thing of a snapshot; ``source`` is the model object it was read from."""

    kind: EntityKind
    key: str
    label: str
    source: T
    form: Form
    main: ChangeValue = None  # what an added/removed record shows: the amount, the 指标值, the text


def subtree_fingerprint(part: BaseModel | Sequence[BaseModel] | None) -> bytes:
    """The JSON of a whole subtree (a project with its indicators, the list of function lines, the accounts) in one
    pass of pydantic's compiled encoder; comparing two is one memory compare, cheaper than hashing them.

    ``Decimal('648.6')`` and ``Decimal('648.60')`` encode differently here; that only sends an equal subtree on to
    the entity-by-entity comparison, which compares by value. Equal fingerprints still mean equal subtrees.
    """
    return pydantic_core.to_json(part)


def unique_keys(keys: Iterable[str]) -> list[str]:
    """``['a', 'b', 'a']`` → ``['a', 'b', 'a#2']``: duplicates (two projects with one name) stay distinct."""
    seen: dict[str, int] = {}
    unique: list[str] = []
    for key in keys:
        count = seen[key] = seen.get(key, 0) + 1
        unique.append(key if count == 1 else f"{key}#{count}")
    return unique


def join_key(*parts: str | None) -> str:
    return KEY_SEPARATOR.join(part or "" for part in parts)


# ---------------------------------------------------------------------------------------------------------------
# Singletons
# ---------------------------------------------------------------------------------------------------------------


def department_entities(snapshot: Snapshot) -> list[Entity[Department]]:
    department = snapshot.department
    form: Form = {"name": department.name, "code": department.code}
    return [Entity("department", "department", department.name, department, form, department.name)]


def basic_info_entities(snapshot: Snapshot) -> list[Entity[Snapshot]]:
    info = snapshot.basic_info
    if info.staff_count is None and info.subordinate_units is None:
        return []
    form: Form = {"staff_count": info.staff_count, "subordinate_units": info.subordinate_units}
    return [Entity("basic_info", "basic_info", "基本信息", snapshot, form)]


_ACCOUNT_TOTALS = (
    "income_total",
    "expenditure_total",
    "current_year_income",
    "current_year_expenditure",
    "carry_over",
    "carry_forward",
    "basic_expenditure",
    "project_expenditure",
    "operating_costs",
    "government_procurement",
)


def accounts_entities(snapshot: Snapshot) -> list[Entity[Accounts]]:
    accounts = snapshot.accounts
    if accounts is None:
        return []
    form: dict[str, FormValue] = {name: getattr(accounts, name) for name in _ACCOUNT_TOTALS}
    form["three_public"] = dict(accounts.three_public)
    return [Entity("accounts", "accounts", "收支总表", accounts, form, accounts.expenditure_total)]


# ---------------------------------------------------------------------------------------------------------------
# Units, lines, codes
# ---------------------------------------------------------------------------------------------------------------


def unit_entities(snapshot: Snapshot) -> list[Entity[Unit]]:
    units = snapshot.units
    keys = unique_keys(unit.code or normalise_name(unit.name) for unit in units)
    return [
        Entity(
            "unit",
            key,
            f"{unit.code} {unit.name}" if unit.code else unit.name,
            unit,
            _unit_form(unit),
            unit.name,
        )
        for key, unit in zip(keys, units, strict=True)
    ]


def _unit_form(unit: Unit) -> Form:
    return {"code": unit.code, "name": unit.name}


@dataclass(frozen=True)
class LinePlace:
    """A budget line where it sits: the names above it (as printed) and the line itself."""

    side: str
    names: tuple[str, ...]
    line: Line

    @property
    def path(self) -> tuple[str, ...]:
        """The names normalised, numbering dropped (一、基本支出 → 基本支出): the line's key."""
        return tuple(strip_enumerator(normalise_name(name)) for name in self.names)

    @property
    def parent(self) -> tuple[str, ...]:
        return self.path[:-1]

    @property
    def leaf(self) -> str:
        return self.path[-1]


#: Chinese names of the line trees, for labels.
LINE_SIDES: dict[str, str] = {
    "expenditure": "部门预算支出",
    "income": "收入来源",
    "income_lines": "收支总表·收入",
    "expenditure_lines": "收支总表·支出",
    "procurement": "政府采购",
    "assets": "国有资产",
}


def _places(side: str, lines: Sequence[Line], above: tuple[str, ...] = ()) -> list[LinePlace]:
    places: list[LinePlace] = []
    for line in lines:
        names = (*above, line.name)
        places.append(LinePlace(side, names, line))
        places.extend(_places(side, line.children, names))
    return places


def line_entities(kind: EntityKind, side: str, lines: Sequence[Line]) -> list[Entity[LinePlace]]:
    """Every line of a tree, depth first, keyed by ``side/path of names``."""
    places = _places(side, lines)
    keys = unique_keys(side + "/" + "/".join(place.path) for place in places)
    return [
        Entity(
            kind,
            key,
            " › ".join((LINE_SIDES.get(side, side), *place.names)),
            place,
            {
                "parent": " › ".join(place.names[:-1]),
                "name": place.line.name,
                "code": place.line.code,
                "amount": place.line.amount,
            },
            place.line.amount,
        )
        for key, place in zip(keys, places, strict=True)
    ]


def budget_line_entities(snapshot: Snapshot) -> list[Entity[LinePlace]]:
    overview = snapshot.budget_overview
    return line_entities("budget_line", "expenditure", overview.expenditure) + line_entities(
        "budget_line", "income", overview.income
    )


def account_line_entities(snapshot: Snapshot) -> list[Entity[LinePlace]]:
    if snapshot.accounts is None:
        return []
    accounts = snapshot.accounts
    return line_entities("account_line", "income_lines", accounts.income_lines) + line_entities(
        "account_line", "expenditure_lines", accounts.expenditure_lines
    )


def procurement_line_entities(snapshot: Snapshot) -> list[Entity[LinePlace]]:
    return (
        []
        if snapshot.accounts is None
        else line_entities("procurement_line", "procurement", snapshot.accounts.procurement_lines)
    )


def asset_line_entities(snapshot: Snapshot) -> list[Entity[LinePlace]]:
    return (
        [] if snapshot.accounts is None else line_entities("asset_line", "assets", snapshot.accounts.assets)
    )


ClassificationLine = TypeVar("ClassificationLine", FunctionLine, EconomicLine)


def classification_line_entities(
    kind: EntityKind, lines: Sequence[ClassificationLine], columns: LineColumns
) -> list[Entity[ClassificationLine]]:
    """功能分类 or 经济分类 lines keyed by subject code, compared on the amount columns of their spec."""
    keys = unique_keys(line.code for line in lines)
    return [
        Entity(
            kind,
            key,
            f"{line.code} {line.name}",
            line,
            {"code": line.code, "name": line.name, **{name: getattr(line, name) for name in columns.names}},
            line.total,
        )
        for key, line in zip(keys, lines, strict=True)
    ]


# ---------------------------------------------------------------------------------------------------------------
# Goals, tasks, notices, warnings
# ---------------------------------------------------------------------------------------------------------------


def goal_entities(goals: Sequence[Goal]) -> list[Entity[Goal]]:
    keys = unique_keys(goal.key for goal in goals)
    return [
        Entity("goal", key, f"总体绩效目标 {goal.key}", goal, {"text": goal.text}, goal.text)
        for key, goal in zip(keys, goals, strict=True)
    ]


def project_goal_entities(owner_key: str, owner_label: str, goals: Sequence[str]) -> list[Entity[Goal]]:
    """A project's goals (a list of texts) as keyed goals ``project|1``, ``project|2`` …"""
    return [
        Entity(
            "project_goal",
            join_key(owner_key, str(number)),
            f"{owner_label} › 绩效目标 {number}",
            Goal(key=str(number), text=text),
            {"text": text},
            text,
        )
        for number, text in enumerate(goals, start=1)
    ]


def key_task_entities(tasks: Sequence[KeyTask]) -> list[Entity[KeyTask]]:
    keys = unique_keys(normalise_name(task.name) for task in tasks)
    return [
        Entity(
            "key_task",
            key,
            task.name,
            task,
            {
                "name": task.name,
                "content": task.content,
                "amount": task.amount,
                "expected": task.expected,
                "optional": task.optional,
            },
            task.amount,
        )
        for key, task in zip(keys, tasks, strict=True)
    ]


def notice_entities(notices: Sequence[Notice]) -> list[Entity[Notice]]:
    keys = unique_keys(notice.ref for notice in notices)
    return [
        Entity(
            "notice",
            key,
            notice.ref,
            notice,
            {"ref": notice.ref, "issuer": notice.issuer, "year": notice.year, "number": notice.number},
            notice.ref,
        )
        for key, notice in zip(keys, notices, strict=True)
    ]


def warning_entities(warnings: Sequence[ParseWarning]) -> list[Entity[ParseWarning]]:
    keys = unique_keys(join_key(warning.code, warning.where) for warning in warnings)
    return [
        Entity(
            "warning",
            key,
            f"{warning.code} @ {warning.where}",
            warning,
            {"code": warning.code, "where": warning.where, "message": warning.message},
            warning.message,
        )
        for key, warning in zip(keys, warnings, strict=True)
    ]


# ---------------------------------------------------------------------------------------------------------------
# Projects and indicators
# ---------------------------------------------------------------------------------------------------------------


def project_key(project: Project) -> str:
    return project.code or normalise_name(project.name)


def project_entities(projects: Sequence[Project]) -> list[Entity[Project]]:
    keys = unique_keys(project_key(project) for project in projects)
    return [
        Entity("project", key, project.name, project, project_form(project), project.amount)
        for key, project in zip(keys, projects, strict=True)
    ]


def project_form(project: Project) -> Form:
    """The project's own fields; its goals and indicators are entities of their own."""
    return {
        "code": project.code,
        "name": project.name,
        "unit": project.unit,
        "amount": project.amount,
        "fiscal_amount": project.fiscal_amount,
        "other_amount": project.other_amount,
        "purpose": project.purpose,
        "spending_plan": dict(project.spending_plan),
        "notices": {ref: ref for ref in project.notices},
    }


def indicator_label(owner_label: str, indicator: Indicator) -> str:
    levels = [level for level in (indicator.level1, indicator.level2) if level]
    return " › ".join((owner_label, *levels, indicator.name))


def indicator_entities(
    owner_key: str, owner_label: str, indicators: Sequence[Indicator]
) -> list[Entity[Indicator]]:
    """Indicators keyed by ``owner|一级|二级|三级`` (normalised names; an unknown level is empty)."""
    keys = unique_keys(
        join_key(
            owner_key,
            normalise_name(indicator.level1),
            normalise_name(indicator.level2),
            normalise_name(indicator.name),
        )
        for indicator in indicators
    )
    return [
        Entity(
            "indicator",
            key,
            indicator_label(owner_label, indicator),
            indicator,
            {
                "level1": indicator.level1,
                "level2": indicator.level2,
                "name": indicator.name,
                "description": indicator.description,
                "value": indicator.value.raw,
                "basis": indicator.basis,
            },
            indicator.value.raw,
        )
        for key, indicator in zip(keys, indicators, strict=True)
    ]
