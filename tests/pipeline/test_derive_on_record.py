"""Recording a snapshot derives its diffs and findings only when the ledger was opened to, whatever else the process
opened before (the pipeline is explicit: no process-wide handler registry)."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import col, func, select

from ledger.pipeline.ingest import ingest_bytes
from ledger.store import Ledger
from ledger.store.schema import EventRow, FindingRow

SEED = Path(__file__).resolve().parents[2] / "samples" / "seeds" / "taishan-hrss-2024-targets.txt"


def _counts(ledger: Ledger) -> tuple[int, list[str]]:
    with ledger.read() as session:
        findings = session.exec(select(func.count()).select_from(FindingRow)).one()
        types = list(session.exec(select(EventRow.type).order_by(col(EventRow.seq))))
    return findings, types


def test_a_storing_ledger_stays_storing_after_a_deriving_one_was_opened(tmp_path: Path) -> None:
    with Ledger(f"sqlite:///{tmp_path / 'deriving.db'}") as deriving:
        assert ingest_bytes(deriving, SEED.read_bytes(), name=SEED.name).status == "recorded"
        findings, types = _counts(deriving)
        assert findings > 0 and "finding-raised" in types
    with Ledger(f"sqlite:///{tmp_path / 'storing.db'}", derive=False) as storing:
        assert ingest_bytes(storing, SEED.read_bytes(), name=SEED.name).status == "recorded"
        assert _counts(storing) == (0, ["publication-received", "snapshot-recorded"])


def test_a_deriving_ledger_derives_after_a_storing_one_was_opened(tmp_path: Path) -> None:
    with Ledger(f"sqlite:///{tmp_path / 'storing.db'}", derive=False) as storing:
        ingest_bytes(storing, SEED.read_bytes(), name=SEED.name)
    with Ledger(f"sqlite:///{tmp_path / 'deriving.db'}") as deriving:
        ingest_bytes(deriving, SEED.read_bytes(), name=SEED.name)
        findings, types = _counts(deriving)
    assert findings > 0
    assert types[:2] == ["publication-received", "snapshot-recorded"] and "finding-raised" in types
