"""Watched sources must not lead the ledger into the local network or the local file system.

Every server here listens on 127.0.0.1. A "public" portal is simulated with an injected resolver that answers a
public address (93.184.216.34) for the portal's own port and resolves everything else for real — so no request
ever leaves the machine, and the address checks see what they would see on the internet. Figures of the attacks
before the fix are in docs/RELIABILITY.md.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlmodel import select

from ledger.store import Ledger, events
from ledger.store.schema import PublicationRow
from ledger.watch.addresses import (
    AddressPolicy,
    AddressRefused,
    Resolver,
    redact_url,
    system_resolver,
    why_not_public,
)
from ledger.watch.check import SourceChecker
from ledger.watch.fetch import Fetcher, FetchError, FetchPolicy
from ledger.watch.sources import Schedule, SourceError, add_source
from tests.httpsite import Site, portal_page, serve
from tests.support import key_value_layout, publication

EVERY_6H = Schedule(every_seconds=6 * 3600)
POLICY = FetchPolicy(read_timeout_s=2.0, attempts=4, backoff_s=1.0)
#: A check that is refused must not take longer than this (no retries of a refusal, no waiting on a socket).
MAX_SECONDS = 2.0


@pytest.fixture
def ledger(db_url: str) -> Iterator[Ledger]:
    with key_value_layout(), Ledger(db_url) as opened:
        yield opened


@pytest.fixture
def public() -> Iterator[Site]:
    """The portal: a server the injected resolver calls public."""
    with serve() as running:
        yield running


@pytest.fixture
def internal() -> Iterator[Site]:
    """A server on the local network the portal must not lead to (holding a secret)."""
    with serve() as running:
        running.put("/secret.pdf", b"DB_PASSWORD=hunter2")
        running.put("/a.pdf", b"DB_PASSWORD=hunter2")
        yield running


def resolver_for(site: Site) -> Resolver:
    port = urlsplit(site.base).port

    def resolve(host: str, wanted: int) -> Sequence[str]:
        return ["93.184.216.34"] if wanted == port and host == "127.0.0.1" else system_resolver(host, wanted)

    return resolve


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def checker(ledger: Ledger, public: Site, sleeps: list[float]) -> Iterator[SourceChecker]:
    with Fetcher(POLICY, sleep=sleeps.append, resolver=resolver_for(public)) as fetcher:
        yield SourceChecker(ledger, fetcher)


def _stored(ledger: Ledger) -> int:
    """Publications stored (their bytes kept forever)."""
    with ledger.read() as session:
        return len(session.exec(select(PublicationRow)).all())


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("100.64.0.1", "not globally routable"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("fe80::1%eth0", "link-local"),
        ("fc00::1", "private"),
        ("93.184.216.34", None),
        ("2606:2800:220:1:248:1893:25c8:1946", None),
    ],
)
def test_non_public_addresses_are_named(address: str, reason: str | None) -> None:
    assert why_not_public(address) == reason


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "0x7f000001", "2130706433", "127.1", "localhost", "169.254.169.254"]
)
def test_numeric_and_named_tricks_resolve_to_what_they_are(host: str) -> None:
    # resolution only: getaddrinfo of a numeric host or localhost sends nothing anywhere
    with pytest.raises(
        AddressRefused, match=r"^refused: .* resolves to .* \((loopback|link-local)\); use --allow"
    ):
        AddressPolicy().check(f"http://{host}:18082/a.pdf")
    AddressPolicy(allow_private=True).check(f"http://{host}:18082/a.pdf")


def test_a_redirect_to_a_local_port_is_refused_and_nothing_is_stored(
    ledger: Ledger, checker: SourceChecker, public: Site, internal: Site, sleeps: list[float]
) -> None:
    # before: the redirect was followed and the internal server's answer stored in publications forever
    public.put("/budget.pdf", b"", redirect_to=internal.url("/secret.pdf"))
    source = add_source(ledger, public.url("/budget.pdf"), schedule=EVERY_6H, resolver=resolver_for(public))
    assert source.id is not None
    started = time.monotonic()
    report = checker.check(source.id)
    assert time.monotonic() - started < MAX_SECONDS
    assert report.status == "failed"
    assert report.error is not None and "\n" not in report.error
    assert report.error.startswith("refused: 127.0.0.1 resolves to 127.0.0.1 (loopback)")
    assert internal.hits("/secret.pdf") == [] and sleeps == []
    assert _stored(ledger) == 0


def test_portal_links_to_other_hosts_are_not_followed(
    ledger: Ledger, checker: SourceChecker, public: Site, internal: Site
) -> None:
    port = urlsplit(internal.base).port
    hrefs = [
        f"http://0x7f000001:{port}/a.pdf",
        f"http://localhost:{port}/a.pdf",
        "http://169.254.169.254/latest/meta-data.pdf",
    ]
    public.put("/ysgk.html", portal_page(*[(href, "2024年部门预算") for href in hrefs]))
    source = add_source(ledger, public.url("/ysgk.html"), schedule=EVERY_6H, resolver=resolver_for(public))
    assert source.id is not None
    report = checker.check(source.id)
    assert report.refused_links == tuple(hrefs)
    assert report.documents == ()
    assert internal.requests == []
    with ledger.read() as session:
        checked = [e for e in events.list_events(session) if e.type == events.SOURCE_CHECKED]
    assert checked[-1].payload["refused_links"] == hrefs


def test_allowed_hosts_still_pass_the_address_check(
    ledger: Ledger, checker: SourceChecker, public: Site, internal: Site, sleeps: list[float]
) -> None:
    # before: all four were fetched, the metadata address retried four times
    port = urlsplit(internal.base).port
    hrefs = [
        f"http://0x7f000001:{port}/a.pdf",
        f"http://localhost:{port}/a.pdf",
        "http://169.254.169.254/latest/meta-data.pdf",
        f"http://127.0.0.1:{port}/a.pdf",
    ]
    public.put("/ysgk.html", portal_page(*[(href, "2024年部门预算") for href in hrefs]))
    source = add_source(
        ledger,
        public.url("/ysgk.html"),
        schedule=EVERY_6H,
        allowed_hosts=["0x7f000001", "localhost", "169.254.169.254"],
        resolver=resolver_for(public),
    )
    assert source.id is not None
    started = time.monotonic()
    report = checker.check(source.id)
    assert time.monotonic() - started < MAX_SECONDS
    assert [d.status for d in report.documents] == ["failed"] * 4
    for document in report.documents:
        assert document.error is not None and document.error.startswith("refused: ")
        assert "\n" not in document.error
    assert internal.requests == [] and sleeps == []
    assert _stored(ledger) == 0


def test_a_private_source_works_only_when_allowed(ledger: Ledger, internal: Site) -> None:
    with pytest.raises(
        SourceError, match=r"^refused: 127\.0\.0\.1 resolves to 127\.0\.0\.1 \(loopback\); use --allow"
    ):
        add_source(ledger, internal.url("/a.pdf"), schedule=EVERY_6H)
    allowed = add_source(ledger, internal.url("/secret.pdf"), schedule=EVERY_6H, allow_private=True)
    assert allowed.id is not None
    with Fetcher(POLICY) as fetcher:
        assert SourceChecker(ledger, fetcher).check(allowed.id).status == "changed"
    assert [r.path for r in internal.requests] == ["/secret.pdf"]


def test_a_symlink_in_a_folder_source_is_refused(
    ledger: Ledger, checker: SourceChecker, tmp_path: Path
) -> None:
    # before: a link to /proc/self/environ stored the process environment, secrets included
    folder = tmp_path / "inbox"
    folder.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_bytes(publication("甲局", 2024, ("培训经费", "1"), note="SECRET=hunter2"))
    (folder / "environ.txt").symlink_to("/proc/self/environ")
    (folder / "budget.txt").symlink_to(secret)
    (folder / "sub").symlink_to(tmp_path, target_is_directory=True)
    (folder / "real.txt").write_bytes(publication("乙局", 2024, ("就业补助", "300")))
    source = add_source(ledger, str(folder), schedule=EVERY_6H, pattern="**/*.txt")
    assert source.id is not None
    report = checker.check(source.id)
    outcome = {d.document: (d.status, d.error) for d in report.documents}
    assert outcome["real.txt"] == ("recorded", None)
    # a linked folder is either not walked (Python's ** does not follow links) or its files are refused
    linked = [name for name in outcome if name.startswith("sub/")]
    for name in ("environ.txt", "budget.txt", *linked):
        assert outcome[name][0] == "failed"
        assert str(outcome[name][1]).startswith("refused: a symbolic link")
    assert _stored(ledger) == 1


def test_credentials_are_never_stored_and_come_from_netrc(
    ledger: Ledger, internal: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SourceError) as refused:
        add_source(ledger, internal.url("/a.pdf").replace("://", "://u:s3cret@"), schedule=EVERY_6H)
    assert "s3cret" not in str(refused.value) and "u:" not in str(refused.value)
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login u password s3cret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    source = add_source(ledger, internal.url("/secret.pdf"), schedule=EVERY_6H, allow_private=True)
    assert source.id is not None
    with Fetcher(POLICY) as fetcher:
        SourceChecker(ledger, fetcher).check(source.id)
    assert internal.requests[-1].headers.get("Authorization", "").startswith("Basic ")
    with ledger.read() as session:
        assert all("s3cret" not in str(e.payload) for e in events.list_events(session))


def test_a_redirect_url_with_credentials_is_reported_without_them(public: Site, internal: Site) -> None:
    target = internal.url("/missing.pdf").replace("://", "://u:s3cret@")
    public.put("/a.pdf", b"", redirect_to=target)
    with Fetcher(POLICY, sleep=lambda _: None) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.get(public.url("/a.pdf").replace("://", "://u:s3cret@"), allow_private=True)
    assert "s3cret" not in str(caught.value)
    assert redact_url(target) == internal.url("/missing.pdf")


def test_too_many_redirects_are_refused(public: Site) -> None:
    public.put("/loop.pdf", b"", redirect_to="/loop.pdf")
    with (
        Fetcher(POLICY, sleep=lambda _: None) as fetcher,
        pytest.raises(FetchError, match="more than 5 redirects"),
    ):
        fetcher.get(public.url("/loop.pdf"), allow_private=True)
    assert len(public.hits("/loop.pdf")) == 6


@pytest.mark.slow
def test_portal_documents_are_fetched_concurrently_within_the_checks_deadline(
    ledger: Ledger, public: Site
) -> None:
    # before: one slow document held a source check for 1,215 s; documents were fetched one after another
    links = [(f"/d{i}.txt", f"2024年部门预算{i}") for i in range(8)]
    for i, (href, _) in enumerate(links):
        public.put(href, publication(f"局{i}", 2024, ("经费", "1")), delay_s=1.0)
    public.put("/ysgk.html", portal_page(*links))
    source = add_source(ledger, public.url("/ysgk.html"), schedule=EVERY_6H, resolver=resolver_for(public))
    assert source.id is not None
    policy = FetchPolicy(read_timeout_s=5.0, attempts=2, backoff_s=0.0, concurrency=4, check_deadline_s=1.5)
    with Fetcher(policy, resolver=resolver_for(public)) as fetcher:
        started = time.monotonic()
        report = SourceChecker(ledger, fetcher).check(source.id)
        elapsed = time.monotonic() - started
    statuses = [d.status for d in report.documents]
    # the first four arrive together after 1 s; the next four are cut by the 1.5 s deadline
    assert statuses[:4] == ["recorded"] * 4
    assert statuses[4:] == ["failed"] * 4
    assert all("deadline" in str(d.error) for d in report.documents[4:])
    assert elapsed < 3.5
