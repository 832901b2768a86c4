"""Canonical JSON (RFC 8785) and the content hashes built on it (docs/architecture.md §5).

Decimals, dates and integers beyond 2**53 become strings before encoding, so the bytes never depend on float
formatting; text is NFC-normalised so that two encodings of the same characters hash the same.

Speed: once values are plain (strings, safe integers, booleans, null — never floats), RFC 8785 and the C encoder of
the standard library (``sort_keys``, no ASCII escaping, compact separators) write the same bytes, with one
exception: RFC 8785 sorts keys by UTF-16 code units, Python by code points, and the two orders differ only for
characters above U+FFFF. So the C encoder is used when the output holds no such character, and the pure-Python
``rfc8785`` otherwise; ``tests/model/test_canonical.py`` checks the two agree on generated values.
"""

from __future__ import annotations

import hashlib
import json
import re
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
#: A character outside the Basic Multilingual Plane: where key order by code point and by UTF-16 may differ.
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


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
    plain = to_jsonable(value)
    text = json.dumps(plain, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    if _ASTRAL.search(text) is None:
        return text.encode("utf-8")
    return rfc8785_bytes(plain)


def rfc8785_bytes(plain: Any) -> bytes:
    """The reference encoder (pure Python): for values :func:`canonical_bytes` cannot write with the C encoder."""
    return rfc8785.dumps(plain)


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
