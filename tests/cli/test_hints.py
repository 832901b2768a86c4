"""Every "say which" names commands that work: each hint an error prints is run here, as printed."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.support import key_value_layout, publication

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()
CPPCC = "江苏省政协办公厅"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The sample publications, and a department whose years came as a tables file and a narrative."""
    folder = tmp_path_factory.mktemp("hints")
    samples = ROOT / "samples"
    files = []
    for year in (2018, 2019):
        for kind in ("budget-tables", "budget-narrative"):
            path = folder / f"{year}-{kind}.txt"
            path.write_bytes(publication(CPPCC, year, ("a", str(year)), kind=kind))
            files.append(str(path))
    court = folder / "court-2019.txt"
    court.write_bytes(publication("江苏省高级人民法院", 2019, ("b", "1"), kind="budget-disclosure"))
    files.append(str(court))
    db = str(folder / "ledger.db")
    with key_value_layout():
        result = runner.invoke(
            app, ["--db", db, "ingest", str(samples / "seeds"), str(samples / "haigang"), *files]
        )
    assert result.exit_code == 0, result.stderr
    return db


def hints(stderr: str) -> list[list[str]]:
    """The commands a "say which" lists (between backticks), as argument lists without the program name."""
    assert "say which: " in stderr, stderr
    commands = [shlex.split(found) for found in re.findall(r"`([^`]+)`", stderr.split("say which: ", 1)[1])]
    assert commands and all(words[0] == "ledger" for words in commands)
    return [words[1:] for words in commands]


@pytest.mark.parametrize(
    "args",
    [
        ["show", f"{CPPCC}@2018"],  # two kinds that year
        ["show", "人力资源@2024"],  # several departments
        ["show", "人力资源@2024r2"],  # several departments; only one has a second revision
        ["diff", f"{CPPCC}@2018", f"{CPPCC}@2019/budget-tables"],
        ["show", "江苏@2019"],  # several departments, one of them with two kinds that year
        ["diff", "江苏", "--year", "2019"],  # several departments, one with a 2018 to compare with
        ["diff", "人力资源@2024", "--revisions"],
        ["findings", f"{CPPCC}@2019"],
        ["history", "人力资源"],
    ],
)
def test_each_hint_runs_as_printed(db: str, args: list[str]) -> None:
    result = runner.invoke(app, ["--db", db, *args])
    assert result.exit_code == 1
    for command in hints(result.stderr):
        assert command[:2] == ["--db", db]
        rerun = runner.invoke(app, command)
        assert rerun.exit_code == 0, (command, rerun.stderr)


def test_no_hint_when_nothing_would_work(db: str) -> None:
    result = runner.invoke(app, ["--db", db, "diff", "人力资源", "--year", "2024"])
    assert result.exit_code == 1
    assert "none with 人力资源 to compare" in result.stderr and "say which" not in result.stderr


def test_an_export_hint_runs_as_printed(db: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["--db", db, "export", f"{CPPCC}@2019", "--to", str(tmp_path / "x.json")])
    assert result.exit_code == 1
    for command in hints(result.stderr):
        assert runner.invoke(app, command).exit_code == 0


def test_a_ref_with_its_kind_works_wherever_a_ref_does(db: str) -> None:
    ref = f"{CPPCC}@2019/budget-tables"
    for args in (
        ["show", ref],
        ["diff", ref],
        ["diff", ref, "--year", "2019"],
        ["diff", CPPCC, "--year", "2019", "--kind", "budget-tables"],
        ["diff", f"{CPPCC}@2018/budget-tables", ref],
        ["findings", ref],
    ):
        result = runner.invoke(app, ["--db", db, *args])
        assert result.exit_code == 0, (args, result.stderr)
    result = runner.invoke(app, ["--db", db, "diff", ref, "--year", "2018"])
    assert (result.exit_code, result.stderr) == (
        1,
        f"ledger: error: {ref} names year 2019, but --year says 2018\n",
    )
