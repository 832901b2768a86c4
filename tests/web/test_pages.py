"""The web view over HTTP (a real server on 127.0.0.1): pages, downloads, security headers, errors, escaping."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from openpyxl import load_workbook

from ledger.demo import run_demo
from ledger.pipeline.ingest import ingest_paths
from ledger.store import Ledger
from ledger.web import pages
from ledger.web.app import CONTENT_SECURITY_POLICY
from ledger.web.urls import diff_url, findings_url
from tests.corpus.test_jiangsu_corpus import CORPUS as CORPUS_JIANGSU
from tests.web.conftest import HAIGANG, IMG_NAME, LAOTING, SCRIPT_NAME, Server

REVISION = diff_url(f"{HAIGANG}@2024r1/budget-disclosure", f"{HAIGANG}@2024r2/budget-disclosure")


def test_departments_page_lists_every_department_with_years_kinds_and_findings(http: httpx.Client) -> None:
    page = http.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    for name in (
        HAIGANG,
        LAOTING,
        "高新区人社局",
        "台山市人力资源和社会保障局",
        "湛江市人力资源和社会保障局",
    ):
        assert f">{name}</a>" in page.text
    assert f'href="/d/{quote(HAIGANG, safe="")}/2025"' in page.text
    assert "budget-disclosure" in page.text


def test_search_keeps_the_matching_departments(http: httpx.Client) -> None:
    page = http.get("/", params={"q": "海港"})
    assert HAIGANG in page.text
    assert LAOTING not in page.text
    assert "no department matches" in http.get("/", params={"q": "没有这个部门"}).text


def test_department_page_shows_each_version_and_links_every_comparison(http: httpx.Client) -> None:
    page = http.get(f"/d/{HAIGANG}")
    assert page.status_code == 200
    for file_name in (
        "haigang-hrss-2024-budget.txt",
        "haigang-hrss-2024-budget-r2.txt",
        "haigang-hrss-2025-budget.txt",
    ):
        assert file_name in page.text
    assert page.text.count('class="comparison"') == 2  # r1→r2 (revision) and 2024r2→2025 (yoy)
    assert f'href="{REVISION}"' in page.text
    year = http.get(f"/d/{HAIGANG}/2025")
    assert "haigang-hrss-2025-budget.txt" in year.text
    assert "haigang-hrss-2024-budget.txt" not in year.text


def test_comparison_page_has_totals_first_then_changes_by_entity_with_tags(http: httpx.Client) -> None:
    page = http.get(REVISION)
    assert page.status_code == 200
    text = page.text
    assert (
        text.index('id="totals"') < text.index('id="entity-budget_line"') < text.index('id="entity-project"')
    )
    assert "828.39" in text and "833.39" in text
    assert '<span class="tag">carry-over</span>' in text
    assert '<span class="tag">reused-notice</span>' in text
    assert '<span class="direction tightened">tightened</span>' in text
    assert '<span class="direction loosened">loosened</span>' in text


def test_comparison_filters_by_change_kind_and_entity(http: httpx.Client) -> None:
    page = http.get(REVISION, params={"only": "moved", "entity": "indicator"})
    assert page.text.count('<tr class="change moved">') == 1
    assert 'class="change modified"' not in page.text
    bad = http.get(REVISION, params={"only": "exploded"})
    assert bad.status_code == 400
    assert "unknown change kind: exploded" in bad.text


def test_side_by_side_marks_the_cells_a_change_record_is_about(http: httpx.Client) -> None:
    page = http.get(REVISION, params={"project": "13030224P00308P12449R"})
    assert page.status_code == 200
    sides = page.text[page.text.index('id="sides"') :]
    assert "投诉举报案件完成的及时率" in sides
    assert '<td class="changed"><span class="mark">≠ </span>≥98%</td>' in sides
    assert sides.count('<span class="mark">') == 1  # one changed cell: R7's target


def test_downloads_come_from_the_existing_exports(http: httpx.Client) -> None:
    workbook = http.get(REVISION, params={"format": "xlsx"})
    assert workbook.status_code == 200
    sheets = load_workbook(io.BytesIO(workbook.content)).sheetnames
    assert len(sheets) == 3
    changes = http.get(REVISION, params={"format": "csv"})
    assert changes.content.startswith(b"\xef\xbb\xbf")  # a byte-order mark: Excel reads the CSV as UTF-8
    rows = list(csv.reader(io.StringIO(changes.content.decode("utf-8-sig"))))
    assert (
        len(rows) == 1 + 34
    )  # the header, then ~32 modified, 1 renamed, 1 moved (the department page's counts)
    data = http.get(REVISION, params={"format": "json"}).json()
    assert data["schema"] == "ledger.export/1"
    assert len(data["sheets"]["changes"]) == 34
    assert http.get(REVISION, params={"format": "pdf"}).status_code == 400


def test_history_page_has_a_chart_point_per_version_and_the_steps(http: httpx.Client) -> None:
    page = http.get(f"/d/{HAIGANG}/history", params={"project": "专网维护费"})
    assert page.status_code == 200
    assert page.text.count('<circle class="point"') == 3
    assert page.text.count('<tr class="step">') == 3
    assert "modified 预算数: 16.5 → 14.5" in page.text
    timeline = http.get(f"/d/{HAIGANG}/history", params={"project": "专网维护费", "format": "json"}).json()
    assert [r["value"] for r in timeline["sheets"]["timeline"]] == ["16.5", "16.5", "14.5"]


def test_findings_pages_list_by_severity_and_tell_new_resolved_persisting(http: httpx.Client) -> None:
    single = http.get(findings_url(f"{LAOTING}@2024"))
    assert single.status_code == 200
    assert 'id="by-rule"' in single.text
    between = http.get(findings_url(f"{HAIGANG}@2024r2", f"{HAIGANG}@2024r1"))
    for status in ("new", "resolved", "persisting"):
        assert f'id="status-{status}"' in between.text


def test_ledger_page_shows_the_head_and_verifies_on_demand(http: httpx.Client) -> None:
    page = http.get("/ledger")
    assert 'id="digest"' in page.text
    assert 'id="verify-report"' not in page.text
    verified = http.get("/ledger", params={"verify": "1"})
    assert "<strong>ok</strong>" in verified.text
    head = verified.text.split('<code id="digest">')[1].split("</code>")[0]
    assert f"extends {head}" in http.get("/ledger", params={"digest": head}).text
    assert http.get("/ledger", params={"digest": "nonsense"}).status_code == 400


@pytest.mark.parametrize(
    "path",
    ["/diff/nobody@2024..nobody@2025", "/d/没有这个部门", "/findings/deadbeefdeadbeef", "/no/such/page"],
)
def test_a_missing_ref_is_a_404_page_never_a_traceback(http: httpx.Client, path: str) -> None:
    page = http.get(path)
    assert page.status_code == 404
    assert "<h1>Not found</h1>" in page.text
    assert "Traceback" not in page.text


def test_every_response_carries_the_security_headers(http: httpx.Client) -> None:
    for path in ("/", REVISION, "/static/style.css", "/nope", f"{REVISION}?format=csv"):
        response = http.get(path)
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["x-content-type-options"] == "nosniff"


def test_no_endpoint_writes(http: httpx.Client) -> None:
    for path in ("/", REVISION, "/ledger"):
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            assert http.request(method, path).status_code == 405


def test_publication_texts_are_escaped(hostile_server: Server) -> None:
    with httpx.Client(base_url=hostile_server.base, timeout=30) as client:
        page = client.get(diff_url(f"{LAOTING}@2023", f"{LAOTING}@2024"))
        assert page.status_code == 200
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
        assert "&lt;img src=x onerror=alert(2)&gt;" in page.text
        assert SCRIPT_NAME not in page.text and IMG_NAME not in page.text
        data = client.get(diff_url(f"{LAOTING}@2023", f"{LAOTING}@2024"), params={"format": "json"})
        assert SCRIPT_NAME in json.dumps(data.json(), ensure_ascii=False)  # the download keeps the text as is


def test_the_department_list_comes_a_page_at_a_time(
    http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    first = http.get("/")
    assert first.text.count('class="department"') == 2
    assert "5 departments · page 1 of 3" in first.text
    assert 'rel="next" href="/?page=2"' in first.text
    last = http.get("/", params={"page": "3"})
    assert last.text.count('class="department"') == 1
    assert 'rel="prev" href="/?page=2"' in last.text and 'rel="next"' not in last.text
    assert http.get("/", params={"page": "4"}).status_code == 400
    listed = http.get("/", params={"page": "2", "format": "json"}).json()["sheets"]["departments"]
    assert len(listed) == 5  # a download holds every department, not one page


def test_the_compare_form_redirects_to_the_comparison_url(http: httpx.Client) -> None:
    department = http.get(f"/d/{HAIGANG}")
    assert 'action="/compare"' in department.text
    old, new = f"{HAIGANG}@2024r1/budget-disclosure", f"{HAIGANG}@2025r1/budget-disclosure"
    answer = http.get("/compare", params={"old": old, "new": new})
    assert answer.status_code == 303
    assert answer.headers["location"] == diff_url(old, new)
    assert http.get("/compare", params={"old": old}).status_code == 400


def test_hostile_names_are_escaped_on_every_page_that_shows_them(hostile_server: Server) -> None:
    with httpx.Client(base_url=hostile_server.base, timeout=30) as client:
        for path, params in (
            (findings_url(f"{LAOTING}@2024"), {}),
            (findings_url(f"{LAOTING}@2024", f"{LAOTING}@2023"), {}),
            (f"/d/{LAOTING}/history", {"project": "alert(1)"}),
            (diff_url(f"{LAOTING}@2023", f"{LAOTING}@2024"), {"only": "added", "tag": "<b>"}),
        ):
            page = client.get(path, params=params)
            assert SCRIPT_NAME not in page.text and IMG_NAME not in page.text, path
            assert "<b>" not in page.text
        history = client.get(f"/d/{LAOTING}/history", params={"project": "alert(1)"})
        assert (
            history.text.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 2
        )  # the heading and the chart's title


@pytest.mark.slow
@pytest.mark.postgres
def test_every_page_answers_on_postgresql(pg_url: str) -> None:
    """The same pages over a PostgreSQL ledger: the queries behind them (LIKE with escapes, grouped counts, the
    five-column key query) are SQL both databases must answer alike."""
    with Ledger(pg_url) as ledger:
        run_demo(ledger)
    with Server(pg_url) as server, httpx.Client(base_url=server.base, timeout=30) as client:
        for path, params in (
            ("/", {}),
            ("/", {"q": "海港"}),
            (f"/d/{HAIGANG}", {}),
            (REVISION, {"project": "13030224P00308P12449R"}),
            (f"/d/{HAIGANG}/history", {"project": "专网维护费"}),
            (findings_url(f"{HAIGANG}@2024r2", f"{HAIGANG}@2024r1"), {}),
            ("/ledger", {"verify": "1"}),
        ):
            assert client.get(path, params=params).status_code == 200, path
        sides = client.get(REVISION, params={"project": "13030224P00308P12449R"}).text
        assert sides.count('<span class="mark">') == 1
        assert (
            client.get(f"/d/{HAIGANG}/history", params={"project": "专网维护费"}).text.count("<circle") == 3
        )


@pytest.mark.slow
@pytest.mark.corpus
def test_the_comparison_page_shows_the_departments_stated_reason(tmp_path: Path) -> None:
    """A year-over-year comparison of tables shows what the year's narrative says about the change (#17)."""
    folder = CORPUS_JIANGSU / "江苏省政协办公厅"
    if not folder.exists():
        pytest.skip(f"corpus not present: {folder}")
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    with Ledger(url) as ledger:
        ingest_paths(ledger, sorted(folder.glob("*.pdf")))
    old, new = "江苏省政协办公厅@2018/budget-tables", "江苏省政协办公厅@2019/budget-tables"
    with Server(url) as server, httpx.Client(base_url=server.base) as client:
        page = client.get(diff_url(old, new))
    assert page.status_code == 200
    assert '<span class="stated">说明 stated' in page.text
    assert "预留机动中其他工资福利支出增加" in page.text
