"""Following the event log as it grows (``ledger log --follow``), from any process, on SQLite and PostgreSQL.

Polling by sequence number loses nothing: writers append under the ledger's write lock and commit before releasing
it, so events become visible in ``seq`` order and a reader never sees ``n + 1`` before ``n``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from ledger.store import Ledger, events

BATCH = 500


def follow(
    ledger: Ledger,
    *,
    after_seq: int = 0,
    poll_interval_s: float = 1.0,
    stop: Callable[[], bool] = lambda: False,
    sleep: Callable[[float], None] = time.sleep,
    event_type: str | None = None,
) -> Iterator[events.Event]:
    """Yield the events after ``after_seq`` in order, then each new one as it is recorded, until ``stop()``.

    Sleeps ``poll_interval_s`` only when it has caught up; ``stop`` is asked before every poll (a
    ``threading.Event().is_set`` works).
    """
    cursor = after_seq
    while not stop():
        with ledger.read() as session:
            batch = events.list_events(session, after=cursor, event_type=event_type, limit=BATCH)
        for event in batch:
            cursor = event.seq
            yield event
        if len(batch) < BATCH:
            sleep(poll_interval_s)


def head_seq(ledger: Ledger) -> int:
    """The sequence number of the newest event (0 for an empty ledger): where ``--follow`` starts."""
    with ledger.read() as session:
        head = events.head(session)
    return head.seq if head else 0
