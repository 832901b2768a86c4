"""A department's year is one version for comparison whatever files it came in: a combined disclosure, or a
tables file and a narrative. Year over year, revision by revision and history compare like with like and say which
file each side came from."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.support import key_value_layout, publication

runner = CliRunner()
OFFICE = "江苏省人大常委会办公厅"
#: (file, year, kind): 2018 combined, 2019 in two parts, 2020 combined again.
FILES = [
    ("2018-combined.txt", 2018, "budget-disclosure"),
    ("2019-tables.txt", 2019, "budget-tables"),
    ("2019-narrative.txt", 2019, "budget-narrative"),
    ("2020-combined.txt", 2020, "budget-disclosure"),
]


def _ledger(tmp_path: Path, order: list[tuple[str, int, str]]) -> str:
    db = str(tmp_path / "ledger.db")
    paths = []
    for name, year, kind in order:
        path = tmp_path / name
        path.write_bytes(publication(OFFICE, year, ("办公经费", str(year - 2000)), kind=kind))
        paths.append(str(path))
    with key_value_layout():
        result = runner.invoke(app, ["--db", db, "ingest", *paths])
    assert result.exit_code == 0, result.stderr
    return db


def _json(db: str, *args: str) -> Any:
    result = runner.invoke(app, ["--db", db, *args, "-f", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _sides(results: Any) -> list[tuple[str, str, list[str], str]]:
    found = results if isinstance(results, list) else [results]
    return sorted((r["old"]["source"], r["new"]["source"], r["new"]["facets"], r["scope"]) for r in found)


@pytest.mark.slow
@pytest.mark.parametrize("order", [FILES, list(reversed(FILES))], ids=["in-order", "reversed"])
def test_years_in_one_file_and_in_two_compare_like_with_like(
    tmp_path: Path, order: list[tuple[str, int, str]]
) -> None:
    db = _ledger(tmp_path, order)
    assert _sides(_json(db, "diff", OFFICE, "--year", "2019")) == [
        ("2018-combined.txt", "2019-narrative.txt", ["narrative"], "yoy"),
        ("2018-combined.txt", "2019-tables.txt", ["tables"], "yoy"),
    ]
    assert _sides(_json(db, "diff", OFFICE, "--year", "2020")) == [
        ("2019-narrative.txt", "2020-combined.txt", ["narrative"], "yoy"),
        ("2019-tables.txt", "2020-combined.txt", ["tables"], "yoy"),
    ]
    assert _sides(_json(db, "diff", OFFICE, "--year", "2019", "--kind", "budget-tables")) == [
        ("2018-combined.txt", "2019-tables.txt", ["tables"], "yoy")
    ]
    history = _json(db, "history", OFFICE)
    assert isinstance(history, list)
    bases = {
        v["source"]: sorted((d["base_source"], d["facets"], d["scope"]) for d in v["diffs"]) for v in history
    }
    assert bases == {
        "2018-combined.txt": [],
        "2019-tables.txt": [("2018-combined.txt", ["tables"], "yoy")],
        "2019-narrative.txt": [("2018-combined.txt", ["narrative"], "yoy")],
        "2020-combined.txt": [
            ("2019-narrative.txt", ["narrative"], "yoy"),
            ("2019-tables.txt", ["tables"], "yoy"),
        ],
    }
    tables_history = _json(db, "history", OFFICE, "--kind", "budget-tables")
    assert isinstance(tables_history, list)
    assert sorted(v["source"] for v in tables_history) == [
        "2018-combined.txt",
        "2019-tables.txt",
        "2020-combined.txt",
    ]
    timeline = _json(db, "history", OFFICE, "--project", "办公经费")
    assert isinstance(timeline, list)
    assert [(s["fiscal_year"], s["value"]) for s in timeline[0]["steps"]] == [
        (2018, "18"),
        (2019, "19"),
        (2019, "19"),
        (2020, "20"),
    ]


def test_revisions_compare_each_file_with_the_one_before_it_on_the_same_part(tmp_path: Path) -> None:
    db = _ledger(tmp_path, FILES[1:3])
    later = [
        ("2019-tables-corrected.txt", "budget-tables", "19.5"),
        ("2019-combined.txt", "budget-disclosure", "20"),
    ]
    paths = []
    for name, kind, amount in later:
        path = tmp_path / name
        path.write_bytes(publication(OFFICE, 2019, ("办公经费", amount), kind=kind))
        paths.append(str(path))
    with key_value_layout():
        assert runner.invoke(app, ["--db", db, "ingest", *paths]).exit_code == 0
    assert _sides(_json(db, "diff", f"{OFFICE}@2019", "--revisions")) == [
        ("2019-narrative.txt", "2019-combined.txt", ["narrative"], "revision"),
        ("2019-tables-corrected.txt", "2019-combined.txt", ["tables"], "revision"),
        ("2019-tables.txt", "2019-tables-corrected.txt", [], "revision"),
    ]
    history = {v["source"]: v["diffs"] for v in _json(db, "history", OFFICE)}
    assert [(d["base_source"], d["facets"], d["scope"]) for d in history["2019-combined.txt"]] == [
        ("2019-tables-corrected.txt", ["tables"], "revision")
    ]
    assert _sides(_json(db, "diff", f"{OFFICE}@2019/budget-tables", "--revisions")) == [
        ("2019-tables-corrected.txt", "2019-combined.txt", ["tables"], "revision"),
        ("2019-tables.txt", "2019-tables-corrected.txt", [], "revision"),
    ]


def test_a_tables_file_and_a_narrative_are_a_cross_kind_comparison(tmp_path: Path) -> None:
    db = _ledger(tmp_path, FILES[1:3])
    result = _json(db, "diff", f"{OFFICE}@2019/budget-tables", f"{OFFICE}@2019/budget-narrative")
    assert isinstance(result, dict) and result["scope"] == "cross-kind"
