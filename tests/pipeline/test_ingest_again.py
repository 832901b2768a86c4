"""The same bytes ingested again: unchanged when they have a snapshot, never silently when they did not parse."""

from __future__ import annotations

from pathlib import Path

from ledger.pipeline.ingest import ingest_bytes
from ledger.store import Ledger, events
from tests.support import key_value_layout, publication


def _event_types(ledger: Ledger) -> list[str]:
    with ledger.read() as session:
        return [event.type for event in events.list_events(session)]


def test_bytes_that_did_not_parse_fail_again_then_are_recorded_once_a_layout_reads_them(
    tmp_path: Path,
) -> None:
    data = publication("高新区人社局", 2024, ("a", "1"))
    with Ledger(f"sqlite:///{tmp_path / 'ledger.db'}") as ledger:
        first = ingest_bytes(ledger, data, name="a.txt")  # no layout knows the key-value test form yet
        assert first.status == "failed" and first.error is not None
        logged = _event_types(ledger)
        again = ingest_bytes(ledger, data, name="a.txt")
        assert again.status == "failed"
        assert again.error == f"stored before as publication 1 and still does not parse: {first.error}"
        assert _event_types(ledger) == logged  # the failure was logged when the bytes arrived
        with key_value_layout():
            readable = ingest_bytes(ledger, data, name="a.txt")
            assert (readable.status, readable.ref) == ("recorded", "高新区人社局@2024r1/department-targets")
            repeated = ingest_bytes(ledger, data, name="a.txt")
        assert (repeated.status, repeated.ref) == ("unchanged", "高新区人社局@2024r1/department-targets")
        assert _event_types(ledger)[len(logged) :] == [events.SNAPSHOT_RECORDED]
