"""Golden canonical snapshots of the bundled seed publications (``snapshots/``), reviewed like code.

Regenerate after a reviewed parser change with ``LEDGER_UPDATE_GOLDEN=1 pytest tests/test_golden.py``; the diff of
``snapshots/`` is then read line by line against the source before it is committed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ledger.model.canonical import to_jsonable
from ledger.pipeline.parse import parse_publication

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "samples" / "seeds").glob("*.txt"))
GOLDEN = ROOT / "snapshots"


def golden_text(seed: Path) -> str:
    snapshot = parse_publication(seed.read_bytes(), seed.name).snapshot
    return json.dumps(to_jsonable(snapshot), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_matches_golden_snapshot(seed: Path) -> None:
    target = GOLDEN / f"{seed.stem}.json"
    actual = golden_text(seed)
    if os.environ.get("LEDGER_UPDATE_GOLDEN") == "1":
        target.write_text(actual, encoding="utf-8")
    assert target.exists(), f"no golden snapshot {target.name}; run with LEDGER_UPDATE_GOLDEN=1 and review it"
    assert actual == target.read_text(encoding="utf-8")
