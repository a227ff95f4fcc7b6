"""The layout keeps its shape: imports go one way, modules stay small, the public API small.

Read from the source (every ``import`` statement, those inside functions
too), never by importing it. The direction, lowest first:

    errors, compat, extras  <  wire  <  drive  <  handlers, app  <  passes
    results  <  render  <  cli  <  notebook  <  handlerbench (the public API)

A package may import itself and anything below it, with two exceptions that
keep the leaves apart: ``results`` (saved runs) knows nothing of handlers or
passes, and ``render`` reads the passes' reports but never drives a request.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import handlerbench
from tests.helpers import ROOT

PACKAGE = ROOT / "handlerbench"
MAX_LINES = 400
MAX_PUBLIC_NAMES = 12

# For each part of the package: the parts it must never import.
FORBIDDEN = {
    "errors": {"*"},
    "compat": {"*"},
    "extras": {"*"},
    "wire": {"drive", "handlers", "app", "passes", "results", "render", "cli", "notebook"},
    "drive": {"handlers", "app", "passes", "results", "render", "cli", "notebook"},
    "handlers": {"passes", "results", "render", "cli", "notebook"},
    "app": {"passes", "results", "render", "cli", "notebook"},
    "passes": {"render", "cli", "notebook"},
    "results": {"handlers", "app", "passes", "render", "cli", "notebook"},
    "render": {"drive", "handlers", "app", "cli", "notebook"},
    "cli": {"notebook"},
    "notebook": set(),
}
# What "*" allows: the modules every part may use.
BASE = {"errors"}


def part_of(module: str) -> str | None:
    """``handlerbench.drive.asgi`` -> ``drive``; None for the package itself or outside it."""
    parts = module.split(".")
    if parts[0] != "handlerbench" or len(parts) < 2:
        return None
    return parts[1]


def imports(path: Path) -> set[str]:
    """Every handlerbench module ``path`` imports, by absolute name."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # ``from handlerbench import errors``: the module is a name.
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.startswith("handlerbench.")}


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix("")
    return ".".join(relative.parts).removesuffix(".__init__")


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_go_one_way(path):
    part = part_of(module_name(path))
    if part is None or part == "__main__":
        return
    forbidden = FORBIDDEN[part]
    wrong = []
    for imported in imports(path):
        target = part_of(imported)
        if target is None or target == part:
            continue
        if (forbidden == {"*"} and target not in BASE) or target in forbidden:
            wrong.append(imported)
    assert not wrong, f"{module_name(path)} ({part}) imports {sorted(wrong)}"


def test_every_part_of_the_package_is_placed():
    parts = {part_of(module_name(path)) for path in modules()} - {None, "__main__"}
    assert parts == set(FORBIDDEN)


def test_the_check_sees_a_wrong_import(tmp_path):
    # The test above must be able to fail: a driver importing the command line.
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from handlerbench.cli.main import main\n")
    assert "handlerbench.cli.main" in imports(bad)
    assert part_of("handlerbench.cli.main") in FORBIDDEN["drive"]


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_over_400_lines(path):
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines"


def test_the_public_api_is_small_and_importable():
    assert len(handlerbench.__all__) <= MAX_PUBLIC_NAMES
    for name in handlerbench.__all__:
        assert getattr(handlerbench, name) is not None
    # The extension API the README names.
    from handlerbench.drive import AsgiDriver, Driver, WsgiDriver  # noqa: F401
    from handlerbench.handlers.target import Target, app_target, scenario_target  # noqa: F401
    from handlerbench.passes.counting import count_transitions  # noqa: F401


def test_every_subpackage_has_its_tests():
    subpackages = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    missing = [name for name in subpackages if not list((ROOT / "tests" / name).glob("test_*.py"))]
    assert not missing, f"no tests/<name>/test_*.py for {missing}"
