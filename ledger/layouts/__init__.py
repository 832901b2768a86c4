"""Layout parsers, one per publication layout family, chosen by detection on the intermediate form."""

from __future__ import annotations

from ledger.errors import UnknownLayoutError
from ledger.layouts.base import Layout
from ledger.readers.document import Document


def all_layouts() -> list[Layout]:
    """Every known layout, in a fixed order (ties in detection go to the earlier one)."""
    from ledger.layouts import registry

    return list(registry.LAYOUTS)


def choose_layout(document: Document) -> Layout:
    """The layout whose detector scores highest; :class:`UnknownLayoutError` when none recognises the document."""
    layouts = all_layouts()
    scored = [(layout.detect(document), index, layout) for index, layout in enumerate(layouts)]
    best_score, _, best = max(scored, key=lambda item: (item[0], -item[1]), default=(0, 0, None))
    if best is None or best_score <= 0:
        wanted = "; ".join(f"{layout.name}: {layout.looks_for}" for layout in layouts)
        raise UnknownLayoutError(f"unknown layout (looked for {wanted})")
    return best
