"""Checking sources against a real HTTP server and real folders, on SQLite and PostgreSQL: what is ingested, what
is skipped and how cheaply, and the events every check leaves."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ledger import store
from ledger.pipeline.ingest import ingest_bytes
from ledger.store import Ledger, events
from ledger.store.verify import verify_or_raise
from ledger.watch.check import CheckReport, SourceChecker
from ledger.watch.fetch import Fetcher, FetchPolicy
from ledger.watch.sources import Schedule, add_source
from tests.httpsite import Site, portal_page, serve
from tests.support import key_value_layout, publication

EVERY_6H = Schedule(every_seconds=6 * 3600)
POLICY = FetchPolicy(read_timeout_s=2.0, attempts=2, backoff_s=1.0)
R1 = publication("甲局", 2024, ("培训经费", "12.50"))
R2 = publication("甲局", 2024, ("培训经费", "13"))
OTHER = publication("乙局", 2024, ("就业补助", "300"))


@pytest.fixture
def ledger(db_url: str) -> Iterator[Ledger]:
    with key_value_layout(), Ledger(db_url) as opened:
        yield opened


@pytest.fixture
def site() -> Iterator[Site]:
    with serve() as running:
        yield running


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def checker(ledger: Ledger, sleeps: list[float]) -> Iterator[SourceChecker]:
    with Fetcher(POLICY, sleep=sleeps.append) as fetcher:
        yield SourceChecker(ledger, fetcher)


def new_events(ledger: Ledger, after: int = 0) -> list[events.Event]:
    with ledger.read() as session:
        return events.list_events(session, after=after)


def last_seq(ledger: Ledger) -> int:
    found = new_events(ledger)
    return found[-1].seq if found else 0


#: What the ledger derives from a recorded snapshot (diffs, findings): reactions with tests of their own.
REACTIONS = {events.CHANGES_DETECTED, events.FINDING_RAISED}


def kinds(found: list[events.Event]) -> list[str]:
    """The types of the events a check caused directly (reactions to recorded snapshots left out)."""
    return [e.type for e in found if e.type not in REACTIONS]


def only(found: list[events.Event], event_type: str) -> dict[str, Any]:
    matching = [e.payload for e in found if e.type == event_type]
    assert len(matching) == 1, kinds(found)
    return matching[0]


def statuses(report: CheckReport) -> dict[str, str]:
    return {d.document.rsplit("/", 1)[-1]: d.status for d in report.documents}


# --- the portal: two documents, then a revision, then nothing ------------------------------------------------------


@pytest.mark.slow
def test_portal_two_documents_then_a_revision_then_nothing(
    ledger: Ledger, site: Site, checker: SourceChecker
) -> None:
    site.put(
        "/ysgk/index.html", portal_page(("files/jia.txt", "甲局2024年部门预算"), ("files/yi.txt", "乙局预算"))
    )
    site.put("/ysgk/files/jia.txt", R1)
    site.put("/ysgk/files/yi.txt", OTHER)
    source = add_source(
        ledger, site.url("/ysgk/index.html"), allow_private=True, schedule=EVERY_6H, department="人社"
    )
    assert source.id is not None

    first = checker.check(source.id)
    found = new_events(ledger)
    assert first.status == "changed" and statuses(first) == {"jia.txt": "recorded", "yi.txt": "recorded"}
    assert kinds(found) == ["publication-received", "snapshot-recorded"] * 2 + ["source-checked"]
    checked = only(found, "source-checked")
    assert {k: checked[k] for k in ("status", "documents", "new", "not_modified", "department")} == {
        "status": "changed",
        "documents": 2,
        "new": 2,
        "not_modified": 0,
        "department": "人社",
    }
    assert checked["bytes"] == len(R1) + len(OTHER) + len(site.resources["/ysgk/index.html"].body)
    assert [o["ref"] for o in checked["outcomes"]] == [
        "甲局@2024r1/department-targets",
        "乙局@2024r1/department-targets",
    ]

    site.put("/ysgk/files/jia.txt", R2)  # revised in place; the listing page is unchanged
    mark = last_seq(ledger)
    second = checker.check(source.id)
    found = new_events(ledger, mark)
    assert second.status == "changed" and statuses(second) == {
        "jia.txt": "recorded",
        "yi.txt": "not-modified",
    }
    assert kinds(found) == ["publication-received", "snapshot-recorded", "source-checked"]
    assert only(found, "snapshot-recorded")["revision"] == 2
    assert only(found, "source-checked")["not_modified"] == 2  # the page and the unchanged document
    assert only(found, "source-checked")["bytes"] == len(R2)

    mark = last_seq(ledger)
    third = checker.check(source.id)
    found = new_events(ledger, mark)
    assert third.status == "unchanged" and third.bytes == 0 and third.not_modified == 3
    assert [e.type for e in found] == ["source-checked"]
    assert only(found, "source-checked")["outcomes"] == []

    with ledger.read() as session:
        rows = store.list_snapshots(session)
        assert [(store.describe(session, r)) for r in rows] == [
            "甲局@2024r1/department-targets",
            "甲局@2024r2/department-targets",
            "乙局@2024r1/department-targets",
        ]
        verify_or_raise(session)
    conditional = [r for r in site.hits("/ysgk/files/yi.txt") if "If-None-Match" in r.headers]
    assert len(conditional) == 2


@pytest.mark.slow
def test_portal_page_answering_304_reuses_the_documents_it_listed(
    ledger: Ledger, site: Site, checker: SourceChecker
) -> None:
    site.put("/p.html", portal_page(("a.txt", "a")))
    site.put("/a.txt", R1)
    source = add_source(ledger, site.url("/p.html"), allow_private=True, schedule=EVERY_6H)
    assert source.id is not None
    checker.check(source.id)
    site.put("/a.txt", R2)
    report = checker.check(source.id)
    assert site.hits("/p.html")[-1].headers.get("If-None-Match") == site.resources["/p.html"].etag
    assert statuses(report) == {"a.txt": "recorded"}


@pytest.mark.slow
def test_new_link_on_the_portal_page_is_followed(ledger: Ledger, site: Site, checker: SourceChecker) -> None:
    site.put("/p.html", portal_page(("a.txt", "a")))
    site.put("/a.txt", R1)
    source = add_source(ledger, site.url("/p.html"), allow_private=True, schedule=EVERY_6H)
    assert source.id is not None
    checker.check(source.id)
    site.put("/p.html", portal_page(("a.txt", "a"), ("b.txt", "b")))
    site.put("/b.txt", OTHER)
    report = checker.check(source.id)
    assert statuses(report) == {"a.txt": "not-modified", "b.txt": "recorded"}


@pytest.mark.slow
def test_portal_pattern_filters_links(ledger: Ledger, site: Site, checker: SourceChecker) -> None:
    site.put("/p.html", portal_page(("a.txt", "2023年部门预算"), ("b.txt", "2024年部门预算")))
    site.put("/a.txt", R1)
    site.put("/b.txt", OTHER)
    source = add_source(ledger, site.url("/p.html"), allow_private=True, schedule=EVERY_6H, pattern="2024年")
    assert source.id is not None
    assert statuses(checker.check(source.id)) == {"b.txt": "recorded"}
    assert site.hits("/a.txt") == []


# --- failures -------------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_failing_document_makes_a_partial_check_and_the_others_still_land(
    ledger: Ledger, site: Site, checker: SourceChecker, sleeps: list[float]
) -> None:
    site.put("/p.html", portal_page(("bad.txt", "bad"), ("good.txt", "good")))
    site.put("/bad.txt", R1, failures=100)
    site.put("/good.txt", OTHER)
    source = add_source(ledger, site.url("/p.html"), allow_private=True, schedule=EVERY_6H)
    assert source.id is not None
    report = checker.check(source.id)
    assert report.status == "partial" and statuses(report) == {"bad.txt": "failed", "good.txt": "recorded"}
    found = new_events(ledger)
    assert kinds(found) == ["publication-received", "snapshot-recorded", "source-failed", "source-checked"]
    failed = only(found, "source-failed")
    assert failed["document"] == site.url("/bad.txt")
    assert failed["reason"] == "HTTP 500 Internal Server Error (after 2 attempts)"
    assert only(found, "source-checked")["status"] == "partial"
    assert sleeps == [1.0]


@pytest.mark.slow
def test_unreachable_portal_is_one_source_failed_event(
    ledger: Ledger, site: Site, checker: SourceChecker
) -> None:
    source = add_source(ledger, site.url("/missing.html"), allow_private=True, schedule=EVERY_6H)
    assert source.id is not None
    report = checker.check(source.id)
    assert report.status == "failed" and report.error == "HTTP 404 Not Found"
    found = new_events(ledger)
    assert kinds(found) == ["source-failed"]
    payload = only(found, "source-failed")
    assert payload["document"] is None and payload["reason"] == report.error and payload["kind"] == "portal"
    assert isinstance(payload["duration_ms"], int)


@pytest.mark.slow
def test_one_failing_source_does_not_stop_the_others(
    ledger: Ledger, site: Site, checker: SourceChecker
) -> None:
    site.put("/a.txt", R1)
    broken = add_source(ledger, site.url("/gone.pdf"), allow_private=True, schedule=EVERY_6H)
    working = add_source(ledger, site.url("/a.txt"), allow_private=True, schedule=EVERY_6H, kind="document")
    reports = checker.check_all()
    assert [(r.source_id, r.status) for r in reports] == [(broken.id, "failed"), (working.id, "changed")]


@pytest.mark.slow
def test_unexpected_error_is_recorded_and_the_next_source_still_runs(ledger: Ledger, site: Site) -> None:
    def explode(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/a.txt":
            raise RuntimeError("disk on fire")
        return httpx.Response(200, content=OTHER)

    first = add_source(ledger, site.url("/a.txt"), allow_private=True, schedule=EVERY_6H, kind="document")
    second = add_source(ledger, site.url("/b.txt"), allow_private=True, schedule=EVERY_6H, kind="document")
    with Fetcher(POLICY, transport=httpx.MockTransport(explode)) as fetcher:
        reports = SourceChecker(ledger, fetcher).check_all()
    assert [(r.source_id, r.status) for r in reports] == [(first.id, "failed"), (second.id, "changed")]
    assert reports[0].error == "RuntimeError: disk on fire"
    failed = only(new_events(ledger), "source-failed")
    assert failed["source_id"] == first.id and failed["reason"] == "RuntimeError: disk on fire"


# --- document URLs --------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_document_url_is_fetched_conditionally(ledger: Ledger, site: Site, checker: SourceChecker) -> None:
    site.put("/budget.txt", R1, last_modified=True)
    source = add_source(
        ledger, site.url("/budget.txt"), allow_private=True, schedule=EVERY_6H, kind="document"
    )
    assert source.id is not None
    assert statuses(checker.check(source.id)) == {"budget.txt": "recorded"}
    assert statuses(checker.check(source.id)) == {"budget.txt": "not-modified"}
    site.put("/budget.txt", R2, last_modified=True)
    report = checker.check(source.id)
    assert (
        statuses(report) == {"budget.txt": "recorded"}
        and report.documents[0].ref == "甲局@2024r2/department-targets"
    )


@pytest.mark.slow
def test_server_without_validators_is_deduplicated_by_content_hash(
    ledger: Ledger, site: Site, checker: SourceChecker
) -> None:
    site.put("/budget.txt", R1, etag=False)
    source = add_source(
        ledger, site.url("/budget.txt"), allow_private=True, schedule=EVERY_6H, kind="document"
    )
    assert source.id is not None
    checker.check(source.id)
    mark = last_seq(ledger)
    again = checker.check(source.id)
    assert again.status == "unchanged" and statuses(again) == {"budget.txt": "unchanged"}
    assert again.bytes == len(R1)  # downloaded (nothing to be conditional on) but not ingested again
    assert kinds(new_events(ledger, mark)) == ["source-checked"]


@pytest.mark.slow
def test_content_the_ledger_already_holds_is_not_ingested_again(
    ledger: Ledger, site: Site, checker: SourceChecker
) -> None:
    ingest_bytes(ledger, R1, name="from-disk.txt")
    site.put("/copy.txt", R1)
    source = add_source(ledger, site.url("/copy.txt"), allow_private=True, schedule=EVERY_6H, kind="document")
    assert source.id is not None
    mark = last_seq(ledger)
    report = checker.check(source.id)
    assert report.status == "unchanged" and statuses(report) == {"copy.txt": "unchanged"}
    assert kinds(new_events(ledger, mark)) == ["source-checked"]


@pytest.mark.slow
def test_unparseable_document_is_stored_once_and_reported_as_new(
    ledger: Ledger, site: Site, checker: SourceChecker
) -> None:
    site.put("/error.html", b"<html><body>503 Service Unavailable</body></html>", etag=False)
    source = add_source(
        ledger, site.url("/error.html"), allow_private=True, schedule=EVERY_6H, kind="document"
    )
    assert source.id is not None
    first = checker.check(source.id)
    assert first.status == "changed" and first.documents[0].status == "parse-failed"
    assert first.documents[0].error
    assert checker.check(source.id).status == "unchanged"
    assert kinds(new_events(ledger)).count("parse-failed") == 1


# --- folders --------------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_folder_new_touched_and_changed_files(ledger: Ledger, checker: SourceChecker, tmp_path: Path) -> None:
    (tmp_path / "jia.txt").write_bytes(R1)
    (tmp_path / "yi.txt").write_bytes(OTHER)
    (tmp_path / "notes.md").write_bytes(b"not a publication")
    (tmp_path / ".hidden.txt").write_bytes(OTHER)
    source = add_source(ledger, str(tmp_path), schedule=EVERY_6H, pattern="*.txt")
    assert source.id is not None

    first = checker.check(source.id)
    assert statuses(first) == {"jia.txt": "recorded", "yi.txt": "recorded"}

    second = checker.check(source.id)
    assert statuses(second) == {"jia.txt": "unchanged", "yi.txt": "unchanged"} and second.bytes == 0

    stat = (tmp_path / "yi.txt").stat()
    os.utime(tmp_path / "yi.txt", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # touched, same bytes
    touched = checker.check(source.id)
    assert statuses(touched) == {"jia.txt": "unchanged", "yi.txt": "unchanged"} and touched.bytes == len(
        OTHER
    )
    assert checker.check(source.id).bytes == 0  # the new time is remembered

    (tmp_path / "jia.txt").write_bytes(R2)
    changed = checker.check(source.id)
    assert statuses(changed) == {"jia.txt": "recorded", "yi.txt": "unchanged"}
    assert changed.documents[0].ref == "甲局@2024r2/department-targets"


@pytest.mark.slow
def test_folder_glob_reaches_into_subfolders_when_asked(
    ledger: Ledger, checker: SourceChecker, tmp_path: Path
) -> None:
    (tmp_path / "2024").mkdir()
    (tmp_path / "2024" / "jia.txt").write_bytes(R1)
    source = add_source(ledger, str(tmp_path), schedule=EVERY_6H, pattern="**/*.txt")
    assert source.id is not None
    report = checker.check(source.id)
    assert [(d.document, d.status) for d in report.documents] == [("2024/jia.txt", "recorded")]


@pytest.mark.slow
def test_folder_that_disappeared_is_a_failed_check(
    ledger: Ledger, checker: SourceChecker, tmp_path: Path
) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    source = add_source(ledger, str(folder), schedule=EVERY_6H)
    assert source.id is not None
    folder.rmdir()
    report = checker.check(source.id)
    assert report.status == "failed" and report.error == f"folder not found: {folder}"
    assert kinds(new_events(ledger)) == ["source-failed"]


def test_oversized_file_is_a_failed_document(ledger: Ledger, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "big.txt").write_bytes(b"x" * 2000)
    (folder / "ok.txt").write_bytes(R1)
    source = add_source(ledger, str(folder), schedule=EVERY_6H)
    assert source.id is not None
    with Fetcher(FetchPolicy(max_bytes=1000)) as fetcher:
        report = SourceChecker(ledger, fetcher).check(source.id)
    assert report.status == "partial" and statuses(report) == {"big.txt": "failed", "ok.txt": "recorded"}
    assert report.documents[0].error == "too large: 2000 bytes, limit 1000"


def test_folder_holding_the_ledger_database_skips_its_files(sqlite_url: str, tmp_path: Path) -> None:
    (tmp_path / "jia.txt").write_bytes(R1)
    with key_value_layout(), Ledger(sqlite_url) as ledger, Fetcher() as fetcher:
        source = add_source(ledger, str(tmp_path), schedule=EVERY_6H)
        assert source.id is not None
        report = SourceChecker(ledger, fetcher).check(source.id)
    assert statuses(report) == {"jia.txt": "recorded"}
    assert (tmp_path / "ledger.db").exists()


@pytest.mark.slow
def test_removed_source_is_reported_not_found(ledger: Ledger, checker: SourceChecker) -> None:
    from ledger.errors import NotFoundError

    with pytest.raises(NotFoundError, match="no source with id 42"):
        checker.check_isolated(42)
