"""The benchmark harness must not rot: each script runs at its tiniest size and reports (nothing is timed here).

The scripts are called in-process through their ``main(argv)`` with ``--quick --json FILE``; the test checks that
each wrote a report with a machine description and at least one table with rows. ``bench.generate`` is checked
for what the benchmarks rely on: determinism, distinct bytes, and planted mutations that reparse as planted.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bench import cli, diff, generate, git_history, history, ingest, parse
from ledger.pipeline.parse import parse_publication

SCRIPTS: dict[str, Callable[[list[str] | None], int]] = {
    "parse": parse.main,
    "ingest": ingest.main,
    "diff": diff.main,
    "history": history.main,
    "cli": cli.main,
}


def _report(path: Path) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    assert report["machine"]["nproc"] >= 1
    assert report["tables"], "the report has no tables"
    assert all(table["rows"] for table in report["tables"]), "a table has no rows"
    return report


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_each_script_runs_quick_and_reports(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"{name}.json"
    assert SCRIPTS[name](["--quick", "--json", str(out)]) == 0
    report = _report(out)
    assert report["benchmark"] in capsys.readouterr().out


@pytest.mark.slow
def test_the_ingest_report_splits_parse_derive_and_store_time(tmp_path: Path) -> None:
    out = tmp_path / "ingest.json"
    ingest.main(["--quick", "--json", str(out)])
    report = _report(out)
    summary = report["tables"][0]
    row = dict(zip(summary["columns"], summary["rows"][0], strict=True))
    assert row["parse ms/pub"] > 0
    # Ingest derives (diffs, findings): that time must be seen, not silently counted as storing.
    assert report["derives"] is True
    assert row["derive ms/pub"] > 0


def test_git_history_side_by_side_runs_quick(tmp_path: Path) -> None:
    if shutil.which("git") is None or not Path(git_history.GIT_HISTORY).exists():
        pytest.skip("git or git-history is not installed (git-history is a benchmark-only tool)")
    out = tmp_path / "git_history.json"
    assert git_history.main(["--quick", "--json", str(out)]) == 0
    tools = [row[0] for row in _report(out)["tables"][0]["rows"]]
    assert tools[:2] == ["ledger ingest", "git-history file --id code"]


@pytest.mark.slow
def test_the_diff_report_judges_the_engine_against_the_planted_mutations(tmp_path: Path) -> None:
    out = tmp_path / "diff.json"
    diff.main(["--quick", "--json", str(out)])
    report = _report(out)
    pairs = report["pairs"]
    assert {"laoting revision", "laoting yoy"} <= set(pairs)
    assert all(pair["planted_verified_by_reparse"] for pair in pairs.values())


@pytest.fixture(scope="module")
def laoting() -> generate.Catalogue:
    return generate.build_catalogue(generate.load_seeds(["laoting"])[0], per_kind=2)


@pytest.mark.slow
def test_the_catalogue_has_every_kind_of_mutation_for_a_seed_with_projects(
    laoting: generate.Catalogue,
) -> None:
    assert {kind for kind, found in laoting.mutations.items() if found} == set(generate.KINDS)


def test_planted_mutations_applied_together_reparse_to_the_expected_snapshot(
    laoting: generate.Catalogue,
) -> None:
    chosen = generate.pick_mutations(laoting, random.Random(1), 6)
    assert len(chosen) >= 4
    assert generate.verifies(laoting.seed, chosen)


def test_the_corpus_is_deterministic_with_distinct_publications(laoting: generate.Catalogue) -> None:
    plan = generate.CorpusPlan(12, years=(2023, 2024), revisions=2)
    first = [v.data() for v in generate.generate(plan, [laoting])]
    again = [v.data() for v in generate.generate(plan, [laoting])]
    assert first == again
    assert len(set(first)) == len(first)


def test_a_generated_version_parses_as_its_department_and_year(laoting: generate.Catalogue) -> None:
    version = generate.version_at(generate.CorpusPlan(30), [laoting], 17)
    snapshot = parse_publication(version.data(), version.filename).snapshot
    assert (snapshot.department.name, snapshot.fiscal_year) == (version.department, version.fiscal_year)
    assert version.department != laoting.seed.snapshot.department.name


@pytest.mark.parametrize(
    ("raw", "number", "op", "expected"),
    [
        ("≥90%", "90", ">=", ("≥94%", "tightened")),
        ("≥100%", "100", ">=", ("≥95%", "loosened")),
        ("≤227万元", "227", "<=", ("≤216万元", "tightened")),
        ("≥1700人", "1700", ">=", ("≥1785人", "tightened")),
        ("及时", None, None, None),
    ],
)
def test_changed_values_move_the_number_in_a_known_direction(
    raw: str, number: str | None, op: str | None, expected: tuple[str, str] | None
) -> None:
    from decimal import Decimal

    assert generate.changed_value(raw, Decimal(number) if number else None, op) == expected


@pytest.mark.parametrize(("raw", "variant"), [("≥95%", "≧95%"), ("≤18万元", "≦18万元"), ("100%", "100％")])
def test_same_meaning_variants_differ_in_text_only(raw: str, variant: str) -> None:
    assert generate.same_meaning_variant(raw) == variant


def test_years_shift_in_dates_and_code_years_but_not_in_amounts_or_quoted_notices() -> None:
    text = "2024年预算\n秦财企[2023]649号-下达2023年资金\n\t13022524P0008F010032K\n\t2024.00\n\t≥2000人\n预算年度：2024"
    shifted = generate.shift_years(text, 1)
    assert shifted == (
        "2025年预算\n秦财企[2023]649号-下达2023年资金\n\t13022525P0008F010032K\n\t2024.00\n\t≥2000人\n预算年度：2025"
    )


@pytest.mark.slow
def test_the_bulk_build_records_every_version_in_batches(tmp_path: Path) -> None:
    out = tmp_path / "bulk.json"
    ingest.main(["--quick", "--bulk", "--workers", "1", "--batch", "4", "--json", str(out)])
    summary = _report(out)["tables"][0]
    row = dict(zip(summary["columns"], summary["rows"][0], strict=True))
    assert row["versions"] == 10 and "'recorded': 10" in str(row["outcomes"])
