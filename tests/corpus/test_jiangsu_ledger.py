"""The real Jiangsu disclosures in a ledger: one department per real department whatever the order of ingest or
the spelling of the name, and every consecutive pair of years comparable from the CLI — a year that came as one
combined file against one that came as a tables file and a narrative, like with like.

Amounts are the reader's business (tests of the layout); these tests assert identity and comparability.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from ledger.pipeline.ingest import ingest_bytes, ingest_paths
from ledger.store import Ledger
from tests.support import key_value_layout, publication

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "jiangsu"
CPPCC = "江苏省政协办公厅"
COURT = "江苏省高级人民法院"
runner = CliRunner()


def _files() -> list[Path]:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not present: {CORPUS}")
    return sorted(CORPUS.rglob("*.pdf"))


def _cli(db: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", db, *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("order", ["sorted", "reversed"])
def test_one_department_each_and_every_year_comparable(order: str, tmp_path: Path) -> None:
    files = _files() if order == "sorted" else list(reversed(_files()))
    db = str(tmp_path / "ledger.db")
    with Ledger(db) as ledger:
        assert {o.status for o in ingest_paths(ledger, files)} == {"recorded"}
    departments = json.loads(_cli(db, "departments", "-f", "json")[1])
    assert {d["name"]: d["years"] for d in departments} == {
        CPPCC: [2017, 2018, 2019],
        COURT: [2017, 2018, 2019],
    }
    for department in (CPPCC, COURT):
        for year in (2018, 2019):
            code, out, err = _cli(db, "diff", department, "--year", str(year), "-f", "json")
            assert code == 0, err
            loaded = json.loads(out)
            results = loaded if isinstance(loaded, list) else [loaded]
            for result in results:
                assert result["scope"] == "yoy"
                assert (result["old"]["fiscal_year"], result["new"]["fiscal_year"]) == (year - 1, year)
                assert result["old"]["document_kind"] == result["new"]["document_kind"]  # like with like
                assert result["old"]["source"].endswith(".pdf") and result["new"]["source"].endswith(".pdf")
            kinds = sorted(r["new"]["document_kind"] for r in results)
            expected = ["budget-narrative", "budget-tables"] if department == CPPCC else ["budget-disclosure"]
            assert kinds == expected
    code, out, _ = _cli(db, "history", CPPCC, "-f", "json")
    assert code == 0
    firsts = [v["ref"] for v in json.loads(out) if not v["diffs"]]
    assert all("@2017" in ref for ref in firsts)  # only the first year is a "first version"
    assert _cli(db, "verify")[0] == 0


def test_name_variants_join_the_corpus_departments(tmp_path: Path) -> None:
    """Later files spelled another official way (or with the court's short name) join the same department, and a
    combined year compares with a tables year on the tables."""
    files = [f for f in _files() if "2019" in f.name]
    db = str(tmp_path / "ledger.db")
    with Ledger(db) as ledger:
        ingest_paths(ledger, files)
        with key_value_layout():
            for name, year, kind in (
                ("中国人民政治协商会议江苏省委员会办公厅", 2020, "budget-disclosure"),
                ("政协江苏省委员会办公厅", 2021, "budget-tables"),
            ):
                outcome = ingest_bytes(ledger, publication(name, year, ("a", "1"), kind=kind), name=name)
                assert outcome.ref is not None and outcome.ref.startswith(f"{CPPCC}@{year}")
                assert outcome.department_match == "key"
            court = ingest_bytes(
                ledger, publication("省法院", 2020, ("a", "1"), kind="budget-tables"), name="c"
            )
            assert (court.ref, court.department_match) == (f"{COURT}@2020r1/budget-tables", "region")
    assert sorted(d["name"] for d in json.loads(_cli(db, "departments", "-f", "json")[1])) == sorted(
        [CPPCC, COURT]
    )
    assert _cli(db, "diff", COURT, "--year", "2020")[0] == 0  # a tables year after a combined one
    for year, pairs in (
        (2020, [("budget-narrative", "budget-disclosure"), ("budget-tables", "budget-disclosure")]),
        (2021, [("budget-disclosure", "budget-tables")]),
    ):
        code, out, err = _cli(db, "diff", CPPCC, "--year", str(year), "-f", "json")
        assert code == 0, err
        loaded = json.loads(out)
        results = loaded if isinstance(loaded, list) else [loaded]
        assert sorted((r["old"]["document_kind"], r["new"]["document_kind"]) for r in results) == pairs
        assert all(r["scope"] == "yoy" for r in results)
