"""Which network addresses the ledger may fetch from or post to (server-side request forgery, SSRF).

A watched source or a webhook is a URL someone typed, and a portal page or a redirect can point anywhere: at
``127.0.0.1:8080``, at ``169.254.169.254`` (cloud metadata, credentials), at a database on the private network.
Whatever answers would be stored in the append-only ledger forever. So every host is resolved before each request
— the first and every redirect — and refused when any address it resolves to is not a public unicast address
(loopback, private, link-local, shared, multicast, reserved, unspecified, and IPv6's equivalents, IPv4-mapped
addresses unwrapped). Numeric tricks (``0x7f000001``, ``2130706433``, ``127.1``) are resolved by the same
resolver the connection uses, so they are caught as what they are.

A source added with ``--allow-private`` (an intranet portal, a test server) skips the check; nothing else does.

What is left (docs/limits.md): the connection resolves the name again, so a DNS server answering differently the
second time (DNS rebinding, a TTL of 0) is not caught here.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit, urlunsplit

from ledger.errors import LedgerError

#: (host, port) → the addresses it resolves to; tests inject one that answers without DNS.
Resolver = Callable[[str, int], Sequence[str]]


class AddressRefused(LedgerError):
    """A URL's host resolves to an address the ledger must not reach."""


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses ``getaddrinfo`` gives (what the connection itself will use)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise AddressRefused(f"cannot resolve host {host!r}: {exc}") from exc
    return [str(info[4][0]) for info in found]


def why_not_public(address: str) -> str | None:
    """Why ``address`` is not a public unicast address, or None when it is one."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for reason, flag in (
        ("loopback", ip.is_loopback),
        ("unspecified", ip.is_unspecified),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
    ):
        if flag:
            return reason
    if not ip.is_global:
        return "not globally routable"
    return None


@dataclass(frozen=True)
class AddressPolicy:
    """Where requests may go: public addresses only, unless ``allow_private``."""

    allow_private: bool = False
    resolver: Resolver = system_resolver

    def check(self, url: str) -> None:
        """Raise :class:`AddressRefused` when ``url``'s host resolves to a non-public address."""
        if self.allow_private:
            return
        parts = urlsplit(url)
        host = parts.hostname
        if not host:
            raise AddressRefused(f"no host in URL {redact_url(url)}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        for address in self.resolver(host, port):
            reason = why_not_public(address)
            if reason is not None:
                raise AddressRefused(
                    f"refused: {host} resolves to {address} ({reason}); "
                    "use --allow-private to allow private addresses"
                )


def literal_address(host: str) -> str | None:
    """The address a host names without asking DNS: an IP literal (any IPv4 spelling the resolver accepts,
    ``0x7f000001`` and ``127.1`` included) or ``localhost``; None for a name only DNS can answer."""
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return "127.0.0.1"
    try:
        return str(ipaddress.ip_address(name.split("%", 1)[0]))
    except ValueError:
        pass
    try:
        return socket.inet_ntoa(socket.inet_aton(name))
    except OSError:
        return None


def refuse_literal(url: str, *, allow_private: bool, resolver: Resolver = system_resolver) -> None:
    """When a URL's host is an address literal or ``localhost`` (known without asking DNS), refuse it now if it is
    not public: checked when a source or webhook is added. Names are resolved before each request instead."""
    host = urlsplit(url).hostname
    if host and literal_address(host) is not None:
        AddressPolicy(allow_private=allow_private, resolver=resolver).check(url)


def redact_url(url: str) -> str:
    """``url`` without any ``user:password@`` (never stored, printed or sent to a subscriber)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.username is None and parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(SplitResult(parts.scheme, host, parts.path, parts.query, parts.fragment))


def same_host(url: str, other: str) -> bool:
    """Whether two URLs name the same host (case-insensitive; ports may differ)."""
    return (urlsplit(url).hostname or "").lower() == (urlsplit(other).hostname or "").lower()
