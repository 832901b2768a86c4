"""The web view in a real browser: headless Chromium from the distribution (the ``chromium`` Debian package),
driven by Playwright for Python through ``executable_path`` (Playwright's own browser download is never used).

Each test starts from a page a person would open and follows links. Screenshots of the main pages are kept under
``tmp/artifacts/web`` of the checkout. Without Chromium or Playwright the tests skip with the reason, except under
``CI=true``, where they fail: CI installs both (``.ci/run``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ledger.web.urls import diff_url
from tests.web.conftest import HAIGANG, IMG_NAME, LAOTING, SCRIPT_NAME, Server, artifacts_dir

pytestmark = pytest.mark.slow

CHROMIUM = Path(os.environ.get("LEDGER_CHROMIUM", "/usr/bin/chromium"))
#: Headless, sandbox off (containers run as root), and nothing that calls home: the tests work offline.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _problem() -> str | None:
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install playwright)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    problem = _problem()
    if problem is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser tests: {problem}")
        pytest.skip(problem)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    opened = context.new_page()
    try:
        yield opened
    finally:
        context.close()


def _shot(page: Any, name: str) -> None:
    page.screenshot(path=str(artifacts_dir() / f"{name}.png"), full_page=True)


def test_from_the_department_list_to_the_revision_comparison(page: Any, demo_server: Server) -> None:
    page.goto(demo_server.base + "/")
    assert page.title().startswith("Departments")
    _shot(page, "departments")
    page.get_by_role("link", name=HAIGANG, exact=True).click()
    page.wait_for_url(re.compile(r"/d/"))
    assert page.locator("h1").inner_text() == HAIGANG
    assert page.locator("div.version").count() == 3
    _shot(page, "department")
    page.locator("a.comparison", has_text="revision vs").click()
    page.wait_for_url(re.compile(r"/diff/"))
    _shot(page, "comparison")

    totals = page.locator("#totals").inner_text()
    assert "4078.23" in totals and "4083.23" in totals  # the carry-over correction reaches the budget total
    r7 = page.locator("tr.change", has_text="投诉举报案件完成的及时率")
    assert "≥95%" in r7.inner_text() and "≥98%" in r7.inner_text()
    assert r7.locator(".direction").inner_text() == "tightened"
    r6 = page.locator("tr.change", has_text="≥85%")
    assert r6.locator(".direction").inner_text() == "loosened"
    moved = page.locator("tr.change.moved")
    assert moved.count() == 1 and "质量指标" in moved.inner_text()  # R5
    renamed = page.locator("tr.change.renamed")
    assert renamed.count() == 1 and "管理服务对象人数（人）" in renamed.inner_text()  # R8
    project = page.locator("#entity-project tr.change", has_text="预算数")
    assert "40.39" in project.inner_text() and "45.39" in project.inner_text()  # R1
    assert sorted(project.locator(".tag").all_inner_texts()) == ["carry-over", "reused-notice"]
    carried = page.locator("#entity-budget_line tr.change", has_text="上年结转结余").first
    assert carried.locator(".tag").all_inner_texts() == ["carry-over"]  # R2


def test_filters_and_the_side_by_side_view(page: Any, demo_server: Server) -> None:
    page.goto(demo_server.base + diff_url(f"{HAIGANG}@2024r1", f"{HAIGANG}@2024r2"))
    page.locator("input[name=only][value=modified]").check()
    page.locator("input[name=entity][value=indicator]").check()
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"only=modified"))
    rows = page.locator("tr.change")
    assert rows.count() == 3  # the modified indicator values: R1's cost ceiling, R6, R7
    assert page.locator("tr.change.moved").count() == 0
    page.locator("tr.change", has_text="投诉举报案件完成的及时率").get_by_role(
        "link", name="side by side"
    ).click()
    page.wait_for_url(re.compile(r"project="))
    sides = page.locator("#sides")
    assert "保障农民工工资支付工作专项经费" in sides.locator("h2").inner_text()
    changed = sides.locator("td.changed")
    assert changed.all_inner_texts() == ["≥95%", "≠ ≥98%"]
    _shot(page, "side-by-side")


def test_history_chart_has_one_point_per_version(page: Any, demo_server: Server) -> None:
    page.goto(demo_server.base + "/d/" + HAIGANG)
    page.locator("form.follow input[name=project]").fill("专网维护费")
    page.get_by_role("button", name="Show history").click()
    page.wait_for_url(re.compile(r"/history\?"))
    steps = page.locator("tr.step").count()
    assert steps == 3
    assert page.locator("svg.chart circle.point").count() == steps
    assert page.locator("svg.chart circle.point title").all_text_contents() == [
        "2024r1: 16.5",
        "2024r2: 16.5",
        "2025r1: 14.5",
    ]
    _shot(page, "history")


def test_findings_and_verification_on_demand(page: Any, demo_server: Server) -> None:
    page.goto(demo_server.base + "/d/" + HAIGANG)
    page.locator("ul.comparisons a", has_text="findings").first.click()
    page.wait_for_url(re.compile(r"/findings/.+\.\."))
    assert page.locator("section.findings h2").all_inner_texts()[0].startswith("new")
    _shot(page, "findings")
    page.get_by_role("link", name="Ledger 账本").click()
    assert page.locator("#verify-report").count() == 0
    page.get_by_role("button", name="Verify now").click()
    assert page.locator("#verify-report p.ok").inner_text().startswith("ok:")
    _shot(page, "ledger")


def test_hostile_publication_texts_render_as_text(page: Any, hostile_server: Server) -> None:
    dialogs: list[str] = []

    def record(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    page.goto(hostile_server.base + diff_url(f"{LAOTING}@2023", f"{LAOTING}@2024"))
    body = page.locator("main").inner_text()
    assert SCRIPT_NAME in body
    assert IMG_NAME in body
    assert page.locator("script").count() == 0
    assert page.locator("img").count() == 0
    page.wait_for_timeout(200)
    assert dialogs == []
    _shot(page, "hostile")
