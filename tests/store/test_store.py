"""The store on real SQLite and real PostgreSQL: round trip, idempotent ingest, revisions, series, references."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session, col, select

from ledger import store
from ledger.errors import AmbiguousRefError, NotFoundError
from ledger.layouts import registry
from ledger.pipeline.ingest import ingest_bytes
from ledger.pipeline.reparse import reparse_all
from ledger.query import comparisons as compare
from ledger.store import Ledger, events
from ledger.store.departments import list_departments
from ledger.store.schema import SnapshotRow
from tests.support import KeyValueLayout, key_value_layout, publication


@pytest.fixture
def ledger(db_url: str) -> Iterator[Ledger]:
    with key_value_layout(), Ledger(db_url) as opened:
        yield opened


@pytest.mark.slow
def test_round_trip_keeps_bytes_and_snapshot(ledger: Ledger) -> None:
    data = publication("甲局", 2024, ("培训经费", "12.50"))
    outcome = ingest_bytes(ledger, data, name="a.txt")
    assert outcome.status == "recorded" and outcome.revision == 1
    with ledger.read() as session:
        row = store.resolve_ref(session, "甲局@2024")
        stored = store.find_publication(session, outcome.sha256)
        assert stored is not None and stored.content == data
        snapshot = store.load_snapshot(row)
    assert snapshot.projects[0].name == "培训经费"
    assert str(snapshot.projects[0].amount) == "12.5"


def test_same_bytes_twice_records_nothing_new(ledger: Ledger) -> None:
    data = publication("甲局", 2024, ("培训经费", "12.50"))
    first = ingest_bytes(ledger, data, name="a.txt")
    with ledger.read() as session:
        before = len(events.list_events(session))
    second = ingest_bytes(ledger, data, name="copy-of-a.txt")
    with ledger.read() as session:
        assert len(events.list_events(session)) == before
    assert second.status == "unchanged" and second.snapshot_id == first.snapshot_id


@pytest.mark.slow
def test_changed_content_is_the_next_revision_of_its_series(ledger: Ledger) -> None:
    ingest_bytes(ledger, publication("甲局", 2024, ("培训经费", "12.50")), name="r1")
    second = ingest_bytes(ledger, publication("甲局", 2024, ("培训经费", "13")), name="r2")
    other_year = ingest_bytes(ledger, publication("甲局", 2025, ("培训经费", "13")), name="y25")
    other_kind = ingest_bytes(ledger, publication("甲局", 2024, ("x", "1"), kind="project-targets"), name="k")
    assert (second.revision, other_year.revision, other_kind.revision) == (2, 1, 1)
    with ledger.read() as session:
        assert store.resolve_ref(session, "甲局@2024r1/department-targets").revision == 1
        assert store.resolve_ref(session, "甲局@2024/department-targets").revision == 2


@pytest.mark.slow
def test_new_bytes_with_identical_content_are_not_a_new_revision(ledger: Ledger) -> None:
    first = ingest_bytes(ledger, publication("甲局", 2024, ("培训经费", "12.50")), name="a")
    # 12.5 and 12.50 are the same amount: the canonical snapshot is the same, only the bytes differ.
    twin = ingest_bytes(ledger, publication("甲局", 2024, ("培训经费", "12.5")), name="b")
    assert twin.status == "duplicate-content" and twin.snapshot_id == first.snapshot_id
    with ledger.read() as session:
        assert [e.type for e in events.list_events(session)][-2:] == [
            "publication-received",
            "duplicate-content",
        ]


@pytest.mark.slow
def test_parse_failure_keeps_the_publication_and_records_the_event(ledger: Ledger) -> None:
    outcome = ingest_bytes(ledger, b"TEST-PUBLICATION\nyear: 2024\n", name="broken.txt")
    assert outcome.status == "failed" and "department" in (outcome.error or "")
    with ledger.read() as session:
        assert store.find_publication(session, outcome.sha256) is not None
        kinds = [e.type for e in events.list_events(session)]
    assert kinds == ["publication-received", "parse-failed"]


@pytest.mark.slow
def test_references_by_id_hash_prefix_and_department(ledger: Ledger) -> None:
    outcome = ingest_bytes(
        ledger, publication("秦皇岛市海港区人力资源和社会保障局", 2024, ("a", "1")), name="a"
    )
    ingest_bytes(ledger, publication("乐亭县人力资源和社会保障局", 2024, ("a", "1")), name="b")
    with ledger.read() as session:
        row = store.resolve_ref(session, str(outcome.snapshot_id))
        assert store.resolve_ref(session, row.content_hash[:8]).id == row.id
        assert store.resolve_ref(session, "海港区@2024").id == row.id
        with pytest.raises(AmbiguousRefError, match="several departments"):
            store.resolve_ref(session, "人力资源和社会保障局@2024")
        with pytest.raises(NotFoundError):
            store.resolve_ref(session, "海港区@2019")


@pytest.mark.slow
def test_ambiguous_document_kind_lists_the_candidates(ledger: Ledger) -> None:
    ingest_bytes(ledger, publication("甲局", 2024, ("a", "1"), kind="budget-tables"), name="t")
    ingest_bytes(ledger, publication("甲局", 2024, ("a", "1"), kind="budget-narrative"), name="n")
    with ledger.read() as session, pytest.raises(AmbiguousRefError) as raised:
        store.resolve_ref(session, "甲局@2024")
    assert "甲局@2024/budget-narrative" in str(raised.value) and "甲局@2024/budget-tables" in str(
        raised.value
    )


def _newest_parses_by_hand(session: Session, as_of: str | None = None) -> list[SnapshotRow]:
    """What "current" means, said the slow way: per publication, the highest snapshot id recorded by ``as_of``."""
    newest: dict[int, SnapshotRow] = {}
    for row in session.exec(select(SnapshotRow).order_by(col(SnapshotRow.id))):
        if as_of is None or row.recorded_at <= as_of:
            newest[row.publication_id] = row
    return sorted(newest.values(), key=lambda r: r.id or 0)


@pytest.mark.slow
def test_filtered_lookups_answer_as_filtering_every_current_snapshot_would(ledger: Ledger) -> None:
    """The look-ups run in SQL for speed (docs/BENCHMARKS.md); they must mean what filtering the whole ledger means."""
    for department in ("甲局", "乙局"):
        for year in (2023, 2024):
            for amount in ("1", "2", "3"):
                ingest_bytes(
                    ledger, publication(department, year, ("a", amount)), name=f"{department}{year}{amount}"
                )
        ingest_bytes(
            ledger, publication(department, 2024, ("b", "1"), kind="project-targets"), name=department
        )
    with ledger.read() as session:
        midway = max(r.recorded_at for r in session.exec(select(SnapshotRow)))
    reparse_layout = next(layout for layout in registry.LAYOUTS if isinstance(layout, KeyValueLayout))
    reparse_layout.version = "2"
    reparse_all(ledger)
    with ledger.read() as session:
        everything = _newest_parses_by_hand(session)
        assert {r.parser_version for r in everything} == {"2"} and len(everything) == 14
        assert [r.id for r in store.current_snapshots(session)] == [r.id for r in everything]
        then = _newest_parses_by_hand(session, midway)
        assert {r.parser_version for r in then} == {"1"}
        assert [r.id for r in store.current_snapshots(session, as_of=midway)] == [r.id for r in then]
        for row in everything:
            same_series = [
                r
                for r in everything
                if (r.department_id, r.fiscal_year, r.document_kind)
                == (row.department_id, row.fiscal_year, row.document_kind)
            ]
            assert compare.latest_in_series(
                session, row.department_id, row.fiscal_year, row.document_kind
            ) == max(same_series, key=lambda r: r.revision)
            earlier = [r for r in same_series if r.revision < row.revision]
            assert compare.previous_revision(session, row) == max(
                earlier, key=lambda r: r.revision, default=None
            )
            assert store.resolve_ref(session, row.content_hash[:12]).content_hash == row.content_hash
            assert store.current_snapshots(session, publication_id=row.publication_id) == [row]
        department_id = everything[0].department_id
        name = store.department_name(session, department_id)
        assert [r.id for r in store.list_snapshots(session, department=name)] == [
            r.id
            for r in sorted(
                (r for r in everything if r.department_id == department_id),
                key=lambda r: (r.document_kind, r.fiscal_year, r.revision),
            )
        ]
        assert compare.latest_in_series(session, department_id, 2019, "department-targets") is None
        # Departments count their current snapshots (the reparses above doubled the rows), by year, in one query.
        counts = store.current_counts_by_department(session)
        assert counts == {
            d: {
                year: sum(1 for r in everything if (r.department_id, r.fiscal_year) == (d, year))
                for year in {r.fiscal_year for r in everything if r.department_id == d}
            }
            for d in {r.department_id for r in everything}
        }
        assert [(info.snapshots, info.years) for info in list_departments(session)] == [(7, [2023, 2024])] * 2
