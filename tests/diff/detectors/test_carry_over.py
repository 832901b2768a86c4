"""Carry-over: changes between versions, earlier-year projects, and the reconciliation with 上年结转结余."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ledger.diff import diff_snapshots
from ledger.diff.detectors import carry_over
from ledger.diff.detectors.detector import is_earlier_year_project, project_budget_year
from ledger.model import Accounts, Line, Snapshot
from ledger.pipeline.parse import parse_publication
from tests.diff.builders import project, snapshot

ROOT = Path(__file__).resolve().parents[3]
HAIGANG = ROOT / "samples" / "seeds" / "haigang-hrss-2024-budget.txt"


def test_haigang_2024_carry_over_is_exactly_the_four_2023_projects() -> None:
    parsed = parse_publication(HAIGANG.read_bytes(), HAIGANG.name).snapshot
    detections = carry_over.detect(None, parsed, ())
    earlier = [d for d in detections if d.code == "earlier-year-project"]
    assert [d.key for d in earlier] == [
        "13030223P00MN0M10196D",
        "13030223P00MN0M10195R",
        "13030223P00JD2G11017G",
        "13030223P00MN0M10193J",
    ]
    [reconciled] = [d for d in detections if d.code.startswith("carry-over-")]
    assert reconciled.code == "carry-over-reconciled"
    assert reconciled.evidence["carry_over"] == Decimal("828.39")
    assert reconciled.evidence["earlier_year_projects"] == Decimal("828.39")
    assert reconciled.evidence["difference"] == Decimal("0")
    assert (reconciled.entity, reconciled.key, reconciled.field) == ("accounts", "accounts", "carry_over")


def test_an_unreconciled_carry_over_says_the_difference() -> None:
    new = snapshot(
        2024,
        kind="budget-disclosure",
        accounts=Accounts(carry_over=Decimal("100")),
        projects=[
            project("甲", code="13030223P00308P00001A", amount="60"),
            project("乙", code="13030224P00308P00002B", amount="500"),
        ],
    )
    [earlier, unreconciled] = carry_over.detect(None, new, ())
    assert earlier.key == "13030223P00308P00001A"
    assert unreconciled.code == "carry-over-unreconciled"
    assert unreconciled.evidence["difference"] == Decimal("40")
    assert unreconciled.evidence["projects"] == ["13030223P00308P00001A"]


def test_carry_over_from_the_budget_overview_when_there_are_no_accounts() -> None:
    new = snapshot(2024, projects=[project("甲", code="13030223P00308P00001A", amount="7")])
    new.budget_overview.income.append(Line(name="上年结转结余", amount=Decimal("7")))
    assert [d.code for d in carry_over.detect(None, new, ())] == [
        "earlier-year-project",
        "carry-over-reconciled",
    ]


def test_no_carry_over_and_no_earlier_projects_says_nothing() -> None:
    new = snapshot(2024, projects=[project("甲", code="13030224P00308P00001A")])
    assert carry_over.detect(None, new, ()) == []
    zero = snapshot(2024, kind="budget-disclosure", accounts=Accounts(carry_over=Decimal(0)))
    assert carry_over.detect(None, zero, ()) == []


def test_a_project_without_code_is_earlier_when_its_notice_funds_an_earlier_year() -> None:
    carried = project("秦财社[2022]794-提前下达2023年中央就业补助资金预算指标", notices=["秦财社[2022]794号"])
    advance = project(
        "秦财企[2023]649号-关于提前下达2024年国有企业退休人员补助资金", notices=["秦财企[2023]649号"]
    )
    plain = project("专网维护费")
    assert project_budget_year(carried) == 2023 and is_earlier_year_project(carried, 2024)
    assert project_budget_year(advance) == 2024 and not is_earlier_year_project(advance, 2024)
    assert project_budget_year(plain) is None and not is_earlier_year_project(plain, 2024)


def test_carry_over_changes_between_versions_are_tagged() -> None:
    def version(amount: str) -> Snapshot:
        return snapshot(2024, kind="budget-disclosure", accounts=Accounts(carry_over=Decimal(amount)))

    result = diff_snapshots(version("828.39"), version("833.39"), scope="revision")
    [change] = result.changes
    assert change.tags == ["carry-over"]
    assert [d.code for d in result.detections] == ["carry-over-changed", "carry-over-unreconciled"]
