"""How values and field paths are written in messages to the planner."""

from __future__ import annotations

from typing import Any


def format_path(path: tuple | list) -> str:
    """A YAML field path as the planner writes it: ``units.foot.shifts.0.end``."""
    return ".".join(str(part) for part in path) or "(top level)"


def flow(value: Any, depth: int = 0) -> str:
    """A short YAML-like rendering of a value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, list):
        if depth > 1:
            return "[...]"
        return "[" + ", ".join(flow(v, depth + 1) for v in value) + "]"
    if isinstance(value, dict):
        if depth > 1:
            return "{...}"
        return "{" + ", ".join(f"{k}: {flow(v, depth + 1)}" for k, v in value.items()) + "}"
    return repr(value)


def describe(value: Any) -> str:
    """What the planner wrote, briefly: ``'ten'``, ``-3``, ``a list of 23 values``."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"{flow(value)} (a yes/no value)"
    if isinstance(value, list) and not value:
        return "an empty list"
    if isinstance(value, dict) and not value:
        return "an empty mapping"
    text = flow(value)
    if len(text) <= 60:
        kind = "list " if isinstance(value, list) else "mapping " if isinstance(value, dict) else ""
        return f"the {kind}{text}" if kind else text
    if isinstance(value, list):
        return f"a list of {len(value)} values"
    if isinstance(value, dict):
        return f"a mapping with keys {', '.join(map(str, list(value)[:6]))}"
    return text[:57] + "..."
