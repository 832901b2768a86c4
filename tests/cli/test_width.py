"""The diff at 80 and 120 columns: no number is ever cut or wrapped, no line is wider than the terminal; labels
wrap. And piped (not a terminal), a row is one line."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

from cli.main import app
from cli.render_diff import render_diff
from ledger.diff.records import DiffResult
from ledger.report.terminal import grouped

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()
pytestmark = pytest.mark.slow  # the module's ledger takes a few seconds to build


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> list[DiffResult]:
    db = str(tmp_path_factory.mktemp("width") / "ledger.db")
    samples = ROOT / "samples"
    ingest = runner.invoke(
        app, ["--db", db, "ingest", *(str(samples / d) for d in ("seeds", "haigang", "laoting"))]
    )
    assert ingest.exit_code == 0, ingest.stderr
    found = []
    for args in (["乐亭县", "--year", "2024"], ["海港区", "--year", "2025"], ["海港区@2024", "--revisions"]):
        out = runner.invoke(app, ["--db", db, "diff", *args, "-f", "json"]).stdout
        data = json.loads(out)
        found += [DiffResult.model_validate(d) for d in (data if isinstance(data, list) else [data])]
    return found


def _numbers(result: DiffResult) -> set[str]:
    """Every number the terminal report shows, as it shows it (money with two places and grouped thousands)."""
    money = {"budget_line", "accounts", "account_line", "function_line", "fiscal_function_line",
             "economic_line", "procurement_line", "asset_line", "project"}  # fmt: skip
    shown = set()
    for change in result.changes:
        places = 2 if change.entity in money else None
        for value in (change.old, change.new):
            if isinstance(value, Decimal):
                shown.add(grouped(value, places=places))
        if change.delta is not None:
            shown.add(grouped(change.delta, places=places).lstrip("-"))
        if change.pct is not None:
            shown.add(f"{abs(change.pct):,f}%")
    return shown


@pytest.mark.parametrize("width", [80, 120])
def test_no_number_is_cut_and_no_line_is_too_wide(results: list[DiffResult], width: int) -> None:
    checked = 0
    for result in results:
        console = Console(record=True, width=width, color_system=None, force_terminal=False)
        console.print(render_diff(result, width=width))
        lines = console.export_text().splitlines()
        assert max(cell_len(line) for line in lines) <= width
        tokens = {token for line in lines for token in re.split(r"\s+", line) if token}
        for number in _numbers(result):
            assert any(number in token for token in tokens), f"{number} is cut at {width} columns"
            checked += 1
    assert checked > 40


def test_piped_rows_are_one_line_each(results: list[DiffResult], tmp_path: Path) -> None:
    db = str(tmp_path / "l.db")
    samples = ROOT / "samples"
    runner.invoke(app, ["--db", db, "ingest", str(samples / "seeds"), str(samples / "laoting")])
    out = runner.invoke(app, ["--db", db, "diff", "乐亭县", "--year", "2024"]).stdout
    # The longest label of the diff is on one line, with its change kind and numbers.
    assert re.search(r"考核奖励经费\s+modified\s+预算数\s+215\.00\s+227\.00\s+\+12\.00\s+\+5\.58%", out)
