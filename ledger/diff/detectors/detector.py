"""What the detectors share: the detector signature, where texts sit in a snapshot, and the budget year of a notice
or a project."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from ledger.diff import entities as ent
from ledger.diff.records import Change, Detection, EntityKind
from ledger.model import Indicator, Notice, Project, Snapshot
from ledger.model.names import project_code_year
from ledger.model.notices import extract_notices
from ledger.model.values import normalise_text


class Detector(Protocol):
    """A detector looks at the newer snapshot, the older one when there is one, and the change records between them.

    It returns detections; those with an entity and key tag the change records about the same entity.
    """

    def __call__(self, old: Snapshot | None, new: Snapshot, changes: Sequence[Change]) -> list[Detection]: ...


@dataclass(frozen=True)
class TextSite:
    """A text of the snapshot and where it sits, addressed like a change record (entity, key, field);
    ``project`` is the project it belongs to, if any."""

    entity: EntityKind
    key: str
    label: str
    field: str
    text: str
    project: Project | None = None


def texts_of(snapshot: Snapshot) -> Iterator[TextSite]:
    """Every text a target is stated in: goals, key tasks, project names and goals, indicators.

    A project's 资金用途 (purpose) is left out: it often tells the project's history (``2017年我局建立…调解组织``)
    and states no target.
    """
    for goal in ent.goal_entities(snapshot.goals):
        yield TextSite(goal.kind, goal.key, goal.label, "text", goal.source.text)
    for task in ent.key_task_entities(snapshot.key_tasks):
        for name in ("name", "content", "expected"):
            text = getattr(task.source, name)
            if text:
                yield TextSite(task.kind, task.key, task.label, name, text)
    for project in ent.project_entities(snapshot.projects):
        source = project.source
        yield TextSite(project.kind, project.key, project.label, "name", source.name, source)
        for goal in ent.project_goal_entities(project.key, project.label, source.goals):
            yield TextSite(goal.kind, goal.key, goal.label, "text", goal.source.text, source)
        indicators = ent.indicator_entities(project.key, project.label, source.indicators)
        yield from _indicator_texts(indicators, source)
    owner = ent.DEPARTMENT_OWNER
    yield from _indicator_texts(ent.indicator_entities(owner, owner, snapshot.indicators), None)


def _indicator_texts(
    indicators: Sequence[ent.Entity[Indicator]], project: Project | None
) -> Iterator[TextSite]:
    for indicator in indicators:
        source = indicator.source
        for name, text in (
            ("name", source.name),
            ("description", source.description),
            ("value", source.value.raw),
            ("basis", source.basis),
        ):
            if text:
                yield TextSite(indicator.kind, indicator.key, indicator.label, name, text, project)


# ---------------------------------------------------------------------------------------------------------------
# Budget years
# ---------------------------------------------------------------------------------------------------------------

#: ``下达2023年`` / ``提前下达2024年``: the budget year a notice allocates funds for, when its title says it.
_ALLOCATED_YEAR = re.compile(r"下达((?:19|20)\d\d)年")


def notice_budget_year(notice: Notice, context: str = "") -> int | None:
    """The budget year a funding notice allocates money for, from the title it is cited with.

    ``秦财企[2022]692-关于提前下达2023年…`` → 2023; ``秦财社[2023]739-提前下达省级…`` (an advance allocation,
    提前下达, without a year) → 2024, the year after the notice; ``None`` when the context does not say.
    """
    text = normalise_text(context)
    found = _ALLOCATED_YEAR.search(text)
    if found:
        return int(found.group(1))
    if "提前下达" in text:
        return notice.year + 1
    return None


def is_earlier_year_notice(notice: Notice, fiscal_year: int, context: str = "") -> bool:
    """Whether the notice funds an earlier year than ``fiscal_year`` (reused or carried-over money).

    Without a stated budget year, a notice of the year before the budget is presumed to be its advance allocation
    (提前下达 is issued in the autumn before the budget year), so only older notices count.
    """
    budget_year = notice_budget_year(notice, context)
    if budget_year is not None:
        return budget_year < fiscal_year
    return notice.year < fiscal_year - 1


def project_context(project: Project) -> str:
    """The texts that say what a project's notices fund: its name and purpose."""
    return " ".join(part for part in (project.name, project.purpose or "") if part)


def project_notices(project: Project) -> list[Notice]:
    """The notices funding a project: its ``notices`` refs, else those its name or purpose cites."""
    if project.notices:
        return extract_notices(" ".join(project.notices))
    return extract_notices(project_context(project))


def project_budget_year(project: Project) -> int | None:
    """The budget year a project's money was first allocated for: the year digits of its code (``13030223P…`` →
    2023), else the budget year of the notice funding it; ``None`` when neither says."""
    code_year = project_code_year(project.code)
    if code_year is not None:
        return code_year
    years = [
        year
        for notice in project_notices(project)
        if (year := notice_budget_year(notice, project_context(project))) is not None
    ]
    return min(years) if years else None


def is_earlier_year_project(project: Project, fiscal_year: int) -> bool:
    """A project coded for, or funded by a notice for, a year before ``fiscal_year`` (上年结转 money)."""
    year = project_budget_year(project)
    if year is not None:
        return year < fiscal_year
    return any(
        is_earlier_year_notice(notice, fiscal_year, project_context(project))
        for notice in project_notices(project)
    )
