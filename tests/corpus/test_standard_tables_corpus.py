"""Every standard table of the shared corpus read and reconciled; no false totals findings; FIDELITY.md current.

Figures checked by hand with pdfplumber's page text (``page.extract_text()``):

* 省法院2018年度部门预算公开.pdf p. 10: 支出预算总表 ``合计 33,172.15 | 基本支出 18,570.82 | 项目支出 11,343.27 |
  单位预留机动经费 3,258.06`` (结转下年资金 blank) — the grid puts 18,570.82 a column left of its heading; p. 10–11
  财政拨款收支预算总表 ``一、一般公共预算 33,172.15`` … ``收入合计 33,172.15 支出合计 33,172.15``, each label and
  amount in one grid cell.
* 江苏省高级人民法院2019年度部门预算公开.pdf, 公开09表 “三公”经费、会议费、培训费支出预算表: 合计 2,382.02, 小计
  513.75, 因公出国（境）费 160.00, 公务用车购置及运行维护费 266.80, 公务用车购置费 blank, 运行维护费 266.80,
  公务接待费 86.95, 会议费 271.02, 培训费 1,597.25.
"""

from __future__ import annotations

import importlib.util
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest

from ledger.findings import find
from ledger.findings.totals import RULE
from ledger.layouts.common import AmountReader, captioned_tables
from ledger.layouts.fidelity import read_tables
from ledger.layouts.standard_tables import check_fiscal_statement, expenditure_summary
from ledger.pipeline.parse import parse_publication
from tests.corpus.test_jiangsu_corpus import COURT, CPPCC, TABLE_FILES, parsed

pytestmark = [pytest.mark.corpus, pytest.mark.slow]  # each file takes seconds to read

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "corpus"
STANDARD_KINDS = {
    "statement",
    "income",
    "expenditure",
    "fiscal-statement",
    "fiscal-function",
    "fiscal-economic",
    "general-function",
    "general-economic",
    "three-public",
    "government-fund",
    "operating-costs",
    "procurement",
}


def _corpus() -> Path:
    if not SHARED.exists():
        pytest.skip(f"corpus not present: {SHARED}")
    return SHARED


@pytest.mark.parametrize("name", TABLE_FILES)
def test_every_standard_table_is_read_whole_and_reconciles(name: str) -> None:
    document = parsed(name).document
    readings = read_tables(document)
    assert {reading.kind for reading in readings} == STANDARD_KINDS
    for reading in readings:
        assert (reading.read, reading.mismatches, reading.unread) == (reading.amounts, [], []), reading
    checked = {reading.kind for reading in readings if reading.checks}
    assert checked >= STANDARD_KINDS - {"income", "government-fund"}  # both may print no total to check


def test_a_summary_amount_a_column_off_its_heading_and_merged_label_cells() -> None:
    blocks = parsed(f"{COURT}/省法院2018年度部门预算公开.pdf").document.blocks
    tables = {found.kind: found.table for found in captioned_tables(blocks) if found.kind}
    reader = AmountReader()
    assert expenditure_summary(tables["expenditure"], reader, "支出预算总表") == {
        "合计": Decimal("33172.15"),
        "基本支出": Decimal("18570.82"),
        "项目支出": Decimal("11343.27"),
        "单位预留机动经费": Decimal("3258.06"),
        "结转下年资金": None,
    }
    assert check_fiscal_statement(tables["fiscal-statement"], reader, "财政拨款收支预算总表") == Decimal(
        "33172.15"
    )
    assert reader.warnings == []


def test_three_public_with_a_blank_car_purchase_cell() -> None:
    accounts = parsed(f"{COURT}/江苏省高级人民法院2019年度部门预算公开.pdf").snapshot.accounts
    assert accounts is not None
    assert accounts.three_public == {
        "合计": Decimal("2382.02"),
        "“三公”经费小计": Decimal("513.75"),
        "因公出国（境）费": Decimal("160.00"),
        "公务用车购置及运行维护费": Decimal("266.80"),
        "公务用车购置费": None,
        "公务用车运行维护费": Decimal("266.80"),
        "公务接待费": Decimal("86.95"),
        "会议费": Decimal("271.02"),
        "培训费": Decimal("1597.25"),
    }


@pytest.mark.parametrize(
    "name",
    [
        f"{COURT}/江苏省高级人民法院2019年度部门预算公开.pdf",
        f"{CPPCC}/2017年度部门预算公开表.pdf",
        f"{CPPCC}/江苏省政协办公厅2018年度部门预算.pdf",
    ],
)
def test_no_totals_mismatch_where_the_reserve_line_explains_it(name: str) -> None:
    """本年支出合计 = 基本支出 + 项目支出 + 单位预留机动经费, tables and narrative alike."""
    snapshot = parsed(name).snapshot
    assert [f.message for f in find(snapshot) if f.rule == RULE and f.severity == "error"] == []
    assert "单位预留机动经费" in [line.name for line in snapshot.budget_overview.expenditure]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fidelity_report", ROOT / "scripts" / "fidelity_report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fidelity_md_is_the_scripts_output_on_the_corpus() -> None:
    """docs/FIDELITY.md is regenerated (``python scripts/fidelity_report.py --write``), never hand-edited."""
    text = _script().report(_corpus())
    assert text == (ROOT / "docs" / "FIDELITY.md").read_text(encoding="utf-8")
    assert "| 0 | 0 |\n" in text  # the summary's last columns: no mismatches, no findings


def test_zero_totals_mismatch_findings_on_the_corpus() -> None:
    """Every file of the corpus (tables, narratives, workbooks): the documents' figures reconcile, so no finding."""
    errors = []
    for path in sorted(p for p in _corpus().rglob("*") if p.is_file()):
        name = str(path.relative_to(_corpus() / "jiangsu")) if "jiangsu" in path.parts else None
        snapshot = parsed(name).snapshot if name else parse_publication(path.read_bytes(), path.name).snapshot
        errors += [(path.name, f.message) for f in find(snapshot) if f.rule == RULE and f.severity == "error"]
    assert errors == []
