"""Sources and schedules: parsing --every / --cron, guessing the kind, adding, listing and removing sources."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.errors import NotFoundError
from ledger.store import Ledger
from ledger.store.schema import SourceDocumentRow
from ledger.watch.sources import (
    Schedule,
    SourceError,
    add_source,
    format_duration,
    get_source,
    guess_kind,
    list_sources,
    parse_every,
    remove_source,
)

EVERY_6H = Schedule(every_seconds=6 * 3600)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90),
        ("15m", 900),
        ("6h", 21600),
        ("1d", 86400),
        ("1h30m", 5400),
        ("2w", 1209600),
        (" 1H 30M ", 5400),
    ],
)
def test_every_parses_durations(text: str, seconds: int) -> None:
    assert parse_every(text) == seconds


@pytest.mark.parametrize("text", ["", "6", "h", "6x", "1h30", "six hours", "1h-30m", "5s"])
def test_every_rejects_what_is_not_a_duration_or_too_often(text: str) -> None:
    with pytest.raises(SourceError):
        parse_every(text)


@given(st.integers(min_value=10, max_value=10**8))
def test_format_duration_round_trips(seconds: int) -> None:
    assert parse_every(format_duration(seconds)) == seconds


def test_schedule_needs_exactly_one_of_every_and_cron() -> None:
    with pytest.raises(SourceError, match="--every 6h or --cron"):
        Schedule.parse(None, None)
    with pytest.raises(SourceError, match="one of them"):
        Schedule.parse("6h", "0 8 * * *")


@pytest.mark.parametrize("cron", ["0 0 31 2 *", "0 0 30 2 *", "0 0 31 4,6,9,11 *"])
def test_a_cron_schedule_that_never_fires_is_refused(cron: str) -> None:
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"^cron expression '.*' never fires \(no such date\)$"):
        Schedule.parse(None, cron, "Asia/Shanghai")
    assert time.monotonic() - started < 2.0


def test_cron_schedule_is_validated_and_described() -> None:
    schedule = Schedule.parse(None, "0 8 * * 1-5", "Asia/Shanghai")
    assert schedule.describe() == "cron '0 8 * * 1-5' Asia/Shanghai"
    assert str(schedule.trigger()) == "cron[month='*', day='*', day_of_week='1-5', hour='8', minute='0']"
    with pytest.raises(SourceError, match="invalid cron expression"):
        Schedule.parse(None, "0 25 * * *")
    with pytest.raises(SourceError, match="unknown time zone"):
        Schedule.parse(None, "0 8 * * *", "Mars/Olympus")


@pytest.mark.parametrize(
    ("cron", "period"),
    [("0 8 * * 1-5", 86400), ("*/30 * * * *", 1800), ("0 8 * * 1", 7 * 86400), ("0 8,20 * * *", 12 * 3600)],
)
def test_cron_period_is_the_shortest_gap_between_firings(cron: str, period: int) -> None:
    assert Schedule(cron=cron, timezone="Asia/Shanghai").period_seconds() == period


def test_interval_period_is_the_interval() -> None:
    assert EVERY_6H.period_seconds() == 21600 and EVERY_6H.describe() == "every 6h"


@pytest.mark.parametrize(
    ("location", "kind"),
    [
        ("http://czj.example.gov.cn/2024/budget.pdf", "document"),
        ("https://example.gov.cn/a/targets.DOCX?x=1", "document"),
        ("https://example.gov.cn/a/b.xls", "document"),
        ("https://example.gov.cn/xxgk/ysgk/", "portal"),
        ("https://example.gov.cn/xxgk/index.html", "portal"),
        ("/srv/publications", "folder"),
        ("publications", "folder"),
    ],
)
def test_kind_is_guessed_from_the_location(location: str, kind: str) -> None:
    assert guess_kind(location) == kind


@pytest.fixture
def ledger(db_url: str) -> Iterator[Ledger]:
    with Ledger(db_url) as opened:
        yield opened


@pytest.mark.slow
def test_sources_are_added_listed_and_removed(ledger: Ledger, tmp_path: Path) -> None:
    folder = add_source(ledger, str(tmp_path), schedule=EVERY_6H, pattern="*.txt", department="甲局")
    portal = add_source(
        ledger,
        "http://example.gov.cn/ysgk/",
        schedule=Schedule(cron="0 8 * * 1-5", timezone="Asia/Shanghai"),
        pattern="部门预算",
    )
    assert (folder.kind, folder.location, folder.pattern, folder.department) == (
        "folder",
        str(tmp_path.resolve()),
        "*.txt",
        "甲局",
    )
    assert (portal.kind, portal.cron, portal.timezone) == ("portal", "0 8 * * 1-5", "Asia/Shanghai")
    assert folder.id is not None
    with ledger.write() as session:
        session.add(
            SourceDocumentRow(source_id=folder.id, location="a.txt", checked_at="2024-01-01T00:00:00Z")
        )
    removed = remove_source(ledger, folder.id)
    assert removed.location == str(tmp_path.resolve())
    with ledger.read() as session:
        assert [row.id for row in list_sources(session)] == [portal.id]
        assert session.get(SourceDocumentRow, 1) is None
        with pytest.raises(NotFoundError):
            get_source(session, folder.id)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("location", "options", "message"),
    [
        ("{tmp}/missing", {}, "not a directory"),
        ("ftp://example.gov.cn/a.pdf", {"kind": "document"}, r"needs an http\(s\) URL"),
        ("http://example.gov.cn/a.pdf", {"pattern": "x"}, "a document source has no pattern"),
        ("http://example.gov.cn/ysgk/", {"pattern": "(unclosed"}, "invalid regular expression"),
        ("{tmp}", {"pattern": "/etc/*"}, "a glob inside the folder"),
        ("{tmp}", {"pattern": "../*"}, "a glob inside the folder"),
        ("http://example.gov.cn/ysgk/", {"kind": "folder"}, "needs a local directory"),
    ],
)
def test_invalid_sources_are_refused(
    ledger: Ledger, tmp_path: Path, location: str, options: dict[str, str], message: str
) -> None:
    with pytest.raises(SourceError, match=message):
        add_source(ledger, location.format(tmp=tmp_path), schedule=EVERY_6H, **options)  # type: ignore[arg-type]


@pytest.mark.slow
def test_the_same_source_is_not_watched_twice(ledger: Ledger) -> None:
    first = add_source(ledger, "http://example.gov.cn/ysgk/", schedule=EVERY_6H, pattern="2024")
    with pytest.raises(SourceError, match=f"already watched as source {first.id}"):
        add_source(ledger, "http://example.gov.cn/ysgk/", schedule=EVERY_6H, pattern="2024")
    other = add_source(ledger, "http://example.gov.cn/ysgk/", schedule=EVERY_6H, pattern="2025")
    assert other.id != first.id
