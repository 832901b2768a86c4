"""One project's indicators in two versions, paired by the engine's lineage, changed cells from the change records."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ledger import store
from ledger.errors import NotFoundError
from ledger.query import comparisons as compare
from ledger.query.side_by_side import ProjectSides, project_sides
from ledger.store import Ledger
from tests.query.test_history import HAIGANG, _ingest

pytestmark = pytest.mark.slow

PROJECT_1 = "13030224P00308P12449R"  # 保障农民工工资支付工作专项经费: R7 tightens one target


@pytest.fixture
def ledger(db_url: str) -> Iterator[Ledger]:
    with Ledger(db_url) as opened:
        _ingest(opened, HAIGANG)
        yield opened


def _sides(ledger: Ledger, old: str, new: str, key: str) -> ProjectSides:
    with ledger.read() as session:
        compared = compare.compare_refs(session, old, new)
        return project_sides(session, compared.old, compared.new, key, compared.result.changes)


def test_only_the_cells_a_change_record_is_about_are_marked(ledger: Ledger) -> None:
    sides = _sides(ledger, "海港区@2024r1", "海港区@2024r2", PROJECT_1)
    assert sides.label == "保障农民工工资支付工作专项经费"
    pairs = sides.pairs
    with ledger.read() as session:
        snapshot = store.load_snapshot(store.resolve_ref(session, "海港区@2024r2"))
    project = next(p for p in snapshot.projects if p.code == PROJECT_1)
    assert [(p.new or {})["name"] for p in pairs] == [i.name for i in project.indicators]
    changed = [((p.new or {})["name"], sorted(p.changed)) for p in pairs if p.changed]
    assert changed == [("投诉举报案件完成的及时率", ["value"])]
    assert all(p.old is not None and p.new is not None for p in pairs)


def test_a_moved_and_a_renamed_indicator_stay_paired(ledger: Ledger) -> None:
    with ledger.read() as session:
        compared = compare.compare_refs(session, "海港区@2024r1", "海港区@2024r2")
        moved = next(c for c in compared.result.changes if c.change == "moved")
        project = moved.key.split("|", 1)[0]
        sides = project_sides(session, compared.old, compared.new, project, compared.result.changes)
    pair = next(p for p in sides.pairs if p.new and p.new["name"] == "人员认定完成率")
    assert pair.old is not None and pair.new is not None
    assert (pair.old["level2"], pair.new["level2"]) == ("数量指标", "质量指标")
    assert "level2" in pair.changed


def test_year_over_year_follows_the_recoded_project(ledger: Ledger) -> None:
    # Project 10 专网维护费 is recoded 2024 → 2025 (year digits): its old key finds the new project.
    sides = _sides(ledger, "海港区@2024r2", "海港区@2025", "13030224P00308P12454K")
    assert sides.old_label == sides.new_label == "专网维护费"
    values = [((p.old or {})["value"], (p.new or {})["value"]) for p in sides.pairs if "value" in p.changed]
    assert values == [("≤16.5万元", "≤14.5万元")]


def test_an_unknown_project_is_not_found(ledger: Ledger) -> None:
    with pytest.raises(NotFoundError):
        _sides(ledger, "海港区@2024r1", "海港区@2024r2", "no-such-project")
