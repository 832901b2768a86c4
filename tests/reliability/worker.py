"""Ingest processes for the crash and concurrency scenarios. Each runs the real command ``ledger --db URL ingest
FILE…``; what differs is how it is started, so that kills land in the work and not in Python's start-up.

``python -m tests.reliability.worker --db URL FILE…``
    imports everything, prints ``ready``, waits for a line on stdin, then runs the command. Several of these can
    be released together at one signal (the concurrency scenario).

``python -m tests.reliability.worker --zygote``
    imports everything and warms the parsers once, then for each JSON request on stdin (``{"db", "files", "out",
    "err", "trace"}``) forks a child that runs the command with its output in the named files, and prints ``pid N``.
    For ``reap N`` it waits for that child and prints ``exit N CODE`` (``CODE`` is ``-9`` for a SIGKILL). A fork costs
    milliseconds where a new interpreter costs a second, so a crash campaign can afford many runs.

A forked child given a trace file appends every transaction step to it as it happens: ``B w`` / ``B r`` (a write
or read transaction begins), ``S`` (a statement is sent), ``C`` (commit), ``R`` (rollback). The lines are written
straight to the file descriptor, so a SIGKILL loses none of them, and the scenario can tell where each kill landed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from typing import Any


def _warm_imports() -> None:
    """What the command imports lazily, imported now (the database drivers included)."""
    import psycopg  # noqa: F401
    import sqlalchemy.dialects.postgresql.psycopg  # noqa: F401
    import sqlalchemy.dialects.sqlite.pysqlite  # noqa: F401

    import cli.commands.core  # noqa: F401
    import cli.main  # noqa: F401
    import ledger.pipeline.ingest  # noqa: F401
    import ledger.store  # noqa: F401


def _warm_parsers() -> None:
    """Parse each seed once in memory, so the lazy work of a first parse is done before any fork."""
    from ledger.pipeline.parse import parse_publication
    from tests.reliability.inputs import seed_bytes

    for name, data in seed_bytes().items():
        parse_publication(data, name)


def _install_trace(path: str) -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Connection, Engine

    from ledger.store import db

    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def mark(line: str) -> None:
        os.write(fd, line.encode("ascii") + b"\n")

    def on_begin(connection: Connection) -> None:
        # The execution option that makes ledger.db open a serialised write transaction (BEGIN IMMEDIATE).
        writing = connection.get_execution_options().get(db._WRITE)
        mark("B w" if writing else "B r")

    def on_statement(*_args: Any) -> None:
        mark("S")

    event.listen(Engine, "begin", on_begin)
    event.listen(Engine, "before_cursor_execute", on_statement)
    event.listen(Engine, "commit", lambda _connection: mark("C"))
    event.listen(Engine, "rollback", lambda _connection: mark("R"))


def _ingest(db: str, files: list[str]) -> int:
    from cli.main import app

    try:
        app(["--db", db, "ingest", *files], prog_name="ledger")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0


def _serve_forks() -> int:
    """The zygote: one forked child per request, reaped before the next request is read."""
    _warm_parsers()
    _say("ready")
    for line in sys.stdin:
        if line.startswith("reap "):
            # Reaped only when the scenario says so: until then an exited child stays a zombie, so a kill sent to
            # its pid can never reach another process that reused the number.
            pid = int(line.split()[1])
            _, status = os.waitpid(pid, 0)
            _say(f"exit {pid} {os.waitstatus_to_exitcode(status)}")
            continue
        pid = os.fork()
        if pid == 0:
            _child(json.loads(line))
        _say(f"pid {pid}")
    return 0


def _child(request: dict[str, Any]) -> None:
    """Runs in the forked child; never returns."""
    code = 70
    try:
        for fd, path in ((1, request["out"]), (2, request["err"])):
            target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(target, fd)
            os.close(target)
        if request.get("trace"):
            _install_trace(request["trace"])
        code = _ingest(request["db"], request["files"])
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.reliability.worker")
    parser.add_argument("--zygote", action="store_true")
    parser.add_argument("--db")
    parser.add_argument("files", nargs="*")
    args = parser.parse_args(argv)
    _warm_imports()
    if args.zygote:
        return _serve_forks()
    _say("ready")
    if not sys.stdin.readline():
        return 3  # the scenario went away before giving the signal
    return _ingest(args.db, args.files)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
