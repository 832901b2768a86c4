"""Side by side with git-history (https://github.com/simonw/git-history), the git-scraping way to track changes.

The same N versions of one department's publication (``bench.generate``: revisions of one department and year, each
with its own planted mutations) are tracked both ways:

- ledger: ``ledger --db X ingest FOLDER`` of the N publication files, one process (read, parse, store, events, and
  the reactions: the diff against the previous revision, findings, entity values);
- git-history: the canonical JSON of each version (as the ledger stores it, pretty-printed for line diffs) committed
  to a git repository (timed separately: that is the scraper's job), then
  ``git-history file DB department.json --id code --convert "json.loads(content)['projects']"``.

They do not do the same work: git-history starts from JSON someone already extracted, and records item versions
keyed by ``code`` (projects only, no indicator alignment, no meaning); the ledger parses the publication and keeps
bytes, snapshot and a hash-chained event log. git-history is installed for this benchmark only
(``pip install git-history``); it is not a dependency of the project.

    python -m bench.git_history [--quick] [--versions 500] [--seed-name laoting]
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import generate as gen
from bench.harness import ROOT, Report, arguments, finish
from ledger.model.canonical import snapshot_json
from ledger.pipeline.parse import parse_publication

GIT_HISTORY = shutil.which("git-history") or str(Path(sys.executable).with_name("git-history"))
LEDGER = str(Path(sys.executable).with_name("ledger"))
CONVERT = "json.loads(content)['projects']"


def department_versions(seed: gen.Seed, count: int, rng_seed: int) -> list[gen.Version]:
    """``count`` distinct revisions of one department and year, each with up to three planted mutations."""
    catalogue = gen.build_catalogue(seed, per_kind=8, rng_seed=rng_seed)
    department = gen.department_name(seed, 0)
    versions: list[gen.Version] = []
    seen: set[frozenset[int]] = set()
    attempt = 0
    while len(versions) < count and attempt < count * 50:
        attempt += 1
        picked = gen.pick_mutations(catalogue, random.Random(f"{rng_seed}:{attempt}"), 3)
        key = frozenset(id(m) for m in picked)
        if key in seen:
            continue
        seen.add(key)
        versions.append(
            gen.Version(seed, 0, department, seed.snapshot.fiscal_year, len(versions) + 1, tuple(picked))
        )
    return versions


def _git(repo: Path, *args: str, env: dict[str, str]) -> None:
    subprocess.run(["git", "-C", str(repo), *args], env=env, check=True, stdout=subprocess.DEVNULL)


def commit_versions(repo: Path, documents: list[str]) -> float:
    """Commit each canonical JSON as the next version of ``department.json``; returns seconds spent."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.invalid",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.invalid",
        "GIT_CONFIG_GLOBAL": "/dev/null",
    }
    start = time.perf_counter()
    _git(repo, "init", "-q", "-b", "main", env=env)
    for n, document in enumerate(documents, 1):
        (repo / "department.json").write_text(document, encoding="utf-8")
        _git(repo, "add", "department.json", env=env)
        _git(repo, "commit", "-q", "-m", f"version {n}", env=env)
    return time.perf_counter() - start


def table_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as connection:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE '%_fts%'"
            )
        ]
        return {
            name: int(connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]) for name in names
        }


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = arguments("The ledger vs git-history on N versions of one department.")
    parser.add_argument("--versions", type=int, default=500)
    parser.add_argument("--seed-name", default="laoting", help="which seed the department is made from")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    count = 5 if args.quick else args.versions
    report = Report("ledger vs git-history")
    if not Path(GIT_HISTORY).exists():
        report.note("git-history is not installed (pip install git-history): not measured")
        finish(report, args.json)
        return 0
    seed = gen.load_seeds([args.seed_name])[0]
    versions = department_versions(seed, count, args.seed)
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        publications = folder / "publications"
        publications.mkdir()
        documents = []
        for version in versions:
            data = version.data()
            (publications / version.filename).write_bytes(data)
            snapshot = parse_publication(data, version.filename).snapshot
            documents.append(
                json.dumps(json.loads(snapshot_json(snapshot)), ensure_ascii=False, indent=2) + "\n"
            )
        ledger_db = folder / "ledger.db"
        ledger_seconds = timed([LEDGER, "--db", str(ledger_db), "ingest", str(publications)])
        repo = folder / "repo"
        repo.mkdir()
        commit_seconds = commit_versions(repo, documents)
        history_db = folder / "history.db"
        history_seconds = timed(
            [
                GIT_HISTORY,
                "file",
                str(history_db),
                "department.json",
                "--repo",
                str(repo),
                "--branch",
                "main",
                "--id",
                "code",
                "--convert",
                CONVERT,
                "--silent",
            ]
        )
        ledger_rows = {
            k: v
            for k, v in table_counts(ledger_db).items()
            if k in ("publications", "snapshots", "events", "diffs", "changes", "findings", "entity_values")
        }
        history_rows = table_counts(history_db)
        sizes: dict[str, Any] = {
            "ledger MB": round(ledger_db.stat().st_size / 1e6, 1),
            "git-history MB": round(history_db.stat().st_size / 1e6, 1),
        }
    table = report.table(
        f"{len(versions)} versions of one department ({seed.name}, one process each, seconds)",
        ["tool", "what is timed", "seconds", "versions/s", "rows written"],
    )
    table.add(
        "ledger ingest",
        "parse + store + snapshot + events + reactions (diffs, findings, entity values)",
        round(ledger_seconds, 2),
        round(len(versions) / ledger_seconds, 1),
        ledger_rows,
    )
    table.add(
        "git-history file --id code",
        "read N commits of the JSON, item versions by project code",
        round(history_seconds, 2),
        round(len(versions) / history_seconds, 1),
        history_rows,
    )
    table.add(
        "(git add + commit ×N)",
        "the scraper's part, before git-history runs",
        round(commit_seconds, 2),
        round(len(versions) / commit_seconds, 1),
        "-",
    )
    table.notes.append(f"database sizes: {sizes}")
    finish(report, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
