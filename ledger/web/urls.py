"""The web view's URLs: stable and shareable, with references percent-encoded where they must be.

``/d/<department>[/<year>]``, ``/d/<department>/history?project=…``, ``/diff/<ref>..<ref>``,
``/findings/<ref>[..<ref>]``. A ref is any snapshot reference the CLI takes (``DEPARTMENT@YEAR[rN][/KIND]``, a hash
prefix, an id); ``@`` and ``/`` stay readable, CJK and everything else is percent-encoded.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from starlette.requests import Request


def _path(text: str) -> str:
    """One part of a path, percent-encoded (CJK, spaces, ``#``, ``?``); ``@`` and ``/`` of refs stay readable."""
    return quote(text, safe="@/")


def department_url(name: str, year: int | None = None) -> str:
    return f"/d/{quote(name, safe='')}" + (f"/{year}" if year is not None else "")


def diff_url(old: str, new: str, **query: str) -> str:
    return f"/diff/{_path(old)}..{_path(new)}" + (f"?{urlencode(query)}" if query else "")


def findings_url(new: str, old: str | None = None) -> str:
    return f"/findings/{_path(old)}..{_path(new)}" if old else f"/findings/{_path(new)}"


def history_url(department: str, **query: str) -> str:
    return f"{department_url(department)}/history?{urlencode(query)}"


def with_query(request: Request, **changes: str | None) -> str:
    """This page's URL with some query parameters replaced (None removes one): download links, filters."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    params += [(k, v) for k, v in changes.items() if v is not None]
    return request.url.path + (f"?{urlencode(params)}" if params else "")
