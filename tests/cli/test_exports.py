"""``--to FILE`` of ``ledger diff``, ``ledger history`` and ``ledger findings``, and ``ledger export --all``, through
typer's CliRunner on the sample ledger (``ledger demo``): exit codes, the exact lines printed, the files read back."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli.main import app
from ledger.demo import run_demo
from ledger.store import Ledger

runner = CliRunner()
HAIGANG = "秦皇岛市海港区人力资源和社会保障局"
R1, R2 = f"{HAIGANG}@2024r1/budget-disclosure", f"{HAIGANG}@2024r2/budget-disclosure"
Y2025 = f"{HAIGANG}@2025r1/budget-disclosure"
LAOTING_2023, LAOTING_2024 = (
    f"乐亭县人力资源和社会保障局@{year}r1/department-targets" for year in (2023, 2024)
)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample ledger; tests only read it."""
    path = tmp_path_factory.mktemp("exports") / "ledger.db"
    with Ledger(f"sqlite:///{path}") as ledger:
        run_demo(ledger)
    return path


def ledger(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def wrote(*paths: Path) -> str:
    return "".join(f"wrote {path}\n" for path in paths)


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def sheet_rows(path: Path, title: str) -> list[dict[str, Any]]:
    sheet = load_workbook(path)[title]
    header = [str(cell.value) for cell in sheet[1]]
    return [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)]


# --- ledger diff --to ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_diff_two_refs_to_xlsx(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "revision.xlsx"
    assert ledger(db, "diff", "海港区@2024r1", "海港区@2024r2", "--to", str(target)) == (0, wrote(target), "")
    workbook = load_workbook(target)
    assert workbook.sheetnames == ["汇总", "变更", "检测"]
    assert {workbook[name].freeze_panes for name in workbook.sheetnames} == {"A2"}
    changes = workbook["变更"]
    header = [cell.value for cell in changes[1]]
    carry_over = next(
        row for row in changes.iter_rows(min_row=2) if row[4].value == "收入来源 › 上年结转结余"
    )
    cells = dict(zip(header, carry_over, strict=True))
    assert (cells["原版本"].value, cells["新版本"].value, cells["标记"].value) == (R1, R2, "carry-over")
    assert [Decimal(str(cells[name].value)) for name in ("原值", "新值", "变化额", "变化率（%）")] == [
        Decimal("828.39"),  # R2: the carry-over 828.39 → 833.39
        Decimal("833.39"),
        Decimal("5"),
        Decimal("0.6"),
    ]
    assert cells["原值"].number_format == "0.00"


def test_diff_year_over_year_to_csv_files(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "yoy.csv"
    names = [tmp_path / f"yoy.{kind}.csv" for kind in ("diff_summary", "changes", "detections")]
    assert ledger(db, "diff", "乐亭", "--year", "2024", "--to", str(target)) == (0, wrote(*names), "")
    (summary,) = csv_rows(names[0])
    assert (summary["原版本"], summary["新版本"], summary["对比类型"]) == (LAOTING_2023, LAOTING_2024, "yoy")
    changes = csv_rows(names[1])
    assert len(changes) == int(summary["变更数"])
    # L6: 考核奖励经费 215.00 → 227.00
    amount = next(row for row in changes if (row["名称"], row["字段"]) == ("考核奖励经费", "amount"))
    assert (amount["原值"], amount["新值"], amount["变化额"], amount["变化率（%）"]) == (
        "215",
        "227",
        "12",
        "5.58",
    )


def test_diff_revisions_with_filters_to_json(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "revisions.json"
    args = [
        "diff",
        "海港区@2024",
        "--revisions",
        "--entity",
        "indicator",
        "--only",
        "modified",
        "--to",
        str(target),
    ]
    assert ledger(db, *args) == (0, wrote(target), "")
    sheets = json.loads(target.read_text(encoding="utf-8"))["sheets"]
    assert [(s["old_version"], s["new_version"], s["total"]) for s in sheets["diff_summary"]] == [(R1, R2, 3)]
    assert [
        (c["entity"], c["change"], c["old"], c["new"], c["delta"], c["pct"]) for c in sheets["changes"]
    ] == [
        ("indicator", "modified", "≥95%", "≥98%", "3", "3.16"),  # R7
        ("indicator", "modified", "≥90%", "≥85%", "-5", "-5.56"),  # R6
        ("indicator", "modified", "≤403860.63元", "≤453860.63元", "50000", "12.38"),  # R1
    ]


@pytest.mark.slow
def test_diff_to_file_still_sets_the_exit_code(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "d.json"
    assert ledger(db, "diff", "海港区@2024r1", "海港区@2024r2", "--exit-code", "--to", str(target))[0] == 1
    assert target.exists()


# --- ledger history --to ------------------------------------------------------------------------------------------


def test_history_versions_to_one_csv(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "versions.csv"
    assert ledger(db, "history", "海港区", "--to", str(target)) == (0, wrote(target), "")
    rows = csv_rows(target)
    assert [(r["版本"], r["对比基准"], r["对比类型"], r["支出总计·变化额（万元）"]) for r in rows] == [
        (R1, "", "", ""),
        (R2, R1, "revision", "5"),
        (Y2025, R2, "yoy", "-5"),
    ]


def test_history_timeline_to_xlsx(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "timeline.xlsx"
    args = [
        "history",
        "海港区",
        "--project",
        "秦财社[2022]794",
        "--indicator",
        "补贴发放及时率",
        "--to",
        str(target),
    ]
    assert ledger(db, *args) == (0, wrote(target), "")
    rows = sheet_rows(target, "时间线")
    assert [(r["版本"], r["值"], r["变化"]) for r in rows] == [
        (R1, "≥90%", None),
        (R2, "≥85%", "modified 指标值: ≥90% → ≥85%; loosened; Δ -5; matched by key"),
        (Y2025, "≥90%", "modified 指标值: ≥85% → ≥90%; tightened; Δ +5; matched by key"),
    ]


def test_history_of_nothing_writes_nothing(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "t.xlsx"
    assert ledger(db, "history", "海港区", "--indicator", "不存在的指标", "--to", str(target)) == (
        1,
        "",
        "nothing named '不存在的指标' in 海港区's versions\n",
    )
    assert not target.exists()


# --- ledger findings --to -----------------------------------------------------------------------------------------


def test_findings_of_one_snapshot_to_xlsx(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "f.xlsx"
    assert ledger(db, "findings", "海港区@2025", "--to", str(target)) == (0, wrote(target), "")
    rows = sheet_rows(target, "审计发现")
    assert {r["快照"] for r in rows} == {Y2025}
    assert sorted(r["规则"] for r in rows) == [
        "carry-over-unreconciled",
        "cost-exceeds-budget",
        "empty-indicator",
        "stale-year-reference",
    ]


def test_findings_since_to_csv_and_fail_on(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "new.csv"
    args = ["findings", "海港区@2025", "--since", "海港区@2024", "--to", str(target), "--fail-on", "warning"]
    assert ledger(db, *args) == (1, wrote(target), "")  # two new warnings
    rows = csv_rows(target)
    assert [(r["状态"], r["规则"]) for r in rows] == [
        ("new", "carry-over-unreconciled"),
        ("new", "stale-year-reference"),
        ("persisting", "cost-exceeds-budget"),
        ("persisting", "empty-indicator"),
    ]


def test_findings_of_every_snapshot_to_json(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "all.json"
    assert ledger(db, "findings", "--to", str(target)) == (0, wrote(target), "")
    findings = json.loads(target.read_text(encoding="utf-8"))["sheets"]["findings"]
    assert len({f["snapshot"] for f in findings}) == 9


# --- ledger export --all ------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_export_all_of_a_department(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "audit.xlsx"
    assert ledger(db, "export", "海港区", "--all", "--to", str(target)) == (0, wrote(target), "")
    workbook = load_workbook(target)
    assert workbook.sheetnames == ["版本", "变更", "检测", "审计发现", "项目", "绩效指标"]
    assert {workbook[name].freeze_panes for name in workbook.sheetnames} == {"A2"}
    assert workbook["变更"].max_row == 1 + 34 + 61  # the stored revision and year-over-year diffs
    findings = sheet_rows(target, "审计发现")
    assert [
        (f["快照"], f["状态"], f["对比基准"]) for f in findings if f["状态"] == "new" and f["快照"] == Y2025
    ] == [(Y2025, "new", R2)] * 2
    projects = workbook["项目"]
    assert projects["A1"].value == "快照"
    assert {projects.cell(row, 5).number_format for row in range(2, projects.max_row + 1)} == {"0.00"}


@pytest.mark.slow
def test_export_all_one_sheet_and_without_findings(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "changes.csv"
    assert ledger(db, "export", "--all", "--sheet", "changes", "--to", str(target)) == (0, wrote(target), "")
    assert {r["新版本"] for r in csv_rows(target)} == {R2, Y2025, LAOTING_2024}
    target = tmp_path / "no-findings.xlsx"
    assert ledger(db, "export", "乐亭", "--all", "--no-findings", "--to", str(target))[0] == 0
    assert "审计发现" not in load_workbook(target).sheetnames


# --- errors -------------------------------------------------------------------------------------------------------

_BAD_NAME = "ledger: error: cannot export to out.txt: use a .xlsx, .csv or .json file name\n"
_BOTH = "ledger: error: --format prints to standard output and --to writes a file: give one of them\n"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["diff", "海港区@2024r1", "海港区@2024r2", "--to", "out.txt"], 2, _BAD_NAME),
        (["history", "海港区", "--to", "out.txt"], 2, _BAD_NAME),
        (["findings", "海港区@2024", "--to", "out.txt"], 2, _BAD_NAME),
        (["export", "海港区", "--all", "--to", "out.txt"], 2, _BAD_NAME),
        (["diff", "海港区@2024r1", "海港区@2024r2", "-f", "json", "--to", "out.xlsx"], 2, _BOTH),
        (["history", "海港区", "-f", "csv", "--to", "out.csv"], 2, _BOTH),
        (["findings", "海港区@2024", "-f", "json", "--to", "out.json"], 2, _BOTH),
        (
            ["export", "海港区@2024", "--all", "--to", "out.xlsx"],
            2,
            "ledger: error: --all takes a DEPARTMENT, not a snapshot reference like '海港区@2024'\n",
        ),
        (["export", "--to", "out.xlsx"], 2, "ledger: error: give a snapshot REF, or --all [DEPARTMENT]\n"),
        (["export", "乙局", "--all", "--to", "out.xlsx"], 1, "ledger: error: no department matches '乙局'\n"),
        (
            ["export", "--all", "--sheet", "projets", "--to", "out.xlsx"],
            2,
            "ledger: error: no sheet 'projets'; the sheets are: versions, changes, detections, findings, projects, "
            "indicators\n",
        ),
    ],
)
def test_errors_are_one_line_and_write_nothing(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], code: int, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert ledger(db, *args) == (code, "", message)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_a_file_that_cannot_be_written(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "audit.xlsx"
    assert ledger(db, "export", "海港区", "--all", "--to", str(target)) == (
        1,
        "",
        f"ledger: error: cannot write {target}: No such file or directory\n",
    )
