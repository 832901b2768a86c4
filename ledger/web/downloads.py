"""Downloads of what a page shows, through the existing exports (:mod:`ledger.report.writers`): XLSX (a sheet per kind),
CSV (one kind: ``&sheet=``, else the page's main one; UTF-8 with a byte-order mark for Excel) and JSON."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from starlette.responses import Response

from ledger.report.writers import csv_text, json_text, to_xlsx

_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


class BadRequest(ValueError):
    """A query parameter a page cannot use (an unknown format or change kind, a malformed digest): a 400 page."""


def download(
    sheets: Mapping[str, Sequence[Mapping[str, Any]]], fmt: str, main: str, sheet: str | None
) -> Response:
    """``sheets`` as a file named after ``main`` (the page's main kind); CSV holds ``sheet`` or ``main``."""
    if fmt == "xlsx":
        buffer = io.BytesIO()
        to_xlsx(sheets, buffer)
        body: bytes = buffer.getvalue()
    elif fmt == "csv":
        kind = sheet or main
        if kind not in sheets:
            raise BadRequest(f"no sheet {kind!r}; the sheets are: {', '.join(sheets)}")
        body = csv_text(sheets[kind], kind).encode("utf-8-sig")
        main = kind
    elif fmt == "json":
        body = (json_text(sheets) + "\n").encode()
    else:
        raise BadRequest(f"unknown format {fmt!r}: use xlsx, csv or json")
    name = f"{main}.{fmt}"
    return Response(
        body,
        media_type=_TYPES[fmt],
        headers={"content-disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )
