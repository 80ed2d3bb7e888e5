"""The scoring core and the task types import no web framework, database or reference library.

Checked on the source (every ``import`` statement), because importing ``certify`` itself loads the
Flask app factory, which is not these packages' doing.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGES = Path(__file__).resolve().parents[2] / "certify"
ALLOWED = {
    "scoring": {"numpy", "scipy", "certify"},
    "tasks": {"numpy", "scipy", "certify", "flask_babel",  # lazy_gettext for labels only
              "yaml"},  # load_task_folder reads task.yaml (a parser: no Flask, no database)
}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots - set(sys.stdlib_module_names) - {"__future__"}


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_what_it_may(package):
    files = sorted((PACKAGES / package).glob("*.py"))
    assert files
    for path in files:
        extra = imported_roots(path) - ALLOWED[package]
        assert not extra, f"{path.name} imports {sorted(extra)}"


#: Pure modules of certify the scoring core may use (the shared base of "these problems" errors).
PURE_SHARED = ("certify.errors",)


def test_certify_imports_of_the_scoring_core_stay_inside_it():
    for path in sorted((PACKAGES / "scoring").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("certify"):
                assert node.module.startswith(("certify.scoring", *PURE_SHARED)), \
                    f"{path.name}: {node.module}"
