"""Funding programs versus allocations (资金项目与年度资金): notice-funded projects as chains of yearly allocations.

A project named after its funding notice (``秦财企[2023]649号-关于提前下达2024年国有企业退休人员社会化管理中央财政
补助资金预算的通知``) is one year's *allocation* of a program that recurs every year under a new notice and a new code.
Haigang's 2024 budget holds the 2023 allocation (692号, carried over) and the 2024 one (649号) side by side. When
the 2023 allocation is spent and a 2025 one arrives, pairing them by their similar names would say "692 renamed to
611"; the truth is that one allocation ended and another began.

So the alignment never pairs two allocations named after different notices by name (:func:`distinct_allocations`,
used by the project stages); only a code pairs them. What is left on each side is then linked here into programs:
allocations with the same name once notice refs and years are stripped, in consecutive fund years.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, cast

from ledger.diff.align import Alignment
from ledger.diff.entities import Entity
from ledger.diff.records import Allocation, AllocationStatus, Change, ProgramChain
from ledger.model import Project
from ledger.model.canonical import decimal_text
from ledger.model.names import normalise_name, project_code_year, strip_notices, stripped_name, years_named
from ledger.model.notices import extract_notices


def allocation_notice(name: str) -> str | None:
    """The notice ref a project is named after (``秦财企[2023]649号``), or None for a project not named after one."""
    found = extract_notices(name)
    return found[0].ref if found else None


def fund_year(name: str, code: str | None) -> int | None:
    """The budget year an allocation is for: the year its name gives once notice refs are gone (``提前下达2024年``),
    else its code's year digits."""
    named = years_named(strip_notices(normalise_name(name)))
    return named[0] if named else project_code_year(code)


def program_name(name: str) -> str:
    """The program an allocation belongs to: its name without notice refs and years (``关于提前下达国有企业…``)."""
    return stripped_name(name)


def distinct_allocations(old: Project, new: Project) -> bool:
    """Whether two projects are allocations named after different funding notices: never the same allocation,
    however similar their names (a code may still pair them)."""
    old_refs = {notice.ref for notice in extract_notices(old.name)}
    new_refs = {notice.ref for notice in extract_notices(new.name)}
    return bool(old_refs) and bool(new_refs) and old_refs.isdisjoint(new_refs)


def program_chains(alignment: Alignment[Entity[Any]]) -> list[ProgramChain]:
    """The programs whose allocations ended or began between the two snapshots, each with every allocation of
    it on either side (continuing ones once), in the order of their fund years."""
    members: dict[str, list[Allocation]] = {}
    for pair in alignment.pairs:
        _collect(members, pair.new, "continues")
    for entity in alignment.removed:
        _collect(members, entity, "ended")
    for entity in alignment.added:
        _collect(members, entity, "added")
    chains: list[ProgramChain] = []
    for program, allocations in members.items():
        for run in _consecutive_runs(sorted(allocations, key=lambda a: (a.fund_year, a.status != "ended"))):
            if any(a.status != "continues" for a in run) and len({a.fund_year for a in run}) > 1:
                chains.append(_chain(program, run))
    return chains


#: The tag of the added and removed project records that are allocations of a program chain.
PROGRAM_TAG = "program"


def tag_allocations(changes: Sequence[Change], chains: Sequence[ProgramChain]) -> list[Change]:
    """The change records, with the added and removed allocations of a chain tagged :data:`PROGRAM_TAG` (their
    records stay added/removed: an allocation did begin or end)."""
    keys = {a.key for chain in chains for a in chain.allocations if a.status != "continues"}
    return [
        change.model_copy(update={"tags": [*change.tags, PROGRAM_TAG]})
        if change.entity == "project" and change.field is None and change.key in keys
        else change
        for change in changes
    ]


def _collect(members: dict[str, list[Allocation]], entity: Entity[Any], status: AllocationStatus) -> None:
    project = cast(Project, entity.source)
    notice = allocation_notice(project.name)
    year = fund_year(project.name, project.code)
    if notice is None or year is None:
        return
    members.setdefault(program_name(project.name), []).append(
        Allocation(
            key=entity.key,
            code=project.code,
            name=project.name,
            notice=notice,
            fund_year=year,
            amount=project.amount,
            status=status,
        )
    )


def _consecutive_runs(allocations: Sequence[Allocation]) -> list[list[Allocation]]:
    """Allocations split where a fund year is skipped: successors are consecutive years of one program."""
    runs: list[list[Allocation]] = []
    for allocation in allocations:
        if runs and allocation.fund_year - runs[-1][-1].fund_year <= 1:
            runs[-1].append(allocation)
        else:
            runs.append([allocation])
    return runs


def _chain(program: str, run: list[Allocation]) -> ProgramChain:
    years = sorted({a.fund_year for a in run})
    parts = [
        f"the {a.fund_year} allocation ended ({_signed(-a.amount if a.amount is not None else None)})"
        for a in run
        if a.status == "ended"
    ]
    parts += [
        f"the {a.fund_year} allocation was added ({_signed(a.amount)})" for a in run if a.status == "added"
    ]
    path = " → ".join(str(year) for year in years)
    still = any(a.status != "ended" for a in run)
    parts.append(f"program continues {path}" if still else f"program ended after {path}")
    return ProgramChain(program=program, years=years, allocations=run, summary="; ".join(parts))


def _signed(amount: Decimal | None) -> str:
    if amount is None:
        return "amount not stated"
    text = decimal_text(amount)
    return text if text.startswith("-") else f"+{text}"
