"""Canonical JSON (RFC 8785) and the content hashes built on it (SPEC §5).

Decimals, dates and integers beyond 2**53 become strings before encoding, so the bytes never depend on float
formatting; text is NFC-normalised so that two encodings of the same characters hash the same.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Context, Decimal
from typing import Any

import rfc8785
from pydantic import BaseModel

from ledger.model import Snapshot

SNAPSHOT_HASH_PREFIX = b"ledger.snapshot/1\n"
EVENT_HASH_PREFIX = b"ledger.event/1\n"
_SAFE_INT = 2**53 - 1


def decimal_text(value: Decimal) -> str:
    """``Decimal('2.00')`` → ``'2'``, ``Decimal('1E+2')`` → ``'100'``: one spelling per number."""
    if not value.is_finite():
        raise ValueError(f"not a finite number: {value}")
    # normalize() rounds to the context precision; give it every digit so no number is ever rounded.
    exact = Context(prec=max(28, len(value.as_tuple().digits)))
    text = format(value.normalize(exact), "f")
    return "0" if text in ("-0", "0") else text


def to_jsonable(value: Any) -> Any:
    """Turn models, Decimals, dates and big integers into plain JSON values (strings where needed)."""
    if isinstance(value, BaseModel):
        return to_jsonable(value.model_dump(by_alias=True))
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value if abs(value) <= _SAFE_INT else str(value)
    if isinstance(value, float):
        raise TypeError("floats are not allowed in canonical JSON; use Decimal")
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {unicodedata.normalize("NFC", str(k)): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, Sequence):
        return [to_jsonable(v) for v in value]
    raise TypeError(f"cannot encode {type(value).__name__} in canonical JSON")


def canonical_bytes(value: Any) -> bytes:
    """RFC 8785 bytes of ``value`` after :func:`to_jsonable`."""
    return rfc8785.dumps(to_jsonable(value))


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def snapshot_json(snapshot: Snapshot) -> str:
    return canonical_bytes(snapshot).decode("utf-8")


def snapshot_hash(canonical_json: str) -> str:
    """Content hash of a snapshot from its canonical JSON text."""
    return sha256_hex(SNAPSHOT_HASH_PREFIX + canonical_json.encode("utf-8"))


def event_hash(fields: Mapping[str, Any]) -> str:
    """Hash of one event row; ``fields`` includes the previous event's hash, which makes the chain."""
    return sha256_hex(EVENT_HASH_PREFIX + canonical_bytes(fields))
