"""Stale year references (过期年份): text of a year-N publication that names an earlier year as its own.

Targets are often copied from last year's table and not updated: Taishan's 2024 indicators describe themselves as
``反映 2023 年机关事业单位养老保险应缴未缴职业年金征收金额进度`` and ``反映 2022 年…``.

The diff engine's stale-reference detector (:mod:`ledger.diff.detectors.stale_references`) decides which years count
(:func:`~ledger.detectors.stale_references.stale_years`: ranges reaching the fiscal year such as ``2024-2025年``,
notice refs ``秦财企[2023]649号``, dates ``2022年2月23日`` and comparison bases ``较2023年`` are not stale) and
against which year (:func:`~ledger.detectors.stale_references.reference_year`: a project coded for an earlier year,
a ``…23P…`` project carried over into 2024 and often named ``…提前下达2023年…``, is measured against its own
year). One matcher serves both.

This rule reads the same texts as the detector — goals, key tasks, project names and goals, every indicator field;
not a project's 资金用途 (purpose), which often tells the project's history (``2017年我局建立…调解组织``) — and
walks them itself only to name each place with the findings' keys (project codes with the year masked, so that a
finding persists from one year's publication to the next).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ledger.diff.detectors.stale_references import reference_year, stale_years
from ledger.findings.finding import (
    Finding,
    indicator_identity,
    indicator_path,
    make_key,
    scope_identity,
    scope_label,
)
from ledger.model import Project, Snapshot
from ledger.model.values import normalise_text

RULE = "stale-year-reference"
_CONTEXT = 14


def excerpt(text: str, year: int) -> str:
    """A few characters either side of the first mention of ``year`` in the normalised text."""
    cleaned = normalise_text(text)
    at = max(cleaned.find(str(year)), 0)
    start, end = max(0, at - _CONTEXT), min(len(cleaned), at + 4 + _CONTEXT)
    return ("…" if start else "") + cleaned[start:end] + ("…" if end < len(cleaned) else "")


@dataclass(frozen=True)
class _Text:
    """One text a target is stated in: its scope, where it is, what it is, its key part and the text itself."""

    project: Project | None
    where: str  # ``indicator 产出指标/时效指标/资金使用及时率 / 绩效指标描述``
    subject: str  # ``the 绩效指标描述 of 资金使用及时率``
    identity: str
    text: str


def _texts(snapshot: Snapshot) -> Iterator[_Text]:
    """Every text a target is stated in: goals, key tasks, project names and goals, indicator fields."""
    for goal in snapshot.goals:
        yield _Text(None, f"goal {goal.key}", f"goal {goal.key}", f"goal:{goal.key}", goal.text)
    for index, task in enumerate(snapshot.key_tasks, 1):
        for field, label, text in (
            ("name", "名称", task.name),
            ("content", "主要实施内容", task.content),
            ("expected", "期望达到的目标", task.expected),
        ):
            if text:
                where = f"key task {index} / {label}"
                yield _Text(
                    None, where, f"the {label} of key task {index}", f"key_task:{index}:{field}", text
                )
    for project in (None, *snapshot.projects):
        indicators = snapshot.indicators if project is None else project.indicators
        if project is not None:
            yield _Text(project, "项目名称", "the 项目名称", "name", project.name)
            for number, goal_text in enumerate(project.goals, 1):
                yield _Text(project, f"绩效目标 {number}", f"绩效目标 {number}", f"goal:{number}", goal_text)
        for indicator in indicators:
            path, identity = indicator_path(indicator), indicator_identity(indicator)
            for field, label, text in (
                ("name", "三级指标", indicator.name),
                ("description", "绩效指标描述", indicator.description),
                ("value", "指标值", indicator.value.raw),
                ("basis", "指标值确定依据", indicator.basis),
            ):
                if text:
                    where = f"indicator {path} / {label}"
                    subject = f"the {label} of {indicator.name}"
                    yield _Text(project, where, subject, f"{identity}:{field}", text)


def find(snapshot: Snapshot) -> list[Finding]:
    findings: list[Finding] = []
    for item in _texts(snapshot):
        years = sorted(stale_years(item.text, reference_year(snapshot.fiscal_year, item.project)))
        if not years:
            continue
        excerpts = [excerpt(item.text, year) for year in years]
        named = "、".join(f"{year}年" for year in years)
        findings.append(
            Finding(
                rule=RULE,
                severity="warning",
                message=f"{item.subject} names {named} in a {snapshot.fiscal_year} publication: “{excerpts[0]}”",
                location=f"{scope_label(item.project)} / {item.where}",
                key=make_key(RULE, scope_identity(item.project), item.identity),
                facts={
                    "years": [str(y) for y in years],
                    "fiscal_year": snapshot.fiscal_year,
                    "excerpts": excerpts,
                },
            )
        )
    return findings
