"""``extends:`` chains, deep merge and dotted-path overrides of raw scenario data.

A file that says ``extends: other.yaml`` (a path relative to the file) is merged over
``other.yaml``, which may extend another file in turn. The merge goes key by key through
mappings; a list or a single value replaces what the base had; ``null`` for a key the base
has removes that key, so the field falls back to its default and a unit group or incident
type inherited from the base can be dropped (``units: {foot: null}``). A ``null`` for a key
the base does not have stays ``null`` and is validated as written. File paths a file names
(its map and travel files) are relative to that file, also when another file extends it.

Overrides (``--set units.foot.count=4``, sweeps, comparisons) replace the value at a dotted
path with :func:`set_path`.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

from sim.scenario.errors import ScenarioError
from sim.scenario.map_paths import absolute_map_paths
from sim.scenario.wording import describe
from sim.scenario.yaml_reader import file_problem, read_yaml


def deep_merge(base: dict, override: dict) -> dict:
    """Merge ``override`` into a copy of ``base``: mappings merge key by key, anything else
    replaces; ``None`` for a key that ``base`` has removes the key."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if value is None and key in out:
            del out[key]
        else:
            out[key] = _merged_value(out.get(key), value)
    return out


def _merged_value(old: Any, new: Any) -> Any:
    """Two mappings merge key by key; anything else is replaced by (a copy of) ``new``."""
    if isinstance(new, dict) and isinstance(old, dict):
        return deep_merge(old, new)
    return copy.deepcopy(new)


def read_chain(
    path: Path, chain: tuple[Path, ...] = (), shown: Path | None = None
) -> tuple[dict, tuple[Path, ...]]:
    """The merged mapping of ``path`` and the files it extends (itself first).

    ``shown`` is the file's name as the planner wrote it (used in messages).
    """
    shown = Path(path) if shown is None else shown
    _check_file(Path(path), shown)
    path = _resolved(Path(path), shown)
    _not_circular(path, chain, shown)
    data = absolute_map_paths(read_yaml(path, shown), path.parent, default_cache=False)
    parent = data.pop("extends", None)
    if parent is None:
        return data, (path,)
    base, files = _read_parent(parent, path, (*chain, path), shown)
    return deep_merge(base, data), (path, *files)


def _check_file(path: Path, shown: Path) -> None:
    problem = file_problem(path)
    if problem is not None:
        raise ScenarioError(shown, [("", problem)])


def _not_circular(path: Path, chain: tuple[Path, ...], shown: Path) -> None:
    """A file met again on its own extends chain is a cycle."""
    if path in chain:
        cycle = " → ".join(p.name for p in (*chain, path))
        raise ScenarioError(shown, [("extends", f"circular extends: {cycle}")])


def _read_parent(parent: Any, path: Path, chain: tuple[Path, ...],
                 shown: Path) -> tuple[dict, tuple[Path, ...]]:
    """The merged mapping of the file that ``path`` extends (``parent`` as written)."""
    parent_path = _parent_path(parent, path, shown)
    parent_shown = Path(os.path.normpath(shown.parent / parent))
    try:
        return read_chain(parent_path, chain, parent_shown)
    except ScenarioError as exc:  # about the parent or a file it extends: say who asked
        note = f"{exc.note}, " if exc.note else ""
        raise ScenarioError(exc.path, exc.problems, f"{note}extended by {shown}") from None


def _parent_path(parent: Any, path: Path, shown: Path) -> Path:
    """The path of the file named by `extends:` (relative to ``path``), checked."""
    if not isinstance(parent, str) or not parent.strip():
        raise ScenarioError(
            shown, [("extends", f"expected the path of another scenario file, got {describe(parent)}")]
        )
    parent_path = path.parent / parent
    problem = file_problem(parent_path)
    if problem is not None:
        raise ScenarioError(shown, [("extends", f"file {_named(parent)} "
                                    f"{problem.removeprefix('file ')} (next to {path.name})")])
    return parent_path


def _named(parent: str) -> str:
    """The parent's name as written, cut to 80 characters."""
    return repr(parent) if len(parent) <= 80 else repr(parent[:77] + "...")


def _resolved(path: Path, shown: Path) -> Path:
    """The absolute path with symbolic links resolved, or ScenarioError (a link loop)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symbolic-link loop on Python < 3.13
        raise ScenarioError(shown, [("", "is a symbolic link that loops (it points, "
                                     "directly or not, to itself)")]) from None


def read_scenario_dict(path: Path | str, _chain: tuple[Path, ...] = ()) -> dict:
    """The raw scenario mapping of a file with its ``extends:`` chain merged in."""
    return read_chain(Path(path), _chain)[0]


def set_path(data: dict, dotted: str, value: Any) -> dict:
    """A copy of ``data`` with the value at a dotted path (``units.foot.count``) replaced.

    Missing mappings on the way are created; a bad path raises ScenarioError naming it.
    """
    parts = _parts(dotted)
    out = copy.deepcopy(data)
    node: Any = out
    for depth, part in enumerate(parts[:-1]):
        key = _key(node, part, dotted, _where(parts, depth))
        if _child(node, key) is None:
            node[key] = {}  # a missing or empty section on the way
        node = node[key]
    node[_key(node, parts[-1], dotted, _where(parts, len(parts) - 1))] = value
    return out


def _parts(dotted: str) -> list[str]:
    """The names of a dotted path, or ScenarioError for an empty one (``a..b``)."""
    parts = str(dotted).split(".")
    if not all(part.strip() for part in parts):
        raise ScenarioError(None, [(str(dotted), "expected a field path such as units.foot.count")])
    return parts


def _where(parts: list[str], depth: int) -> str:
    """The path walked so far, for messages."""
    return ".".join(parts[:depth]) or "the scenario"


def _child(node: dict | list, key: Any) -> Any:
    return node.get(key) if isinstance(node, dict) else node[key]


def _key(node: Any, part: str, dotted: str, where: str) -> Any:
    """The key (or list index) ``part`` names in ``node``, or ScenarioError."""
    if isinstance(node, dict):
        return part
    if isinstance(node, list):
        return _index(node, part, dotted, where)
    raise ScenarioError(
        None, [(dotted, f"{where} is a single value ({describe(node)}), not a section: "
                f"it has no field {part!r}")]
    )


def _index(node: list, part: str, dotted: str, where: str) -> int:
    if not part.isdigit():
        raise ScenarioError(
            None, [(dotted, f"{where} is a list: expected an index 0..{len(node) - 1}, "
                    f"got {part!r}")]
        )
    if int(part) >= len(node):
        raise ScenarioError(
            None, [(dotted, f"{where} has {len(node)} entries: index {int(part)} is out of range")]
        )
    return int(part)
