"""``ledger watch``, ``ledger notify`` through typer's CliRunner: exact output, exit codes, one-line errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.httpsite import Site, portal_page, serve
from tests.support import key_value_layout, publication

runner = CliRunner()
R1 = publication("甲局", 2024, ("培训经费", "12.50"))
R2 = publication("甲局", 2024, ("培训经费", "13"))
OTHER = publication("乙局", 2024, ("就业补助", "300"))


@pytest.fixture
def site() -> Iterator[Site]:
    with key_value_layout(), serve() as running:
        yield running


def ledger(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def without_timing(out: str) -> str:
    """Check lines end with the duration, which is real time."""
    return "\n".join(line.rsplit(", ", 1)[0] if " ms" in line else line for line in out.splitlines())


def test_watch_add_list_remove(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    assert ledger(db, "watch", "add", str(inbox), "--every", "6h", "--pattern", "*.pdf") == (
        0,
        f"watching source 1: folder {inbox} (every 6h)\n",
        "",
    )
    code, out, _ = ledger(
        db, "watch", "add", "http://czj.example.gov.cn/ysgk/", "--cron", "0 8 * * 1-5", "--timezone",
        "Asia/Shanghai", "--department", "甲局", "--pattern", "部门预算",
    )  # fmt: skip
    assert (code, out) == (
        0,
        "watching source 2: portal http://czj.example.gov.cn/ysgk/ (cron '0 8 * * 1-5' Asia/Shanghai)\n",
    )
    code, out, _ = ledger(db, "watch", "list", "--format", "json")
    listed = json.loads(out)
    assert [(s["id"], s["kind"], s["schedule"], s["department"], s["last_status"]) for s in listed] == [
        (1, "folder", "every 6h", None, None),
        (2, "portal", "cron '0 8 * * 1-5' Asia/Shanghai", "甲局", None),
    ]
    assert ledger(db, "watch", "remove", "1") == (0, f"removed source 1: folder {inbox}\n", "")
    assert ledger(db, "watch", "remove", "1") == (1, "", "ledger: error: no source with id 1\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], 'say how often to check: --every 6h or --cron "0 8 * * 1-5" (one of them)'),
        (["--every", "often"], "not a duration: 'often' (use e.g. 90s, 15m, 6h, 1d, 1h30m)"),
        (["--cron", "0 8 * *"], "invalid cron expression '0 8 * *': Wrong number of fields; got 4, expected 5"),
        (["--every", "1h", "--pattern", "("], "invalid regular expression '(': missing ), unterminated subpattern at position 0"),
    ],
)  # fmt: skip
def test_watch_add_errors_are_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    code, out, err = ledger(tmp_path / "l.db", "watch", "add", "http://example.gov.cn/ysgk/", *args)
    assert (code, out, err) == (1, "", f"ledger: error: {message}\n")
    assert (tmp_path / "l.db").exists() == (args[:2] == ["--every", "1h"])  # a bad schedule creates nothing


@pytest.mark.slow
def test_run_once_portal_two_snapshots_then_a_revision_then_nothing(tmp_path: Path, site: Site) -> None:
    db = tmp_path / "l.db"
    site.put("/ysgk/index.html", portal_page(("jia.txt", "甲局"), ("yi.txt", "乙局")))
    site.put("/ysgk/jia.txt", R1)
    site.put("/ysgk/yi.txt", OTHER)
    ledger(db, "watch", "add", site.url("/ysgk/index.html"), "--every", "1h", "--allow-private")

    code, out, err = ledger(db, "watch", "run-once")
    page = len(site.resources["/ysgk/index.html"].body)
    assert (code, err) == (0, "")
    assert without_timing(out) == (
        f"source 1 changed: 2 new, 0 unchanged (0 not modified), {page + len(R1) + len(OTHER)} bytes\n"
        f"  recorded          {site.url('/ysgk/jia.txt')} -> 甲局@2024r1/department-targets\n"
        f"  recorded          {site.url('/ysgk/yi.txt')} -> 乙局@2024r1/department-targets"
    )

    site.put("/ysgk/jia.txt", R2)
    code, out, _ = ledger(db, "watch", "run-once", "1")
    assert code == 0
    assert without_timing(out) == (
        f"source 1 changed: 1 new, 1 unchanged (2 not modified), {len(R2)} bytes\n"
        f"  recorded          {site.url('/ysgk/jia.txt')} -> 甲局@2024r2/department-targets"
    )

    code, out, _ = ledger(db, "watch", "run-once")
    assert (code, without_timing(out)) == (
        0,
        "source 1 unchanged: 0 new, 2 unchanged (3 not modified), 0 bytes",
    )

    code, out, _ = ledger(db, "log", "--format", "json")
    reactions = {"changes-detected", "finding-raised"}  # derived from snapshots, tested on their own
    assert [e["type"] for e in json.loads(out) if e["type"] not in reactions] == [
        "publication-received",
        "snapshot-recorded",
        "publication-received",
        "snapshot-recorded",
        "source-checked",
        "publication-received",
        "snapshot-recorded",
        "source-checked",
        "source-checked",
    ]
    code, out, _ = ledger(db, "watch", "list", "--format", "json")
    assert json.loads(out)[0]["last_status"] == "unchanged"


def test_run_once_failure_exits_non_zero_with_one_line_per_failure(tmp_path: Path, site: Site) -> None:
    db = tmp_path / "l.db"
    site.put("/p.html", portal_page(("bad.txt", "bad"), ("good.txt", "good")))
    site.put("/bad.txt", b"", status=403)
    site.put("/good.txt", R1)
    ledger(db, "watch", "add", site.url("/p.html"), "--every", "1h", "--allow-private")
    ledger(db, "watch", "add", site.url("/gone.pdf"), "--every", "1h", "--allow-private")
    code, out, err = ledger(db, "watch", "run-once")
    assert code == 1
    assert out.splitlines()[0].startswith("source 1 partial: 1 new, 0 unchanged")
    assert err == (
        f"ledger: error: source 1: {site.url('/bad.txt')}: HTTP 403 Forbidden\n"
        f"ledger: error: source 2 ({site.url('/gone.pdf')}): HTTP 404 Not Found\n"
    )
    code, out, err = ledger(db, "watch", "run-once", "9")
    assert (code, err) == (1, "ledger: error: no source with id 9\n")


def test_run_once_json(tmp_path: Path, site: Site) -> None:
    db = tmp_path / "l.db"
    site.put("/a.txt", R1)
    ledger(db, "watch", "add", site.url("/a.txt"), "--every", "1h", "--allow-private")
    code, out, _ = ledger(db, "watch", "run-once", "--format", "json")
    [report] = json.loads(out)
    assert (code, report["status"], report["new"], report["error"]) == (0, "changed", 1, None)
    assert report["outcomes"][0]["ref"] == "甲局@2024r1/department-targets"


@pytest.mark.slow
def test_notify_add_list_deliver_remove(tmp_path: Path, site: Site) -> None:
    db = tmp_path / "l.db"
    code, out, err = ledger(
        db, "notify", "add", "webhook", site.url("/hook"), "--on", "source-failed", "--allow-private"
    )
    assert (code, out, err.startswith("signing secret (Standard Webhooks): whsec_")) == (
        0,
        f"subscriber 1: webhook {site.url('/hook')}\n",
        True,
    )
    code, _, err = ledger(db, "notify", "add", "webhook", site.url("/hook"), "--on", "nonsense")
    assert code == 1 and err.startswith("ledger: error: unknown event type nonsense (known: ")
    code, _, err = ledger(db, "notify", "add", "email", "someone@example.org")
    assert code == 2
    ledger(db, "watch", "add", site.url("/gone.pdf"), "--every", "1h", "--allow-private")
    ledger(db, "watch", "run-once")  # records a failure and delivers it
    code, out, _ = ledger(db, "notify", "list", "--format", "json")
    [subscriber] = json.loads(out)
    assert (subscriber["event_types"], subscriber["delivered"], subscriber["pending"]) == (
        ["source-failed"],
        1,
        0,
    )
    site.post_statuses.append(500)
    ledger(db, "watch", "run-once")
    code, out, err = ledger(db, "notify", "deliver")
    assert (code, out, err) == (0, "0 delivered, 0 not delivered\n", "")  # the retry is not due yet
    assert ledger(db, "notify", "remove", "1") == (0, f"removed subscriber 1: {site.url('/hook')}\n", "")
