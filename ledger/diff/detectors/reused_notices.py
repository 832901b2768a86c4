"""Reused notices (资金文件): a year-N budget funded by notices for earlier years, or one notice cited in two years.

``秦财企[2022]692-关于提前下达2023年…`` in a 2024 budget allocates 2023 money: reused (or carried over).
``秦财企[2023]649号-关于提前下达2024年…`` is the normal advance allocation (提前下达) of 2024 money, issued in 2023:
not reused. See :func:`ledger.diff.detectors.detector.is_earlier_year_notice` for the rule.
"""

from __future__ import annotations

from collections.abc import Sequence

from ledger.diff import entities as ent
from ledger.diff.detectors.detector import (
    is_earlier_year_notice,
    notice_budget_year,
    project_context,
    project_notices,
)
from ledger.diff.records import Change, Detection
from ledger.model import Notice, Snapshot

TAG = "reused-notice"


def detect(old: Snapshot | None, new: Snapshot, changes: Sequence[Change]) -> list[Detection]:
    """Earlier-year notices in ``new`` (at the project citing them, else at the notice), and, year over year,
    notices ``old`` cited too."""
    detections = _earlier_year_notices(new)
    if old is not None and old.fiscal_year < new.fiscal_year:
        detections += _cited_again(old, new)
    return detections


def _earlier_year_notices(snapshot: Snapshot) -> list[Detection]:
    detections: list[Detection] = []
    cited_by_projects: set[str] = set()
    for entity in ent.project_entities(snapshot.projects):
        project = entity.source
        context = project_context(project)
        for notice in project_notices(project):
            cited_by_projects.add(notice.ref)
            if is_earlier_year_notice(notice, snapshot.fiscal_year, context):
                detections.append(
                    _earlier(notice, snapshot.fiscal_year, context, where=project.name, entity_key=entity.key)
                )
    for notice in snapshot.notices:
        if notice.ref not in cited_by_projects and is_earlier_year_notice(notice, snapshot.fiscal_year):
            detections.append(_earlier(notice, snapshot.fiscal_year, "", where=notice.ref, entity_key=None))
    return detections


def _earlier(
    notice: Notice, fiscal_year: int, context: str, *, where: str, entity_key: str | None
) -> Detection:
    budget_year = notice_budget_year(notice, context)
    meant = f"allocates {budget_year} money" if budget_year is not None else f"was issued in {notice.year}"
    return Detection(
        code="earlier-year-notice",
        tag=TAG,
        message=f"{notice.ref} {meant} and is cited in the {fiscal_year} budget ({where})",
        where=where,
        entity="project" if entity_key is not None else "notice",
        key=entity_key if entity_key is not None else notice.ref,
        evidence={"ref": notice.ref, "notice_year": notice.year, "budget_year": budget_year},
    )


def _all_refs(snapshot: Snapshot) -> dict[str, str]:
    """Every notice ref the snapshot cites → where (the first project citing it, else the notice list)."""
    refs: dict[str, str] = {}
    for project in snapshot.projects:
        for notice in project_notices(project):
            refs.setdefault(notice.ref, project.name)
    for notice in snapshot.notices:
        refs.setdefault(notice.ref, notice.ref)
    return refs


def _cited_again(old: Snapshot, new: Snapshot) -> list[Detection]:
    old_refs = _all_refs(old)
    return [
        Detection(
            code="notice-cited-again",
            tag=TAG,
            message=f"{ref} is cited in the {old.fiscal_year} and the {new.fiscal_year} budget ({where})",
            where=where,
            entity="notice",
            key=ref,
            evidence={"ref": ref, "first_year": old.fiscal_year, "again_year": new.fiscal_year},
        )
        for ref, where in _all_refs(new).items()
        if ref in old_refs
    ]
