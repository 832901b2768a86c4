"""The alignment stages of each family (see :mod:`ledger.diff.align`), for a given fiscal-year gap.

Year over year (``gap`` = 1), every key of the older snapshot has its years moved forward before it is compared, so
``2024年日常公用经费预算`` pairs with ``2025年日常公用经费预算``. The detectors align with the same stages.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import replace
from typing import Any, cast

from ledger.diff.align import FUZZY_NAME_THRESHOLD, FUZZY_TEXT_THRESHOLD, FuzzyStage, KeyStage, Stage
from ledger.diff.entities import Entity, LinePlace
from ledger.diff.programs import distinct_allocations
from ledger.diff.records import MatchedBy
from ledger.model import Goal, Indicator, KeyTask, Project, Unit
from ledger.model.names import (
    mask_code_year,
    name_without_unit,
    normalise_name,
    shift_years,
    stripped_name,
    year_shifted_name,
)

EntityStages = list[Stage[Entity[Any]]]


def _key(e: Entity[Any]) -> str:
    return e.key


def _name(e: Entity[Any]) -> str:
    return normalise_name(cast(str, e.form["name"]))


def _text(e: Entity[Any]) -> str:
    return normalise_name(cast(str, e.form["text"]))


class Stages:
    """Stage lists per family; ``gap`` is the fiscal-year difference (0 for a revision or a reparse)."""

    def __init__(self, gap: int = 0) -> None:
        self.gap = gap

    def identity(self) -> EntityStages:
        """Singletons (the department, its accounts): one per snapshot."""
        return [KeyStage("identity", lambda e: e.kind)]

    def keyed(self) -> EntityStages:
        """Notices (by normalised ref) and parse warnings (by code and place)."""
        return [KeyStage("key", _key)]

    def shifted(self, text: str | None) -> str:
        """A name of the older snapshot with its years moved to the newer one's (year over year)."""
        return shift_years(normalise_name(text), self.gap)

    def written_then_shifted(
        self,
        name: MatchedBy,
        shifted_key: Callable[[Entity[Any]], Hashable | None],
        key: Callable[[Entity[Any]], Hashable | None],
    ) -> EntityStages:
        """The stage on the keys as written, then (year over year) again with the older side's years moved on:
        a name that kept its year (a project coded 2023 carried over again) and one that moved with the budget
        year (``2024年日常公用经费`` → ``2025年日常公用经费``) both pair."""
        if self.gap == 0:
            return [KeyStage(name, key)]
        return [KeyStage(name, key), KeyStage(name, shifted_key, key)]

    def unit(self) -> EntityStages:
        return [
            KeyStage("code", lambda e: cast(Unit, e.source).code),
            *self.written_then_shifted("name", lambda e: self.shifted(cast(Unit, e.source).name), _name),
            FuzzyStage(
                "fuzzy-name", lambda e: normalise_name(cast(Unit, e.source).name), FUZZY_NAME_THRESHOLD
            ),
        ]

    def line(self) -> EntityStages:
        def old_path(e: Entity[Any]) -> Hashable:
            place = cast(LinePlace, e.source)
            return (place.side, tuple(shift_years(name, self.gap) for name in place.path))

        def path(e: Entity[Any]) -> Hashable:
            place = cast(LinePlace, e.source)
            return (place.side, place.path)

        def old_leaf(e: Entity[Any]) -> Hashable:
            place = cast(LinePlace, e.source)
            return (place.side, shift_years(place.leaf, self.gap))

        def leaf(e: Entity[Any]) -> Hashable:
            place = cast(LinePlace, e.source)
            return (place.side, place.leaf)

        def raw_path(e: Entity[Any]) -> Hashable:
            place = cast(LinePlace, e.source)
            return (place.side, place.names)

        return [
            KeyStage("key", raw_path),  # as printed: most lines of a revision, without any clean-up
            *self.written_then_shifted("key", old_path, path),
            *self.written_then_shifted("name", old_leaf, leaf),
            FuzzyStage(
                "fuzzy-name",
                lambda e: cast(LinePlace, e.source).leaf,
                FUZZY_NAME_THRESHOLD,
                block=lambda e: (cast(LinePlace, e.source).side, cast(LinePlace, e.source).parent),
            ),
        ]

    def code(self) -> EntityStages:
        return [
            KeyStage("code", lambda e: e.form["code"]),
            *self.written_then_shifted("name", lambda e: self.shifted(cast(str, e.form["name"])), _name),
        ]

    def goal(self) -> EntityStages:
        return [
            KeyStage("text", lambda e: cast(Goal, e.source).text),  # as printed: no clean-up of long texts
            *self.written_then_shifted("text", lambda e: self.shifted(cast(Goal, e.source).text), _text),
            FuzzyStage(
                "fuzzy-text", lambda e: normalise_name(cast(Goal, e.source).text), FUZZY_TEXT_THRESHOLD
            ),
            KeyStage("position", lambda e: cast(Goal, e.source).key),
        ]

    def task(self) -> EntityStages:
        return [
            *self.written_then_shifted("name", lambda e: self.shifted(cast(KeyTask, e.source).name), _name),
            FuzzyStage(
                "fuzzy-name", lambda e: normalise_name(cast(KeyTask, e.source).name), FUZZY_NAME_THRESHOLD
            ),
        ]

    def project(self) -> EntityStages:
        def code(e: Entity[Any]) -> str | None:
            return cast(Project, e.source).code

        def masked(e: Entity[Any]) -> str | None:
            return mask_code_year(cast(Project, e.source).code)

        def name(e: Entity[Any]) -> str:
            return normalise_name(cast(Project, e.source).name)

        def same_allocation(old: Entity[Any], new: Entity[Any]) -> bool:
            # Allocations named after different notices are successive allocations of a program, never one
            # project renamed (ledger.diff.programs): only a code pairs them.
            return not distinct_allocations(cast(Project, old.source), cast(Project, new.source))

        return [
            KeyStage("code", code),
            KeyStage("code-year-masked", masked),
            *[
                replace(stage, compatible=same_allocation)
                for stage in self.written_then_shifted(
                    "name", lambda e: self.shifted(cast(Project, e.source).name), name
                )
            ],
            KeyStage(
                "year-shifted-name",
                lambda e: year_shifted_name(cast(Project, e.source).name, self.gap),
                lambda e: year_shifted_name(cast(Project, e.source).name, 0),
                compatible=same_allocation,
            ),
            KeyStage(
                "normalised-name",
                lambda e: stripped_name(cast(Project, e.source).name),
                compatible=same_allocation,
            ),
            FuzzyStage(
                "fuzzy-name",
                lambda e: stripped_name(cast(Project, e.source).name),
                FUZZY_NAME_THRESHOLD,
                compatible=same_allocation,
            ),
        ]

    def indicator(self) -> EntityStages:
        def levels(e: Entity[Any]) -> tuple[str, str]:
            indicator = cast(Indicator, e.source)
            return normalise_name(indicator.level1), normalise_name(indicator.level2)

        def old_name(e: Entity[Any]) -> str:
            return self.shifted(cast(Indicator, e.source).name)

        def name(e: Entity[Any]) -> str:
            return normalise_name(cast(Indicator, e.source).name)

        def old_unitless(e: Entity[Any]) -> Hashable:
            return (*levels(e), shift_years(name_without_unit(cast(Indicator, e.source).name), self.gap))

        def unitless(e: Entity[Any]) -> Hashable:
            return (*levels(e), name_without_unit(cast(Indicator, e.source).name))

        def description(e: Entity[Any]) -> tuple[str, str, str] | None:
            text = normalise_name(cast(Indicator, e.source).description)
            return (*levels(e), text) if text else None

        return [
            *self.written_then_shifted(
                "key", lambda e: (*levels(e), old_name(e)), lambda e: (*levels(e), name(e))
            ),
            *self.written_then_shifted(
                "name", lambda e: (levels(e)[0], old_name(e)), lambda e: (levels(e)[0], name(e))
            ),
            *self.written_then_shifted("name", old_name, name),
            *self.written_then_shifted("name-without-unit", old_unitless, unitless),
            KeyStage("description", description),
            FuzzyStage("fuzzy-name", name, FUZZY_NAME_THRESHOLD, block=levels),
            # Renamed and moved at once (扶持企业数 under 社会效益指标 → 扶持企业个数 under 质量指标): a similar name
            # under the same 一级指标, among what nothing stricter paired; the most similar pair first.
            FuzzyStage("fuzzy-name", name, FUZZY_NAME_THRESHOLD, block=lambda e: levels(e)[0]),
        ]
