"""The diff engine (docs/architecture.md §6): align two snapshots entity by entity, compare the pairs, say what changed.

1. Each family of the snapshot (:mod:`ledger.diff.entities`) is aligned (:mod:`ledger.diff.align`); what no stage
   pairs is *added* or *removed*.
2. A pair whose forms are equal is skipped — an unchanged project with its indicators costs one compare of their
   JSON.
3. The other pairs are normalised for meaning (text clean-up; indicator values compared with
   :func:`ledger.model.values.values_equal`; last year's years shifted in a year-over-year diff). A plain field that
   still differs is its own location; fields that hold a structure on both sides are handed together to one
   :class:`deepdiff.DeepDiff` call over keyed mappings (no lists, no ``ignore_order``), which locates the change
   inside them. The domain layer turns each location into a :class:`~ledger.diff.records.Change`.

Year-over-year, the expected annual roll-forward is not a change: a project code whose year digits advance by the
fiscal-year gap (``13022524P…`` → ``13022525P…``), or a text that differs only by its years moving with the budget
year (``2024年预算指标安排`` → ``2025年预算指标安排``). The copied-targets detector reports the latter on purpose.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import lru_cache
from typing import Any, cast

from deepdiff import DeepDiff

from ledger.diff import entities as ent
from ledger.diff.align import Alignment, FuzzyStage, Pair, Stage, align
from ledger.diff.detectors import apply_detections, run_detectors
from ledger.diff.entities import Entity, Form, FormValue, LinePlace
from ledger.diff.labels import field_label
from ledger.diff.programs import program_chains, tag_allocations
from ledger.diff.records import (
    Change,
    ChangeKind,
    ChangeValue,
    DiffResult,
    EntityKind,
    MatchedBy,
    ProgramChain,
    Scope,
    SnapshotRef,
    Totals,
    count_changes,
)
from ledger.diff.stages import Stages
from ledger.model import (
    ECONOMIC_LINE_COLUMNS,
    FUNCTION_LINE_COLUMNS,
    Accounts,
    Indicator,
    IndicatorValue,
    LineColumns,
    NarrativeStatement,
    Project,
    Snapshot,
)
from ledger.model.names import mask_code_year, normalise_name, project_code_year, shift_years, similarity
from ledger.model.values import Direction, compare_values, direction_of, normalise_text

__all__ = ["budget_total", "diff_snapshots", "numeric_delta", "project_total", "scope_between"]

#: The structural diff stops after this many differences per compared pair (a guard against pathological input;
#: a real pair has at most a few dozen). Reaching it is said in ``DiffResult.notes``.
MAX_DIFFS_PER_PAIR = 200

_PERCENT = Decimal("0.01")
_HUNDRED = Decimal(100)
#: Stands for "same meaning" in the normalised forms (an indicator value equal by :func:`values_equal`).
_SAME = "\x00same"
#: Fields whose mapping is a set keyed by its members (a project's notice refs): one record lists the members
#: removed (``old``) and added (``new``).
_SET_FIELDS = frozenset({"notices"})
#: Fields whose change is a rename, and fields whose change is a move to another place in the tree.
_RENAME_FIELDS = frozenset({"name"})
_MOVE_FIELDS = frozenset({"level1", "level2", "parent"})

_DEEPDIFF_LOGGER = logging.getLogger("deepdiff.diff")
_WHITESPACE = re.compile(r"\s+")


def scope_between(
    old: Snapshot,
    new: Snapshot,
    *,
    same_publication: bool = False,
    same_department: bool = True,
    comparable_kinds: bool = True,
) -> Scope:
    """The scope of a comparison: ``reparse`` for two parses of one publication; ``cross-department`` for two
    departments and ``cross-kind`` for two kinds of file with nothing in common; otherwise ``yoy`` across fiscal
    years, ``revision`` within one."""
    if same_publication:
        return "reparse"
    if not same_department:
        return "cross-department"
    if not comparable_kinds:
        return "cross-kind"
    return "yoy" if new.fiscal_year != old.fiscal_year else "revision"


def diff_snapshots(
    old: Snapshot,
    new: Snapshot,
    *,
    scope: Scope,
    detect: bool = True,
    old_hash: str | None = None,
    new_hash: str | None = None,
    statements: Sequence[NarrativeStatement] | None = None,
) -> DiffResult:
    """Compare ``old`` with ``new`` and return every change, its summary, and (``detect``) the detectors' findings,
    whose tags are added to the change records they concern.

    ``scope`` labels the comparison (docs/architecture.md §5): ``yoy``, ``revision``, or ``reparse`` for two parses of the same
    publication. Year-over-year, years in last year's texts are shifted by the fiscal-year gap before comparing.

    ``statements`` are the newer side's claims (预算情况说明) matched to its entities (``new.statements`` unless
    given: a narrative published apart from its tables is matched to them by the caller). Year-over-year, a
    change of an entity a claim is about carries the claim's stated change and reason.
    """
    differ = _Differ(old, new, scope)
    changes = differ.run()
    if scope == "yoy":
        changes = with_stated_reasons(changes, new.statements if statements is None else statements)
    summary = count_changes(changes).model_copy(
        update={
            "budget": _totals(budget_total(old), budget_total(new)),
            "project_budget": _totals(project_total(old), project_total(new)),
        }
    )
    changes = tag_allocations(changes, differ.programs)
    result = DiffResult(
        scope=scope,
        old=_reference(old, old_hash),
        new=_reference(new, new_hash),
        changes=changes,
        summary=summary,
        notes=differ.notes,
        programs=differ.programs,
    )
    if detect:
        result = apply_detections(result, run_detectors(old, new, result.changes))
    return result


def with_stated_reasons(changes: list[Change], statements: Sequence[NarrativeStatement]) -> list[Change]:
    """Each change of an entity a claim is about (``entity:key#field``) with the claim's stated change and reason.

    An added or removed entity (no field) takes the claim about any of its fields.
    """
    by_entity: dict[str, NarrativeStatement] = {}
    for statement in statements:
        if statement.entity is not None:
            by_entity.setdefault(statement.entity, statement)
            by_entity.setdefault(statement.entity.partition("#")[0], statement)
    if not by_entity:
        return changes
    annotated: list[Change] = []
    for change in changes:
        where = f"{change.entity}:{change.key}"
        claim = by_entity.get(f"{where}#{change.field}" if change.field else where)
        if claim is None:
            annotated.append(change)
            continue
        annotated.append(
            change.model_copy(
                update={
                    "stated_delta": claim.delta,
                    "stated_pct": claim.percent,
                    "stated_reason": claim.reason,
                }
            )
        )
    return _unexplained_siblings(annotated)


#: Tagged on a change of a budget line the narrative leaves unexplained while it explains lines beside it.
UNEXPLAINED = "unexplained"
#: The 功能分类科目 lines, which a narrative walks through 类 by 款 by 项.
_FUNCTION_LINES = ("function_line", "fiscal_function_line")


def _sibling_group(change: Change) -> tuple[str, str] | None:
    """The kind and parent code of a 功能分类科目 line's amount change (``2010201`` → ``20102``; a 类 → ``""``)."""
    if change.entity not in _FUNCTION_LINES or change.field != "total":
        return None
    return change.entity, change.key[:-2] if len(change.key) > 3 else ""


def _unexplained_siblings(changes: list[Change]) -> list[Change]:
    """A 功能分类科目 line whose amount changed, among siblings the narrative explains one by one, but not explained
    itself (no claim is about it, or the claim names it otherwise): worth a note."""
    explained = {
        group
        for c in changes
        if c.stated_reason or c.stated_delta is not None
        if (group := _sibling_group(c))
    }
    return [
        change.model_copy(update={"tags": [*change.tags, UNEXPLAINED]})
        if _sibling_group(change) in explained
        and change.stated_delta is None
        and change.stated_reason is None
        and change.delta not in (None, 0)
        else change
        for change in changes
    ]


def _reference(snapshot: Snapshot, snapshot_hash: str | None) -> SnapshotRef:
    return SnapshotRef(
        department=snapshot.department.name,
        fiscal_year=snapshot.fiscal_year,
        document_kind=snapshot.document_kind,
        snapshot_hash=snapshot_hash,
    )


# ---------------------------------------------------------------------------------------------------------------
# Totals
# ---------------------------------------------------------------------------------------------------------------

_TOTAL_NAMES = frozenset({"合计", "总计", "支出合计", "支出总计"})


def budget_total(snapshot: Snapshot) -> Decimal | None:
    """The department's total expenditure: 支出总计 of the accounts, else the 合计 line of 预算整体情况, else the sum
    of its top-level lines (其中 lines excluded: they are parts of another line)."""
    if snapshot.accounts is not None and snapshot.accounts.expenditure_total is not None:
        return snapshot.accounts.expenditure_total
    lines = snapshot.budget_overview.expenditure
    for line in lines:
        if normalise_name(line.name) in _TOTAL_NAMES and line.amount is not None:
            return line.amount
    amounts = [
        line.amount
        for line in lines
        if line.amount is not None and not normalise_name(line.name).startswith("其中")
    ]
    return sum(amounts, Decimal(0)) if amounts else None


def project_total(snapshot: Snapshot) -> Decimal | None:
    """Sum of the projects' 预算数 (None without projects)."""
    amounts = [project.amount for project in snapshot.projects if project.amount is not None]
    return sum(amounts, Decimal(0)) if amounts else None


def _totals(old: Decimal | None, new: Decimal | None) -> Totals:
    delta, pct = numeric_delta(old, new)
    return Totals(old=old, new=new, delta=delta, pct=pct)


def numeric_delta(old: object, new: object) -> tuple[Decimal | None, Decimal | None]:
    """``new - old`` and the change in percent of ``old`` (2 places, half up; None when old is 0 or either side
    is not a number)."""
    if isinstance(old, bool) or isinstance(new, bool):
        return None, None
    if not isinstance(old, Decimal | int) or not isinstance(new, Decimal | int):
        return None, None
    delta = Decimal(new) - Decimal(old)
    if old == 0:
        return delta, None
    with localcontext() as context:
        context.prec = 60
        ratio = delta / Decimal(old) * _HUNDRED
        # quantize needs every integer digit of the percentage within the precision, however extreme the ratio.
        context.prec = max(28, ratio.adjusted() + 3)
        return delta, ratio.quantize(_PERCENT, rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------------------------------------------------------
# The differ
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class _Pending:
    """An aligned pair that still differs after normalisation: ``paths`` says where (deepdiff, for the fields in
    ``compare_old``/``compare_new``, which hold a structure on both sides)."""

    old: Entity[Any]
    new: Entity[Any]
    matched_by: MatchedBy
    score: Decimal | None
    compare_old: dict[str, FormValue]
    compare_new: dict[str, FormValue]
    paths: list[list[str]] = field(default_factory=list)


#: Alignment stages that pair entities by what they are, not by resemblance or place: all a comparison of two
#: departments uses (subject codes, names and texts as written) — a fuzzy or positional pair there would call one
#: department's project a rename of another's.
_NOT_ACROSS_DEPARTMENTS = frozenset({"position"})


def _aligns_across_departments(stage: Stage[Entity[Any]]) -> bool:
    return not isinstance(stage, FuzzyStage) and stage.name not in _NOT_ACROSS_DEPARTMENTS


class _Differ:
    def __init__(self, old: Snapshot, new: Snapshot, scope: Scope) -> None:
        self.old = old
        self.new = new
        self.scope = scope
        self.gap = new.fiscal_year - old.fiscal_year if scope == "yoy" else 0
        self.stages = Stages(self.gap)
        #: The lines of the family being compared: (side, names as printed) of an old line → its new line's names.
        self.line_counterparts: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = {}
        self.slots: list[Change | _Pending] = []
        self.notes: list[str] = []
        self.programs: list[ProgramChain] = []

    # -- orchestration ------------------------------------------------------------------------------------------

    def run(self) -> list[Change]:
        old, new = self.old, self.new
        # Two departments: that they differ is the premise of the comparison (its heading), not a change.
        if self.scope != "cross-department" and self.changed(old.department, new.department):
            self.family(ent.department_entities(old), ent.department_entities(new), self.stages.identity())
        if self.changed(old.basic_info, new.basic_info):
            self.family(ent.basic_info_entities(old), ent.basic_info_entities(new), self.stages.identity())
        if self.changed(old.units, new.units):
            self.family(ent.unit_entities(old), ent.unit_entities(new), self.stages.unit())
        if self.changed(old.budget_overview, new.budget_overview):
            self.family(ent.budget_line_entities(old), ent.budget_line_entities(new), self.stages.line())
        if self.changed(old.accounts, new.accounts):
            self.accounts()
        if self.changed(old.goals, new.goals):
            self.family(ent.goal_entities(old.goals), ent.goal_entities(new.goals), self.stages.goal())
        if self.changed(old.key_tasks, new.key_tasks):
            self.family(
                ent.key_task_entities(old.key_tasks), ent.key_task_entities(new.key_tasks), self.stages.task()
            )
        if self.changed(old.projects, new.projects):
            self.projects()
        if self.changed(old.indicators, new.indicators):
            owner = ent.DEPARTMENT_OWNER
            self.indicators(owner, owner, owner, old.indicators, new.indicators)
        if self.changed(old.notices, new.notices):
            self.family(
                ent.notice_entities(old.notices), ent.notice_entities(new.notices), self.stages.keyed()
            )
        if self.changed(old.warnings, new.warnings):
            self.family(
                ent.warning_entities(old.warnings), ent.warning_entities(new.warnings), self.stages.keyed()
            )
        return self.resolve()

    @staticmethod
    def changed(old_part: Any, new_part: Any) -> bool:
        """Whether a part of the snapshot may have changed: one compare of their JSON skips an unchanged family."""
        return ent.subtree_fingerprint(old_part) != ent.subtree_fingerprint(new_part)

    def accounts(self) -> None:
        """The accounts of a budget disclosure: totals, then each table, each skipped when unchanged."""
        old, new = self.old, self.new
        self.family(ent.accounts_entities(old), ent.accounts_entities(new), self.stages.identity())
        old_accounts = old.accounts or Accounts()
        new_accounts = new.accounts or Accounts()
        if self.changed(
            (old_accounts.income_lines, old_accounts.expenditure_lines),
            (new_accounts.income_lines, new_accounts.expenditure_lines),
        ):
            self.family(ent.account_line_entities(old), ent.account_line_entities(new), self.stages.line())
        classification_tables: tuple[tuple[EntityKind, list[Any], list[Any], LineColumns], ...] = (
            (
                "function_line",
                old_accounts.function_lines,
                new_accounts.function_lines,
                FUNCTION_LINE_COLUMNS,
            ),
            (
                "fiscal_function_line",
                old_accounts.fiscal_function_lines,
                new_accounts.fiscal_function_lines,
                FUNCTION_LINE_COLUMNS,
            ),
            (
                "economic_line",
                old_accounts.economic_lines,
                new_accounts.economic_lines,
                ECONOMIC_LINE_COLUMNS,
            ),
        )
        for kind, old_lines, new_lines, columns in classification_tables:
            if self.changed(old_lines, new_lines):
                self.family(
                    ent.classification_line_entities(kind, old_lines, columns),
                    ent.classification_line_entities(kind, new_lines, columns),
                    self.stages.code(),
                )
        if self.changed(old_accounts.procurement_lines, new_accounts.procurement_lines):
            self.family(
                ent.procurement_line_entities(old), ent.procurement_line_entities(new), self.stages.line()
            )
        if self.changed(old_accounts.assets, new_accounts.assets):
            self.family(ent.asset_line_entities(old), ent.asset_line_entities(new), self.stages.line())

    def family(
        self,
        olds: Sequence[Entity[Any]],
        news: Sequence[Entity[Any]],
        stages: Sequence[Stage[Entity[Any]]],
        *,
        affinity: Callable[[Entity[Any], Entity[Any]], float] | None = None,
        children: Callable[[Pair[Entity[Any]]], None] | None = None,
    ) -> Alignment[Entity[Any]] | None:
        """Align one family and queue its records, in the order of the newer snapshot (removed ones last)."""
        if not olds and not news:
            return None
        if self.scope == "cross-department":
            stages = [stage for stage in stages if _aligns_across_departments(stage)]
        alignment = align(olds, news, stages, affinity=affinity)
        self.line_counterparts = {
            (pair.old.source.side, pair.old.source.names): pair.new.source.names
            for pair in alignment.pairs
            if isinstance(pair.old.source, LinePlace) and isinstance(pair.new.source, LinePlace)
        }
        for item in _in_new_order(alignment, news):
            if isinstance(item, Pair):
                self.pair(item, children)
            else:
                self.slots.append(self.presence(item, "added"))
        for entity in alignment.removed:
            self.slots.append(self.presence(entity, "removed"))
        return alignment

    def projects(self) -> None:
        olds, news = ent.project_entities(self.old.projects), ent.project_entities(self.new.projects)
        alignment = self.family(
            olds, news, self.stages.project(), affinity=_project_affinity, children=self.project_children
        )
        if alignment is not None:
            self.programs = program_chains(alignment)

    def project_children(self, pair: Pair[Entity[Any]]) -> None:
        old, new = pair.old, pair.new
        old_project, new_project = cast(Project, old.source), cast(Project, new.source)
        self.family(
            ent.project_goal_entities(old.key, old.label, old_project.goals),
            ent.project_goal_entities(new.key, new.label, new_project.goals),
            self.stages.goal(),
        )
        self.indicators(old.key, new.key, new.label, old_project.indicators, new_project.indicators)

    def indicators(
        self,
        old_owner: str,
        new_owner: str,
        label: str,
        olds: Sequence[Indicator],
        news: Sequence[Indicator],
    ) -> None:
        self.family(
            ent.indicator_entities(old_owner, label, olds),
            ent.indicator_entities(new_owner, label, news),
            self.stages.indicator(),
        )

    # -- records ------------------------------------------------------------------------------------------------

    def presence(self, entity: Entity[Any], kind: ChangeKind) -> Change:
        """The record of an entity only one side has; ``old``/``new`` carry its main value."""
        main = entity.main
        delta: Decimal | None = None
        if isinstance(main, Decimal):
            delta = main if kind == "added" else -main
        return Change(
            scope=self.scope,
            entity=entity.kind,
            key=entity.key,
            label=entity.label,
            change=kind,
            old=main if kind == "removed" else None,
            new=main if kind == "added" else None,
            delta=delta,
        )

    def pair(self, pair: Pair[Entity[Any]], children: Callable[[Pair[Entity[Any]]], None] | None) -> None:
        old, new = pair.old, pair.new
        if children is not None:
            # A whole subtree (a project with its goals and indicators) in one compare of its JSON.
            if not self.changed(old.source, new.source):
                return
        elif old.form == new.form:
            # Plain equality, by value (Decimal 16.5 == 16.50), stops at the first field that differs.
            return
        compare_old = self.comparable(old.form)
        compare_new = self.comparable(new.form)
        if self.gap:
            _forgive_year_shift(compare_old, compare_new, self.gap)
        self.equate_meaning(old, new, compare_old, compare_new)
        differing = [name for name in compare_new if compare_old.get(name) != compare_new[name]]
        if differing:
            # Only the fields that still differ and hold a structure on both sides go on to deepdiff, which locates
            # the change inside them; a differing plain value is its own location.
            nested = [
                name
                for name in differing
                if _is_structure(compare_old.get(name)) and _is_structure(compare_new[name])
            ]
            self.slots.append(
                _Pending(
                    old,
                    new,
                    pair.matched_by,
                    pair.score,
                    {name: compare_old.get(name) for name in nested},
                    {name: compare_new[name] for name in nested},
                    [[name] for name in differing if name not in nested],
                )
            )
        if children is not None:
            children(pair)

    def comparable(self, form: Form) -> dict[str, FormValue]:
        return {name: _comparable(value) for name, value in form.items()}

    def equate_meaning(
        self,
        old: Entity[Any],
        new: Entity[Any],
        compare_old: dict[str, FormValue],
        compare_new: dict[str, FormValue],
    ) -> None:
        """Make equal what means the same although written differently."""
        if old.kind == "indicator":
            old_value = cast(Indicator, old.source).value
            new_value = cast(Indicator, new.source).value
            if _values_equal(old_value, new_value):
                compare_old["value"] = compare_new["value"] = _SAME
        if isinstance(old.source, LinePlace) and self.under_counterpart(old.source, new.source):
            compare_old["parent"] = compare_new["parent"]
        if old.kind == "project" and self.is_annual_recoding(
            cast(Project, old.source).code, cast(Project, new.source).code
        ):
            compare_old["code"] = compare_new["code"] = _SAME

    def under_counterpart(self, old: LinePlace, new: LinePlace) -> bool:
        """Whether a line sits under the line its old parent became: a renamed parent does not move its children."""
        parent = old.names[:-1]
        return bool(parent) and self.line_counterparts.get((old.side, parent)) == new.names[:-1]

    def is_annual_recoding(self, old_code: str | None, new_code: str | None) -> bool:
        """Year over year, a project code whose year digits advance by the fiscal-year gap is the same project."""
        if self.scope != "yoy" or old_code == new_code:
            return False
        old_year, new_year = project_code_year(old_code), project_code_year(new_code)
        return (
            old_year is not None
            and new_year is not None
            and new_year - old_year == self.gap
            and mask_code_year(old_code) == mask_code_year(new_code)
        )

    # -- the structural diff and the domain layer ---------------------------------------------------------------

    def resolve(self) -> list[Change]:
        pending = [slot for slot in self.slots if isinstance(slot, _Pending) and slot.compare_new]
        if pending:
            self.locate(pending)
        changes: list[Change] = []
        for slot in self.slots:
            if isinstance(slot, Change):
                changes.append(slot)
            else:
                changes.extend(self.records(slot))
        return changes

    def locate(self, pending: list[_Pending]) -> None:
        """One deepdiff over every differing pair, keyed by pair number; each path goes back to its pair."""
        limit = MAX_DIFFS_PER_PAIR * len(pending)
        # deepdiff logs a warning when it reaches max_diffs; we report that in the result's notes instead.
        previous_level = _DEEPDIFF_LOGGER.level
        _DEEPDIFF_LOGGER.setLevel(logging.ERROR)
        try:
            diff = DeepDiff(
                {str(n): p.compare_old for n, p in enumerate(pending)},
                {str(n): p.compare_new for n, p in enumerate(pending)},
                view="tree",
                threshold_to_diff_deeper=0,  # report changed keys of a mapping, never the whole mapping
                max_diffs=limit,
                cache_purge_level=0,
            )
        finally:
            _DEEPDIFF_LOGGER.setLevel(previous_level)
        stats: dict[str, Any] = diff.get_stats()  # type: ignore[no-untyped-call]
        if stats.get("MAX DIFF LIMIT REACHED"):
            self.notes.append(
                f"the structural diff stopped after {limit} differences; some changes may be missing"
            )
        for levels in diff.tree.values():
            for level in levels:
                path = [str(part) for part in level.path(output_format="list")]
                pending[int(path[0])].paths.append(path[1:])

    def records(self, pending: _Pending) -> list[Change]:
        """The records of one pair, in the order of the entity's fields; a set field gives one record."""
        order = {name: position for position, name in enumerate(pending.old.form)}
        paths = sorted(pending.paths, key=lambda path: (order.get(path[0], len(order)), path))
        records: list[Change] = []
        for top in dict.fromkeys(path[0] for path in paths):
            inside = [path for path in paths if path[0] == top]
            if top in _SET_FIELDS:
                records.append(self.set_record(pending, top))
            else:
                records.extend(self.record(pending, path) for path in inside)
        return records

    def set_record(self, pending: _Pending, top: str) -> Change:
        """A set-valued field (a project's notice refs) as one record: the members only one side has."""
        old_members = _members(pending.old.form.get(top))
        new_members = _members(pending.new.form.get(top))
        removed = [member for member in old_members if member not in new_members]
        added = [member for member in new_members if member not in old_members]
        return self.record(pending, [top]).model_copy(update={"old": removed or None, "new": added or None})

    def record(self, pending: _Pending, path: list[str]) -> Change:
        old, new = pending.old, pending.new
        top = path[0]
        old_value = _lookup(old.form, path)
        new_value = _lookup(new.form, path)
        field_name = ".".join(path)
        delta, pct = numeric_delta(old_value, new_value)
        direction: Direction | None = None
        if old.kind == "indicator" and top == "value":
            old_indicator, new_indicator = cast(Indicator, old.source), cast(Indicator, new.source)
            direction = _direction(old_indicator.value, new_indicator.value)
            delta, pct = _value_delta(old_indicator.value, new_indicator.value)
        return Change(
            scope=self.scope,
            entity=new.kind,
            key=new.key,
            old_key=old.key if old.key != new.key else None,
            label=new.label,
            change=_change_kind(top),
            field=field_name,
            field_label=field_label(new.kind, path),
            old=_reported(old_value),
            new=_reported(new_value),
            delta=delta,
            pct=pct,
            direction=direction,
            matched_by=pending.matched_by,
            score=pending.score,
        )


# ---------------------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------------------


def _in_new_order(
    alignment: Alignment[Entity[Any]], news: Sequence[Entity[Any]]
) -> list[Pair[Entity[Any]] | Entity[Any]]:
    by_new: dict[int, Pair[Entity[Any]] | Entity[Any]] = {id(pair.new): pair for pair in alignment.pairs}
    by_new.update({id(entity): entity for entity in alignment.added})
    return [by_new[id(entity)] for entity in news if id(entity) in by_new]


def _project_affinity(old: Entity[Any], new: Entity[Any]) -> float:
    """Among projects sharing a key: same unit, then same amount, then the closer name and code."""
    old_project, new_project = cast(Project, old.source), cast(Project, new.source)
    score = similarity(normalise_name(old_project.name), normalise_name(new_project.name))
    score += similarity(old_project.code or "", new_project.code or "") / 10
    if old_project.unit == new_project.unit:
        score += 1000
    if old_project.amount is not None and old_project.amount == new_project.amount:
        score += 500
    return score


def _is_structure(value: FormValue) -> bool:
    return isinstance(value, Mapping | list | tuple)


def _comparable(value: FormValue) -> FormValue:
    """A form value in the form equal meanings share: clean text without whitespace, no empty strings."""
    if isinstance(value, str):
        return _clean_text(value) or None
    if isinstance(value, Mapping):
        return {str(key): _comparable(item) for key, item in value.items()}
    return value


@lru_cache(maxsize=65536)
def _clean_text(text: str) -> str:
    # Whitespace never changes what a Chinese text says (PDF and DOCX exports scatter it), so it goes entirely.
    # Memoised: the same texts (指标值确定依据, 年度工作计划 …) repeat across hundreds of indicators.
    return _WHITESPACE.sub("", normalise_text(text))


def _forgive_year_shift(old: dict[str, FormValue], new: dict[str, FormValue], gap: int) -> None:
    """Year over year, a text of last year whose years moved on by ``gap`` (``2024年预算指标安排`` →
    ``2025年预算指标安排``) is the same text: make the older value equal to the newer one (in place)."""
    for name, old_value in old.items():
        new_value = new.get(name)
        if isinstance(old_value, str) and isinstance(new_value, str):
            if old_value != new_value and shift_years(old_value, gap) == new_value:
                old[name] = new_value
        elif isinstance(old_value, dict) and isinstance(new_value, dict):
            _forgive_year_shift(old_value, new_value, gap)


def _values_equal(old: IndicatorValue, new: IndicatorValue) -> bool:
    if old.raw == new.raw:
        return True  # the same words say the same thing: no need to read them
    if not old.raw.strip() and not new.raw.strip():
        return True
    if not old.raw.strip() or not new.raw.strip():
        return False
    return compare_values(old, new) is None


def _direction(old: IndicatorValue, new: IndicatorValue) -> Direction | None:
    if not old.raw.strip() or not new.raw.strip():
        return None
    found = compare_values(old, new)
    return direction_of(found) if found is not None else None


def _value_delta(old: IndicatorValue, new: IndicatorValue) -> tuple[Decimal | None, Decimal | None]:
    if old.number is None or new.number is None or old.unit != new.unit:
        return None, None
    return numeric_delta(old.number, new.number)


def _change_kind(top_field: str) -> ChangeKind:
    if top_field in _RENAME_FIELDS:
        return "renamed"
    if top_field in _MOVE_FIELDS:
        return "moved"
    return "modified"


def _lookup(form: Form, path: list[str]) -> FormValue:
    value: FormValue = form.get(path[0])
    for part in path[1:]:
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _members(value: FormValue) -> list[str]:
    return [str(key) for key in value] if isinstance(value, Mapping) else []


def _reported(value: FormValue) -> ChangeValue:
    """A form value as a change record carries it (mappings never reach here: deepdiff reports their keys)."""
    if isinstance(value, Mapping):
        return [str(key) for key in value]
    return value
