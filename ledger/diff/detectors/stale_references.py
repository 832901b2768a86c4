"""Stale year references: a year-N target whose text names an earlier year (``反映 2022 年…`` in a 2024 target).

Copied from an earlier year's publication and not updated, most of the time. A project coded for an earlier year (a
``…23P…`` project carried over into 2024, often named after its notice ``…提前下达2023年…``) is measured against
its own year. Not stale:

- a range reaching the budget year or later: ``2024-2025年``, ``2023-2025年``;
- a funding notice ref: ``秦财企[2023]649号`` (the reused-notices detector judges notices);
- a date of an event or document: ``2022年2月23日转办``;
- a base year of a comparison or a starting point: ``较2023年``, ``比2023年``, ``与2023年相比``, ``自2023年起``,
  ``2019年以来``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from ledger.diff.detectors.detector import TextSite, texts_of
from ledger.diff.records import Change, Detection
from ledger.model import Project, Snapshot
from ledger.model.names import project_code_year, strip_notices
from ledger.model.values import normalise_text

TAG = "stale-reference"

_YEAR = re.compile(
    r"(?<![\d.])(?P<year>(?:19|20)\d\d)(?:\s*[-—–~至到]\s*(?P<end>(?:19|20)\d\d))?\s*(?:年度|年)"
    r"(?!\s*\d{1,2}\s*月)"  # a date (2022年2月23日) is an event, not a target year
)
#: Words before a year that make it a base or a starting point, not the year the target is about.
_BASE_BEFORE = re.compile(r"(?:较|比|与|同比|相比|对比|自|从|截至|截止)\s*$")
#: Words after a year that make it a starting point.
_START_AFTER = re.compile(r"^\s*(?:以来|起|至今|底|末)")
_EXCERPT = 18
#: Cheap test before any clean-up: four digits that could be a year, in ASCII or full-width forms.
_MAYBE_YEAR = re.compile(r"[12１２][09０９][0-9０-９]{2}")


def stale_years(text: str, fiscal_year: int) -> list[int]:
    """The earlier years ``text`` names as targets (see the module docstring for what does not count)."""
    if not _MAYBE_YEAR.search(text):
        return []
    return list(_stale_years(text, fiscal_year))


@lru_cache(maxsize=16384)
def _stale_years(text: str, fiscal_year: int) -> tuple[int, ...]:
    # Memoised: indicator bases and descriptions repeat across a publication and across its versions.
    cleaned = strip_notices(normalise_text(text))
    years: list[int] = []
    for match in _YEAR.finditer(cleaned):
        year = int(match["year"])
        end = int(match["end"]) if match["end"] else year
        if end >= fiscal_year or year >= fiscal_year:
            continue
        if _BASE_BEFORE.search(cleaned[: match.start()]) or _START_AFTER.match(cleaned[match.end() :]):
            continue
        if year not in years:
            years.append(year)
    return tuple(years)


def detect(old: Snapshot | None, new: Snapshot, changes: Sequence[Change]) -> list[Detection]:
    """One detection per text of ``new`` that names earlier years."""
    detections: list[Detection] = []
    for site in texts_of(new):
        reference = reference_year(new.fiscal_year, site.project)
        years = stale_years(site.text, reference)
        if years:
            detections.append(_stale(site, years, reference))
    return detections


def reference_year(fiscal_year: int, project: Project | None) -> int:
    """The fiscal year, or the earlier year a carried-over project is coded for."""
    coded = project_code_year(project.code) if project is not None else None
    return min(fiscal_year, coded) if coded is not None else fiscal_year


def _stale(site: TextSite, years: list[int], fiscal_year: int) -> Detection:
    named = "、".join(f"{year}年" for year in years)
    return Detection(
        code="stale-year-reference",
        tag=TAG,
        message=f"a {fiscal_year} target names {named}: “{_excerpt(site.text, years[0])}”",
        where=site.label,
        entity=site.entity,
        key=site.key,
        field=site.field,
        evidence={"years": [str(year) for year in years], "text": site.text},
    )


def _excerpt(text: str, year: int) -> str:
    cleaned = normalise_text(text)
    at = cleaned.find(str(year))
    start = max(0, at - _EXCERPT)
    end = min(len(cleaned), at + _EXCERPT + 4)
    return ("…" if start else "") + cleaned[start:end] + ("…" if end < len(cleaned) else "")
