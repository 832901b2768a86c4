"""The core commands through typer's CliRunner: exit codes and exact output."""

from __future__ import annotations

import json
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.support import key_value_layout, publication

runner = CliRunner()


@pytest.fixture
def files(tmp_path: Path) -> Iterator[dict[str, Path]]:
    paths = {
        "r1": tmp_path / "r1.txt",
        "r2": tmp_path / "r2.txt",
        "bad": tmp_path / "bad.txt",
    }
    paths["r1"].write_bytes(publication("甲局", 2024, ("培训经费", "12.50")))
    paths["r2"].write_bytes(publication("甲局", 2024, ("培训经费", "13")))
    paths["bad"].write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with key_value_layout():
        yield paths


def ledger(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def test_ingest_prints_one_line_per_publication(tmp_path: Path, files: dict[str, Path]) -> None:
    db = tmp_path / "l.db"
    code, out, err = ledger(db, "ingest", str(files["r1"]), str(files["r2"]), str(files["r1"]))
    assert code == 0, err
    assert out == (
        "recorded          r1.txt -> 甲局@2024r1/department-targets\n"
        "recorded          r2.txt -> 甲局@2024r2/department-targets\n"
        "unchanged         r1.txt -> 甲局@2024r1/department-targets\n"
    )


def test_bad_file_is_one_line_error_and_the_good_ones_still_land(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    db = tmp_path / "l.db"
    code, out, err = ledger(db, "ingest", str(files["bad"]), str(files["r1"]))
    assert code == 1
    assert err == "ledger: error: bad.txt: a PNG image, not a document with text: no reader for it (no OCR)\n"
    assert out == "recorded          r1.txt -> 甲局@2024r1/department-targets\n"
    code, out, _ = ledger(db, "log", "--format", "json")
    assert [e["type"] for e in json.loads(out)] == [
        "publication-received",
        "parse-failed",
        "publication-received",
        "snapshot-recorded",
    ]


def test_show_json_is_the_canonical_contract(tmp_path: Path, files: dict[str, Path]) -> None:
    db = tmp_path / "l.db"
    ledger(db, "ingest", str(files["r1"]), str(files["r2"]))
    code, out, _ = ledger(db, "show", "甲局@2024r1", "--format", "json")
    assert code == 0
    shown = json.loads(out)
    assert shown["schema"] == "ledger.snapshot/1"
    assert shown["department"] == {"name": "甲局", "code": None}
    assert shown["projects"][0]["amount"] == "12.5"


def test_unknown_ref_is_a_one_line_error(tmp_path: Path, files: dict[str, Path]) -> None:
    db = tmp_path / "l.db"
    ledger(db, "ingest", str(files["r1"]))
    code, out, err = ledger(db, "show", "乙局@2024")
    assert (code, out, err) == (1, "", "ledger: error: no department matches '乙局'\n")


def test_verify_and_digest(tmp_path: Path, files: dict[str, Path]) -> None:
    db = tmp_path / "l.db"
    ledger(db, "ingest", str(files["r1"]))
    code, receipt, _ = ledger(db, "digest")
    assert code == 0 and receipt.startswith("2:")
    ledger(db, "ingest", str(files["r2"]))
    code, out, _ = ledger(db, "verify", "--digest", receipt.strip())
    assert code == 0
    # publication-received + snapshot-recorded each, and the changes-detected of the revision
    assert out.startswith("ok: 5 events, 2 snapshots, 2 publications verified, head 5:")
    first, derived = out.splitlines()
    assert first.endswith(f", extends {receipt.strip()}")
    assert re.fullmatch(r"ok: \d+ derived rows are what the 2 current snapshots derive to", derived)
    code, _, err = ledger(db, "verify", "--digest", "2:" + "0" * 64)
    assert code == 1
    assert err == "ledger: error: digest 2: the event there has another hash (the chain was rewritten)\n"


def test_snapshots_lists_series_as_json(tmp_path: Path, files: dict[str, Path]) -> None:
    db = tmp_path / "l.db"
    ledger(db, "ingest", str(files["r1"]), str(files["r2"]))
    code, out, _ = ledger(db, "snapshots", "--department", "甲", "--format", "json")
    assert code == 0
    assert [(s["department"], s["fiscal_year"], s["revision"]) for s in json.loads(out)] == [
        ("甲局", 2024, 1),
        ("甲局", 2024, 2),
    ]


@pytest.mark.slow
def test_demo_ingests_the_samples_and_prints_two_diffs(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    code, out, err = ledger(db, "demo")
    assert code == 0, err
    lines = out.splitlines()
    # the five seeds, three Haigang/Laoting versions, Gaoxin's self-evaluation
    assert sum(line.startswith("recorded ") for line in lines) == 9
    assert "Revision: the second publication of Haigang 2024" in out
    assert "Year over year: Laoting 2023 → 2024" in out
    assert "(revision)  34 changes" in out
    code, again, _ = ledger(db, "demo")
    assert code == 0 and sum(line.startswith("unchanged ") for line in again.splitlines()) == 9


def _restore_sigint() -> None:
    """In the child: Ctrl-C as a terminal gives it, even when the test run ignores SIGINT (``make check &``,
    ``nohup``) — an ignored signal is inherited, and Python then installs no KeyboardInterrupt handler."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _lines(stream: IO[str]) -> queue.Queue[str]:
    """The stream's lines as they come, read by a thread, so the test can wait for one with a timeout."""
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in stream:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return lines


@pytest.mark.slow
def test_log_follow_streams_events_recorded_by_another_process(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    db = tmp_path / "follow.db"
    seed = Path(__file__).resolve().parents[2] / "samples" / "seeds" / "taishan-hrss-2024-targets.txt"
    ledger(db, "ingest", str(files["bad"]))  # two events before following starts: the backlog
    command = [sys.executable, "-m", "ledger_cli", "--db", str(db), "log", "--follow", "-f", "json"]
    follower = subprocess.Popen(
        [*command, "--interval", "0.1"], stdout=subprocess.PIPE, text=True, preexec_fn=_restore_sigint
    )
    assert follower.stdout is not None
    lines = _lines(follower.stdout)

    def next_type() -> str:
        return str(json.loads(lines.get(timeout=30))["type"])

    try:
        assert [next_type(), next_type()] == ["publication-received", "parse-failed"]
        ingest = [sys.executable, "-m", "ledger_cli", "--db", str(db), "ingest", str(seed)]
        subprocess.run(ingest, check=True, capture_output=True, timeout=120)
        streamed: list[str] = []
        while "finding-raised" not in streamed:
            streamed.append(next_type())
        assert streamed[:2] == ["publication-received", "snapshot-recorded"]
        follower.send_signal(signal.SIGINT)
        assert follower.wait(timeout=10) == 0
    finally:
        if follower.poll() is None:  # the assertions failed or Ctrl-C was not heeded: never leave it running
            follower.kill()
            follower.wait(timeout=10)
        follower.stdout.close()


def test_snapshots_limit_shows_the_first_n_and_says_what_it_left_out(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    db = tmp_path / "l.db"
    ledger(db, "ingest", str(files["r1"]), str(files["r2"]))
    code, out, err = ledger(db, "snapshots", "--limit", "1", "--format", "json")
    assert code == 0
    assert [s["revision"] for s in json.loads(out)] == [1]
    assert err == "ledger: showing 1 of 2 snapshots (--limit 1)\n"
    code, out, err = ledger(db, "snapshots", "--limit", "2", "--format", "json")
    assert (code, err, len(json.loads(out))) == (0, "", 2)
    code, _, err = ledger(db, "snapshots", "--limit", "0")
    assert code == 2 and "--limit" in err
