"""The CLI at a real terminal (a pseudo-terminal): progress while ingesting, the pager for long output, the diff
laid out to the terminal's width. And a ledger file the process may not write is opened read-only."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from cli.main import app
from ledger.store import Ledger

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")


def at_terminal(args: list[str], *, env: dict[str, str], cwd: Path) -> tuple[int, str]:
    """Run ``ledger ARGS`` with stdout and stderr on a pseudo-terminal; its exit status and what it showed."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "ledger_cli", *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        cwd=cwd,
        env={**os.environ, **env},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the process has exited
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return process.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.slow
def test_progress_pager_and_width_at_a_terminal(tmp_path: Path) -> None:
    db = str(tmp_path / "l.db")
    env = {"COLUMNS": "80", "LINES": "20", "LEDGER_PAGER": f"cat > {tmp_path / 'paged'}", "NO_COLOR": "1"}
    code, shown = at_terminal(
        ["--db", db, "ingest", str(SAMPLES / "seeds"), str(SAMPLES / "laoting")], env=env, cwd=tmp_path
    )
    assert code == 0, shown
    assert re.search(r"ingesting .* 6/6", shown)  # the progress bar: file n of N
    assert "recorded          laoting-hrss-2023-targets.txt ->" in shown  # each result as it happens
    assert "ledger: 6 recorded" in shown

    code, shown = at_terminal(["--db", db, "diff", "乐亭县", "--year", "2024"], env=env, cwd=tmp_path)
    assert (code, shown) == (0, "")  # longer than 20 lines: it went to the pager
    paged = _ANSI.sub("", (tmp_path / "paged").read_text(encoding="utf-8"))
    lines = paged.splitlines()
    assert len(lines) > 20 and max(cell_len(line) for line in lines) <= 80
    assert re.search(r"考核奖励经费 · 预算数\s+modified\s+215\.00\s+227\.00\s+\+12\.00\s+\+5\.58%", paged)

    code, shown = at_terminal(
        ["--db", db, "--no-pager", "diff", "乐亭县", "--year", "2024"], env=env, cwd=tmp_path
    )
    assert code == 0 and _ANSI.sub("", shown).splitlines() == lines


def test_a_file_it_may_not_write_is_opened_read_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "l.db"
    assert (
        CliRunner()
        .invoke(app, ["--db", str(db), "ingest", str(SAMPLES / "seeds" / "taishan-hrss-2024-targets.txt")])
        .exit_code
        == 0
    )
    # As root every file is writable, so the test says "not writable" the way os.access would for another user.
    monkeypatch.setattr("ledger.store.db.os.access", lambda path, mode: mode != os.W_OK)
    with Ledger(str(db), create=False) as ledger:
        assert ledger.read_only
        with pytest.raises(OperationalError, match="readonly database"), ledger.write() as session:
            session.execute(text("DELETE FROM departments"))
    result = CliRunner().invoke(app, ["--db", str(db), "verify"])
    assert (result.exit_code, result.stdout[:10]) == (0, "ok: 3 even")
