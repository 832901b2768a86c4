"""``ledger claims`` through typer's CliRunner on the seed publications: exit codes and exact output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli.main import app

#: A ledger per test (PostgreSQL too), or the seeds ingested: seconds, not the fast loop.
pytestmark = pytest.mark.slow

runner = CliRunner()
SEEDS = Path(__file__).resolve().parents[2] / "samples" / "seeds"
HAIGANG = "秦皇岛市海港区人力资源和社会保障局@2024r1/budget-disclosure"
#: haigang-hrss-2024-budget.txt, 三公经费 section: the one sentence of the seeds that compares with last year.
SENTENCE = (
    "我部门财政拨款“三公”经费预算安排7.85万元，其中：因公出国（境）费0万元；公务用车购置及运维费6.76万元（其中：公务用车"
    "购置费为0万元，公务用车运行费6.76万元)；公务接待费1.09万元。与2023年相比持平"
)


def ledger(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("claims") / "l.db"
    code, _, err = ledger(path, "ingest", str(SEEDS))
    assert code == 0, err
    return path


def test_claims_as_csv(db: Path) -> None:
    code, out, _ = ledger(db, "claims", "海港区@2024", "-f", "csv")
    assert code == 0
    assert out.splitlines() == [
        "页码,说明事项,对应科目,说明金额（万元）,表列金额（万元）,上年表列金额（万元）,增减,说明增减额（万元）,"
        "计算增减额（万元）,说明增减率（%）,计算增减率（%）,核对结论,不符之处,主要原因,原文",
        ",财政拨款“三公”经费预算安排,accounts:accounts#three_public.“三公”经费小计,7.85,7.85,,unchanged,0,,,,agrees,,,"
        + SENTENCE,
    ]


def test_claims_as_markdown(db: Path) -> None:
    code, out, _ = ledger(db, "claims", "海港区@2024", "-f", "md")
    assert code == 0
    assert out == (
        f"## Claims of {HAIGANG}\n\n"
        "Checked against its own tables; last year: no tables of last year in the ledger.\n\n"
        "1 claim: 1 agrees\n\n"
        "| page | subject | stated_amount | table_amount | stated_delta | computed_delta | stated_percent | "
        "computed_percent | verdict | failed |\n"
        "|---|---|---|---|---|---|---|---|---|---|\n"
        "|  | 财政拨款“三公”经费预算安排 | 7.85 | 7.85 | 0 |  |  |  | agrees |  |\n"
    )


def test_claims_as_json_carry_each_check_with_its_tolerance(db: Path) -> None:
    code, out, _ = ledger(db, "claims", "海港区@2024", "-f", "json")
    assert code == 0
    report = json.loads(out)
    assert (report["schema"], report["snapshot"], report["tables"], report["previous"]) == (
        "ledger.claims/1",
        HAIGANG,
        HAIGANG,
        None,
    )
    (claim,) = report["claims"]
    assert claim["checks"] == [
        {
            "check": "tables",
            "figure": "amount",
            "stated": "7.85",
            "computed": "7.85",
            "tolerance": "0.005",
            "agrees": True,
        }
    ]
    assert claim["statement"]["text"] == SENTENCE


def test_claims_as_a_table(db: Path) -> None:
    code, out, _ = ledger(db, "claims", "海港区@2024")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Checked against its own tables; last year: no tables of last year in the ledger."
    assert lines[1].strip() == f"{HAIGANG}: 1 claim: 1 agrees"
    assert "│      │ 财政拨款“三公”经费预算安排 │ 7.85          │ 7.85         │ 0            │" in out


def test_a_publication_without_claims_says_so(db: Path) -> None:
    code, out, _ = ledger(db, "claims", "乐亭县@2024")
    assert (code, out) == (
        0,
        "乐亭县人力资源和社会保障局@2024r1/department-targets: no claims (no sentence of a budget explanation "
        "compares with last year)\n",
    )


def test_claims_to_a_workbook(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "claims.xlsx"
    code, out, _ = ledger(db, "claims", "海港区@2024", "--to", str(target))
    assert (code, out) == (0, f"wrote {target}\n")
    sheet = load_workbook(target).active
    assert sheet is not None and sheet.title == "预算说明核对"
    assert [cell.value for cell in sheet[1]][:5] == [
        "页码",
        "说明事项",
        "对应科目",
        "说明金额（万元）",
        "表列金额（万元）",
    ]
    assert (sheet["D2"].value, sheet["D2"].number_format, sheet["L2"].value) == (7.85, "0.00", "agrees")


def test_an_unknown_reference_is_one_line(db: Path) -> None:
    code, out, err = ledger(db, "claims", "无此部门@2024")
    assert code != 0 and out == ""
    assert err.startswith("ledger: error: ") and len(err.splitlines()) == 1
