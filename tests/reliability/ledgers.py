"""Ledger databases for the reliability scenarios, what is in them, and the invariants they must keep.

:class:`Databases` hands out fresh ledgers on either engine (SQLite files, PostgreSQL databases on the test server)
and copies of them. :func:`read_facts` takes everything in a ledger as plain tuples, so two moments can be compared
("nothing else changed"). :func:`ledger_problems` is ``verify`` plus the invariants of an ingest-only ledger that
``verify`` does not see on its own: one outcome per publication, revisions gapless per series.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, col, select

from ledger import store
from ledger.model.canonical import sha256_hex
from ledger.store import Ledger, events
from ledger.store.schema import DepartmentRow, EventRow, PublicationRow, SnapshotRow
from ledger.store.verify import verify
from tests.conftest import PG_ADMIN_URL, pg_problem

EngineName = Literal["sqlite", "postgres"]
ENGINES: tuple[EngineName, ...] = ("sqlite", "postgres")
#: Events that end the ingest of one publication: exactly one of them follows each publication-received.
OUTCOME_EVENTS = frozenset({events.SNAPSHOT_RECORDED, events.PARSE_FAILED, events.DUPLICATE_CONTENT})


class Databases:
    """Fresh ledger databases, dropped (PostgreSQL) or left in ``folder`` (SQLite) when closed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._pg_names: list[str] = []
        self._scratch: str | None = None

    def new(self, engine: EngineName) -> str:
        if engine == "sqlite":
            return f"sqlite:///{self.folder / f'ledger-{uuid.uuid4().hex[:10]}.db'}"
        name = f"ledger_rel_{uuid.uuid4().hex[:12]}"
        self._admin(f'CREATE DATABASE "{name}"')
        self._pg_names.append(name)
        return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)

    def scratch(self, engine: EngineName) -> str:
        """An empty database: a new SQLite file, or this supply's one scratch PostgreSQL database emptied (its public
        schema dropped and made again — much cheaper than a new database, whose DROP waits for a checkpoint)."""
        if engine == "sqlite":
            return self.new(engine)
        if self._scratch is None:
            self._scratch = self.new(engine)
            return self._scratch
        scratch = create_engine(self._scratch, isolation_level="AUTOCOMMIT")
        try:
            with scratch.connect() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        finally:
            scratch.dispose()
        return self._scratch

    def copy(self, url: str) -> str:
        """A new database holding what ``url`` holds (nothing may be connected to ``url`` on PostgreSQL)."""
        source = make_url(url)
        if source.get_backend_name() == "sqlite":
            target = self.new("sqlite")
            assert source.database is not None
            with (
                sqlite3.connect(source.database) as old,
                sqlite3.connect(make_url(target).database or "") as new,
            ):
                old.backup(new)
            return target
        name = f"ledger_rel_{uuid.uuid4().hex[:12]}"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{source.database}"')
        self._pg_names.append(name)
        return source.set(database=name).render_as_string(hide_password=False)

    def close(self) -> None:
        for name in self._pg_names:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._pg_names.clear()

    def remove_files(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def _admin(self, statement: str) -> None:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.execute(text(statement))
        finally:
            admin.dispose()


def engine_available(engine: EngineName) -> str | None:
    """None when ``engine`` can be used here, else why not."""
    return pg_problem() if engine == "postgres" else None


# --- facts --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """Every row of a ledger's core tables as tuples (ids included), for before/after comparisons."""

    publications: frozenset[tuple[int, str, int]]  # id, sha256, size
    snapshots: frozenset[
        tuple[int, int, int, int, str, int, str]
    ]  # id, publication, department, year, kind, rev, hash
    events: tuple[tuple[int, str, str, str], ...]  # seq, type, subject, payload
    departments: frozenset[tuple[int, str]]

    def event_types(self) -> list[str]:
        return [event[1] for event in self.events]


def read_facts(url: str) -> Facts:
    with Ledger(url) as ledger, ledger.read() as session:
        return facts_of(session)


def facts_of(session: Session) -> Facts:
    return Facts(
        publications=frozenset(
            (id_ or 0, sha256, size)
            for id_, sha256, size in session.exec(
                select(PublicationRow.id, PublicationRow.sha256, PublicationRow.size)
            )
        ),
        snapshots=frozenset(
            (
                row.id or 0,
                row.publication_id,
                row.department_id,
                row.fiscal_year,
                row.document_kind,
                row.revision,
                row.content_hash,
            )
            for row in session.exec(select(SnapshotRow))
        ),
        events=tuple(
            (row.seq, row.type, row.subject, row.payload)
            for row in session.exec(select(EventRow).order_by(col(EventRow.seq)))
        ),
        departments=frozenset((row.id or 0, row.name) for row in session.exec(select(DepartmentRow))),
    )


@dataclass(frozen=True)
class Outcome:
    """What a ledger holds with database ids and times left out: equal for two ledgers that ingested the same files
    in the same order, however many crashes happened on the way."""

    publications: tuple[str, ...]  # sorted sha256
    snapshots: tuple[
        tuple[str, int, str, int, str], ...
    ]  # sorted (department, year, kind, revision, content hash)
    event_types: tuple[str, ...]  # in chain order


def read_outcome(url: str) -> Outcome:
    with Ledger(url) as ledger, ledger.read() as session:
        rows = session.exec(select(SnapshotRow)).all()
        return Outcome(
            publications=tuple(sorted(session.exec(select(PublicationRow.sha256)))),
            snapshots=tuple(
                sorted(
                    (
                        store.department_name(session, row.department_id),
                        row.fiscal_year,
                        row.document_kind,
                        row.revision,
                        row.content_hash,
                    )
                    for row in rows
                )
            ),
            event_types=tuple(session.exec(select(EventRow.type).order_by(col(EventRow.seq)))),
        )


# --- invariants ---------------------------------------------------------------------------------------------------


def ledger_problems(url: str) -> list[str]:
    """``verify``'s problems, then the ingest invariants; empty when the ledger is whole."""
    with Ledger(url) as ledger, ledger.read() as session:
        return verify(session).problems + outcome_problems(session) + revision_problems(session)


def outcome_problems(session: Session) -> list[str]:
    """Each publication has exactly one publication-received event and then exactly one outcome event (a snapshot,
    a parse failure or duplicate content) — nothing half-written, nothing recorded twice."""
    received: Counter[int] = Counter()
    outcomes: Counter[int] = Counter()
    for event in events.list_events(session):
        publication_id = event.payload.get("publication_id")
        if not isinstance(publication_id, int):
            continue
        if event.type == events.PUBLICATION_RECEIVED:
            received[publication_id] += 1
        elif event.type in OUTCOME_EVENTS:
            outcomes[publication_id] += 1
    problems = []
    for publication_id in session.exec(select(PublicationRow.id).order_by(col(PublicationRow.id))):
        assert publication_id is not None
        if received[publication_id] != 1:
            problems.append(
                f"publication {publication_id}: {received[publication_id]} publication-received events"
            )
        if outcomes[publication_id] != 1:
            problems.append(f"publication {publication_id}: {outcomes[publication_id]} outcome events")
    return problems


def revision_problems(session: Session) -> list[str]:
    """Per series: revisions 1..n without gaps or repeats, in the order the snapshots were recorded, and each
    distinct content recorded once."""
    series: dict[tuple[int, int, str], list[SnapshotRow]] = defaultdict(list)
    for row in store.current_snapshots(session):
        series[(row.department_id, row.fiscal_year, row.document_kind)].append(row)
    problems = []
    for key, rows in sorted(series.items()):
        rows.sort(key=lambda r: r.id or 0)
        revisions = [row.revision for row in rows]
        if revisions != list(range(1, len(rows) + 1)):
            problems.append(
                f"series {key}: revisions {revisions} in recording order, expected 1..{len(rows)}"
            )
        hashes = Counter(row.content_hash for row in rows)
        repeated = [h[:12] for h, n in hashes.items() if n > 1]
        if repeated:
            problems.append(f"series {key}: content recorded more than once: {', '.join(repeated)}")
    return problems


def payloads(facts: Facts, event_type: str) -> list[dict[str, object]]:
    return [json.loads(event[3]) for event in facts.events if event[1] == event_type]


# --- a refused publication ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """How ``ledger ingest`` refused one file: its one-line reason, and every way the refusal broke the promise."""

    reason: str
    problems: tuple[str, ...]


def check_refusal(
    url: str, before: Facts, name: str, data: bytes, stderr: str, *, stored: bool = True
) -> Refusal:
    """The promise for a refused file (docs/architecture.md §9): one line on stderr naming the file and the reason, the bytes stored
    as they came, a publication-received then a parse-failed event carrying that reason, nothing else changed, and
    the ledger still whole. A file over its size limit (``stored=False``) is not stored: one input-refused event
    with its size and hash carries the reason instead (docs/limits.md)."""
    problems: list[str] = []
    lines = stderr.splitlines()
    prefix = f"ledger: error: {name}: "
    reason = lines[0].removeprefix(prefix) if lines else ""
    if len(lines) != 1 or "Traceback" in stderr:
        problems.append(f"stderr is not one line: {stderr[:300]!r}")
    if not lines or not lines[0].startswith(prefix) or not reason.strip():
        problems.append(f"the line does not name the file and a reason: {stderr[:300]!r}")
    after = read_facts(url)
    added = sorted(after.publications - before.publications)
    if not stored:
        return Refusal(reason, (*problems, *_unstored_problems(url, before, after, data, reason)))
    if [(sha, size) for _, sha, size in added] != [(sha256_hex(data), len(data))]:
        return Refusal(reason, (*problems, f"publications added: {added}"))
    publication_id = added[0][0]
    if stored_content(url, publication_id) != data:
        problems.append("the stored bytes differ from the file")
    new_events = after.events[len(before.events) :]
    subject = f"publication/{publication_id}"
    if after.events[: len(before.events)] != before.events:
        problems.append("earlier events changed")
    if [(kind, where) for _, kind, where, _ in new_events] != [
        (events.PUBLICATION_RECEIVED, subject),
        (events.PARSE_FAILED, subject),
    ]:
        problems.append(f"events added: {[(kind, where) for _, kind, where, _ in new_events]}")
    elif " ".join(json.loads(new_events[1][3])["reason"].split()) != reason:
        problems.append("the parse-failed event does not carry the reason shown")
    if (after.snapshots, after.departments) != (before.snapshots, before.departments):
        problems.append("snapshots or departments changed")
    problems += ledger_problems(url)
    return Refusal(reason, tuple(problems))


def _unstored_problems(url: str, before: Facts, after: Facts, data: bytes, reason: str) -> list[str]:
    problems = []
    if after.publications != before.publications:
        problems.append("a publication was stored")
    new_events = after.events[len(before.events) :]
    digest = sha256_hex(data)
    if [(kind, where) for _, kind, where, _ in new_events] != [(events.INPUT_REFUSED, f"input/{digest}")]:
        problems.append(f"events added: {[(kind, where) for _, kind, where, _ in new_events]}")
    else:
        payload = json.loads(new_events[0][3])
        if (payload["sha256"], payload["size"]) != (digest, len(data)):
            problems.append("the input-refused event does not name the file's hash and size")
        if " ".join(payload["reason"].split()) != reason:
            problems.append("the input-refused event does not carry the reason shown")
    if (after.snapshots, after.departments) != (before.snapshots, before.departments):
        problems.append("snapshots or departments changed")
    return problems + ledger_problems(url)


def stored_content(url: str, publication_id: int) -> bytes:
    with Ledger(url) as ledger, ledger.read() as session:
        content = session.exec(
            select(PublicationRow.content).where(PublicationRow.id == publication_id)
        ).one()
    return bytes(content)
