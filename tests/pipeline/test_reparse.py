"""Reparse: a parser upgrade re-derives snapshots without counting as a department revision."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ledger import store
from ledger.layouts import registry
from ledger.pipeline.ingest import ingest_bytes
from ledger.pipeline.reparse import reparse_all
from ledger.store import Ledger, events
from ledger.store.verify import verify
from tests.support import KeyValueLayout, key_value_layout, publication


@pytest.fixture
def ledger(db_url: str) -> Iterator[Ledger]:
    with key_value_layout(), Ledger(db_url) as opened:
        yield opened


def _upgrade_parser(version: str) -> KeyValueLayout:
    layout = next(layout for layout in registry.LAYOUTS if isinstance(layout, KeyValueLayout))
    layout.version = version  # the instance attribute shadows the class's "1" for this test only
    return layout


@pytest.mark.slow
def test_reparse_keeps_the_revision_and_records_its_own_event(ledger: Ledger) -> None:
    first = ingest_bytes(ledger, publication("甲局", 2024, ("培训经费", "12.50")), name="a")
    second = ingest_bytes(ledger, publication("甲局", 2024, ("培训经费", "13")), name="b")
    _upgrade_parser("2")
    outcomes = reparse_all(ledger)
    assert [(o.status, o.previous_snapshot_id, o.content_changed) for o in outcomes] == [
        ("reparsed", first.snapshot_id, False),
        ("reparsed", second.snapshot_id, False),
    ]
    with ledger.read() as session:
        current = store.list_snapshots(session, department="甲局")
        assert [(r.revision, r.parser_version) for r in current] == [(1, "2"), (2, "2")]
        assert len(events.list_events(session, event_type=events.REPARSED)) == 2
        assert verify(session).ok
    assert [o.status for o in reparse_all(ledger)] == ["current", "current"]


def test_publication_that_failed_before_gets_its_first_snapshot(ledger: Ledger) -> None:
    broken = b"TEST-PUBLICATION\ndepartment: \xe7\x94\xb2\xe5\xb1\x80\n"  # no year: the v1 parser refuses it
    assert ingest_bytes(ledger, broken, name="early").status == "failed"
    _upgrade_parser("2").default_year = 2024
    outcomes = reparse_all(ledger)
    assert [o.status for o in outcomes] == ["recorded"]
    with ledger.read() as session:
        assert store.resolve_ref(session, "甲局@2024").revision == 1
        assert verify(session).ok


def test_a_layout_bug_during_reparse_is_a_failed_outcome_not_a_crash(ledger: Ledger) -> None:
    ingest_bytes(ledger, publication("甲局", 2024, ("培训经费", "12.50")), name="a")
    layout = _upgrade_parser("2")

    def broken(document: object) -> None:
        raise IndexError("list index out of range")

    layout.parse = broken  # type: ignore[method-assign,assignment]
    [outcome] = reparse_all(ledger)
    assert (outcome.status, outcome.error) == (
        "failed",
        "internal parser error (IndexError: list index out of range); please report it",
    )


@pytest.mark.slow
def test_after_a_reparse_the_query_tables_are_what_the_snapshots_derive_to(ledger: Ledger) -> None:
    """verify re-derives the query tables and compares them: a reparse must leave them as a rebuild would."""
    from ledger.pipeline.derived_check import check_derived

    ingest_bytes(ledger, publication("甲局", 2023, ("培训经费", "11")), name="a")
    ingest_bytes(ledger, publication("甲局", 2024, ("培训经费", "12.50")), name="b")
    ingest_bytes(ledger, publication("甲局", 2024, ("培训经费", "13")), name="c")
    _upgrade_parser("2")
    assert [o.status for o in reparse_all(ledger)] == ["reparsed"] * 3
    report = check_derived(ledger)
    assert report.ok, report.problems
