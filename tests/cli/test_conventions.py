"""The conventions of issue #18 (and #21 items 6–7) through the CLI: exact exit codes and output."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli.main import app, hoist_global_options
from cli.output import pager_command
from ledger.store.db import SCHEMA_HEAD
from tests.support import key_value_layout, publication

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
HOSTILE = '=HYPERLINK("http://evil.example";"专网维护费")'  # no comma: the test layout splits on it


def ledger(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def layout() -> Iterator[None]:
    with key_value_layout():
        yield


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger with 甲局 2024 r1 and r2 (a hostile project name in r2, a project removed), built once."""
    folder = tmp_path_factory.mktemp("two")
    db = folder / "l.db"
    r1, r2 = folder / "r1.txt", folder / "r2.txt"
    r1.write_bytes(publication("甲局", 2024, ("培训经费", "12.50"), ("旧项目", "1.5")))
    r2.write_bytes(publication("甲局", 2024, ("培训经费", "10070.48"), (HOSTILE, "3")))
    with key_value_layout():
        assert ledger(db, "ingest", str(r1), str(r2))[0] == 0
    return db


@pytest.fixture
def two(built: Path, tmp_path: Path, layout: None) -> Path:
    """A copy of the built ledger for one test (the ledger is closed, so the file is the whole database)."""
    db = tmp_path / "l.db"
    shutil.copyfile(built, db)
    return db


# --- 1. read commands never create a ledger -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["snapshots"],
        ["verify"],
        ["log"],
        ["digest"],
        ["departments"],
        ["show", "1"],
        ["diff", "a", "b"],
        ["history", "甲局"],
        ["findings"],
        ["export", "1", "--to", "x.xlsx"],
        ["watch", "list"],
        ["notify", "list"],
        ["rebuild"],
        ["reparse"],
        ["compare", "--year", "2024", "--project", "x"],
        ["results", "1"],
    ],
)
def test_read_commands_never_create_a_ledger(tmp_path: Path, args: list[str]) -> None:
    db = tmp_path / "ledgr.db"
    assert ledger(db, *args) == (
        1,
        "",
        f"ledger: error: no ledger at {db} (check --db or LEDGER_DB; `ledger ingest FILE` creates a new one)\n",
    )
    assert not db.exists()


def test_ingest_and_alias_add_create_one(tmp_path: Path, layout: None) -> None:
    (tmp_path / "a.txt").write_bytes(publication("甲局", 2024))
    assert ledger(tmp_path / "a.db", "ingest", str(tmp_path / "a.txt"))[0] == 0
    assert ledger(tmp_path / "b.db", "alias", "add", "甲", "甲局") == (
        0,
        "甲 -> 甲局 (a new department, no snapshots yet)\n",
        "",
    )
    assert (
        ledger(tmp_path / "c.db", "alias", "remove", "甲")[0] == 1
    )  # removing reads first: no ledger, no file
    assert not (tmp_path / "c.db").exists()


# --- 2. formula injection: one rule on stdout and in files --------------------------------------------------------


def test_csv_on_stdout_and_in_a_file_are_the_same_and_neutralised(two: Path, tmp_path: Path) -> None:
    code, out, _ = ledger(two, "diff", "甲局@2024r1", "甲局@2024r2", "-f", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    names = {row[4]: row for row in rows[1:]}
    assert "'" + HOSTILE in names  # a formula in a spreadsheet no more
    assert names["旧项目"][5] == "删除"
    assert names["旧项目"][8:11] == ["1.5", "", "-1.5"]  # old, new, Δ: a negative number is not quoted
    modified = names["培训经费"]
    assert modified[5] == "修改" and modified[10] == "10057.98"  # a number, no quote, no grouping
    target = tmp_path / "d.csv"
    assert ledger(two, "diff", "甲局@2024r1", "甲局@2024r2", "--to", str(target))[0] == 0
    piped = runner.invoke(
        app, ["--db", str(two), "diff", "甲局@2024r1", "甲局@2024r2", "-f", "csv"]
    ).stdout_bytes
    assert (tmp_path / "d.changes.csv").read_bytes() == b"\xef\xbb\xbf" + piped  # the BOM is for Excel only
    assert piped.startswith("原版本".encode())


def test_negative_numbers_stay_numbers(two: Path) -> None:
    code, out, _ = ledger(two, "diff", "甲局@2024r2", "甲局@2024r1", "-f", "csv", "--no-headers")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert ["-10057.98", "-99.88"] in [row[10:12] for row in rows]
    assert all(row[0] != "原版本" for row in rows)  # --no-headers


def test_xlsx_exports_are_formula_free_bold_filtered_frozen_and_translated(two: Path, tmp_path: Path) -> None:
    target = tmp_path / "d.xlsx"
    assert ledger(two, "diff", "甲局@2024r1", "甲局@2024r2", "--to", str(target))[0] == 0
    sheet = load_workbook(target)["变更"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A1:")
    assert all(cell.font.bold for cell in sheet[1])
    values = {cell.value: cell for row in sheet.iter_rows(min_row=2) for cell in row}
    assert values[HOSTILE].data_type == "s"  # text, not a formula
    assert {"修改", "新增", "删除"} <= set(values)
    assert sheet.column_dimensions["E"].width >= 2 * len("专网维护费")  # CJK counted two wide


# --- 3. --to keeps an existing file unless --force ----------------------------------------------------------------


def test_to_refuses_to_overwrite_without_force(two: Path, tmp_path: Path) -> None:
    target = tmp_path / "f.json"
    target.write_text("keep me")
    assert ledger(two, "findings", "--to", str(target)) == (
        1,
        "",
        f"ledger: error: {target} exists: --force replaces it\n",
    )
    assert target.read_text() == "keep me"
    assert ledger(two, "findings", "--to", str(target), "--force") == (0, f"wrote {target}\n", "")


# --- 4./5. ingest: failures repeat, progress and a summary --------------------------------------------------------


def test_a_failed_ingest_fails_again_with_its_reason(tmp_path: Path, layout: None) -> None:
    db, bad = tmp_path / "l.db", tmp_path / "broken.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    reason = "a PNG image, not a document with text: no reader for it (no OCR)"
    assert ledger(db, "ingest", str(bad)) == (
        1,
        "",
        f"ledger: error: broken.txt: {reason}\n",
    )
    assert ledger(db, "ingest", str(bad)) == (
        1,
        "",
        f"ledger: error: broken.txt: stored before as publication 1 and still does not parse: {reason}\n",
    )


def test_ingest_prints_a_summary_and_refuses_an_empty_folder(tmp_path: Path, layout: None) -> None:
    db = tmp_path / "l.db"
    folder = tmp_path / "in"
    folder.mkdir()
    assert ledger(db, "ingest", str(folder)) == (
        1,
        "",
        f"ledger: error: nothing to ingest: no files in {folder}\n",
    )
    (folder / "a.txt").write_bytes(publication("甲局", 2024))
    (folder / "b.txt").write_bytes(publication("乙局", 2024))
    code, out, err = ledger(db, "ingest", str(folder))
    assert (code, err) == (0, "ledger: 2 recorded\n")
    assert out.splitlines() == [
        "recorded          a.txt -> 甲局@2024r1/department-targets",
        "recorded          b.txt -> 乙局@2024r1/department-targets",
    ]
    assert ledger(db, "ingest", str(folder))[2] == "ledger: 2 unchanged\n"


def test_ctrl_c_during_ingest_says_what_was_recorded(
    tmp_path: Path, layout: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ledger.pipeline import ingest as ingest_module

    real = ingest_module.ingest_bytes
    calls = []

    def interrupted_on_the_second(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest_module, "ingest_bytes", interrupted_on_the_second)
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.txt").write_bytes(publication(f"{name}局", 2024))
    code, out, err = ledger(tmp_path / "l.db", "ingest", *(str(tmp_path / f"{n}.txt") for n in "abc"))
    assert code == 130
    assert out == "recorded          a.txt -> a局@2024r1/department-targets\n"
    assert err == (
        "ledger: error: interrupted after 1 of 3 files: 1 recorded (what was recorded stays in the ledger; "
        "the rest was not ingested)\n"
    )


# --- 6./#21-7. every option validated, nothing matched is said, no tracebacks from values -------------------------


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["diff", "a", "b", "--min-pct", "nan"], 2, "ledger: error: --min-pct takes a number of percent (0 or more), not 'nan'\n"),
        (["diff", "a", "b", "--min-pct", "-1"], 2, "ledger: error: --min-pct takes a number of percent (0 or more), not '-1'\n"),
        (["snapshots", "--department", "海巷区"], 1, "ledger: error: no department matches '海巷区'\n"),
        (["snapshots", "--year", "2030"], 0, "ledger: no snapshots match --year 2030\n"),
        (["reparse", "-p", "999"], 1, "ledger: error: no publication with id 999 (the ledger has 2 publications, ids 1–2)\n"),
        (["verify", "--digest", "99999999999999999999999:" + "a" * 64], 2,
         "ledger: error: a digest's SEQ is an event number, and 99999999999999999999999 is larger than any can be\n"),
        (["watch", "add", ".", "--every", "99999999999999999999w"], 1,
         "ledger: error: checking less often than every 52w2d is not allowed: '99999999999999999999w'\n"),
    ],
)  # fmt: skip
def test_bad_values_are_one_line(two: Path, args: list[str], code: int, message: str) -> None:
    assert ledger(two, *args) == (code, "", message)


def test_log_type_must_exist(two: Path) -> None:
    code, out, err = ledger(two, "log", "--type", "bogus")
    assert (code, out) == (1, "")
    assert err.startswith(
        "ledger: error: no event type 'bogus'; the types are: alias-added, changes-detected,"
    )
    assert ledger(two, "log", "--type", "alias-added") == (
        0,
        "",
        "ledger: no alias-added events in the ledger\n",
    )


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["log", "--limit", "-3"], "Invalid value for '--limit'"),
        (["log", "--limit", "99999999999999999999"], "Invalid value for '--limit'"),
        (["log", "--follow", "--interval", "-1"], "Invalid value for '--interval'"),
        (["log", "--follow", "--interval", "nan"], "Invalid value for '--interval'"),
        (["watch", "run-once", "99999999999999999999"], "Invalid value for 'source_id'"),
        (["reparse", "-p", "0"], "Invalid value for '--publication'"),
    ],
)
def test_out_of_range_options_are_usage_errors(two: Path, args: list[str], fragment: str) -> None:
    code, out, err = ledger(two, *args)
    assert (code, out) == (2, "")
    assert fragment in err and "Traceback" not in err


def test_a_newer_schema_is_one_line(two: Path) -> None:
    with sqlite3.connect(two) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    assert ledger(two, "snapshots") == (
        1,
        "",
        f"ledger: error: the ledger's schema is at revision 9999, newer than this version of budget-ledger knows "
        f"(newest {SCHEMA_HEAD}): upgrade budget-ledger to read it\n",
    )


def test_read_commands_work_on_a_read_only_ledger(two: Path) -> None:
    # Root may write any file; SQLite's read-only URI gives the same refusal to write that a 0444 file gives a user.
    url = f"sqlite:///file:{two}?mode=ro&uri=true"
    for args in (
        ["verify"],
        ["snapshots", "-f", "json"],
        ["log"],
        ["diff", "甲局@2024r1", "甲局@2024r2"],
        ["findings"],
    ):
        result = runner.invoke(app, ["--db", url, *args])
        assert result.exit_code == 0, (args, result.stderr)
    if os.geteuid() != 0:  # a real read-only file, where the test is not run as root
        two.chmod(0o444)
        assert ledger(two, "verify")[0] == 0


# --- 7. times with their zone; --as-of says its clock -------------------------------------------------------------


def test_times_are_local_with_their_zone_and_iso_in_json(two: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        code, out, _ = ledger(two, "log", "-f", "csv")
        stamp = list(csv.reader(io.StringIO(out)))[1][1]
        assert stamp.endswith("Z")  # CSV/JSON: the stored ISO 8601 UTC time
        code, out, _ = ledger(two, "log")
        assert " CST " in out.splitlines()[3]
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    code, out, _ = ledger(two, "history", "--help")
    assert "recorded (ingested) by then" in " ".join(out.split())


def test_as_of_before_anything_was_recorded_says_so(two: Path) -> None:
    assert ledger(two, "history", "甲局", "--as-of", "2000-01-01") == (
        1,
        "",
        "ledger: error: 甲局 had no versions recorded by 2000-01-01 (--as-of is the ledger's recording time)\n",
    )


# --- 8. units, decimals, thousands ---------------------------------------------------------------------------------


def test_human_formats_show_units_two_places_and_grouping(two: Path) -> None:
    code, out, _ = ledger(two, "diff", "甲局@2024r1", "甲局@2024r2")
    assert code == 0
    assert "项目 (project) — 3, in 万元" in out
    assert "12.50" in out and "10,070.48" in out and "+10,057.98" in out
    code, out, _ = ledger(two, "diff", "甲局@2024r1", "甲局@2024r2", "-f", "json")
    assert '"10070.48"' in out and "10,070" not in out


# --- 9. global options anywhere, -h, --version, completion --------------------------------------------------------


def test_global_options_after_the_command(two: Path) -> None:
    result = runner.invoke(app, ["snapshots", "--db", str(two), "-f", "json"])
    assert result.exit_code == 0 and len(json.loads(result.stdout)) == 2
    result = runner.invoke(app, ["watch", "list", f"--db={two}", "--no-pager", "--color", "never"])
    assert result.exit_code == 0
    assert hoist_global_options(["log", "--db", "x", "--", "--db"]) == ["--db", "x", "log", "--", "--db"]


def test_help_version_and_completion() -> None:
    assert runner.invoke(app, ["-h"]).stdout.startswith("Usage: ledger [OPTIONS] COMMAND [ARGS]...")
    assert runner.invoke(app, ["diff", "-h"]).exit_code == 0
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("ledger (budget-ledger) ")
    assert "--install-completion" in runner.invoke(app, ["--help"]).stdout


# --- conventions: diff --stat/--name-only/-q, pager, colour, formats, log labels ----------------------------------


def test_diff_stat_name_only_and_quiet(two: Path) -> None:
    args = ["diff", "甲局@2024r1", "甲局@2024r2"]
    assert ledger(two, *args, "--stat") == (
        0,
        "甲局@2024r1/department-targets  →  甲局@2024r2/department-targets\n"
        " project                    3  1 added, 1 removed, 1 modified\n"
        " 3 changes: 1 added, 1 removed, 1 modified, 0 renamed, 0 moved\n"
        " projects 项目预算数: 14 → 10073.48 万元 (+10059.48, +71853.43%)\n",
        "",
    )
    assert ledger(two, *args, "--name-only") == (
        0,
        f"project\t培训经费\nproject\t{HOSTILE}\nproject\t旧项目\n",
        "",
    )
    assert ledger(two, *args, "-q") == (1, "", "")
    assert ledger(two, "diff", "甲局@2024r1", "甲局@2024r1", "-q") == (0, "", "")


def test_pager_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAGER", "more")
    monkeypatch.setenv("LEDGER_PAGER", "less -S")
    assert pager_command() == "less -S"
    monkeypatch.setenv("LEDGER_PAGER", "cat")
    assert pager_command() is None
    monkeypatch.delenv("LEDGER_PAGER")
    assert pager_command() == "more"


def test_color_always_and_never(two: Path) -> None:
    args = ["diff", "甲局@2024r1", "甲局@2024r2"]
    assert "\x1b[" in runner.invoke(app, ["--db", str(two), "--color", "always", *args]).stdout
    assert "\x1b[" not in runner.invoke(app, ["--db", str(two), "--color", "never", *args]).stdout


@pytest.mark.parametrize(
    "command", [["snapshots"], ["departments"], ["log"], ["show", "1"], ["findings"], ["history", "甲局"]]
)
@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv", "md"])
def test_every_listing_has_every_format(two: Path, command: list[str], fmt: str) -> None:
    code, out, err = ledger(two, *command, "-f", fmt)
    assert code == 0, err
    if fmt == "json":
        json.loads(out)
    elif fmt == "jsonl":
        assert all(json.loads(line) is not None for line in out.splitlines())
    elif fmt == "csv":
        assert not out.startswith("\ufeff") and "," in out.splitlines()[0]
    elif fmt == "md":
        assert out.splitlines()[1].startswith("|---")


def test_log_shows_department_at_year(two: Path) -> None:
    code, out, _ = ledger(two, "log", "-f", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["序号", "时间", "事件类型", "对象", "说明", "内容", "前一哈希", "哈希"]
    assert [(r[2], r[4]) for r in rows[1:3]] == [
        ("publication-received", "r1.txt"),
        ("snapshot-recorded", "甲局@2024r1/department-targets"),
    ]


# --- #21-6: document strings are text, never markup or terminal control -------------------------------------------


@pytest.mark.slow
def test_markup_and_control_characters_in_documents(tmp_path: Path, layout: None) -> None:
    db = tmp_path / "l.db"
    name = "湛江市[/]人社局"
    hostile = "[link=http://evil.example]点我[/link]\x1b[2J\x1b]0;title\x07"
    for revision, amount in (("1", "1"), ("2", "2")):
        (tmp_path / f"r{revision}.txt").write_bytes(
            publication(name, 2024, (hostile, amount), ("[bold]x[/]", amount))
        )
    code, out, err = ledger(db, "ingest", str(tmp_path / "r1.txt"), str(tmp_path / "r2.txt"))
    assert code == 0, err
    for args in (
        ["show", "1"],
        ["diff", "1", "2"],
        ["findings", "--compare", "1", "2"],
        ["history", "湛江市", "--project", "link"],
        ["snapshots"],
        ["log"],
    ):
        code, out, err = ledger(db, *args)
        assert code == 0, (args, err)
        assert "\x1b" not in out and "\x07" not in out, args
    code, out, _ = ledger(db, "diff", "1", "2")
    assert "[link=http://evil.example]点我[/link][2J]0;title" in out
    assert "[bold]x[/]" in out
    assert "湛江市[/]人社局" in ledger(db, "snapshots")[1]
