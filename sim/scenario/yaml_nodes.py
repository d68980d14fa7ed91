"""Checks on a composed YAML node graph before it is turned into data: keys written twice,
keys that are not names, aliases that contain themselves, alias expansion beyond the limit."""

from __future__ import annotations

import yaml

from sim.scenario.limits import over_limit
from sim.scenario.wording import format_path
from sim.scenario.yaml_dialect import MERGE_TAG


class NodeWalk:
    """One pass over a composed YAML node graph, each node visited once (aliases are shared
    nodes, so a "billion laughs" file is walked in time linear in its size).

    Collects keys written twice, keys that are not names and aliases that contain
    themselves; :meth:`size` returns how many values the node stands for once every alias
    is expanded (what the scenario models would have to validate).
    """

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []
        self._sizes: dict[int, int] = {}
        self._open: set[int] = set()

    def size(self, node: yaml.Node, path: tuple = ()) -> int:
        """Values the node stands for (1 for an alias found inside itself, reported)."""
        key = id(node)
        if key in self._open:
            self.problems.append((format_path(path), "an alias (*name) refers to a mapping or "
                                  "list that contains it"))
            return 1
        if key not in self._sizes:
            self._open.add(key)
            self._sizes[key] = 1 + self._inside(node, path)
            self._open.discard(key)
        return self._sizes[key]

    def _inside(self, node: yaml.Node, path: tuple) -> int:
        """Values inside a mapping or list (0 for a scalar)."""
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return sum(self.size(item, (*path, index)) for index, item in enumerate(node.value))
        return 0

    def _mapping(self, node: yaml.MappingNode, path: tuple) -> int:
        seen: dict[str, int] = {}
        return sum(self._entry(key_node, value_node, path, seen)
                   for key_node, value_node in node.value)

    def _entry(self, key_node: yaml.Node, value_node: yaml.Node, path: tuple,
               seen: dict[str, int]) -> int:
        """Values of one `key: value` pair (0 for a key that is not a name, reported)."""
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            self.problems.append((format_path(path), f"line {line}: a key must be a plain "
                                  "name, not a list or a mapping"))
            return 0
        key = key_node.value
        if key in seen and key_node.tag != MERGE_TAG:
            self._twice((*path, key), seen[key], line)
        seen.setdefault(key, line)
        return 1 + self.size(value_node, (*path, key))


    def _twice(self, path: tuple, first: int, line: int) -> None:
        self.problems.append((format_path(path), f"written twice in the same mapping (lines "
                              f"{first} and {line}); keep one"))


def node_problems(node: yaml.Node) -> list[tuple[str, str]]:
    """Keys written twice, keys that are not names, aliases that contain themselves, and an
    alias expansion beyond the limit of values (named at the largest top-level field)."""
    walk = NodeWalk()
    total = walk.size(node)
    if walk.problems:
        return walk.problems
    problem = over_limit(
        "yaml_values", total, "aliases (*name) expand the file to {n} values")
    return [] if problem is None else [(_biggest_field(node, walk), problem)]


def _biggest_field(node: yaml.Node, walk: NodeWalk) -> str:
    """The top-level key whose value stands for the most values ("" if there is none)."""
    if not isinstance(node, yaml.MappingNode) or not node.value:
        return ""
    key_node = max(node.value, key=lambda kv: walk.size(kv[1]))[0]
    return str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else ""
