"""Text for people at a terminal: document strings made harmless, amounts grouped, times in the reader's zone.

Publications are untrusted. Their strings (department names, project labels, file names) may carry terminal
control sequences (``ESC [ 2 J``), bidirectional overrides that reorder what is shown, or text that a markup
language would read as commands (rich's ``[/]``, ``[link=…]``). :func:`printable` removes the control characters;
the CLI prints every string as plain text, never as markup. Machine formats (JSON, CSV) keep strings as they are.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from decimal import Decimal

#: C0 controls but tab and newline, DEL, C1 controls, and the Unicode bidi embedding/override/isolate marks.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` without control characters (ESC sequences lose their ESC and cannot act)."""
    return _CONTROL.sub("", text)


def grouped(value: Decimal, *, places: int | None = None) -> str:
    """An amount for people: thousands grouped (``10,070.48``), the digits kept, at least ``places`` decimals.

    Budget tables print money in 万元 with two decimals; a snapshot keeps the number, not its spelling
    (``238.10`` is stored as ``238.1``), so human formats restore the two places. No digit is ever dropped:
    ``0.125`` stays ``0.125``.
    """
    exponent = value.as_tuple().exponent
    shown = value
    if places is not None and isinstance(exponent, int) and -exponent < places:
        shown = value.quantize(Decimal(1).scaleb(-places))
    return f"{shown:,f}"


def local_time(stamp: str | None, zone: tzinfo | None = None) -> str:
    """A stored UTC timestamp (``2024-05-01T08:00:00.000000Z``) in the local zone, with it: ``2024-05-01 16:00:00
    CST`` (``zone`` for tests; default: this machine's, which honours ``TZ``)."""
    if not stamp:
        return ""
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    shown = moment.astimezone(zone)
    return shown.strftime("%Y-%m-%d %H:%M:%S ") + (shown.tzname() or shown.strftime("%z"))
