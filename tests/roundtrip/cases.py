"""What the round trips run on, and how one is judged: a publication with a known snapshot, a variation drawn by
hypothesis, the rendered file read back by :func:`ledger.pipeline.parse.parse_publication` and compared field by field."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deepdiff import DeepDiff
from hypothesis import strategies as st

from ledger.model.canonical import to_jsonable
from ledger.pipeline.parse import parse_publication
from ledger.readers.document import Document, Table
from ledger.readers.text import read_text
from tests.roundtrip.render import Format, Variation, comparable, render

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "samples" / "seeds"
GOLDEN = ROOT / "snapshots"
#: The layouts that read a workbook: the Guangdong template (its seeds are exports of one). The Hebei layouts find
#: their department and tables through the paragraphs around the tables, which a workbook does not have.
XLSX_SEEDS = ("taishan-hrss-2024-targets", "zhanjiang-hrss-2024-targets")


@dataclass(frozen=True)
class Publication:
    """A publication in its intermediate form with the snapshot (canonical JSON) it must read as."""

    name: str
    document: Document
    expected: dict[str, Any]

    def formats(self) -> tuple[Format, ...]:
        stem = self.name.split("@")[0]
        return ("pdf", "docx", "text", "xlsx") if stem in XLSX_SEEDS else ("pdf", "docx", "text")


def seed(stem: str) -> Publication:
    """A seed with its golden snapshot (``snapshots/``)."""
    document = read_text((SEEDS / f"{stem}.txt").read_bytes())
    expected = json.loads((GOLDEN / f"{stem}.json").read_text("utf-8"))
    return Publication(stem, document, expected)


def from_text(name: str, text: bytes) -> Publication:
    """A generated publication: its snapshot is what its own text parses to."""
    return Publication(name, read_text(text), to_jsonable(parse_publication(text, f"{name}.txt").snapshot))


_DIGIT = re.compile(r"\d")

SEED_STEMS = tuple(sorted(path.stem for path in SEEDS.glob("*.txt")))


@st.composite
def variations(draw: st.DrawFn, document: Document, format: Format, cut_rows: bool = True) -> Variation:
    """A variation of ``document`` in ``format``: every knob the format has, drawn.

    ``cut_rows=False`` breaks pages only between rows, never inside one. Rows of the numbered outline (a text
    export's artefact, no printed form) are never cut."""
    variation = Variation(
        format=format,
        thousands=draw(st.booleans()),
        blank_placeholders=draw(st.booleans()),
        merge_labels=draw(st.booleans()),
    )
    if format == "pdf":
        tables = [
            i for i, block in enumerate(document.blocks) if isinstance(block, Table) and len(block.rows) > 2
        ]
        breaks: list[tuple[int, int, int]] = []
        for index in draw(st.lists(st.sampled_from(tables), max_size=3, unique=True)) if tables else []:
            block = document.blocks[index]
            assert isinstance(block, Table)
            row = draw(st.integers(1, len(block.rows) - 1))
            # a row is cut in two only where it holds figures: a header row's labels (一级 / 指标) are not
            # rebuilt from two pages; every other row may start a page
            cuttable = (
                cut_rows
                and document.form != "outline"
                and any(_DIGIT.search(cell) for cell in block.rows[row])
            )
            breaks.append((index, row, draw(st.integers(0, 2)) if cuttable else 0))
        variation = Variation(
            format=format,
            thousands=variation.thousands,
            blank_placeholders=variation.blank_placeholders,
            merge_labels=variation.merge_labels,
            landscape=draw(st.booleans()),
            repeat_rows=draw(st.integers(0, 2)),
            breaks=tuple(sorted(breaks)),
        )
    if format == "xlsx":
        variation = Variation(
            format=format,
            thousands=variation.thousands,
            blank_placeholders=variation.blank_placeholders,
            merge_labels=variation.merge_labels,
            shown_decimals=draw(st.integers(0, 2)),
        )
    return variation


def differences(publication: Publication, variation: Variation) -> Sequence[str]:
    """What the rendered file reads differently from the publication's snapshot; empty when every field is back."""
    data = render(publication.document, variation)
    try:
        snapshot = to_jsonable(parse_publication(data, f"{publication.name}.{variation.format}").snapshot)
    except Exception as exc:  # any failure to read is a difference to report, with its reason
        return [f"not read: {type(exc).__name__}: {exc}"]
    diff = DeepDiff(comparable(publication.expected, variation), comparable(snapshot, variation), view="tree")
    return [f"{change.path()}: {change.t1!r} -> {change.t2!r}" for kind in diff for change in diff[kind]]
