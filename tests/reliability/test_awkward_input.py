"""Valid but awkward input is read correctly (docs/architecture.md §3, §9): every seed re-encoded (GB18030, UTF-16 with a byte-order
mark, UTF-8 with one) or with other line ends (CRLF, CR) gives the very snapshot its UTF-8 original gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from ledger.pipeline.parse import parse_publication
from tests.reliability.inputs import content_hash, full_snapshot, reencodings, seed_bytes

runner = CliRunner()
CASES = [(name, encoding) for name in seed_bytes() for encoding in reencodings(b"")]


@pytest.mark.parametrize(("seed", "encoding"), CASES, ids=[f"{s.split('-')[0]}-{e}" for s, e in CASES])
def test_reencoded_seed_gives_the_same_snapshot(seed: str, encoding: str) -> None:
    data = reencodings(seed_bytes()[seed])[encoding]
    assert data != seed_bytes()[seed]
    assert content_hash(parse_publication(data, seed).snapshot) == content_hash(full_snapshot(seed))


@pytest.mark.slow
def test_a_reencoded_publication_is_stored_but_adds_no_revision(tmp_path: Path) -> None:
    """Other bytes, same content: a new publication, and ``duplicate-content`` instead of a second revision."""
    seed = "laoting-hrss-2024-targets.txt"
    files = {
        "utf8.txt": seed_bytes()[seed],
        **{f"{e}.txt": d for e, d in reencodings(seed_bytes()[seed]).items()},
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    db = str(tmp_path / "ledger.db")
    result = runner.invoke(app, ["--db", db, "ingest", *(str(tmp_path / name) for name in files)])
    assert result.exit_code == 0, result.stderr
    statuses = [line.split()[0] for line in result.stdout.splitlines()]
    assert statuses == ["recorded"] + ["duplicate-content"] * (len(files) - 1)
    assert all("@2024r1/department-targets" in line for line in result.stdout.splitlines())
