"""Diff time and correctness (docs/architecture.md §6, §9): the domain diff engine against ``deepdiff(ignore_order=True)`` on the raw
canonical JSON of the same pair, for the two largest seeds (Haigang, Laoting).

Each pair is the seed against a version with planted mutations from :mod:`bench.generate` (verified by reparsing:
the new version parses to exactly the planted effect). Two scopes:

- ``revision``: the same department and year, republished with the mutations;
- ``yoy``: the mutations plus the annual roll-forward (years + 1 in dates and titles, project code years too;
  quoted funding notices unchanged), compared as last year against this year — the roll-forward itself must not
  be reported.

The engine's change records are matched against the planted mutations (and the parse warnings the mutations
rightly add or remove): "missed" are planted changes it did not report, "false" are records no mutation explains.
deepdiff has no notion of equal meaning; the report counts how many of the planted same-meaning edits
(``≥95%`` → ``≧95%``) it reports as changes.

    python -m bench.diff [--quick] [--repeat 30] [--deepdiff-repeat 5] [--json bench/out/diff.json]
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from deepdiff import DeepDiff

from bench import generate as gen
from bench.harness import Report, arguments, finish, measure
from ledger.diff import Change, diff_snapshots
from ledger.model import Snapshot
from ledger.model.canonical import snapshot_json
from ledger.model.names import mask_code_year
from ledger.pipeline.parse import parse_publication


@dataclass(frozen=True)
class Pair:
    seed: gen.Seed
    scope: str
    old: Snapshot
    new: Snapshot
    mutations: tuple[gen.Mutation, ...]
    verified: bool

    @property
    def label(self) -> str:
        return f"{self.seed.stem} {self.scope}"


def planted(seed: gen.Seed, per_kind: int, rng_seed: int) -> tuple[gen.Mutation, ...]:
    """Up to ``per_kind`` mutations of each kind that can be applied together."""
    catalogue = gen.build_catalogue(seed, per_kind=max(4, per_kind * 2), rng_seed=rng_seed)
    chosen: list[gen.Mutation] = []
    for kind in gen.KINDS:
        taken = 0
        for mutation in catalogue.mutations.get(kind, []):
            if taken >= per_kind:
                break
            if all(gen.compatible(mutation, other) for other in chosen):
                chosen.append(mutation)
                taken += 1
    return tuple(chosen)


def make_pairs(seed: gen.Seed, per_kind: int, rng_seed: int) -> list[Pair]:
    mutations = planted(seed, per_kind, rng_seed)
    edited = gen.apply_edits(seed.text, mutations)
    revision = parse_publication(edited.encode("utf-8"), seed.name).snapshot
    verified = gen.comparable(revision) == gen.comparable(gen.expected_snapshot(seed, mutations))
    next_year = seed.snapshot.fiscal_year + 1
    rolled = gen.rebrand(edited, seed, None, next_year)
    yoy = parse_publication(rolled.encode("utf-8"), seed.name).snapshot
    return [
        Pair(seed, "revision", seed.snapshot, revision, mutations, verified),
        Pair(seed, "yoy", seed.snapshot, yoy, mutations, verified and yoy.fiscal_year == next_year),
    ]


# --- expected records ---------------------------------------------------------------------------------------------


def expected_records(pair: Pair) -> list[gen.Expected]:
    records = [e for m in pair.mutations for e in m.expected]
    old = {(w.code, w.where): w.message for w in pair.old.warnings}
    new = {(w.code, w.where): w.message for w in pair.new.warnings}
    for key in new.keys() - old.keys():
        records.append(gen.Expected("warning", "added", "|".join(key)))
    for key in old.keys() - new.keys():
        records.append(gen.Expected("warning", "removed", "|".join(key)))
    for key in old.keys() & new.keys():
        if old[key] != new[key] and pair.scope == "revision":
            records.append(gen.Expected("warning", "modified", "|".join(key)))
    return records


def _same_code(a: str | None, b: str | None, yoy: bool) -> bool:
    if a is None or b is None:
        return a == b
    return (mask_code_year(a) or a) == (mask_code_year(b) or b) if yoy else a == b


def _owner_and_name(key: str | None) -> tuple[str, str]:
    parts = (key or "").split("|")
    return parts[0], parts[-1]


def matches(expected: gen.Expected, change: Change, *, yoy: bool) -> bool:
    if change.entity != expected.entity:
        return False
    if expected.entity == "indicator":
        owner, name = _owner_and_name(expected.key)
        if expected.change == "renamed":
            old_owner, old_name = _owner_and_name(change.old_key)
            new_owner, new_name = _owner_and_name(change.key)
            return (
                change.change == "renamed"
                and _same_code(old_owner, owner, yoy)
                and _same_code(new_owner, owner, yoy)
                and (old_name, new_name) == (expected.old, expected.new)
            )
        change_owner, change_name = _owner_and_name(change.key)
        if (change.change, change.field) != (expected.change, expected.field):
            return False
        if not _same_code(change_owner, owner, yoy) or change_name != name:
            return False
        return expected.direction is None or change.direction == expected.direction
    if change.change != expected.change:
        return False
    if expected.entity == "project":
        if not _same_code(change.key, expected.key, yoy):
            return False
        if expected.field is None:
            return True
        return change.field == expected.field and _decimal(change.new) == _decimal(expected.new)
    return change.key == expected.key


def _decimal(value: object) -> Decimal | None:
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


@dataclass(frozen=True)
class Judgement:
    found: int
    found_as_remove_add: int
    missed: list[str]
    false: list[str]


def judge(pair: Pair, changes: list[Change]) -> Judgement:
    """Match engine records to expected ones (one to one); renames also count when reported as removed + added."""
    yoy = pair.scope == "yoy"
    unmatched = list(changes)
    missed: list[gen.Expected] = []
    found = 0
    for expected in expected_records(pair):
        hit = next((c for c in unmatched if matches(expected, c, yoy=yoy)), None)
        if hit is None:
            missed.append(expected)
            continue
        unmatched.remove(hit)
        found += 1
    as_pairs = 0
    for expected in list(missed):
        if expected.change != "renamed":
            continue
        removed = gen.Expected("indicator", "removed", expected.key)
        added = gen.Expected("indicator", "added", expected.key.rsplit("|", 1)[0] + f"|{expected.new}")
        old = next((c for c in unmatched if c.change == "removed" and matches(removed, c, yoy=yoy)), None)
        new = next((c for c in unmatched if c.change == "added" and matches(added, c, yoy=yoy)), None)
        if old is not None and new is not None:
            unmatched.remove(old)
            unmatched.remove(new)
            missed.remove(expected)
            as_pairs += 1
    return Judgement(
        found=found,
        found_as_remove_add=as_pairs,
        missed=[f"{e.entity} {e.change} {e.key} {e.field or ''}".strip() for e in missed],
        false=[f"{c.entity} {c.change} {c.key} {c.field or ''}".strip() for c in unmatched],
    )


# --- deepdiff -----------------------------------------------------------------------------------------------------


def deepdiff_of(old: Any, new: Any) -> DeepDiff:
    return DeepDiff(old, new, ignore_order=True)


def deepdiff_counts(result: DeepDiff) -> Counter[str]:
    counts: Counter[str] = Counter()
    for report_type, items in result.items():
        counts[report_type] += len(items) if hasattr(items, "__len__") else 1
    return counts


def same_meaning_reported(result: DeepDiff, pair: Pair) -> tuple[int, int]:
    """How many planted same-meaning edits deepdiff reports as a changed value (of how many were planted)."""
    edits = {
        (m.edits[0].new, m.describe.split(": ", 1)[1].split(" → ")[0])
        for m in pair.mutations
        if m.kind == "same-meaning"
    }
    changed = result.get("values_changed", {})
    seen = {(str(v.get("old_value")), str(v.get("new_value"))) for v in changed.values()}
    reported = sum(1 for new, old in edits if (old, new) in seen)
    return reported, len(edits)


# --- main ---------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = arguments("Diff engine vs deepdiff(ignore_order=True) on the two largest seeds.")
    parser.add_argument("--seeds", nargs="+", default=["haigang", "laoting"])
    parser.add_argument("--per-kind", type=int, default=2, help="planted mutations of each kind per pair")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs of the engine (median reported)")
    parser.add_argument("--deepdiff-repeat", type=int, default=5, help="timed runs of deepdiff")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds, args.repeat, args.deepdiff_repeat, args.per_kind = args.seeds[-1:], 2, 1, 1

    report = Report("diff")
    timing = report.table(
        "time per pair (ms, median of runs; same pair, same run)",
        [
            "pair",
            "JSON KB",
            "engine",
            "engine+detectors",
            "deepdiff ignore_order",
            "× (engine)",
            "× (engine+det.)",
        ],
    )
    records = report.table(
        "change records and correctness",
        [
            "pair",
            "planted",
            "expected",
            "engine records",
            "found",
            "missed",
            "false",
            "deepdiff records",
            "deepdiff same-meaning as change",
        ],
    )
    details: dict[str, Any] = {}
    for seed in gen.load_seeds(args.seeds):
        for pair in make_pairs(seed, args.per_kind, args.seed):
            old_json, new_json = json.loads(snapshot_json(pair.old)), json.loads(snapshot_json(pair.new))
            scope: Any = pair.scope
            engine = measure(
                partial(diff_snapshots, pair.old, pair.new, scope=scope, detect=False), repeat=args.repeat
            )
            with_detect = measure(
                partial(diff_snapshots, pair.old, pair.new, scope=scope), repeat=args.repeat
            )
            deep = measure(partial(deepdiff_of, old_json, new_json), repeat=args.deepdiff_repeat)
            result = diff_snapshots(pair.old, pair.new, scope=scope)
            deep_result = deepdiff_of(old_json, new_json)
            verdict = judge(pair, result.changes)
            counts = deepdiff_counts(deep_result)
            reported, planted_same = same_meaning_reported(deep_result, pair)
            size = (len(snapshot_json(pair.old)) + len(snapshot_json(pair.new))) / 2 / 1024
            timing.add(
                pair.label,
                round(size, 1),
                round(engine.median_ms, 1),
                round(with_detect.median_ms, 1),
                round(deep.median_ms, 1),
                round(deep.median / engine.median, 1),
                round(deep.median / with_detect.median, 1),
            )
            expected = expected_records(pair)
            records.add(
                pair.label,
                len(pair.mutations),
                len(expected),
                len(result.changes),
                verdict.found + verdict.found_as_remove_add,
                len(verdict.missed),
                len(verdict.false),
                sum(counts.values()),
                f"{reported} of {planted_same}",
            )
            details[pair.label] = {
                "planted_verified_by_reparse": pair.verified,
                "mutations": [f"{m.kind}: {m.describe}" for m in pair.mutations],
                "renames_found_as_remove_add": verdict.found_as_remove_add,
                "missed": verdict.missed,
                "false": verdict.false,
                "deepdiff_by_type": dict(counts),
                "detections": len(result.detections),
            }
            if not pair.verified:
                report.note(f"{pair.label}: the planted set did NOT reparse to the expected snapshot")
    records.notes.append(
        "planted = mutations in the pair (amount transfers count as two expected records); expected adds the "
        "parse warnings the mutations change. found/missed/false compare the engine's records to expected."
    )
    report.extra["pairs"] = details
    for label, detail in details.items():
        for kind in ("missed", "false"):
            if detail[kind]:
                report.note(f"{label} {kind}: " + "; ".join(detail[kind]))
    finish(report, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
