"""Reused notices: earlier-year notices funding a budget, and a notice cited in two years."""

from __future__ import annotations

import pytest

from ledger.diff.detectors import reused_notices
from ledger.diff.detectors.detector import is_earlier_year_notice, notice_budget_year
from ledger.model import Notice
from ledger.model.notices import extract_notices
from tests.diff.builders import project, snapshot


def notice(ref: str) -> Notice:
    [found] = extract_notices(ref)
    return found


@pytest.mark.parametrize(
    ("ref", "context", "budget_year", "earlier_in_2024"),
    [
        ("秦财企[2022]692号", "秦财企[2022]692-关于提前下达2023年国有企业退休人员…", 2023, True),
        ("秦财企[2023]649号", "秦财企[2023]649号-关于提前下达2024年国有企业退休人员…", 2024, False),
        ("秦财社[2023]739号", "秦财社[2023]739-提前下达省级城乡居民社会保险代办员补助资金", 2024, False),
        ("秦财社[2023]377号", "（上级）秦财社[2023]377号-下达2023年第二批中央就业补助资金预算", 2023, True),
        # no context: a notice of the year before is presumed the advance allocation, older ones are reused
        ("唐财社[2023]170号", "", None, False),
        ("唐财社[2022]166号", "", None, True),
    ],
)
def test_budget_year_of_a_notice(
    ref: str, context: str, budget_year: int | None, earlier_in_2024: bool
) -> None:
    assert notice_budget_year(notice(ref), context) == budget_year
    assert is_earlier_year_notice(notice(ref), 2024, context) is earlier_in_2024


def test_earlier_year_notices_are_reported_where_they_fund_something() -> None:
    new = snapshot(
        2024,
        projects=[
            project(
                "秦财企[2022]692-关于提前下达2023年国有企业退休人员补助资金", code="13030223P00MN0M10196D"
            ),
            project(
                "秦财企[2023]649号-关于提前下达2024年国有企业退休人员补助资金", code="13030224P00MN0M10402E"
            ),
        ],
        notices=["唐财社[2021]12号"],
    )
    found = reused_notices.detect(None, new, ())
    assert [(d.code, d.entity, d.key, d.evidence["ref"]) for d in found] == [
        ("earlier-year-notice", "project", "13030223P00MN0M10196D", "秦财企[2022]692号"),
        ("earlier-year-notice", "notice", "唐财社[2021]12号", "唐财社[2021]12号"),
    ]


def test_a_notice_cited_in_two_years_is_reported_year_over_year_only() -> None:
    old = snapshot(2023, projects=[project("省级惠普金融发展资金", notices=["唐财金[2023]16号"])])
    new = snapshot(2024, projects=[project("省级惠普金融发展资金", notices=["唐财金[2023]16号"])])
    [again] = reused_notices.detect(old, new, ())
    assert (again.code, again.key, again.where) == (
        "notice-cited-again",
        "唐财金[2023]16号",
        "省级惠普金融发展资金",
    )
    revision = snapshot(2024, projects=[project("省级惠普金融发展资金", notices=["唐财金[2023]16号"])])
    assert reused_notices.detect(revision, new, ()) == []
