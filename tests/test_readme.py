"""The README stays true (in the spirit of sqlite-utils' tests/test_docs.py): every command is documented, and the
README's example commands run against the bundled samples with output of the shape shown."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from cli.main import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")

#: Examples the test does not run, and why; each must still be in the README (so this list cannot rot).
NOT_RUN = {
    "ledger ingest photo.pdf": "illustrates the one-line error on a file the reader has no use for",
    "ledger verify --digest": "the receipt differs per ledger; the test checks it with the ledger's own digest",
    "ledger watch run-once": "would fetch the example source over the network (adding it only registers it)",
    "ledger scheduler run": "runs in the foreground until stopped",
    "ledger notify deliver": "would post to the example webhook's host (tests/watch/test_notify.py posts to a real one)",
    "ledger log --follow": "streams until stopped (tests/cli/test_core.py follows a real log)",
    "ledger claims 江苏省政协@2018": "reads the Jiangsu corpus, not bundled (tests/corpus/test_claims_corpus.py runs it)",
    "ledger diff 江苏省政协 --year 2019": "reads the Jiangsu corpus, not bundled (tests/corpus/test_claims_corpus.py)",
    "ledger digest --sign": "needs an Ed25519 key (tests/store/test_anchoring.py signs and verifies with one)",
    "ledger redact": "removes a publication's bytes for good (tests/store/test_redaction.py redacts a real one)",
    "ledger serve": "serves until stopped (tests/cli/test_serve.py starts the real command and stops it)",
}


@dataclass
class Example:
    command: str  # without the leading "$ " and without the trailing comment
    comment: str
    shown: list[str] = field(default_factory=list)


def examples() -> list[Example]:
    found: list[Example] = []
    for block in re.findall(r"^```[a-z]*\n(.*?)^```", README, flags=re.M | re.S):
        for line in block.splitlines():
            if line.startswith("$ ledger"):
                command, _, comment = line[2:].partition("  #")
                found.append(Example(command.strip(), comment.strip()))
            elif found and line.strip() and block.lstrip().startswith("$ ledger"):
                found[-1].shown.append(line)
    return found


def command_names() -> set[str]:
    """Every command of the CLI as typed: ``ingest``, ``watch add`` …"""
    names: set[str] = set()
    for name, command in _subcommands(typer.main.get_command(app)).items():
        subcommands = _subcommands(command)
        names |= {f"{name} {sub}" for sub in subcommands} if subcommands else {name}
    return names


def _subcommands(command: object) -> dict[str, object]:
    # typer vendors its own click: a group is whatever has commands.
    return dict(getattr(command, "commands", {}))


def shape(line: str) -> str:
    """A line with its figures, hashes, table rules and spacing folded: what must stay when the data moves."""
    line = re.sub(r"[\u2500-\u257f]", " ", line)  # box drawing: a terminal table's rules
    line = re.sub(r"\b[0-9a-f]{8,}\b", "H", line)
    line = re.sub(r"\d+(?:\.\d+)?", "9", line)
    return " ".join(line.split())


def in_order(words: list[str], line: str) -> bool:
    """Whether ``words`` stand in ``line`` in this order (an excerpt may leave out what lies between them)."""
    position = 0
    for word in words:
        position = line.find(word, position)
        if position < 0:
            return False
        position += len(word)
    return True


def test_every_command_is_documented() -> None:
    documented = {e.command.removeprefix("ledger ") for e in examples()}
    missing = sorted(name for name in command_names() if not any(d.startswith(name) for d in documented))
    assert missing == []


def test_every_skipped_example_is_still_in_the_readme() -> None:
    commands = [e.command for e in examples()]
    assert [skip for skip in NOT_RUN if not any(c.startswith(skip) for c in commands)] == []


@pytest.mark.slow
def test_the_examples_run_on_the_samples_with_the_output_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "samples").symlink_to(ROOT / "samples")
    (tmp_path / "inbox").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LEDGER_DB", raising=False)
    runner = CliRunner()
    to_run = [e for e in examples() if not any(e.command.startswith(skip) for skip in NOT_RUN)]
    assert to_run[0].command == "ledger ingest samples/seeds/"  # the README starts from an empty ledger
    for index, example in enumerate(to_run):
        if (
            index == 1
        ):  # the rest of the README reads the whole bundled sample set, as `ledger demo` records it
            assert runner.invoke(app, ["demo"]).exit_code == 0
        result = runner.invoke(app, shlex.split(example.command)[1:])
        assert result.exit_code == 0, f"{example.command}: {result.output}"
        actual = [shape(line) for line in result.output.splitlines()]
        for line in example.shown:
            if "excerpt" in example.comment:
                wanted = shape(line.split("…")[0]).split()
                assert any(in_order(wanted, got) for got in actual), (
                    f"{example.command}: {line!r} not in {actual}"
                )
            else:
                assert shape(line) in actual, f"{example.command}: {line!r} not in {actual}"
    digest = runner.invoke(app, ["digest"]).output.split()[-1]
    assert runner.invoke(app, ["verify", "--digest", digest]).exit_code == 0
