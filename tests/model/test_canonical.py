"""Canonical JSON and content hashes (docs/architecture.md §5): one spelling per value, so equal content hashes equal."""

from __future__ import annotations

import json
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.model import Department, Project, Snapshot
from ledger.model.canonical import canonical_bytes, decimal_text, snapshot_hash, snapshot_json, to_jsonable
from ledger.model.values import parse_value


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("2.00", "2"),
        ("2", "2"),
        ("828.39", "828.39"),
        ("10891.615675", "10891.615675"),
        ("1E+2", "100"),
        ("0.000100", "0.0001"),
        ("-0.0", "0"),
        ("-12.50", "-12.5"),
        # More digits than the default context precision (28): never rounded.
        ("123456789012345678901234567890.1200", "123456789012345678901234567890.12"),
    ],
)
def test_decimal_text_has_one_spelling_per_number(value: str, text: str) -> None:
    assert decimal_text(Decimal(value)) == text


def test_non_finite_decimals_and_floats_are_refused() -> None:
    with pytest.raises(ValueError):
        decimal_text(Decimal("NaN"))
    with pytest.raises(TypeError):
        to_jsonable({"amount": 1.5})


def test_keys_sorted_text_nfc_and_big_integers_as_strings() -> None:
    decomposed = unicodedata.normalize("NFD", "é")
    assert (
        canonical_bytes({"b": 1, "a": decomposed, "n": 2**60})
        == b'{"a":"\xc3\xa9","b":1,"n":"1152921504606846976"}'
    )


def _snapshot(amount: str) -> Snapshot:
    return Snapshot(
        department=Department(name="甲局"),
        fiscal_year=2024,
        document_kind="department-targets",
        projects=[Project(name="培训经费", amount=Decimal(amount))],
    )


def test_equal_content_hashes_equal_and_any_change_does_not() -> None:
    assert snapshot_hash(snapshot_json(_snapshot("12.50"))) == snapshot_hash(snapshot_json(_snapshot("12.5")))
    assert snapshot_hash(snapshot_json(_snapshot("12.5"))) != snapshot_hash(snapshot_json(_snapshot("12.51")))


def test_snapshot_json_uses_the_public_key_names() -> None:
    text = snapshot_json(_snapshot("1"))
    assert text.startswith('{"accounts":null,"basic_info":')
    assert '"schema":"ledger.snapshot/1"' in text


# --- the C encoder path and the reference encoder agree -------------------------------------------------------

#: Any text, astral characters, controls, quotes, backslashes, U+2028/2029 and DEL included (no lone surrogates:
#: they cannot be encoded as UTF-8 at all).
_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
_PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=400, derandomize=True)
@given(_PLAIN)
def test_the_fast_path_writes_the_bytes_of_rfc8785(value: object) -> None:
    assert canonical_bytes(value) == rfc8785.dumps(to_jsonable(value))


@pytest.mark.parametrize(
    "keys",
    [
        ["\U00020000名", "\uff21"],  # an astral key (UTF-16 sorts it first) and a BMP key above U+D800
        ["𠀀", "﹏", "a"],
        ["\ue000", "\U0001f600"],
    ],
)
def test_keys_above_the_bmp_sort_by_utf16_code_units(keys: list[str]) -> None:
    value = {key: index for index, key in enumerate(keys)}
    encoded = canonical_bytes(value)
    assert encoded == rfc8785.dumps(value)
    assert list(json.loads(encoded)) == sorted(keys, key=lambda k: k.encode("utf-16-be"))


def test_generated_snapshots_hash_the_same_on_both_paths() -> None:
    project = Project(
        name='𠀀项目 \u2028 \x7f "引号" \\', amount=Decimal("12.50"), spending_plan={"𠀀": "1", "03": "2"}
    )
    snapshot = Snapshot(
        department=Department(name="测试局"),
        fiscal_year=2024,
        document_kind="project-targets",
        projects=[project],
    )
    assert canonical_bytes(snapshot) == rfc8785.dumps(to_jsonable(snapshot))


GOLDEN = sorted((Path(__file__).resolve().parents[2] / "snapshots").glob("*.json"))


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.stem)
def test_snapshots_recorded_before_the_approximate_operator_read_and_hash_as_before(path: Path) -> None:
    """``~`` (约, docs/snapshot-contract.md) was added under ``ledger.snapshot/1``: a snapshot written before it
    reads into the model and back to the very same canonical JSON, so its content hash is unchanged."""
    recorded = json.loads(path.read_text("utf-8"))
    snapshot = Snapshot.model_validate(recorded)
    assert to_jsonable(snapshot) == recorded
    assert snapshot_json(snapshot) == rfc8785.dumps(recorded).decode("utf-8")


def test_an_approximate_value_survives_the_canonical_round_trip() -> None:
    value = parse_value("约5.5万人次")
    assert value.op == "~"
    assert type(value).model_validate(json.loads(canonical_bytes(value))) == value
