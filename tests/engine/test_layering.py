"""The engine's rooms talk through sim/engine/ports.py: no engine module imports world.py
(the composition root), and the engine's modules form no import circle, counting imports
made only for type checking."""

from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "sim" / "engine"


def _engine_imports() -> dict[str, set[str]]:
    """Per engine module, the engine modules it imports (anywhere in the file)."""
    graph: dict[str, set[str]] = {}
    for path in ENGINE.glob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sim.engine."):
                names.add(node.module.split(".")[2])
            elif isinstance(node, ast.Import):
                names |= {a.name.split(".")[2] for a in node.names
                          if a.name.startswith("sim.engine.")}
        graph[path.stem] = names - {path.stem}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_only_the_composition_root_knows_the_world() -> None:
    importers = [m for m, deps in _engine_imports().items() if "world" in deps]
    assert importers == []


def test_no_import_circle_in_the_engine() -> None:
    assert _cycle(_engine_imports()) is None


def test_the_cycle_finder_finds_a_circle() -> None:  # the check has power
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
