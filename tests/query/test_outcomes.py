"""Targets against results on the samples: Gaoxin's 2024 self-evaluation (samples/gaoxin, edits S1–S5 of
samples/README.md) read against the targets Gaoxin published for 2024 (the seed), in the ledger."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from ledger.pipeline.ingest import ingest_bytes
from ledger.query.outcomes import targets_against_results
from ledger.store import Ledger

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
EVALUATION = SAMPLES / "gaoxin" / "gaoxin-hrss-2024-self-evaluation.txt"
TARGETS = SAMPLES / "seeds" / "gaoxin-hrss-2024-targets.txt"
REF = "高新区@2024/project-self-evaluation"


def _ledger(url: str, *paths: Path) -> None:
    with Ledger(url) as ledger:
        for path in paths:
            assert ingest_bytes(ledger, path.read_bytes(), name=path.name).status == "recorded"


@pytest.mark.slow
def test_a_self_evaluation_against_the_targets_published_for_the_same_project_and_year(db_url: str) -> None:
    _ledger(db_url, EVALUATION, TARGETS)
    with Ledger(db_url) as ledger, ledger.read() as session:
        (outcome,) = targets_against_results(session, REF)
    assert (outcome.project, outcome.targets_ref) == (
        "9村村民参加企业职工养老保险财政补贴",
        "高新区人社局@2024r1/department-targets",
    )
    assert [
        (i.name, i.target, i.target_changed, i.result, i.status, i.gap, i.score, i.reason)
        for i in outcome.indicators
    ] == [
        (
            "享受补助资金人数",
            "≧100人",
            False,
            "96人",
            "missed",
            Decimal(4),
            Decimal(20),
            "部分村民转为城乡居民养老保险",
        ),
        ("补助金覆盖率", "≧80%", False, "85%", "met", None, Decimal(20), None),
        ("办理效率", "及时办理", False, "基本及时", "missed", None, Decimal(8), "年初系统切换"),
        ("补贴及时拨付率", "是", False, "是", "met", None, Decimal(10), None),
        ("对受益人员帮助情况", "是", False, "是", "met", None, Decimal(12), None),
        ("使用人员满意度", "≧85%", True, "82%", "missed", Decimal(3), Decimal(10), None),
    ]
    assert (outcome.budget, outcome.executed, outcome.rate_stated, outcome.rate_computed) == (
        Decimal(230),
        Decimal(207),
        Decimal(95),
        Decimal("90.00"),
    )
    assert [f.rule for f in outcome.findings] == [
        "result-contradicts-target",
        "score-above-weight",
        "execution-rate-mismatch",
    ]


@pytest.mark.slow
def test_without_the_published_targets_the_form_is_read_against_its_own(sqlite_url: str) -> None:
    _ledger(sqlite_url, EVALUATION)
    with Ledger(sqlite_url) as ledger, ledger.read() as session:
        (outcome,) = targets_against_results(session, REF)
    assert outcome.targets_ref is None
    satisfaction = outcome.indicators[-1]
    assert (satisfaction.target, satisfaction.status, satisfaction.target_changed) == ("≥80%", "met", False)
    runner = CliRunner()
    md = runner.invoke(app, ["--db", sqlite_url, "results", REF, "-f", "md"])
    assert md.exit_code == 0
    assert md.output.splitlines()[0] == (
        "# 9村村民参加企业职工养老保险财政补贴: executed 207 of 230万元 (90%; stated 95%);"
        " targets from the self-evaluation itself"
    )
    assert (
        "| 享受补助资金人数 | ≥100人 | 96人 | missed | 4 | 20 | 20 | 部分村民转为城乡居民养老保险 |"
        in md.output
    )
    wrong = runner.invoke(app, ["--db", sqlite_url, "results", "高新区@2024"])
    assert wrong.exit_code == 0  # the only 2024 snapshot of the department here is the self-evaluation
