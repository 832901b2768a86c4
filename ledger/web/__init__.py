"""``ledger serve``: a read-only web view of the ledger for auditors (server-rendered HTML, no JavaScript).

The pages call the same library functions the CLI calls (:mod:`ledger.query.comparisons`,
:mod:`ledger.query.history`, :mod:`ledger.findings`, :mod:`ledger.store.verify`, the exports of
:mod:`ledger.report.workbook`); this package only turns their answers into HTML, SVG and downloads. It sits above
every other room of the library, and only the CLI imports it. Nothing here writes to the ledger: every route answers GET alone.
"""

from __future__ import annotations

from ledger.web.app import create_app

__all__ = ["create_app"]
