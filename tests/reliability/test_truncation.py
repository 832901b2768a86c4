"""A publication cut off at any point (docs/architecture.md §1: "documents cut off mid-table") is never a wrong snapshot presented as
whole: the parse of the cut is either the same as the whole publication's (the cut fell after everything the
layout reads), or carries a ``truncated`` warning, or is a clean error.

Each seed is cut at every 10 % of its bytes, once on a character boundary and once inside a multi-byte character.
The cuts the layouts do not yet report are listed in :data:`KNOWN_UNMARKED` and marked ``xfail(strict=True)``:
fixing a layout turns its entries into failures here until they are removed, so the list always says the truth.
``scripts/reliability_report.py`` runs the same judgement on every 1 %.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.reliability.inputs import HONEST, Cut, cut_points, judge_cut, seed_bytes
from tests.reliability.ledgers import ledger_problems, read_facts

runner = CliRunner()

#: Cuts (``seed-percent``) whose parse is a shorter snapshot without a ``truncated`` warning, and why. Empty since
#: the text reader reports a file that stops inside a cell and the disclosure layout checks the 三公经费支出表's end.
KNOWN_UNMARKED: dict[str, str] = {}

CUTS = [cut for name, data in seed_bytes().items() for cut in cut_points(name, data, range(10, 100, 10))]


def _marked(cut: Cut) -> object:
    reason = KNOWN_UNMARKED.get(cut.id)
    if reason is None:
        return cut
    return pytest.param(cut, marks=pytest.mark.xfail(strict=True, reason=reason))


@pytest.mark.parametrize("cut", [_marked(cut) for cut in CUTS], ids=[cut.id for cut in CUTS])
def test_a_cut_publication_is_never_presented_as_whole(cut: Cut) -> None:
    result = judge_cut(cut, seed_bytes()[cut.seed])
    assert result.verdict in HONEST, f"{cut.id} kept {cut.at} bytes: {result.verdict} ({result.detail})"


def test_every_known_unmarked_cut_exists() -> None:
    """An entry of the list that names no cut would hide nothing and mean nothing."""
    assert set(KNOWN_UNMARKED) <= {cut.id for cut in CUTS}


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16"])
def test_a_cut_inside_a_character_is_read_up_to_the_cut_and_named_as_a_cut(encoding: str) -> None:
    """A file that stops inside a character was cut in transfer: the reader reads what is whole and says so."""
    from ledger.readers.text import read_text

    text = seed_bytes()["gaoxin-hrss-2024-targets.txt"].decode("utf-8")
    at = next(i for i in range(len(text) // 2, len(text)) if "\u4e00" <= text[i] <= "\u9fff")
    character = text[at].encode(
        "utf-16-le" if encoding == "utf-16" else encoding
    )  # no second byte-order mark
    document = read_text(text[:at].encode(encoding) + character[:-1])
    whole_part = read_text(text[:at].encode(encoding))
    assert document.blocks == whole_part.blocks
    assert document.meta["truncated"].endswith("text ends inside a character: the file is cut off there")


@pytest.mark.slow
def test_a_cut_file_through_the_command_line_is_recorded_with_its_cut_named(tmp_path: Path) -> None:
    data = seed_bytes()["haigang-hrss-2024-budget.txt"]
    cut = next(c for c in cut_points("haigang", data, range(50, 51)) if c.mid_char)
    path = tmp_path / "haigang-cut.txt"
    path.write_bytes(data[: cut.at])
    db = str(tmp_path / "ledger.db")
    result = runner.invoke(app, ["--db", db, "ingest", str(path)])
    assert result.exit_code == 0
    assert result.stdout == (
        "recorded          haigang-cut.txt -> 秦皇岛市海港区人力资源和社会保障局@2024r1/budget-disclosure (3 warnings)\n"
    )
    assert read_facts(f"sqlite:///{db}").event_types()[:2] == ["publication-received", "snapshot-recorded"]
    assert ledger_problems(f"sqlite:///{db}") == []
    findings = runner.invoke(app, ["--db", db, "findings", "海港区@2024", "-f", "json"])
    assert findings.exit_code == 0 and '"truncated-document"' in findings.stdout
