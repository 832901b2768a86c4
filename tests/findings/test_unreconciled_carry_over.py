"""Carry-over (上年结转结余) against the projects coded for earlier years."""

from __future__ import annotations

from ledger.findings import unreconciled_carry_over
from ledger.model import Accounts
from tests.findings.builders import GAOXIN, HAIGANG, d, project, seed, snapshot


def test_haigang_reconciles_exactly() -> None:
    """The four …23P… projects: 648.60 + 109.40 + 30.00 + 40.39 = 828.39."""
    assert unreconciled_carry_over.find(seed(HAIGANG)) == []


def test_haigang_with_one_carried_project_changed_is_flagged() -> None:
    haigang = seed(HAIGANG)
    carried = next(p for p in haigang.projects if p.code == "13030223P00JD2G11017G")
    carried.amount = d("35.00")  # was 30.00
    found = unreconciled_carry_over.find(haigang)
    assert [(f.rule, f.severity, f.location, f.key) for f in found] == [
        (
            "carry-over-unreconciled",
            "warning",
            "accounts 收支总表 / 上年结转结余",
            "carry-over-unreconciled|carry-over",
        )
    ]
    assert found[0].facts["projects_total"] == d("833.39")
    assert found[0].facts["difference"] == d("5.00")
    assert found[0].message == (
        "上年结转结余 828.39万元 is not matched by the 4 projects coded or funded for earlier years, "
        "which sum to 833.39万元 (difference 5万元)"
    )


def test_carry_over_without_any_earlier_project() -> None:
    item = project("甲", "10", code="13030224P00308P12449R")
    found = unreconciled_carry_over.find(snapshot(accounts=Accounts(carry_over=d("20")), projects=[item]))
    assert [(f.facts["carry_over"], f.facts["projects_total"]) for f in found] == [(d("20"), d("0"))]


def test_nothing_to_reconcile_without_projects_whose_year_is_known() -> None:
    """Gaoxin's tables carry no codes and no notices; a publication without project tables has nothing to sum."""
    assert unreconciled_carry_over.find(seed(GAOXIN)) == []
    assert unreconciled_carry_over.find(snapshot(accounts=Accounts(carry_over=d("20")))) == []
    uncoded = snapshot(accounts=Accounts(carry_over=d("20")), projects=[project("甲", "10")])
    assert unreconciled_carry_over.find(uncoded) == []
