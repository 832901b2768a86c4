"""Fixtures of the web view's tests: ledgers built from the bundled samples, and a real server on 127.0.0.1.

The server is uvicorn in a thread on a free port, over a ledger the fixture builds the way ``ledger demo`` does
(``ledger.demo.run_demo``). The hostile ledger holds Laoting 2023 and a 2024 copy whose projects are named
``<script>alert(1)</script>`` and ``<img src=x onerror=alert(2)>``: publication texts are untrusted.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from ledger.demo import SAMPLES, run_demo
from ledger.pipeline.ingest import ingest_paths
from ledger.store import Ledger
from ledger.web import create_app

SCRIPT_NAME = "<script>alert(1)</script>"
IMG_NAME = "<img src=x onerror=alert(2)>"
HAIGANG = "秦皇岛市海港区人力资源和社会保障局"
LAOTING = "乐亭县人力资源和社会保障局"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Server:
    """uvicorn serving ``ledger.web`` over one ledger in a background thread."""

    def __init__(self, url: str) -> None:
        self.ledger = Ledger(url, derive=False)
        port = _free_port()
        config = uvicorn.Config(create_app(self.ledger), host="127.0.0.1", port=port, log_level="error")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.base = f"http://127.0.0.1:{port}"

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the web server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.ledger.close()


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('web-demo') / 'ledger.db'}"
    with Ledger(url) as ledger:
        run_demo(ledger)
    return url


@pytest.fixture(scope="session")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("web-hostile")
    seed = (SAMPLES / "seeds" / "laoting-hrss-2024-targets.txt").read_text(encoding="utf-8")
    hostile = folder / "laoting-2024-hostile.txt"
    hostile.write_text(
        seed.replace("考核奖励经费", SCRIPT_NAME).replace("人事工作经费", IMG_NAME), encoding="utf-8"
    )
    url = f"sqlite:///{folder / 'ledger.db'}"
    with Ledger(url) as ledger:
        outcomes = ingest_paths(ledger, [SAMPLES / "laoting" / "laoting-hrss-2023-targets.txt", hostile])
    assert [o.status for o in outcomes] == ["recorded", "recorded"]
    return url


@pytest.fixture(scope="session")
def demo_server(demo_url: str) -> Iterator[Server]:
    with Server(demo_url) as server:
        yield server


@pytest.fixture(scope="session")
def hostile_server(hostile_url: str) -> Iterator[Server]:
    with Server(hostile_url) as server:
        yield server


@pytest.fixture
def http(demo_server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=demo_server.base, timeout=30) as client:
        yield client


def artifacts_dir() -> Path:
    """Where the browser tests keep their screenshots (not committed): ``tmp/artifacts/web`` of the checkout."""
    folder = Path(__file__).resolve().parents[2] / "tmp" / "artifacts" / "web"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
