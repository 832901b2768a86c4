"""Following the event log: existing events after the cursor, then new ones as other writers record them."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from ledger.query.follow import follow, head_seq
from ledger.store import Ledger, events


@pytest.fixture
def ledger(db_url: str) -> Iterator[Ledger]:
    with Ledger(db_url) as opened:
        yield opened


def record(ledger: Ledger, event_type: str, n: int) -> None:
    with ledger.write() as session:
        events.append(session, event_type, f"test/{n}", {"n": n})


@pytest.mark.slow
def test_follow_yields_the_backlog_then_events_recorded_meanwhile(ledger: Ledger, db_url: str) -> None:
    for n in range(3):
        record(ledger, events.SOURCE_CHECKED, n)
    naps: list[float] = []

    def another_process_writes(seconds: float) -> None:
        naps.append(seconds)
        with Ledger(db_url) as writer:  # as if from another process
            record(writer, events.SOURCE_FAILED, 10 + len(naps))

    stream = follow(ledger, after_seq=1, poll_interval_s=0.5, sleep=another_process_writes)
    seen = [(e.seq, e.type, e.payload["n"]) for _, e in zip(range(5), stream, strict=False)]
    assert seen == [
        (2, "source-checked", 1),
        (3, "source-checked", 2),
        (4, "source-failed", 11),
        (5, "source-failed", 12),
        (6, "source-failed", 13),
    ]
    assert naps == [0.5, 0.5, 0.5]


@pytest.mark.slow
def test_follow_filters_by_type_and_stops_when_asked(ledger: Ledger) -> None:
    record(ledger, events.SOURCE_CHECKED, 1)
    record(ledger, events.SOURCE_FAILED, 2)
    record(ledger, events.SOURCE_CHECKED, 3)
    stop = threading.Event()

    def sleep(_seconds: float) -> None:
        stop.set()

    found = list(follow(ledger, event_type=events.SOURCE_CHECKED, stop=stop.is_set, sleep=sleep))
    assert [e.payload["n"] for e in found] == [1, 3]


def test_follow_starts_at_the_head(ledger: Ledger) -> None:
    assert head_seq(ledger) == 0
    record(ledger, events.SOURCE_CHECKED, 1)
    assert head_seq(ledger) == 1
    assert list(follow(ledger, after_seq=head_seq(ledger), stop=lambda: True)) == []
