"""Lineage: which entity of a snapshot is which entity of its predecessor, for every entity, changed or not.

The diff engine skips what did not change (one hash compare per subtree), so its change records cannot tell that
an unchanged indicator under a re-coded project (``13022523P…`` → ``13022524P…``) is the same indicator as last
year. History needs exactly that: this module aligns every family with the engine's own stages, without skipping,
and returns for each entity of the newer snapshot the key it had in the older one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from ledger.diff import entities as ent
from ledger.diff.align import align
from ledger.diff.engine import _project_affinity
from ledger.diff.entities import Entity
from ledger.diff.records import EntityKind
from ledger.diff.stages import EntityStages, Stages
from ledger.model import ECONOMIC_LINE_COLUMNS, FUNCTION_LINE_COLUMNS, Accounts, Project, Snapshot

#: (entity kind, key in the newer snapshot) → key of the same entity in the older snapshot.
Lineage = dict[tuple[EntityKind, str], str]


def snapshot_entities(snapshot: Snapshot) -> list[Entity[Any]]:
    """Every entity of a snapshot, in report order (projects followed by their goals and indicators)."""
    found: list[Entity[Any]] = []
    for _kind, entities, _stages in _families(snapshot, Stages()):
        found.extend(entities)
    for project in ent.project_entities(snapshot.projects):
        goals, indicators = _project_children(project)
        found += [project, *goals, *indicators]
    found.extend(ent.indicator_entities(ent.DEPARTMENT_OWNER, ent.DEPARTMENT_OWNER, snapshot.indicators))
    return found


def lineage(old: Snapshot, new: Snapshot) -> Lineage:
    """For each entity of ``new`` that ``old`` also has, its key in ``old`` (aligned as the diff engine aligns)."""
    gap = new.fiscal_year - old.fiscal_year
    stages = Stages(gap)
    links: Lineage = {}
    for (_, olds, family_stages), (_, news, _) in zip(
        _families(old, stages), _families(new, stages), strict=True
    ):
        _link(links, olds, news, family_stages)
    project_pairs = align(
        ent.project_entities(old.projects),
        ent.project_entities(new.projects),
        stages.project(),
        affinity=_project_affinity,
    )
    for pair in project_pairs.pairs:
        links[("project", pair.new.key)] = pair.old.key
        old_goals, old_indicators = _project_children(pair.old)
        new_goals, new_indicators = _project_children(pair.new)
        _link(links, old_goals, new_goals, stages.goal())
        _link(links, old_indicators, new_indicators, stages.indicator())
    owner = ent.DEPARTMENT_OWNER
    _link(
        links,
        ent.indicator_entities(owner, owner, old.indicators),
        ent.indicator_entities(owner, owner, new.indicators),
        stages.indicator(),
    )
    return links


def _link(
    links: Lineage, olds: Sequence[Entity[Any]], news: Sequence[Entity[Any]], stages: EntityStages
) -> None:
    if not olds or not news:
        return
    for pair in align(olds, news, stages).pairs:
        links[(pair.new.kind, pair.new.key)] = pair.old.key


def _project_children(project: Entity[Any]) -> tuple[list[Entity[Any]], list[Entity[Any]]]:
    source = cast(Project, project.source)
    goals = ent.project_goal_entities(project.key, project.label, source.goals)
    indicators = ent.indicator_entities(project.key, project.label, source.indicators)
    return goals, indicators


def _families(snapshot: Snapshot, stages: Stages) -> list[tuple[str, list[Entity[Any]], EntityStages]]:
    """The flat families (everything but projects and indicators), with the stages that align each."""
    accounts = snapshot.accounts or Accounts()
    return [
        ("department", list(ent.department_entities(snapshot)), stages.identity()),
        ("basic_info", list(ent.basic_info_entities(snapshot)), stages.identity()),
        ("unit", list(ent.unit_entities(snapshot)), stages.unit()),
        ("budget_line", list(ent.budget_line_entities(snapshot)), stages.line()),
        ("accounts", list(ent.accounts_entities(snapshot)), stages.identity()),
        ("account_line", list(ent.account_line_entities(snapshot)), stages.line()),
        (
            "function_line",
            list(
                ent.classification_line_entities(
                    "function_line", accounts.function_lines, FUNCTION_LINE_COLUMNS
                )
            ),
            stages.code(),
        ),
        (
            "fiscal_function_line",
            list(
                ent.classification_line_entities(
                    "fiscal_function_line", accounts.fiscal_function_lines, FUNCTION_LINE_COLUMNS
                )
            ),
            stages.code(),
        ),
        (
            "economic_line",
            list(
                ent.classification_line_entities(
                    "economic_line", accounts.economic_lines, ECONOMIC_LINE_COLUMNS
                )
            ),
            stages.code(),
        ),
        ("procurement_line", list(ent.procurement_line_entities(snapshot)), stages.line()),
        ("asset_line", list(ent.asset_line_entities(snapshot)), stages.line()),
        ("goal", list(ent.goal_entities(snapshot.goals)), stages.goal()),
        ("key_task", list(ent.key_task_entities(snapshot.key_tasks)), stages.task()),
        ("notice", list(ent.notice_entities(snapshot.notices)), stages.keyed()),
    ]
