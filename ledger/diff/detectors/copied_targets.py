"""Copied targets: goals and indicators repeated word for word from last year's publication, or repeated with only
the year moved on (``完成2023年创业担保贷款目标任务`` → ``完成2024年创业担保贷款目标任务``).

One target kept from last year is not wrong (``满意度≥98%`` may stay), so single exact repeats inside a project are
not reported. What is reported:

- ``copied-goal`` / ``copied-goal-year-bumped``: a department goal (总体绩效目标) that is last year's, word for word
  or once last year's years are moved forward;
- ``copied-project-targets``: every goal and every indicator of a project (name, description, 指标值, basis) repeats
  last year's — the whole target table was carried over; ``copied-indicators`` says the same of the department's
  indicators;
- ``copied-targets-year-bumped``: some goals or indicators of a project (or of the department) identical to last
  year's but for their years — copies made on purpose, the year updated and nothing else. One detection per project
  with the targets in ``evidence``.

Only year over year (the older snapshot is of an earlier fiscal year): a revision repeats its first publication by
design.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from ledger.diff import entities as ent
from ledger.diff.align import align
from ledger.diff.records import Change, Detection
from ledger.diff.stages import Stages
from ledger.model import Goal, Indicator, Snapshot
from ledger.model.names import normalise_name, shift_years

TAG = "copied-target"


@dataclass
class _Copies:
    """How many of an owner's goals or indicators repeat last year's, and which only with the year moved on."""

    total: int = 0
    exact: int = 0
    bumped: list[ent.Entity[Any]] = field(default_factory=list)

    @property
    def all_copied(self) -> bool:
        return self.exact + len(self.bumped) == self.total

    def add(self, other: _Copies) -> _Copies:
        return _Copies(self.total + other.total, self.exact + other.exact, [*self.bumped, *other.bumped])


def detect(old: Snapshot | None, new: Snapshot, changes: Sequence[Change]) -> list[Detection]:
    if old is None or old.fiscal_year >= new.fiscal_year:
        return []
    gap = new.fiscal_year - old.fiscal_year
    stages = Stages(gap)
    detections = _department_goals(ent.goal_entities(old.goals), ent.goal_entities(new.goals), gap)
    owner = ent.DEPARTMENT_OWNER
    indicators = _indicator_copies(
        ent.indicator_entities(owner, owner, old.indicators),
        ent.indicator_entities(owner, owner, new.indicators),
        stages,
    )
    if indicators.total and indicators.all_copied:
        detections.append(
            _detection(
                "copied-indicators",
                f"all {indicators.total} department indicators repeat last year's{_bumped_note(indicators)}",
                "部门整体绩效指标",
                None,
            )
        )
    elif indicators.bumped:
        detections.append(_partly_bumped(indicators, "部门整体绩效指标", None))
    projects = align(ent.project_entities(old.projects), ent.project_entities(new.projects), stages.project())
    for pair in projects.pairs:
        detections += _project(pair.old, pair.new, stages)
    return detections


def _project(old: ent.Entity[Any], new: ent.Entity[Any], stages: Stages) -> list[Detection]:
    goals = _goal_copies(
        ent.project_goal_entities(old.key, old.label, old.source.goals),
        ent.project_goal_entities(new.key, new.label, new.source.goals),
        stages.gap,
    )
    indicators = _indicator_copies(
        ent.indicator_entities(old.key, old.label, old.source.indicators),
        ent.indicator_entities(new.key, new.label, new.source.indicators),
        stages,
    )
    both = goals.add(indicators)
    if both.total and both.all_copied:
        return [
            _detection(
                "copied-project-targets",
                f"every target of {new.label} ({_count(goals.total, '绩效目标')}, "
                f"{_count(indicators.total, '绩效指标')}) repeats last year's{_bumped_note(both)}",
                new.label,
                new,
            )
        ]
    if both.bumped:
        return [_partly_bumped(both, new.label, new)]
    return []


def _department_goals(
    olds: Sequence[ent.Entity[Goal]], news: Sequence[ent.Entity[Goal]], gap: int
) -> list[Detection]:
    exact = {normalise_name(goal.source.text) for goal in olds}
    bumped = {shift_years(text, gap) for text in exact}
    detections: list[Detection] = []
    for goal in news:
        text = normalise_name(goal.source.text)
        if text and text in exact:
            detections.append(
                _detection(
                    "copied-goal", f"{goal.label} repeats last year's goal word for word", goal.label, goal
                )
            )
        elif text and text in bumped:
            detections.append(_bumped(goal, "goal"))
    return detections


def _goal_copies(olds: Sequence[ent.Entity[Goal]], news: Sequence[ent.Entity[Goal]], gap: int) -> _Copies:
    exact = {normalise_name(goal.source.text) for goal in olds}
    bumped = {shift_years(text, gap) for text in exact}
    copies = _Copies(total=len(news))
    for goal in news:
        text = normalise_name(goal.source.text)
        if text in exact:
            copies.exact += 1
        elif text in bumped:
            copies.bumped.append(goal)
    return copies


def _indicator_text(indicator: Indicator, gap: int = 0) -> tuple[str, ...]:
    parts = (
        indicator.level1,
        indicator.level2,
        indicator.name,
        indicator.description,
        indicator.value.raw,
        indicator.basis,
    )
    return tuple(shift_years(normalise_name(part), gap) for part in parts)


def _indicator_copies(
    olds: Sequence[ent.Entity[Indicator]], news: Sequence[ent.Entity[Indicator]], stages: Stages
) -> _Copies:
    copies = _Copies(total=len(news))
    if not news or not olds:
        return copies
    alignment = align(
        cast(Sequence[ent.Entity[Any]], olds), cast(Sequence[ent.Entity[Any]], news), stages.indicator()
    )
    for pair in alignment.pairs:
        old_indicator, new_indicator = cast(Indicator, pair.old.source), cast(Indicator, pair.new.source)
        new_text = _indicator_text(new_indicator)
        if _indicator_text(old_indicator) == new_text:
            copies.exact += 1
        elif _indicator_text(old_indicator, stages.gap) == new_text:
            copies.bumped.append(pair.new)
    return copies


def _count(number: int, what: str) -> str:
    return f"{number} {what}"


def _bumped_note(copies: _Copies) -> str:
    return f" ({len(copies.bumped)} with only the year moved on)" if copies.bumped else " word for word"


def _bumped(entity: ent.Entity[Any], what: str) -> Detection:
    return _detection(
        f"copied-{what}-year-bumped",
        f"{entity.label} repeats last year's {what} with only the year moved on",
        entity.label,
        entity,
    )


def _partly_bumped(copies: _Copies, where: str, owner: ent.Entity[Any] | None) -> Detection:
    detection = _detection(
        "copied-targets-year-bumped",
        f"{len(copies.bumped)} of the {copies.total} targets of {where} repeat last year's with only the year moved on",
        where,
        owner,
    )
    labels = [entity.label.removeprefix(f"{where} › ") for entity in copies.bumped]
    return detection.model_copy(update={"evidence": {"targets": labels}})


def _detection(code: str, message: str, where: str, entity: ent.Entity[Any] | None) -> Detection:
    return Detection(
        code=code,
        tag=TAG,
        message=message,
        where=where,
        entity=entity.kind if entity is not None else None,
        key=entity.key if entity is not None else None,
    )
