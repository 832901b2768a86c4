"""Where the diff engine's time goes, on the sample series (samples/README.md): Haigang 2024 against its revision
and against 2025, Laoting 2023 against 2024.

For each pair: the engine alone (cold: the name and text caches emptied before every run; warm: as a long-running
ingest sees it), the engine with the detectors, and plain deepdiff on the two canonical JSON documents, in order and
with ``ignore_order=True``. Then how to tell unchanged entities: RFC 8785 bytes per entity (``ledger.model.canonical``)
against the plain equality of forms the engine uses, and the C JSON encoder it uses for whole subtrees.

    python -m bench.diff_engine [--repeat 30]
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path

from deepdiff import DeepDiff

from bench.harness import measure
from ledger.diff import diff_snapshots
from ledger.diff import entities as ent
from ledger.diff.align import _normalise_name
from ledger.diff.detectors.stale_references import _stale_years
from ledger.diff.engine import _clean_text
from ledger.diff.records import Scope
from ledger.model import Snapshot
from ledger.model.canonical import canonical_bytes, snapshot_json
from ledger.pipeline.parse import parse_publication

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
PAIRS: tuple[tuple[str, str, str, Scope], ...] = (
    (
        "haigang revision",
        "seeds/haigang-hrss-2024-budget.txt",
        "haigang/haigang-hrss-2024-budget-r2.txt",
        "revision",
    ),
    ("haigang yoy", "seeds/haigang-hrss-2024-budget.txt", "haigang/haigang-hrss-2025-budget.txt", "yoy"),
    ("laoting yoy", "laoting/laoting-hrss-2023-targets.txt", "seeds/laoting-hrss-2024-targets.txt", "yoy"),
)


def load(relative: str) -> Snapshot:
    path = SAMPLES / relative
    return parse_publication(path.read_bytes(), path.name).snapshot


def empty_caches() -> None:
    for cached in (_normalise_name, _clean_text, _stale_years):
        cached.cache_clear()


def cold(action: Callable[[], object]) -> Callable[[], object]:
    def run() -> object:
        empty_caches()
        return action()

    return run


def row(cells: Sequence[object]) -> str:
    return "  ".join(f"{cell!s:>12}" if i else f"{cell!s:<18}" for i, cell in enumerate(cells))


def time_pair(name: str, old: Snapshot, new: Snapshot, scope: Scope, repeat: int) -> list[object]:
    old_json, new_json = json.loads(snapshot_json(old)), json.loads(snapshot_json(new))
    records = len(diff_snapshots(old, new, scope=scope, detect=False).changes)
    timings = [
        measure(cold(lambda: diff_snapshots(old, new, scope=scope, detect=False)), repeat=repeat),
        measure(lambda: diff_snapshots(old, new, scope=scope, detect=False), repeat=repeat),
        measure(lambda: diff_snapshots(old, new, scope=scope, detect=True), repeat=repeat),
        measure(lambda: DeepDiff(old_json, new_json), repeat=max(3, repeat // 5)),
        measure(lambda: DeepDiff(old_json, new_json, ignore_order=True), repeat=max(3, repeat // 10)),
    ]
    return [name, records, *(f"{t.median_ms:.2f}" for t in timings)]


def time_pairs(repeat: int) -> None:
    print(
        row(["pair (ms)", "records", "engine cold", "engine warm", "+detectors", "deepdiff", "dd ign.order"])
    )
    for name, old_path, new_path, scope in PAIRS:
        print(row(time_pair(name, load(old_path), load(new_path), scope, repeat)))


def time_fingerprints(repeat: int) -> None:
    snapshot = load("seeds/haigang-hrss-2024-budget.txt")
    forms = [entity.form for entity in ent.project_entities(snapshot.projects)]
    forms += [
        entity.form
        for project in ent.project_entities(snapshot.projects)
        for entity in ent.indicator_entities(project.key, project.label, project.source.indicators)
    ]
    copies = [dict(form) for form in forms]
    rfc = measure(lambda: [hashlib.sha256(canonical_bytes(form)).digest() for form in forms], repeat=repeat)
    equal = measure(lambda: [a == b for a, b in zip(forms, copies, strict=True)], repeat=repeat)
    subtree = measure(lambda: [ent.subtree_fingerprint(p) for p in snapshot.projects], repeat=repeat)
    print()
    print(f"telling equal pairs among Haigang's {len(forms)} project and indicator forms (ms):")
    print(row(["RFC 8785 + sha256 of one side", f"{rfc.median_ms:.2f}"]))
    print(row(["form == form (the engine)", f"{equal.median_ms:.2f}"]))
    print(row(["24 project subtrees, C json", f"{subtree.median_ms:.2f}"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=30)
    arguments = parser.parse_args()
    time_pairs(arguments.repeat)
    time_fingerprints(arguments.repeat)


if __name__ == "__main__":
    main()
