"""Layout parsers, one per publication layout family, chosen by detection on the intermediate form."""

from __future__ import annotations

from dataclasses import dataclass

from ledger.errors import ParseError, UnknownLayoutError
from ledger.layouts.base import Layout
from ledger.model import Snapshot
from ledger.readers.document import Document


def all_layouts() -> list[Layout]:
    """Every known layout, in a fixed order (ties in detection go to the earlier one)."""
    from ledger.layouts import registry

    return list(registry.LAYOUTS)


def candidates(document: Document) -> list[tuple[int, Layout]]:
    """The layouts that recognise the document with their scores, best first (ties in registry order).

    :class:`UnknownLayoutError` when none does.
    """
    layouts = all_layouts()
    scored = [(layout.detect(document), index, layout) for index, layout in enumerate(layouts)]
    found = [(score, layout) for score, _, layout in sorted(scored, key=lambda s: (-s[0], s[1])) if score > 0]
    if not found:
        wanted = "; ".join(f"{layout.name}: {layout.looks_for}" for layout in layouts)
        raise UnknownLayoutError(f"unknown layout (looked for {wanted})")
    return found


def choose_layout(document: Document) -> Layout:
    """The layout whose detector scores highest; :class:`UnknownLayoutError` when none recognises the document."""
    return candidates(document)[0][1]


@dataclass(frozen=True)
class Chosen:
    layout: Layout
    snapshot: Snapshot


def parse_by_evidence(document: Document) -> Chosen:
    """Parse with the layouts that recognise the document, choosing by what each could read.

    Detection scores only rank the candidates. The best-scoring layouts (all of them when several tie) each parse
    the document; a reading without warnings among them is taken. Otherwise the lower-scoring candidates parse it
    too, and the reading with the fewest warnings (the most complete) wins, ties to the higher score, then to the
    registry's order: a layout that scores high on a document it only half reads does not keep it from the one
    that reads it whole. When every candidate fails, the :class:`ParseError` names each layout tried, its score,
    and why it failed.
    """
    found = candidates(document)
    failures: list[tuple[int, Layout, ParseError]] = []
    parsed: list[Chosen] = []
    for score in sorted({score for score, _ in found}, reverse=True):
        for _, layout in (item for item in found if item[0] == score):
            try:
                parsed.append(Chosen(layout, layout.parse(document)))
            except ParseError as exc:
                failures.append((score, layout, exc))
        if any(not chosen.snapshot.warnings for chosen in parsed):
            break
    if parsed:
        return min(parsed, key=lambda chosen: len(chosen.snapshot.warnings))  # min keeps the first of a tie
    if len(failures) == 1:
        raise failures[0][2]
    tried = "; ".join(f"{layout.name} (score {score}): {exc}" for score, layout, exc in failures)
    raise ParseError(f"no layout could read it — tried {tried}")
