"""How values and field paths are written in messages to the planner."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def format_path(path: tuple | list) -> str:
    """A YAML field path as the planner writes it: ``units.foot.shifts.0.end``."""
    return ".".join(str(part) for part in path) or "(top level)"


def flow(value: Any, depth: int = 0) -> str:
    """A short YAML-like rendering of a value."""
    if value is None:
        return "null"
    render = next((r for kind, r in _FLOW if isinstance(value, kind)), None)
    return render(value, depth) if render else repr(value)


def _flow_bool(value: bool, _depth: int) -> str:
    return "true" if value else "false"


def _flow_float(value: float, _depth: int) -> str:
    return f"{value:g}"


def _flow_list(value: list, depth: int) -> str:
    if depth > 1:
        return "[...]"
    return "[" + ", ".join(flow(v, depth + 1) for v in value) + "]"


def _flow_dict(value: dict, depth: int) -> str:
    if depth > 1:
        return "{...}"
    return "{" + ", ".join(f"{k}: {flow(v, depth + 1)}" for k, v in value.items()) + "}"


_FLOW: tuple[tuple[type, Callable[[Any, int], str]], ...] = (
    (bool, _flow_bool), (float, _flow_float), (list, _flow_list), (dict, _flow_dict),
)


def describe(value: Any) -> str:
    """What the planner wrote, briefly: ``'ten'``, ``-3``, ``a list of 23 values``."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"{flow(value)} (a yes/no value)"
    return _brief(value, _noun(value))


def _noun(value: Any) -> str:
    """"list" or "mapping" for a container, else ""."""
    return "list" if isinstance(value, list) else "mapping" if isinstance(value, dict) else ""


def _brief(value: Any, noun: str) -> str:
    """An empty container, a short value as written, or a summary of a long one."""
    if noun and not value:
        return f"an empty {noun}"
    text = flow(value)
    if len(text) <= 60:
        return f"the {noun} {text}" if noun else text
    return _summary(value, text)


def _summary(value: Any, text: str) -> str:
    if isinstance(value, list):
        return f"a list of {len(value)} values"
    if isinstance(value, dict):
        return f"a mapping with keys {', '.join(map(str, list(value)[:6]))}"
    return text[:57] + "..."
