"""Choosing a layout by evidence: scores rank the candidates, what each can read decides."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest

from ledger.errors import ParseError, UnknownLayoutError
from ledger.layouts import parse_by_evidence, registry
from ledger.model import Department, ParseWarning, Snapshot
from ledger.readers.document import Document, Paragraph

DOCUMENT = Document(blocks=(Paragraph("某局 2019 年度部门预算公开"),), form="outline")


@dataclass
class Fake:
    """A layout with a fixed score that fails with ``error`` or reads the document with ``warnings`` warnings."""

    name: str
    score: int
    error: str | None = None
    warnings: int = 0
    version: str = "1"
    looks_for: str = "anything"
    parsed: list[str] = field(default_factory=list)

    def detect(self, document: Document) -> int:
        return self.score

    def parse(self, document: Document) -> Snapshot:
        self.parsed.append(self.name)
        if self.error is not None:
            raise ParseError(self.error)
        return Snapshot(
            department=Department(name=self.name),
            fiscal_year=2019,
            document_kind="budget-tables",
            warnings=[ParseWarning(code="w", message=str(n), where="x") for n in range(self.warnings)],
        )


@contextmanager
def only(*layouts: Fake) -> Iterator[None]:
    saved = list(registry.LAYOUTS)
    registry.LAYOUTS[:] = list(layouts)
    try:
        yield
    finally:
        registry.LAYOUTS[:] = saved


def test_the_first_of_a_tie_fails_and_the_other_reads_the_document() -> None:
    """The issue's case: two layouts score 70, the first in the registry fails on the department's name."""
    hebei = Fake("hebei", 70, error="the department's name was not found")
    jiangsu = Fake("jiangsu", 70)
    with only(hebei, jiangsu):
        assert parse_by_evidence(DOCUMENT).layout is jiangsu


def test_of_a_tie_the_most_complete_reading_wins() -> None:
    with only(Fake("a", 70, warnings=3), Fake("b", 70, warnings=1), Fake("c", 70, warnings=1)):
        assert parse_by_evidence(DOCUMENT).layout.name == "b"


def test_a_lower_score_is_tried_only_when_the_best_fail() -> None:
    low = Fake("low", 10)
    with only(Fake("high", 90), low):
        assert parse_by_evidence(DOCUMENT).layout.name == "high"
    assert low.parsed == []
    with only(Fake("high", 90, error="no tables"), low):
        assert parse_by_evidence(DOCUMENT).layout.name == "low"


def test_when_all_fail_the_error_names_each_layout_tried_and_why() -> None:
    with only(Fake("a", 70, error="no year"), Fake("b", 40, error="no tables"), Fake("c", 0)):
        with pytest.raises(ParseError) as raised:
            parse_by_evidence(DOCUMENT)
    assert (
        str(raised.value) == "no layout could read it — tried a (score 70): no year; b (score 40): no tables"
    )


def test_one_candidate_fails_with_its_own_error() -> None:
    with only(Fake("a", 70, error="no year"), Fake("c", 0)), pytest.raises(ParseError, match="^no year$"):
        parse_by_evidence(DOCUMENT)


def test_no_candidate_is_an_unknown_layout() -> None:
    with only(Fake("c", 0)), pytest.raises(UnknownLayoutError):
        parse_by_evidence(DOCUMENT)


def test_a_higher_score_that_reads_with_warnings_gives_way_to_a_complete_reading() -> None:
    with only(Fake("half", 90, warnings=12), Fake("whole", 60)):
        assert parse_by_evidence(DOCUMENT).layout.name == "whole"
    with only(Fake("high", 90, warnings=1), Fake("low", 60, warnings=5)):
        assert parse_by_evidence(DOCUMENT).layout.name == "high"
    with only(Fake("high", 90, warnings=2), Fake("low", 60, warnings=2)):
        assert parse_by_evidence(DOCUMENT).layout.name == "high"  # a tie goes to the higher score
