"""Bad input through the real command line (docs/architecture.md §9): a one-line error naming the file and the reason, a non-zero
exit, the publication stored, a parse-failed event, nothing else changed, the ledger still verifying.

The corpus is generated (``tests/reliability/inputs.py``). Office formats and HTML are refused by readers other
helpers own, so for those only the essentials are asserted, not the wording of the reason.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from ledger.layouts import registry
from ledger.model import Snapshot
from ledger.readers.document import Document
from tests.conftest import SEEDS
from tests.reliability.inputs import BadInput, bad_inputs, seed_bytes
from tests.reliability.ledgers import Databases, check_refusal, ledger_problems, read_facts
from tests.reliability.processes import ledger_command

runner = CliRunner()
BAD_INPUTS = bad_inputs()


def _ingest(url: str, path: Path) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", url, "ingest", str(path)])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("bad", BAD_INPUTS, ids=[b.name for b in BAD_INPUTS])
def test_bad_input_is_refused_in_one_line_and_still_stored(
    bad: BadInput, seeded_url: str, databases: Databases, tmp_path: Path
) -> None:
    data = bad.build()
    path = tmp_path / bad.name
    path.write_bytes(data)
    url = databases.copy(seeded_url) if bad.large else seeded_url
    before = read_facts(url)
    code, out, err = _ingest(url, path)
    assert (code, out) == (1, "")
    refusal = check_refusal(url, before, bad.name, data, err, stored=bad.stored)
    assert refusal.problems == ()
    if bad.reason is not None:
        assert re.search(bad.reason, refusal.reason, re.IGNORECASE), refusal.reason


class _BuggyLayout:
    """A layout with a bug: it recognises its document, then fails the way real code fails (not a LedgerError)."""

    name = "buggy"
    version = "1"
    looks_for = "a first line 'BUGGY-PUBLICATION'"

    def __init__(self, failure: str) -> None:
        self.failure = failure

    def detect(self, document: Document) -> int:
        return 1000 if document.text().startswith("BUGGY-PUBLICATION") else 0

    def parse(self, document: Document) -> Snapshot:
        if self.failure == "index":
            found: list[Snapshot] = []
            return found[0]
        return Snapshot.model_validate(
            {"department": {"name": "某局"}, "fiscal_year": "明年", "document_kind": "x"}
        )


@pytest.fixture(params=["index", "validation"])
def buggy_layout(request: pytest.FixtureRequest) -> Iterator[str]:
    layout = _BuggyLayout(request.param)
    registry.LAYOUTS.insert(0, layout)
    try:
        yield request.param
    finally:
        registry.LAYOUTS.remove(layout)


def test_a_parser_bug_is_a_parse_failure_not_a_traceback(
    buggy_layout: str, seeded_url: str, tmp_path: Path
) -> None:
    data = f"BUGGY-PUBLICATION {buggy_layout}\n".encode()
    path = tmp_path / "buggy.txt"
    path.write_bytes(data)
    before = read_facts(seeded_url)
    code, out, err = _ingest(seeded_url, path)
    assert (code, out) == (1, "")
    refusal = check_refusal(seeded_url, before, "buggy.txt", data, err)
    assert refusal.problems == ()
    expected = "IndexError" if buggy_layout == "index" else "ValidationError"
    assert refusal.reason.startswith(f"internal parser error ({expected}")


@pytest.mark.slow
def test_a_batch_with_bad_files_ingests_the_good_ones_in_a_real_process(tmp_path: Path) -> None:
    """The installed ``ledger`` command in its own process: no traceback ever reaches stderr."""
    folder = tmp_path / "batch"
    folder.mkdir()
    for name, data in seed_bytes().items():
        (folder / name).write_bytes(data)
    small = [
        bad for bad in BAD_INPUTS if bad.name not in ("huge.txt", "bomb.xlsx")
    ]  # those two are slow to store
    for bad in small:
        (folder / bad.name).write_bytes(bad.build())
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    done = subprocess.run(ledger_command(url, [folder]), capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    errors = done.stderr.splitlines()
    assert sorted(line.split(":")[2].strip() for line in errors) == sorted(bad.name for bad in small)
    recorded = [line for line in done.stdout.splitlines() if line.startswith("recorded")]
    assert sorted(line.split()[1] for line in recorded) == sorted(seed_bytes())
    assert ledger_problems(url) == []


@pytest.mark.slow
@pytest.mark.parametrize(
    ("db", "reason"),
    [
        ("mysql://user@localhost/ledger", "unsupported database 'mysql'"),
        ("postgresql+asyncpg://user@localhost/ledger", "no driver for postgresql+asyncpg"),
        ("postgresql://postgres@127.0.0.1:1/ledger", "database error: connection failed"),
        ("{tmp}/missing-folder/ledger.db", "database error: unable to open database file"),
        ("{tmp}/not-a-database.db", "database error: file is not a database"),
    ],
)
def test_a_bad_database_is_a_one_line_error(tmp_path: Path, db: str, reason: str) -> None:
    """An exception escaping the command would leave stderr empty here (CliRunner catches it): one line it is."""
    (tmp_path / "not-a-database.db").write_text("这不是数据库\n" * 100)
    seed = str(SEEDS / "zhanjiang-hrss-2024-targets.txt")
    result = runner.invoke(app, ["--db", db.format(tmp=tmp_path), "ingest", seed])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), result.exception  # an exit, not an escaped exception
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(f"ledger: error: {reason}"), result.stderr


def test_a_refused_file_ingested_again_fails_again_with_its_reason(seeded_url: str, tmp_path: Path) -> None:
    path = tmp_path / "again.txt"
    path.write_bytes("这是一份与预算无关的文件。\n".encode())
    assert _ingest(seeded_url, path)[0] == 1
    before = read_facts(seeded_url)
    code, out, err = _ingest(seeded_url, path)
    assert (code, out) == (1, "")
    assert err.startswith("ledger: error: again.txt: stored before as publication "), err
    assert "and still does not parse: unknown layout (looked for " in err, err
    assert read_facts(seeded_url) == before  # the failure was recorded when the bytes arrived
