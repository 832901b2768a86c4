"""What `pip install` puts into site-packages: the project's own top-level names only."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: Source folder → the name it installs as (pyproject.toml, [tool.setuptools] package-dir).
INSTALLED_AS = {"ledger": "ledger", "cli": "ledger_cli", "migrations": "ledger_migrations"}


def package_folders() -> set[str]:
    names = set()
    for folder, installed in INSTALLED_AS.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            parts = init.parent.relative_to(ROOT / folder).parts
            names.add(".".join([installed, *parts]))
    return names


def test_pyproject_lists_every_package_folder_under_its_installed_name() -> None:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert set(setuptools["packages"]) == package_folders()
    assert setuptools["package-dir"] == {installed: folder for folder, installed in INSTALLED_AS.items()}


@pytest.mark.slow
def test_the_wheel_adds_only_the_projects_own_top_level_names(tmp_path: Path) -> None:
    source = tmp_path / "source"  # a copy, so the build leaves no build/ folder in the checkout
    for name in ("pyproject.toml", "README.md"):
        source.mkdir(exist_ok=True)
        shutil.copy(ROOT / name, source / name)
    for folder in INSTALLED_AS:
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--wheel-dir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top_level == {"ledger", "ledger_cli", "ledger_migrations"}
    assert "ledger_migrations/versions/0001_ledger_core.py" in names
    assert "ledger_migrations/script.py.mako" in names
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "ledger = ledger_cli.main:run" in zipfile.ZipFile(wheel).read(entry_points).decode()
