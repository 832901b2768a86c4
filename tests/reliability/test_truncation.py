"""A publication cut off at any point (SPEC §1: "documents cut off mid-table") is never a wrong snapshot presented as
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

_GUANGDONG = (
    "guangdong-targets (Taishan tab rows, Zhanjiang outline) never reports a cut: the rows before it read as a "
    "whole, shorter publication"
)
_DISCLOSURE = (
    "budget-disclosure: cut in the accounts tables or the narrative (before the project tables), the snapshot "
    "loses tables and projects without a truncated warning"
)
_HEBEI = (
    "hebei-targets: cut at a row boundary inside a project's indicator table (or before its indicator rows), the "
    "table reads as complete"
)
#: Cuts (``seed-percent``) whose parse is a shorter snapshot without a ``truncated`` warning, and why.
KNOWN_UNMARKED: dict[str, str] = {
    **{f"taishan-{p}%": _GUANGDONG for p in range(10, 100, 10)},
    **{f"zhanjiang-{p}%": _GUANGDONG for p in range(10, 100, 10)},
    **{f"haigang-{p}%": _DISCLOSURE for p in range(10, 70, 10)},
    **{f"laoting-{p}%": _HEBEI for p in (20, 30, 70, 90)},
    "gaoxin-40%": _HEBEI,
}

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
def test_a_cut_inside_a_character_is_named_as_a_cut(encoding: str) -> None:
    """A file that stops inside a character was cut in transfer: the reader says so (not "not UTF-8")."""
    from ledger.errors import ReadError
    from ledger.parse import parse_publication

    text = seed_bytes()["gaoxin-hrss-2024-targets.txt"].decode("utf-8")
    at = next(i for i in range(len(text) // 2, len(text)) if "\u4e00" <= text[i] <= "\u9fff")
    character = text[at].encode(
        "utf-16-le" if encoding == "utf-16" else encoding
    )  # no second byte-order mark
    cut = text[:at].encode(encoding) + character[:-1]
    with pytest.raises(ReadError, match="ends inside a character: the file is cut off"):
        parse_publication(cut, "cut.txt")


def test_a_cut_file_through_the_command_line_is_stored_and_refused_in_one_line(tmp_path: Path) -> None:
    data = seed_bytes()["haigang-hrss-2024-budget.txt"]
    cut = next(c for c in cut_points("haigang", data, range(50, 51)) if c.mid_char)
    path = tmp_path / "haigang-cut.txt"
    path.write_bytes(data[: cut.at])
    db = str(tmp_path / "ledger.db")
    result = runner.invoke(app, ["--db", db, "ingest", str(path)])
    assert result.exit_code == 1
    assert result.stderr == (
        "ledger: error: haigang-cut.txt: the UTF-8 text ends inside a character: the file is cut off (truncated)\n"
    )
    facts = read_facts(f"sqlite:///{db}")
    assert facts.event_types() == ["publication-received", "parse-failed"]
    assert ledger_problems(f"sqlite:///{db}") == []
