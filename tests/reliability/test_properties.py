"""Properties that must hold for any snapshot, not only the seeds (hypothesis).

* canonical JSON round trip: Snapshot → canonical JSON → Snapshot → the same bytes, and those bytes are already
  RFC 8785 canonical;
* hash stability: the same snapshot hashes the same in this process and in other processes with other hash seeds
  (set and dict order must never leak into a hash), and the seeds parse to the same hashes there too;
* the diff engine: a snapshot compared with itself has no changes; diff(A, B) mirrors diff(B, A) — every change
  has its reverse (added ↔ removed, old ↔ new, delta negated, tightened ↔ loosened), for B a random edit of A.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from typing import Any

import pytest
import rfc8785
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.diff import Change, diff_snapshots
from ledger.model import (
    BasicInfo,
    BudgetOverview,
    Department,
    Goal,
    Indicator,
    IndicatorValue,
    KeyTask,
    Line,
    Notice,
    ParseWarning,
    Project,
    Snapshot,
    Unit,
)
from ledger.model.canonical import snapshot_hash, snapshot_json
from ledger.model.values import mirror_direction, parse_value
from tests.reliability.inputs import ROOT, content_hash, full_snapshot, seed_bytes

PROPERTY_SETTINGS = settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)

# --- strategies ---------------------------------------------------------------------------------------------------

#: Budget text: CJK, ASCII, full-width forms, symbols of indicator values, and combining marks (NFC must hold).
_ALPHABET = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF),
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    st.sampled_from(list("≥≤≧≦％（），、。：\u3000\u0301\u0308é\t\n")),
)
texts = st.text(_ALPHABET, max_size=16)
names = st.text(_ALPHABET, min_size=1, max_size=12)
#: Any finite Decimal (the canonical form must hold for all) and money as publications state it (万元, ≤ 4 places).
any_decimals = st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**15), max_value=10**15)
money = st.decimals(min_value=-(10**10), max_value=10**10, places=4)
counts = st.none() | st.integers(min_value=0, max_value=2**63)


def snapshot_strategy(amounts: st.SearchStrategy[Decimal]) -> st.SearchStrategy[Snapshot]:
    optional_amounts = st.none() | amounts
    values = st.builds(
        IndicatorValue,
        raw=texts,
        op=st.none() | st.sampled_from([">=", "<=", "=", ">", "<"]),
        number=optional_amounts,
        unit=st.none() | st.sampled_from(["%", "万元", "人", "天"]),
        text=st.none() | texts,
    )
    indicators = st.builds(
        Indicator,
        level1=st.none() | st.sampled_from(["产出指标", "效益指标", "满意度指标"]),
        level2=st.none() | names,
        name=names,
        description=st.none() | texts,
        value=values,
        basis=st.none() | texts,
    )
    lines = st.builds(
        Line, name=names, amount=optional_amounts, code=st.none() | st.from_regex(r"\d{3,7}", fullmatch=True)
    )
    projects = st.builds(
        Project,
        code=st.none() | st.from_regex(r"1302\d{4}P\d{6}", fullmatch=True),
        name=names,
        unit=st.none() | names,
        amount=optional_amounts,
        purpose=st.none() | texts,
        spending_plan=st.dictionaries(st.sampled_from(["03", "06", "10", "12"]), amounts, max_size=4),
        goals=st.lists(texts, max_size=3),
        indicators=st.lists(indicators, max_size=4),
        notices=st.lists(st.from_regex(r"秦财企\[20\d\d\]\d{1,3}号", fullmatch=True), max_size=2),
    )
    notices = st.builds(
        Notice,
        ref=names,
        issuer=names,
        year=st.integers(2000, 2030),
        number=st.from_regex(r"\d{1,3}", fullmatch=True),
    )
    return st.builds(
        Snapshot,
        department=st.builds(
            Department, name=names, code=st.none() | st.from_regex(r"\d{3}", fullmatch=True)
        ),
        fiscal_year=st.integers(min_value=2015, max_value=2030),
        document_kind=st.sampled_from(["department-targets", "budget-disclosure", "project-targets"]),
        units=st.lists(
            st.builds(Unit, code=st.none() | st.from_regex(r"\d{6}", fullmatch=True), name=names), max_size=3
        ),
        basic_info=st.builds(BasicInfo, staff_count=counts, subordinate_units=counts),
        budget_overview=st.builds(
            BudgetOverview, expenditure=st.lists(lines, max_size=3), income=st.lists(lines, max_size=3)
        ),
        goals=st.lists(st.builds(Goal, key=names, text=texts), max_size=3),
        key_tasks=st.lists(
            st.builds(KeyTask, name=names, content=st.none() | texts, amount=optional_amounts), max_size=3
        ),
        projects=st.lists(projects, max_size=3),
        indicators=st.lists(indicators, max_size=4),
        notices=st.lists(notices, max_size=2),
        warnings=st.lists(st.builds(ParseWarning, code=names, message=texts, where=texts), max_size=2),
    )


snapshots = snapshot_strategy(any_decimals)
money_snapshots = snapshot_strategy(money)


# --- canonical JSON and hashes ------------------------------------------------------------------------------------


@pytest.mark.slow
@PROPERTY_SETTINGS
@given(snapshots)
def test_canonical_json_round_trips(snapshot: Snapshot) -> None:
    text = snapshot_json(snapshot)
    again = snapshot_json(Snapshot.model_validate_json(text))
    assert again == text
    assert rfc8785.dumps(json.loads(text)) == text.encode("utf-8")


_HASH_IN_ANOTHER_PROCESS = """
import json, sys
from ledger.model.canonical import snapshot_hash, snapshot_json
from ledger.model import Snapshot
from ledger.pipeline.parse import parse_publication
from tests.reliability.inputs import content_hash, seed_bytes
request = json.load(sys.stdin)
print(json.dumps({
    "generated": [snapshot_hash(snapshot_json(Snapshot.model_validate_json(t))) for t in request],
    "seeds": {name: content_hash(parse_publication(data, name).snapshot) for name, data in seed_bytes().items()},
}))
"""


@pytest.mark.slow
def test_hashes_are_the_same_in_other_processes_with_other_hash_seeds() -> None:
    generated: list[Snapshot] = []

    @settings(max_examples=30, deadline=None, database=None)
    @given(snapshots)
    def collect(snapshot: Snapshot) -> None:
        generated.append(snapshot)

    collect()
    texts = [snapshot_json(s) for s in generated]
    expected = {
        "generated": [snapshot_hash(t) for t in texts],
        "seeds": {name: content_hash(full_snapshot(name)) for name in seed_bytes()},
    }
    for hash_seed in ("1", "2024"):
        done = subprocess.run(
            [sys.executable, "-c", _HASH_IN_ANOTHER_PROCESS],
            input=json.dumps(texts),
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            timeout=120,
            check=True,
        )
        assert json.loads(done.stdout) == expected


# --- the diff engine ----------------------------------------------------------------------------------------------


@pytest.mark.slow
@PROPERTY_SETTINGS
@given(money_snapshots)
def test_a_generated_snapshot_compared_with_itself_has_no_changes(snapshot: Snapshot) -> None:
    assert diff_snapshots(snapshot, snapshot, scope="revision").changes == []


def test_each_seed_compared_with_itself_has_no_changes() -> None:
    for name in seed_bytes():
        snapshot = full_snapshot(name)
        assert diff_snapshots(snapshot, snapshot, scope="revision").changes == [], name


def _mirrored(change: Change) -> tuple[Any, ...]:
    """What the reverse comparison must say about the same thing."""
    reverse = {"added": "removed", "removed": "added"}.get(change.change, change.change)
    return (
        change.entity,
        reverse,
        change.field,
        frozenset({change.key, change.old_key} - {None}),
        _comparable(change.new),
        _comparable(change.old),
        None if change.delta is None else -change.delta,
        mirror_direction(change.direction),
        change.matched_by,
    )


def _plain(change: Change) -> tuple[Any, ...]:
    return (
        change.entity,
        change.change,
        change.field,
        frozenset({change.key, change.old_key} - {None}),
        _comparable(change.old),
        _comparable(change.new),
        change.delta,
        change.direction,
        change.matched_by,
    )


def _comparable(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


@st.composite
def edited(draw: st.DrawFn, snapshot: Snapshot) -> Snapshot:
    """``snapshot`` with a few edits an auditor would want reported: amounts, indicator values, names, removals."""
    data = snapshot.model_copy(deep=True)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        kind = draw(st.sampled_from(["amount", "value", "rename", "drop-project", "drop-indicator", "goal"]))
        if kind in ("amount", "rename", "drop-project") and data.projects:
            index = draw(st.integers(0, len(data.projects) - 1))
            project = data.projects[index]
            if kind == "amount":
                project.amount = draw(money)
            elif kind == "rename":
                project.name = project.name + draw(st.sampled_from(["（调整）", "项目", "经费"]))
            else:
                del data.projects[index]
        elif kind in ("value", "drop-indicator"):
            holders: list[Snapshot | Project] = [data, *data.projects]
            holder = holders[draw(st.integers(0, len(holders) - 1))]
            if holder.indicators:
                index = draw(st.integers(0, len(holder.indicators) - 1))
                if kind == "drop-indicator":
                    del holder.indicators[index]
                else:
                    number = draw(st.integers(min_value=1, max_value=100))
                    holder.indicators[index].value = parse_value(f"≥{number}%")
        elif kind == "goal" and data.goals:
            data.goals[0].text = data.goals[0].text + draw(st.sampled_from(["，确保完成。", "（2024年）"]))
    return data


@PROPERTY_SETTINGS
@given(st.data())
def test_a_diff_mirrors_the_reverse_diff(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(seed_bytes())))
    old = full_snapshot(name)
    new = data.draw(edited(old))
    forward = sorted(map(_plain, diff_snapshots(old, new, scope="revision", detect=False).changes), key=repr)
    backward = sorted(
        map(_mirrored, diff_snapshots(new, old, scope="revision", detect=False).changes), key=repr
    )
    assert forward == backward


def test_the_percentage_of_a_vanishing_old_amount_does_not_raise() -> None:
    """Found by hypothesis: an old amount below 1e-20 of the new one once overflowed the decimal context."""
    from ledger.diff.engine import numeric_delta

    delta, pct = numeric_delta(Decimal("3.999999999999999999984E-21"), Decimal("4000"))
    assert delta == Decimal("4000") - Decimal("3.999999999999999999984E-21")
    assert pct is not None and pct > Decimal("1E25")
