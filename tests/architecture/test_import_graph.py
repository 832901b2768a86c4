"""The import graph of the library and the CLI has no cycle, counting every import statement wherever it stands.

import-linter (``make check``) enforces the layers; it does not see imports inside functions as cycles, so this test
reads every ``import`` and ``from … import`` in the source, module level or not, and looks for a cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: Source folder → the package name it is imported as (the CLI folder installs as ``ledger_cli``).
PACKAGES = {"ledger": "ledger", "cli": "ledger_cli"}


def module_files() -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for folder, package in PACKAGES.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = [package, *path.relative_to(ROOT / folder).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def imported_names(module: str, path: Path, modules: Collection[str]) -> Iterator[str]:
    """Every module an import statement in ``path`` names (relative imports resolved).

    ``from package import name`` names ``package.name`` when that is a module (its package runs first, as for any
    submodule import, and is not counted as imported), else ``package``.
    """
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                yield submodule if submodule in modules else source


def import_graph() -> dict[str, set[str]]:
    modules = module_files()
    return {
        module: {name for name in imported_names(module, path, modules) if name in modules and name != module}
        for module, path in modules.items()
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a path that returns to its start, or None (iterative depth-first search)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in sorted(graph):
        if state.get(start):
            continue
        path, stack = [start], [iter(sorted(graph[start]))]
        state[start] = 1
        while stack:
            following = next(stack[-1], None)
            if following is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(following) == 1:
                return path[path.index(following) :] + [following]
            elif not state.get(following):
                state[following] = 1
                path.append(following)
                stack.append(iter(sorted(graph[following])))
    return None


@pytest.mark.slow
def test_the_graph_covers_the_library_and_the_cli() -> None:
    graph = import_graph()
    assert "ledger.pipeline.ingest" in graph["ledger.pipeline.reparse"]
    assert any(name.startswith("ledger_cli.") for name in graph)


@pytest.mark.slow
def test_no_import_cycle_counting_imports_inside_functions() -> None:
    assert find_cycle(import_graph()) is None


@pytest.mark.parametrize(
    ("graph", "cycle"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
        ({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
        ({"a": {"b"}, "b": {"c"}, "c": {"b"}}, ["b", "c", "b"]),
        ({"a": {"a2"}, "a2": set(), "x": {"y"}, "y": {"z"}, "z": {"x"}}, ["x", "y", "z", "x"]),
    ],
)
def test_find_cycle(graph: dict[str, set[str]], cycle: list[str] | None) -> None:
    assert find_cycle(graph) == cycle


def test_function_local_imports_count(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("def f() -> None:\n    from ledger.store import catalog\n", encoding="utf-8")
    assert set(imported_names("ledger.x", source, {"ledger.store", "ledger.store.catalog"})) == {
        "ledger.store.catalog"
    }


@pytest.mark.slow
def test_library_never_imports_the_cli() -> None:
    graph = import_graph()
    assert not [
        m
        for m, names in graph.items()
        if m.startswith("ledger.") or m == "ledger"
        if any(n.startswith("ledger_cli") for n in names)
    ]
