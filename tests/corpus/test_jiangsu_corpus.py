"""The real Jiangsu provincial budget disclosures (2017–2019) in ``../shared/corpus/jiangsu``: PDF reader + layout.

Figures checked by hand against the PDFs (page numbers from 1):

* 江苏省政协办公厅 预算公开表: 收支预算总表 (p. 1) 2017 收入合计 = 支出合计 9,146.79, 基本支出 5,916.27, 项目支出
  3,123.68, 单位预留机动经费 106.84; 2018 10,150.48 (5,678.17 / 3,314.68 / 1,157.63); 2019 13,377.11
  (6,522.75 / 4,968.34 / 1,886.02). 2017 政府采购 合计 1,271.22 runs over two pages (p. 12–13).
* 江苏省高级人民法院 (files named 省法院… for 2017/2018): 2017 28,849.38; 2018 33,172.15 — its 单位预留机动经费
  (3,258.06) is printed in a cell split over three grid rows; 2019 37,188.34 (21,968.00 / 10,208.94 / 5,011.40).
  2017 财政拨款支出预算表 continues on p. 14 without a top rule: 2210201 住房公积金 1,029.15 is its first row there.
* The narratives (江苏省政协办公厅20xx年度部门预算) state the same totals: ``收入、支出预算总计 9,146.79万元``.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ledger.model import Snapshot
from ledger.pipeline.parse import ParseResult, parse_publication

pytestmark = pytest.mark.corpus

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "jiangsu"
CPPCC = "江苏省政协办公厅"
COURT = "江苏省高级人民法院"

#: file → (department, year, kind, 收入合计, 基本支出, 项目支出)
EXPECTED = {
    f"{CPPCC}/2017年度部门预算公开表.pdf": (CPPCC, 2017, "budget-tables", "9146.79", "5916.27", "3123.68"),
    f"{CPPCC}/江苏省政协办公厅2018度部门预算公开表.pdf": (
        CPPCC,
        2018,
        "budget-tables",
        "10150.48",
        "5678.17",
        "3314.68",
    ),
    f"{CPPCC}/江苏省政协办公厅2019年预算公开表.pdf": (
        CPPCC,
        2019,
        "budget-tables",
        "13377.11",
        "6522.75",
        "4968.34",
    ),
    f"{CPPCC}/江苏省政协办公厅2017年度部门预算.pdf": (
        CPPCC,
        2017,
        "budget-narrative",
        "9146.79",
        "5916.27",
        "3123.68",
    ),
    f"{CPPCC}/江苏省政协办公厅2018年度部门预算.pdf": (
        CPPCC,
        2018,
        "budget-narrative",
        "10150.48",
        "5678.17",
        "3314.68",
    ),
    f"{CPPCC}/江苏省政协办公厅2019年度部门预算.pdf": (
        CPPCC,
        2019,
        "budget-narrative",
        "13377.11",
        "6522.75",
        "4968.34",
    ),
    f"{COURT}/省法院2017年度部门预算公开.pdf": (
        COURT,
        2017,
        "budget-disclosure",
        "28849.38",
        "17123.19",
        "11543.27",
    ),
    f"{COURT}/省法院2018年度部门预算公开.pdf": (
        COURT,
        2018,
        "budget-disclosure",
        "33172.15",
        "18570.82",
        "11343.27",
    ),
    f"{COURT}/江苏省高级人民法院2019年度部门预算公开.pdf": (
        COURT,
        2019,
        "budget-disclosure",
        "37188.34",
        "21968.00",
        "10208.94",
    ),
}
TABLE_FILES = [name for name, expected in EXPECTED.items() if expected[2] != "budget-narrative"]

_parsed: dict[str, ParseResult] = {}


def parsed(name: str) -> ParseResult:
    """Each file is read once per session (the nine take about 15 s together)."""
    if not CORPUS.exists():
        pytest.skip(f"corpus not present: {CORPUS}")
    if name not in _parsed:
        _parsed[name] = parse_publication((CORPUS / name).read_bytes(), Path(name).name)
    return _parsed[name]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_identity_kind_and_totals_from_content(name: str) -> None:
    department, year, kind, total, basic, project = EXPECTED[name]
    result = parsed(name)
    snapshot = result.snapshot
    assert result.parser_name == "jiangsu-budget"
    assert (snapshot.department.name, snapshot.fiscal_year, snapshot.document_kind) == (
        department,
        year,
        kind,
    )
    accounts = snapshot.accounts
    assert accounts is not None
    assert accounts.income_total == accounts.expenditure_total == Decimal(total)
    assert (accounts.basic_expenditure, accounts.project_expenditure) == (Decimal(basic), Decimal(project))


@pytest.mark.slow
@pytest.mark.parametrize("name", TABLE_FILES)
def test_table_files_reconcile_without_warnings(name: str) -> None:
    """Every printed total is checked against its parts (statement, summaries, subject tables, 三公, 采购)."""
    snapshot = parsed(name).snapshot
    assert snapshot.warnings == []
    accounts = snapshot.accounts
    assert accounts is not None
    reserve = next(
        line.amount for line in snapshot.budget_overview.expenditure if line.name == "单位预留机动经费"
    )
    parts = (accounts.basic_expenditure, accounts.project_expenditure, reserve)
    assert None not in parts
    assert accounts.current_year_expenditure == sum((part or Decimal(0) for part in parts), Decimal(0))
    function_total = sum(
        (line.amount for line in accounts.expenditure_lines if line.amount is not None), Decimal(0)
    )
    assert function_total == accounts.current_year_expenditure
    assert accounts.fiscal_function_lines and accounts.economic_lines
    assert accounts.operating_costs is not None and accounts.government_procurement is not None
    assert accounts.three_public["合计"] is not None


def test_the_reserve_printed_across_split_grid_rows_is_read() -> None:
    snapshot = parsed(f"{COURT}/省法院2018年度部门预算公开.pdf").snapshot
    uses = {line.name: line.amount for line in snapshot.budget_overview.expenditure}
    assert uses == {
        "基本支出": Decimal("18570.82"),
        "项目支出": Decimal("11343.27"),
        "单位预留机动经费": Decimal("3258.06"),
    }
    accounts = snapshot.accounts
    assert accounts is not None
    categories = {line.name: line.amount for line in accounts.expenditure_lines if line.amount is not None}
    assert categories == {
        "公共安全支出": Decimal("26200.88"),
        "社会保障和就业支出": Decimal("2254.76"),
        "住房保障支出": Decimal("4716.51"),
    }


def test_a_table_row_after_a_page_break_without_top_rule_is_kept() -> None:
    accounts = parsed(f"{COURT}/省法院2017年度部门预算公开.pdf").snapshot.accounts
    assert accounts is not None
    lines = {line.code: line.total for line in accounts.fiscal_function_lines}
    assert lines["2210201"] == Decimal("1029.15")
    assert lines["2210202"] == Decimal("1959.99")


def test_the_procurement_table_over_two_pages_adds_up() -> None:
    accounts = parsed(f"{CPPCC}/2017年度部门预算公开表.pdf").snapshot.accounts
    assert accounts is not None
    assert accounts.government_procurement == Decimal("1271.22")
    assert [(line.name, line.amount) for line in accounts.procurement_lines] == [
        ("货物A", Decimal("259.32")),
        ("服务C", Decimal("1011.90")),
    ]


def test_three_public_expenses_of_2019() -> None:
    accounts = parsed(f"{COURT}/江苏省高级人民法院2019年度部门预算公开.pdf").snapshot.accounts
    assert accounts is not None
    assert accounts.three_public["“三公”经费小计"] == Decimal("513.75")
    assert accounts.three_public["因公出国（境）费"] == Decimal("160.00")
    assert accounts.three_public["公务接待费"] == Decimal("86.95")


@pytest.mark.slow
@pytest.mark.parametrize("year", [2017, 2018, 2019])
def test_the_narrative_and_the_tables_of_a_year_agree(year: int) -> None:
    """Two kinds of one year (not revisions of each other): the same department, year and totals."""
    tables = next(parsed(n).snapshot for n, e in EXPECTED.items() if e[:3] == (CPPCC, year, "budget-tables"))
    narrative = next(
        parsed(n).snapshot for n, e in EXPECTED.items() if e[:3] == (CPPCC, year, "budget-narrative")
    )
    assert _key(tables)[:2] == _key(narrative)[:2] and _key(tables)[2] != _key(narrative)[2]
    assert tables.accounts is not None and narrative.accounts is not None
    for field in ("income_total", "current_year_income", "basic_expenditure", "project_expenditure"):
        assert getattr(tables.accounts, field) == getattr(narrative.accounts, field), field


def _key(snapshot: Snapshot) -> tuple[str, int, str]:
    return snapshot.department.name, snapshot.fiscal_year, snapshot.document_kind
