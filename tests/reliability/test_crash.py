"""Crash safety (docs/architecture.md §9): an ingest killed with SIGKILL at any point leaves a ledger that verifies, with no half
snapshot (every snapshot has its event and every event its row; every publication its publication-received event
and exactly one outcome), and running the same ingest again completes it exactly once: the ledger then holds what
an uninterrupted run records, event for event.

Kills are timed (a random delay within an uninterrupted run) and targeted (right after a chosen statement of a
chosen write transaction, read from the process's trace), all from a fixed seed; ``scripts/reliability_report.py``
runs 200 of them.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.reliability.ledgers import Databases, EngineName
from tests.reliability.processes import CrashPlan, Zygote, crash_campaign, write_files

#: 13 kills in all: the suite stays fast; scale (and kills of fresh ``ledger`` processes) is the report script's.
PLANS: dict[EngineName, CrashPlan] = {
    "sqlite": CrashPlan(timed=3, targeted=6),
    "postgres": CrashPlan(timed=1, targeted=3),
}


@pytest.mark.slow
def test_a_killed_ingest_leaves_the_ledger_whole_and_a_rerun_completes_it(
    engine: EngineName, databases: Databases, zygote: Zygote, tmp_path: Path
) -> None:
    files = write_files(tmp_path / "in")
    campaign = crash_campaign(databases, tmp_path, engine, files, PLANS[engine], seed=2024, zygote=zygote)
    report = "\n".join(map(str, campaign.results))
    assert len(campaign.results) == PLANS[engine].runs
    assert [r for r in campaign.results if r.problems or not r.completed] == [], report
    phases = Counter(r.phase for r in campaign.results)
    assert phases["write-transaction"] + phases["migration"] >= 1, (
        f"no kill landed inside a transaction:\n{report}"
    )
