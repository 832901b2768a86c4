"""A newcomer finds where a thing lives from the tree alone: no two library modules share a name, no two classes of
the library and the CLI share a name, and nothing points at a document outside the repository."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*sorted((ROOT / "ledger").rglob("*.py")), *sorted((ROOT / "cli").rglob("*.py"))]


def test_no_two_library_modules_share_a_name() -> None:
    places: dict[str, list[str]] = defaultdict(list)
    for path in (ROOT / "ledger").rglob("*.py"):
        if path.name != "__init__.py":
            places[path.stem].append(str(path.relative_to(ROOT)))
    assert {name: where for name, where in places.items() if len(where) > 1} == {}


def test_no_two_public_classes_share_a_name() -> None:
    places: dict[str, list[str]] = defaultdict(list)
    for path in SOURCES:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                places[node.name].append(str(path.relative_to(ROOT)))
    assert {name: where for name, where in places.items() if len(where) > 1} == {}


def test_no_reference_to_a_specification_outside_the_repository() -> None:
    outside = re.compile(r"SPEC §|\.\./shared/SPEC|SPEC\.md")
    files = [*SOURCES, *(ROOT / "tests").rglob("*.py"), *(ROOT / "docs").glob("*.md"), ROOT / "README.md"]
    hits = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if outside.search(line) and path != Path(__file__)
    ]
    assert hits == []
