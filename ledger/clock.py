"""The ledger's clock, in one place so tests can control time instead of waiting for it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

_now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def now() -> datetime:
    return _now()


def now_text() -> str:
    """ISO 8601 UTC with microseconds and a ``Z``: the form stored in every timestamp column."""
    return now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def set_clock(clock: Callable[[], datetime]) -> Callable[[], datetime]:
    """Replace the clock; returns the previous one so a test can restore it."""
    global _now
    previous, _now = _now, clock
    return previous
