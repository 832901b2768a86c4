"""The document links of a portal page (信息公开 page listing budget disclosures).

A link is followed when its URL path names a publication file (PDF, Word, Excel, text), or an HTML page *and* a
pattern was given: a portal's own navigation is made of HTML pages, so HTML links are only followed when the user
says which. The pattern (a regular expression) is matched against the absolute URL and against the link text, since
Chinese portals often name files opaquely (``P020240201.pdf``) and put the title (``2024年部门预算``) in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from ledger.watch.sources import FILE_SUFFIXES

HTML_SUFFIXES = (".html", ".htm", ".shtml")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
#: GB2312 and GBK pages routinely contain characters outside their declared set; GB18030 is the superset.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030"}


@dataclass(frozen=True)
class Link:
    url: str
    text: str


def document_links(
    content: bytes, *, base_url: str, content_type: str | None = None, pattern: str | None = None
) -> list[Link]:
    """The publication links of a page, absolute, without fragments, in page order, each once."""
    parser = _LinkParser()
    parser.feed(decode_html(content, content_type))
    parser.close()
    base = urljoin(base_url, parser.base_href) if parser.base_href else base_url
    wanted = re.compile(pattern) if pattern else None
    page = urldefrag(base_url).url
    seen: set[str] = set()
    links: list[Link] = []
    for href, text in parser.anchors:
        url = _absolute(base, href)
        if url is None or url in seen or url == page or not _is_followable(url, text, wanted):
            continue
        seen.add(url)
        links.append(Link(url=url, text=text))
    return links


def _absolute(base: str, href: str) -> str | None:
    """``href`` resolved against ``base``, without its fragment; None for a malformed one (e.g. ``http://[x``)."""
    try:
        url = urldefrag(urljoin(base, href.strip())).url
        urlsplit(url)
    except ValueError:
        return None
    return url


def _is_followable(url: str, text: str, wanted: re.Pattern[str] | None) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    path = parts.path.lower()
    if path.endswith(FILE_SUFFIXES):
        return wanted is None or bool(wanted.search(url) or wanted.search(text))
    if path.endswith(HTML_SUFFIXES):
        return wanted is not None and bool(wanted.search(url) or wanted.search(text))
    return False


def decode_html(content: bytes, content_type: str | None) -> str:
    """Text of a page: the charset the server declares, else the page's ``<meta>``, else UTF-8, else GB18030."""
    candidates = [_charset_of(content_type), _meta_charset(content), "utf-8", "gb18030"]
    for charset in candidates:
        if not charset:
            continue
        try:
            return content.decode(_SUPERSETS.get(charset.lower(), charset))
        except (LookupError, UnicodeDecodeError):
            continue
    return content.decode("utf-8", errors="replace")


def _charset_of(content_type: str | None) -> str | None:
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    return charset if isinstance(charset, str) else None


def _meta_charset(content: bytes) -> str | None:
    match = _META_CHARSET.search(content[:4096])
    return match.group(1).decode("ascii") if match else None


class _LinkParser(HTMLParser):
    """Collects ``<a href>`` / ``<area href>`` in page order with their text, and ``<base href>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base_href: str | None = None
        self._found: list[tuple[str, list[str]]] = []
        self._open: list[list[str]] = []

    @property
    def anchors(self) -> list[tuple[str, str]]:
        return [(href, " ".join("".join(texts).split())) for href, texts in self._found]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        href = values.get("href")
        if tag == "base" and href and self.base_href is None:
            self.base_href = href
        elif tag == "a":
            # An <a> inside an unclosed <a> closes it, as browsers do.
            self._open.clear()
            if href:
                texts: list[str] = []
                self._found.append((href, texts))
                self._open.append(texts)
        elif tag == "area" and href:
            self._found.append((href, [values.get("alt") or ""]))

    def handle_data(self, data: str) -> None:
        for texts in self._open:
            texts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._open.clear()
