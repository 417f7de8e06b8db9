"""A non-editable install (`pip install .`, the Docker image) ships every package the code imports."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("bot", "cli", "handlers", "phrasebook", "shell")


def _source_packages() -> set[str]:
    """Every folder of the shipped trees that holds Python modules, as a dotted package name."""
    found = set()
    for top in SHIPPED:
        for module in (ROOT / top).rglob("*.py"):
            if "__pycache__" not in module.parts:
                found.add(".".join(module.parent.relative_to(ROOT).parts))
    return found


def test_every_folder_of_python_modules_is_a_package() -> None:
    missing = sorted(p for p in _source_packages() if not (ROOT / p.replace(".", "/") / "__init__.py").is_file())
    assert not missing, f"no __init__.py: {missing}"


def test_the_build_configuration_ships_every_package() -> None:
    setuptools = pytest.importorskip("setuptools")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    if "packages" in config and isinstance(config["packages"], list):
        shipped = set(config["packages"])
    else:
        shipped = set(setuptools.find_packages(where=str(ROOT), **config["packages"]["find"]))
    assert _source_packages() <= shipped, sorted(_source_packages() - shipped)
    assert not {p for p in shipped if p.split(".")[0] in ("tests", "bench", "scripts")}
