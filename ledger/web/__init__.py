"""``ledger serve``: a read-only web view of the ledger for auditors (server-rendered HTML, no JavaScript).

The pages call the same library functions the CLI calls (:mod:`ledger.compare`, :mod:`ledger.history`,
:mod:`ledger.findings`, :mod:`ledger.verify`, the exports of :mod:`ledger.workbook`); this package only turns their
answers into HTML, SVG and downloads. Nothing here writes to the ledger: every route answers GET alone.
"""

from __future__ import annotations

from ledger.web.app import create_app

__all__ = ["create_app"]
