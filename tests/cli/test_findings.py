"""``ledger findings`` and ``ledger export`` through typer's CliRunner, on the real seed publications."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli.main import app
from tests.support import key_value_layout, publication

runner = CliRunner()
SEEDS = Path(__file__).resolve().parents[2] / "samples" / "seeds"
LAOTING = SEEDS / "laoting-hrss-2024-targets.txt"


def ledger(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger with the five seeds, and a second revision of Laoting in which 汇智人才发展劳务费 is budgeted at 10070
    (resolving its cost finding) and 考核奖励经费 plans to spend 95 % by 12月底 (a new finding). Tests only read it."""
    tmp_path = tmp_path_factory.mktemp("ledger")
    path = tmp_path / "l.db"
    code, _, err = ledger(path, "ingest", str(SEEDS))
    assert code == 0, err
    text = LAOTING.read_text(encoding="utf-8").replace("\t9100.00\n", "\t10070.00\n")
    lines = text.split("\n")
    # the 12月底 share of the first project's spending plan
    plan_row = lines.index("\t100%", lines.index("\t考核奖励经费"))
    lines[plan_row] = "\t95%"
    revised = tmp_path / "laoting-revised.txt"
    revised.write_text("\n".join(lines), encoding="utf-8")
    code, out, err = ledger(path, "ingest", str(revised))
    assert (code, out) == (
        0,
        "recorded          laoting-revised.txt -> 乐亭县人力资源和社会保障局@2024r2/department-targets (1 warning)\n",
    ), err
    return path


@pytest.mark.slow
def test_findings_of_one_snapshot_as_csv(db: Path) -> None:
    code, out, err = ledger(db, "findings", "高新@2024", "--format", "csv")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows == [
        ["快照", "严重程度", "规则", "位置", "说明", "键", "数据"],
        [
            "高新区人社局@2024r1/department-targets",
            "error",
            "cost-exceeds-budget",
            "project 被征地农民社会保障费 / indicator 产出指标/成本指标/项目金额",
            "被征地农民社会保障费: 成本指标 项目金额 states a cost of 7000万元 (=7000万元), above the project's "
            "预算数 4000万元 by 3000万元",
            "cost-exceeds-budget|project:被征地农民社会保障费|indicator:产出指标/成本指标/项目金额",
            '{"budget": "4000", "stated": "7000", "excess": "3000", "value": "=7000万元", "unit": "万元"}',
        ],
    ]
    assert not out.startswith("\ufeff")  # a byte-order mark is for files, not for a pipe


def test_findings_of_one_snapshot_as_json(db: Path) -> None:
    code, out, _ = ledger(db, "findings", "台山@2024", "--format", "json")
    assert code == 0
    shown = json.loads(out)
    assert (shown["schema"], shown["snapshot"]) == (
        "ledger.findings/1",
        "台山市人力资源和社会保障局@2024r1/department-targets",
    )
    assert [f["rule"] for f in shown["findings"]] == ["placeholder-indicator"] * 2 + [
        "duplicate-indicator"
    ] * 5 + ["stale-year-reference"] * 3


def test_findings_of_all_current_snapshots(db: Path) -> None:
    code, out, _ = ledger(db, "findings", "--format", "json")
    assert code == 0
    counts = {s["snapshot"]: len(s["findings"]) for s in json.loads(out)["snapshots"]}
    assert counts == {
        "高新区人社局@2024r1/department-targets": 1,
        "秦皇岛市海港区人力资源和社会保障局@2024r1/budget-disclosure": 2,
        "乐亭县人力资源和社会保障局@2024r1/department-targets": 6,
        "乐亭县人力资源和社会保障局@2024r2/department-targets": 6,
        "台山市人力资源和社会保障局@2024r1/department-targets": 10,
        "湛江市人力资源和社会保障局@2024r1/department-targets": 2,
    }
    code, out, _ = ledger(db, "findings")
    assert code == 0
    assert out.splitlines()[0].strip() == "6 snapshots: 27 findings (12 error, 15 warning)"


def test_table_title_and_rows(db: Path) -> None:
    code, out, _ = ledger(db, "findings", "湛江@2024")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].strip() == "湛江市人力资源和社会保障局@2024r1/department-targets: 2 findings (2 warning)"
    assert "│ warning  │ placeholder-indicator │ 1.7.3 三级指标 #9" in lines[4]


def test_compare_two_revisions(db: Path) -> None:
    code, out, err = ledger(db, "findings", "--compare", "乐亭@2024r1", "乐亭@2024r2", "--format", "csv")
    assert code == 0, err
    rows = [(r[0], r[2], r[3].split(" / ")[0]) for r in csv.reader(io.StringIO(out))][1:]
    assert rows == [
        ("new", "spending-plan-incomplete", "project 13022524P0008F010032K 考核奖励经费"),
        ("resolved", "cost-exceeds-budget", "project 13022524P00002010001G 汇智人才发展劳务费"),
        ("persisting", "truncated-document", "16.中央就业补助资金绩效目标表, 指标 row 1"),
        ("persisting", "cost-exceeds-budget", "project 13022524P000056100018 创业担保贷款贴息资金"),
        ("persisting", "cost-exceeds-budget", "project 13022524P00000910003C 省级惠普金融发展资金"),
        ("persisting", "cost-exceeds-budget", "project 13022524P000009100040 中央惠普金融发展资金"),
        ("persisting", "unit-mismatch", "project 13022524P00000910003C 省级惠普金融发展资金"),
    ]
    code, out, _ = ledger(db, "findings", "乐亭@2024r2", "--since", "乐亭@2024r1")
    assert code == 0
    assert out.splitlines()[0].strip() == (
        "乐亭县人力资源和社会保障局@2024r1/department-targets → "
        "乐亭县人力资源和社会保障局@2024r2/department-targets: 1 new, 1 resolved, 5 persisting"
    )
    code, out, _ = ledger(db, "findings", "--compare", "乐亭@2024r1", "乐亭@2024r2", "--format", "json")
    shown = json.loads(out)
    assert (shown["from"], len(shown["new"]), len(shown["resolved"]), len(shown["persisting"])) == (
        "乐亭县人力资源和社会保障局@2024r1/department-targets",
        1,
        1,
        5,
    )


@pytest.mark.parametrize(
    ("args", "exit_code"),
    [
        (["高新@2024", "--fail-on", "error"], 1),
        (["湛江@2024", "--fail-on", "error"], 0),
        (["湛江@2024", "--fail-on", "warning"], 1),
        # the one new finding is a warning:
        (["--compare", "乐亭@2024r1", "乐亭@2024r2", "--fail-on", "error"], 0),
        (["--compare", "乐亭@2024r1", "乐亭@2024r2", "--fail-on", "warning"], 1),
    ],
)
def test_fail_on(db: Path, args: list[str], exit_code: int) -> None:
    code, _, _ = ledger(db, "findings", *args, "--format", "json")
    assert code == exit_code


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["高新@2024", "--compare", "a", "b"],
            "ledger: error: --compare OLD NEW takes no REF and no --since\n",
        ),
        (["--since", "高新@2024"], "ledger: error: --since OLD needs the newer snapshot REF\n"),
    ],
)
def test_argument_errors(db: Path, args: list[str], message: str) -> None:
    assert ledger(db, "findings", *args) == (2, "", message)


def test_unknown_ref_is_a_one_line_error(db: Path) -> None:
    assert ledger(db, "findings", "乙局@2024") == (1, "", "ledger: error: no department matches '乙局'\n")


def test_a_snapshot_without_findings(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    source = tmp_path / "r1.txt"
    source.write_bytes(publication("甲局", 2024, ("培训经费", "12.50")))
    with key_value_layout():
        ledger(db, "ingest", str(source))
    assert ledger(db, "findings", "甲局@2024") == (0, "甲局@2024r1/department-targets: no findings\n", "")


@pytest.mark.slow
def test_export_xlsx_and_csv(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "haigang.xlsx"
    assert ledger(db, "export", "海港@2024", "--to", str(target)) == (0, f"wrote {target}\n", "")
    workbook = load_workbook(target)
    assert workbook.sheetnames[-1] == "审计发现"
    assert workbook["项目"].max_row == 25
    one = tmp_path / "projects.csv"
    assert ledger(db, "export", "海港@2024", "--to", str(one), "--sheet", "projects") == (
        0,
        f"wrote {one}\n",
        "",
    )
    assert (
        one.read_text(encoding="utf-8-sig")
        .splitlines()[0]
        .startswith("项目编码,项目名称,单位,预算数（万元）")
    )
    code, out, _ = ledger(db, "export", "乐亭@2024r1", "--to", str(tmp_path / "l.csv"), "--no-findings")
    assert code == 0
    assert [Path(line.removeprefix("wrote ")).name for line in out.splitlines()] == [
        "l.summary.csv",
        "l.projects.csv",
        "l.indicators.csv",
        "l.lines.csv",
        "l.function_lines.csv",
        "l.economic_lines.csv",
        "l.goals.csv",
        "l.key_tasks.csv",
        "l.notices.csv",
        "l.warnings.csv",
    ]


@pytest.mark.parametrize(
    ("name", "sheet", "message"),
    [
        ("out.txt", None, "ledger: error: cannot export to out.txt: use a .xlsx, .csv or .json file name\n"),
        (
            "out.json",
            "projets",
            "ledger: error: no sheet 'projets'; the sheets are: summary, projects, indicators, lines, function_lines, "
            "economic_lines, goals, key_tasks, notices, warnings, findings\n",
        ),
    ],
)
def test_export_errors(db: Path, tmp_path: Path, name: str, sheet: str | None, message: str) -> None:
    target = tmp_path / name
    args = ["export", "高新@2024", "--to", str(target), *(["--sheet", sheet] if sheet else [])]
    assert ledger(db, *args) == (2, "", message)
    assert not target.exists()
