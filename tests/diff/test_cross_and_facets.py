"""Comparisons that are neither a revision nor a year-over-year change: two departments, two kinds of file; and the
facets two kinds of file of one department's year are compared on."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledger.diff import diff_snapshots, scope_between
from ledger.diff.facets import common_facets, facet_view, facets_of
from ledger.model import Accounts, BasicInfo, FunctionLine
from tests.diff.builders import indicator, project, snapshot

HAIGANG, LAOTING = "秦皇岛市海港区人力资源和社会保障局", "乐亭县人力资源和社会保障局"


def _accounts(total: str, *lines: tuple[str, str, str]) -> Accounts:
    return Accounts(
        expenditure_total=Decimal(total),
        function_lines=[FunctionLine(code=c, name=n, total=Decimal(t)) for c, n, t in lines],
    )


@pytest.mark.parametrize(
    ("kwargs", "scope"),
    [
        ({}, "yoy"),
        ({"same_department": False}, "cross-department"),
        ({"comparable_kinds": False}, "cross-kind"),
        ({"same_publication": True, "same_department": False}, "reparse"),
    ],
)
def test_scope_between(kwargs: dict[str, bool], scope: str) -> None:
    assert scope_between(snapshot(2023), snapshot(2024), **kwargs) == scope


def test_two_departments_align_by_code_and_name_only() -> None:
    old = snapshot(
        department=HAIGANG,
        accounts=_accounts("100", ("2080101", "行政运行", "60"), ("2080109", "社会保险经办机构", "40")),
        projects=[project("就业创业服务专项经费", indicators=[indicator("培训人数", "≥500人")])],
        indicators=[indicator("群众满意度", "≥90%", level1="满意度指标", level2="服务对象满意度指标")],
        goals=[("目标1", "做好就业服务")],
    )
    new = snapshot(
        department=LAOTING,
        accounts=_accounts("80", ("2080101", "行政运行", "80")),
        projects=[project("就业创业服务经费", indicators=[indicator("培训人数", "≥300人")])],
        indicators=[indicator("群众满意度", "≥95%", level1="满意度指标", level2="服务对象满意度指标")],
        goals=[("目标1", "保障退休人员待遇")],
    )
    result = diff_snapshots(old, new, scope="cross-department")
    matched = {(c.entity, c.key, c.matched_by) for c in result.changes if c.change == "modified"}
    assert ("function_line", "2080101", "code") in matched
    assert any(e == "indicator" and by == "key" for e, _, by in matched)  # 群众满意度, by its name
    assert not any(c.entity == "department" for c in result.changes)  # the two names are the premise
    # No fuzzy or positional pairing: a similar project, or the first goal, of another department is not "the same".
    assert {(c.entity, c.change) for c in result.changes if c.entity in ("project", "goal")} == {
        ("project", "added"),
        ("project", "removed"),
        ("goal", "added"),
        ("goal", "removed"),
    }
    assert diff_snapshots(
        old, new.model_copy(update={"department": old.department}), scope="yoy"
    ).summary.renamed


@pytest.mark.parametrize(
    ("old", "new", "common"),
    [
        ("budget-disclosure", "budget-tables", ("tables",)),
        ("budget-disclosure", "budget-narrative", ("narrative",)),
        ("budget-tables", "budget-disclosure", ("tables",)),
        ("budget-disclosure", "budget-disclosure", ("tables", "narrative")),
        ("budget-tables", "budget-narrative", ()),
        ("department-targets", "project-targets", ()),
        ("project-targets", "project-targets", ("project-targets",)),
    ],
)
def test_common_facets(old: str, new: str, common: tuple[str, ...]) -> None:
    assert common_facets(old, new) == common


def test_a_combined_disclosure_is_seen_as_its_tables_or_its_narrative() -> None:
    combined = snapshot(
        2018,
        kind="budget-disclosure",
        accounts=_accounts("100", ("2080101", "行政运行", "60")).model_copy(
            update={"basic_expenditure": Decimal("60")}
        ),
        goals=[("目标1", "做好就业服务")],
        projects=[project("就业创业服务专项经费")],
    ).model_copy(update={"basic_info": BasicInfo(staff_count=12)})
    tables = facet_view(combined, ("tables",))
    assert (tables.goals, tables.projects, tables.basic_info) == ([], [], BasicInfo())
    assert tables.accounts == combined.accounts
    narrative = facet_view(combined, ("narrative",))
    assert (narrative.goals, narrative.projects, narrative.basic_info) == (
        combined.goals,
        combined.projects,
        combined.basic_info,
    )
    assert narrative.accounts is not None and narrative.accounts.function_lines == []
    assert (narrative.accounts.expenditure_total, narrative.accounts.basic_expenditure) == (
        Decimal("100"),
        Decimal("60"),
    )
    assert facets_of("budget-disclosure") == ("tables", "narrative")


def test_tables_of_a_combined_year_against_a_tables_file_report_only_table_changes() -> None:
    combined = snapshot(
        2018,
        kind="budget-disclosure",
        accounts=_accounts("100", ("2080101", "行政运行", "100")),
        goals=[("目标1", "做好就业服务")],
    )
    tables = snapshot(2019, kind="budget-tables", accounts=_accounts("120", ("2080101", "行政运行", "120")))
    facets = common_facets(combined.document_kind, tables.document_kind)
    result = diff_snapshots(facet_view(combined, facets), facet_view(tables, facets), scope="yoy")
    assert {c.entity for c in result.changes} == {"accounts", "function_line"}  # no goal "removed"
