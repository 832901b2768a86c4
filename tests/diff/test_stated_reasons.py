"""Year-over-year changes next to the department's own explanation (预算情况说明) of them."""

from __future__ import annotations

from decimal import Decimal

from ledger.diff import Change, DiffResult, diff_snapshots
from ledger.layouts.claims import flat, statements_in, with_entities
from ledger.model import Accounts, Department, FunctionLine, Snapshot
from ledger.report.diff_formats import stated_text, to_markdown

D = Decimal


def tables(year: int, running: str, meetings: str, inspection: str) -> Snapshot:
    """The 政协事务 lines of 江苏省政协办公厅's 财政拨款支出表 (2018: 4432.78 / 814.16 / 429.30)."""
    return Snapshot(
        department=Department(name="江苏省政协办公厅"),
        fiscal_year=year,
        document_kind="budget-tables",
        accounts=Accounts(
            fiscal_function_lines=[
                FunctionLine(code="201", name="一般公共服务支出"),
                FunctionLine(code="20102", name="政协事务"),
                FunctionLine(code="2010201", name="行政运行", total=D(running)),
                FunctionLine(code="2010204", name="政协会议", total=D(meetings)),
                FunctionLine(code="2010205", name="委员视察", total=D(inspection)),
            ]
        ),
    )


#: 江苏省政协办公厅2019年度部门预算.pdf p. 12 (the 委员视察 sentence left out, as if the narrative skipped it)
CLAIMS = [
    "1.政协事务（款）行政运行（项）5,223.22 万元，与上年相比增加 790.44 万元，增长 17.83%。主要原因是政策性增资、"
    "预留机动其他工资福利支出增加等。",
    "3.政协事务（款）政协会议（项）1,282.56 万元，与上年相比增加 468.4 万元，增长 57.53%。主要原因是全委会主会场"
    "变更，安全保卫要求提高，会议支出增加。",
]


def _diff() -> tuple[DiffResult, dict[str, Change]]:
    old = tables(2018, "4432.78", "814.16", "429.30")
    new = tables(2019, "5223.22", "1282.56", "426.00")
    statements = with_entities([s for text in CLAIMS for s in statements_in(flat(text))], new)
    result = diff_snapshots(old, new, scope="yoy", statements=statements)
    return result, {c.key: c for c in result.changes if c.field == "total"}


def test_a_change_the_narrative_explains_carries_its_stated_change_and_reason() -> None:
    _, changes = _diff()
    running = changes["2010201"]
    assert (running.delta, running.stated_delta, running.stated_pct) == (D("790.44"), D("790.44"), D("17.83"))
    assert running.stated_reason == "政策性增资、预留机动其他工资福利支出增加等"
    assert stated_text(running) == "stated +790.44 (+17.83%): 政策性增资、预留机动其他工资福利支出增加等"


def test_a_sibling_it_leaves_unexplained_is_tagged() -> None:
    _, changes = _diff()
    assert changes["2010205"].tags == ["unexplained"]
    assert changes["2010205"].stated_reason is None
    assert "unexplained" not in changes["2010201"].tags


def test_the_markdown_diff_shows_the_stated_column() -> None:
    result, _ = _diff()
    text = to_markdown(result)
    assert (
        "| 2010204 政协会议 | modified 修改 | 合计 | 814.16 | 1282.56 | +468.4 | +57.53% |  | code |  | "
        "stated +468.4 (+57.53%): 全委会主会场变更，安全保卫要求提高，会议支出增加 |"
    ) in text


def test_revisions_are_not_annotated() -> None:
    old = tables(2019, "5000", "1282.56", "426.00")
    new = tables(2019, "5223.22", "1282.56", "426.00")
    statements = with_entities(statements_in(flat(CLAIMS[0])), new)
    result = diff_snapshots(old, new, scope="revision", statements=statements)
    assert all(c.stated_delta is None and "unexplained" not in c.tags for c in result.changes)
