"""Layering: sim/cli only parses and prints, so nothing outside it imports from it."""

from __future__ import annotations

import ast
from pathlib import Path

SIM = Path(__file__).resolve().parents[2] / "sim"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def test_no_library_module_imports_the_command_line():
    offenders = {
        str(p.relative_to(SIM)): sorted(n for n in _imports(p) if n.startswith("sim.cli"))
        for p in SIM.rglob("*.py")
        if "cli" not in p.relative_to(SIM).parts and p.name != "__main__.py"
    }
    assert {k: v for k, v in offenders.items() if v} == {}
