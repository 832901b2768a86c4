"""``ledger serve``: the real command in a subprocess, on a free port; a warning when it listens beyond loopback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from cli.commands.serve import _is_loopback


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _serve(db: Path, *extra: str) -> tuple[subprocess.Popen[str], int]:
    port = _free_port()
    command = [sys.executable, "-m", "ledger_cli", "serve", "--db", str(db), "--port", str(port), *extra]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return process, port
        except httpx.TransportError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    process.kill()
    raise AssertionError(f"ledger serve did not answer: {process.communicate()}")


def _stop(process: subprocess.Popen[str]) -> tuple[str, str]:
    process.send_signal(signal.SIGINT)
    try:
        return process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()


@pytest.mark.slow
def test_serve_answers_on_loopback_without_a_warning(tmp_path: Path) -> None:
    process, port = _serve(tmp_path / "ledger.db")
    try:
        page = httpx.get(f"http://127.0.0.1:{port}/")
        assert page.status_code == 200
        assert "the ledger holds no department yet" in page.text
    finally:
        out, err = _stop(process)
    assert f"at http://127.0.0.1:{port}/ (read-only; Ctrl-C stops)" in out
    assert "no login" not in err


@pytest.mark.slow
def test_serve_beyond_loopback_warns_that_there_is_no_login(tmp_path: Path) -> None:
    process, _ = _serve(tmp_path / "ledger.db", "--host", "0.0.0.0")
    _, err = _stop(process)
    assert "ledger: warning: serving on 0.0.0.0: the web view has no login" in err


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("127.0.0.2", True),
        ("0.0.0.0", False),
        ("10.1.2.3", False),
        ("example.org", False),
    ],
)
def test_which_hosts_are_loopback(host: str, loopback: bool) -> None:
    assert _is_loopback(host) is loopback
