"""parse_publication: reader warnings reach the snapshot, so nothing the reader skipped is silently lost."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ledger.pipeline.parse import parse_publication
from ledger.readers.text import read_text
from tests.readers.builders import docx_of

SEEDS = Path(__file__).resolve().parents[2] / "samples" / "seeds"


def test_text_seed_has_no_reader_warnings() -> None:
    result = parse_publication((SEEDS / "gaoxin-hrss-2024-targets.txt").read_bytes())
    assert not [w for w in result.snapshot.warnings if w.code in ("reader-warning", "hidden-sheets")]


def test_a_docx_twin_parses_with_the_seed_layout() -> None:
    seed = (SEEDS / "gaoxin-hrss-2024-targets.txt").read_bytes()
    result = parse_publication(docx_of(read_text(seed)), "gaoxin.docx")
    assert result.document.form == "docx" and result.parser_name == parse_publication(seed).parser_name


@pytest.mark.corpus
def test_hidden_sheets_become_a_snapshot_warning(tmp_path: Path) -> None:
    corpus = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "xlsx"
    source = corpus / "wuhan-donghu-hrss-2020-project-application.xlsx"
    if not source.exists():
        pytest.skip(f"corpus file not present: {source}")
    workbook = load_workbook(source)
    workbook.create_sheet("草稿").sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = parse_publication(buffer.getvalue(), "wuhan.xlsx")
    assert [w.message for w in result.snapshot.warnings if w.code == "hidden-sheets"] == [
        "hidden sheets not read: 草稿"
    ]
