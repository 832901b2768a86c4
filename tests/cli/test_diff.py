"""``ledger diff`` end to end on the sample series: pairs by ref, year over year, revision by revision."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("diff") / "ledger.db")
    samples = ROOT / "samples"
    result = runner.invoke(
        app,
        ["--db", path, "ingest", str(samples / "seeds"), str(samples / "haigang"), str(samples / "laoting")],
    )
    assert result.exit_code == 0, result.stderr
    return path


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", db, "diff", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.slow
def test_two_refs_as_json(db: str) -> None:
    code, out, _ = run(db, "海港@2024r1", "海港@2024r2", "--format", "json")
    assert code == 0
    result = json.loads(out)
    assert result["scope"] == "revision"
    assert (result["summary"]["total"], result["summary"]["renamed"], result["summary"]["moved"]) == (
        34,
        1,
        1,
    )
    assert result["summary"]["budget"] == {"old": "4078.23", "new": "4083.23", "delta": "5", "pct": "0.12"}


def test_year_over_year_with_filters(db: str) -> None:
    code, out, _ = run(
        db, "乐亭", "--year", "2024", "--entity", "project", "--only", "added,removed", "-f", "csv"
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("scope,entity,key")
    assert [line.split(",")[4] for line in lines[1:]] == ["CA证书使用费用", "职业技能提升行动培训补贴"]


def test_revisions_lists_each_step(db: str) -> None:
    code, out, _ = run(db, "海港@2024", "--revisions", "-f", "json")
    assert code == 0
    assert [r["scope"] for r in json.loads(out)] == ["revision"]


def test_exit_code_says_whether_anything_changed(db: str) -> None:
    assert run(db, "海港@2024r1", "海港@2024r2", "--exit-code", "-f", "json")[0] == 1
    assert run(db, "台山@2024", "台山@2024", "--exit-code", "-f", "json")[0] == 0


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["乐亭"],
            2,
            "ledger: error: give OLD NEW, or DEPARTMENT --year N (or DEPARTMENT@YEAR),"
            " or DEPARTMENT@YEAR --revisions\n",
        ),
        (
            ["台山", "--year", "2024"],
            1,
            "ledger: error: no department-targets snapshot of 台山市人力资源和社会保障局 for 2023 to compare 2024 with\n",
        ),
        (
            ["台山@2024", "--revisions"],
            1,
            "ledger: error: 台山市人力资源和社会保障局@2024r1/department-targets has no earlier revision to compare with\n",
        ),
        (
            ["乐亭", "--year", "2024", "--only", "changed"],
            2,
            "ledger: error: unknown change kind: changed (known: added, removed, modified, renamed, moved)\n",
        ),
        (
            ["乐亭", "--year", "2024", "--min-pct", "ten"],
            2,
            "ledger: error: --min-pct takes a number, not 'ten'\n",
        ),
    ],
)
def test_errors_are_one_line(db: str, args: list[str], code: int, message: str) -> None:
    assert run(db, *args)[0::2] == (code, message)


def test_two_departments_are_a_cross_department_comparison(db: str) -> None:
    code, out, _ = run(db, "海港@2024r1", "乐亭@2024", "-f", "json")
    assert code == 0
    result = json.loads(out)
    assert (result["scope"], result["old"]["source"], result["new"]["source"]) == (
        "cross-department",
        "haigang-hrss-2024-budget.txt",
        "laoting-hrss-2024-targets.txt",
    )
    assert not [c for c in result["changes"] if c["entity"] == "department"]
    code, out, _ = run(db, "海港@2024r1", "乐亭@2024")
    assert code == 0
    heading = " ".join(out.split("\n")[1].split())
    assert heading.startswith(
        "秦皇岛市海港区人力资源和社会保障局 2024 budget-disclosure vs 乐亭县人力资源和社会保障局 2024"
        " department-targets (cross-department comparison)"
    )
    assert "(revision)" not in out and "(yoy)" not in out and "→" not in out.split("\n")[0]
