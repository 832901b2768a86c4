"""The claims of the real Jiangsu narratives (2017–2019), read and checked end to end through a ledger.

Counted by hand: the text of each PDF, whitespace and page numbers removed, searched for 与上年 / 比上年 / 较上年 /
与 2016 年度相比 / 比 2016 年; every hit read, and the hits that state no figure against last year set aside:

* 江苏省政协办公厅2017年度部门预算.pdf — 38 hits, 37 claims; not a claim: p. 6 "与2016年度相比增加的原因主要是…"
  (a reason). 1 unmatched: p. 6 "部门支出预算安排与2016年度相比（…为8,648.07万元），增加498.72万元" (its figure is last
  year's). 1 unchecked: p. 6 "项目支出、单位预留机动经费与上年数一致" (no figure, and 2016 is not in the ledger).
* 江苏省政协办公厅2018年度部门预算.pdf — 32 hits, 32 claims. Unmatched: 政府性基金支出 0 (no table of it) and
  国有资本经营预算收入 0 (p. 15). 机关运行经费 1,115.85, "减少 2,233.13 万元，下降 66.69%": 2017's table says
  3,348.98, and 2,233.13 / 3,348.98 = 66.68 %.
* 江苏省政协办公厅2019年度部门预算.pdf — 34 hits, 33 claims; not a claim: p. 17 "公用定额数比上年增加，支出数相应
  增加" (in a reason). Unmatched: 政府性基金支出 0.
* 省法院2017年度部门预算公开.pdf — 28 hits, 25 claims; not claims: p. 22 "较上年压减200万元" (in a reason), p. 24
  "统计口径与上年不一致" and "按与上年统计口径一致相比" (the same sentence's "本年比上年减少 161.96 万元" is a claim,
  about no named figure: unmatched). p. 22 提租补贴 1,959.99 "增加 865.57 万元，增长 79.05%": 865.57 / 1,094.42 =
  79.09 %. The court's narratives write 法院（款）一般行政事务管理（项）, its tables 一般行政管理事务 (2040502): matched
  as the same characters transposed under 法院.
* 省法院2018年度部门预算公开.pdf — 30 hits, 29 claims; not a claim: p. 23 "统计口径与上年不一致". p. 19
  一般行政事务管理 6,049.97 "减少 392.92 万元，下降 5.95%": the tables give 6,049.97 − 6,432.89 = −382.92 (and
  −382.92 / 6,432.89 is the −5.95 % stated; 392.92 / 6,442.89 = 6.10 % is not).
* 江苏省高级人民法院2019年度部门预算公开.pdf — 30 hits, 29 claims; not a claim: p. 18 "较上年压减10%" (in a reason).

Every other claim agrees with the tables of its year, with last year's tables where the ledger has them, and with
its own arithmetic, to the precision it was printed in.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.corpus.test_jiangsu_corpus import CORPUS, COURT, CPPCC

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

runner = CliRunner()

#: ref → (claims counted by hand, verdicts of the claims that do not simply agree: (subject, verdict, page))
EXPECTED: dict[str, tuple[int, list[tuple[str, str, int]]]] = {
    f"{CPPCC}@2017/budget-narrative": (
        37,
        [("部门支出预算安排", "unmatched", 6), ("项目支出、单位预留机动经费", "unchecked", 6)],
    ),
    f"{CPPCC}@2018/budget-narrative": (
        32,
        [
            ("政府性基金支出预算支出", "unmatched", 15),
            ("一般公共预算机关运行经费预算支出", "disagrees-with-last-year", 15),
            ("国有资本经营预算收入", "unmatched", 15),
        ],
    ),
    f"{CPPCC}@2019/budget-narrative": (33, [("政府性基金支出预算支出", "unmatched", 16)]),
    f"{COURT}@2017": (
        25,
        [("住房改革支出（款）提租补贴（项）支出", "arithmetic-off", 22), ("本年", "unmatched", 24)],
    ),
    f"{COURT}@2018": (29, [("法院（款）一般行政事务管理（项）支出", "disagrees-with-last-year", 19)]),
    f"{COURT}@2019": (29, []),
}


def ledger(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every Jiangsu file, ingested one by one in name order (narratives before their tables for 2018 and 2019)."""
    if not CORPUS.exists():
        pytest.skip(f"corpus not present: {CORPUS}")
    path = tmp_path_factory.mktemp("claims") / "l.db"
    for file in sorted(CORPUS.glob("*/*.pdf")):
        code, _, err = ledger(path, "ingest", str(file))
        assert code == 0, err
    return path


def _claims(db: Path, ref: str) -> dict[str, object]:
    code, out, err = ledger(db, "claims", ref, "-f", "json")
    assert code == 0, err
    report: dict[str, object] = json.loads(out)
    return report


@pytest.mark.parametrize("ref", sorted(EXPECTED))
def test_every_claim_is_read_matched_or_reported_and_judged(db: Path, ref: str) -> None:
    count, exceptions = EXPECTED[ref]
    report = _claims(db, ref)
    claims = report["claims"]
    assert isinstance(claims, list)
    assert len(claims) == count
    odd = [
        (c["statement"]["subject"], c["verdict"], c["statement"]["page"])
        for c in claims
        if c["verdict"] != "agrees"
    ]
    assert odd == exceptions
    for claim in claims:  # matched to a table entity, or reported unmatched
        assert (claim["entity"] is None) == (claim["table_amount"] is None)
        if claim["verdict"] != "unmatched":
            assert claim["entity"] is not None or claim["verdict"] == "arithmetic-off"


def test_a_narrative_is_checked_against_the_tables_published_apart_from_it(db: Path) -> None:
    report = _claims(db, f"{CPPCC}@2019/budget-narrative")
    assert (report["tables"], report["previous"]) == (
        f"{CPPCC}@2019r1/budget-tables",
        f"{CPPCC}@2018r1/budget-tables",
    )
    claims = report["claims"]
    assert isinstance(claims, list)
    rent = next(c for c in claims if c["statement"]["subject"] == "住房改革支出（款）提租补贴（项）")
    assert rent["entity"] == "fiscal_function_line:2210202#total"
    assert [(c["check"], c["stated"], c["computed"]) for c in rent["checks"]] == [
        ("tables", "1754.17", "1754.17"),
        ("last-year", "646.57", "646.57"),
        ("last-year", "58.38", "58.3758"),
        ("arithmetic", "58.38", "58.3758"),
    ]


def test_the_checks_ran_on_ingest_whatever_the_order(db: Path) -> None:
    """The 2018 narrative was ingested before its tables; its stored findings still have the checks against them."""
    code, out, err = ledger(db, "findings", f"{CPPCC}@2018/budget-narrative", "-f", "json")
    assert code == 0, err
    rules = Counter(f["rule"] for f in json.loads(out)["findings"] if f["rule"].startswith("claim-"))
    assert rules == Counter(
        {"claim-unmatched": 2, "claim-disagrees-with-last-year": 1, "claim-arithmetic-off": 1}
    )


def test_year_over_year_changes_carry_the_stated_reason(db: Path) -> None:
    code, out, err = ledger(
        db, "diff", COURT, "--year", "2019", "--entity", "fiscal_function_line", "-f", "json"
    )
    assert code == 0, err
    changes = {c["key"]: c for c in json.loads(out)["changes"]}
    assert changes["2040503"]["delta"] == "-200"
    assert (changes["2040503"]["stated_delta"], changes["2040503"]["stated_reason"]) == (
        "-200",
        "机关后勤保障经费预算安排减少",
    )
    assert changes["2040502"]["stated_delta"] == "-245.14"  # the narrative names it 一般行政事务管理


def test_tables_published_apart_from_the_narrative_show_its_reasons(db: Path) -> None:
    code, out, err = ledger(db, "diff", CPPCC, "--year", "2019", "--kind", "budget-tables", "-f", "md")
    assert code == 0, err
    assert (
        "| 2210202 提租补贴 | modified 修改 | 合计 | 1107.6 | 1754.17 | +646.57 | +58.38% |  | code |  | "
        "stated +646.57 (+58.38%): 提租补贴基数调整，支出增加 |"
    ) in out


def test_reparse_brings_a_snapshot_from_before_the_claims_up_to_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ledger whose narrative was parsed by version 1 of the layout (no statements) gets them by ``reparse``."""
    if not CORPUS.exists():
        pytest.skip(f"corpus not present: {CORPUS}")
    from ledger.layouts.jiangsu_budget import JiangsuBudgetLayout

    current = JiangsuBudgetLayout.parse
    monkeypatch.setattr(JiangsuBudgetLayout, "version", "1")
    monkeypatch.setattr(
        JiangsuBudgetLayout,
        "parse",
        lambda self, document: current(self, document).model_copy(update={"statements": []}),
    )
    path = tmp_path / "l.db"
    code, _, err = ledger(path, "ingest", str(CORPUS / CPPCC / "江苏省政协办公厅2019年度部门预算.pdf"))
    assert code == 0, err
    assert _claims(path, f"{CPPCC}@2019")["claims"] == []
    monkeypatch.undo()
    code, out, err = ledger(path, "reparse")
    assert code == 0, err
    assert "reparsed" in out
    claims = _claims(path, f"{CPPCC}@2019")["claims"]
    assert isinstance(claims, list) and len(claims) == 33
    code, out, err = ledger(path, "verify")
    assert code == 0, err


#: The README's examples on this corpus: the command as shown there, and the arguments that print its full output.
README_EXAMPLES = {
    "claims 江苏省政协@2018/budget-narrative -f md": (
        "claims",
        "江苏省政协@2018/budget-narrative",
        "-f",
        "md",
    ),
    "diff 江苏省政协 --year 2019 --kind budget-tables --entity fiscal_function_line -f md": (
        "diff",
        "江苏省政协",
        "--year",
        "2019",
        "--kind",
        "budget-tables",
        "--entity",
        "fiscal_function_line",
        "-f",
        "md",
    ),
}


@pytest.mark.parametrize("command", sorted(README_EXAMPLES))
def test_the_readme_excerpts_are_what_the_commands_print(db: Path, command: str) -> None:
    """The README's table rows (an excerpt) are lines the command prints."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split(f"$ ledger {command}", 1)[1].split("```", 1)[0]
    shown = [line for line in block.splitlines()[1:] if line.startswith("| ") and "---" not in line]
    code, out, err = ledger(db, *README_EXAMPLES[command])
    assert code == 0, err
    assert len(shown) >= 3
    assert [line for line in shown if line not in out.splitlines()] == []
