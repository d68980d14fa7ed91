"""Finding fields in the scenario schema, for messages about validation errors.

Pydantic reports an error at a *location* that mixes the planner's field names with its own
labels (union members, tags, validator wrappers): :func:`yaml_path` turns it into the YAML
path the planner wrote. The other functions answer questions about the field at a YAML path
(which fields a mapping allows or needs, its description, its length bounds) from the JSON
schema of :class:`Scenario`, following the planner's data through unions.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from sim.scenario.model import Scenario


@functools.lru_cache(maxsize=1)
def schema() -> dict:
    """The JSON schema of a scenario (field names as written in YAML)."""
    return Scenario.model_json_schema(by_alias=True)


def deref(spec: dict) -> dict:
    """``spec`` with ``$ref`` replaced by the definition it refers to."""
    defs = schema().get("$defs", {})
    for _ in range(50):  # a reference to a reference...: at most 50 steps
        if not (isinstance(spec, dict) and "$ref" in spec):
            break
        spec = _followed(spec, defs)
    return spec


def _followed(spec: dict, defs: dict) -> dict:
    """The definition ``spec`` refers to, with ``spec``'s other keys over it."""
    extra = {k: v for k, v in spec.items() if k != "$ref"}
    return {**defs.get(spec["$ref"].split("/")[-1], {}), **extra}


def branches(spec: dict, node: Any) -> list[dict]:
    """The concrete schemas a value may match (unions expanded; tagged unions by their tag)."""
    spec = deref(spec)
    options = spec.get("oneOf") or spec.get("anyOf")
    if not options:
        return _unless_null(spec)
    tagged = _tagged_branch(spec, node)
    if tagged is not None:
        return [tagged]
    return [branch for option in options for branch in branches(option, node)]


def _unless_null(spec: dict) -> list[dict]:
    return [spec] if spec.get("type") != "null" else []


def _tagged_branch(spec: dict, node: Any) -> dict | None:
    """The member of a tagged union that the value's tag selects (None: no valid tag)."""
    disc = spec.get("discriminator")
    if not disc or not isinstance(node, dict):
        return None
    ref = disc["mapping"].get(node.get(disc["propertyName"]))
    return deref({"$ref": ref}) if ref is not None else None


def step(node: Any, part: Any) -> Any:
    """The value at one key or index of ``node`` (None if there is none)."""
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def node_at(data: Any, path: tuple) -> Any:
    """The value at a YAML path of ``data`` (None if there is none)."""
    node = data
    for part in path:
        node = step(node, part)
    return node


def specs_at(path: tuple, data: Any) -> list[dict]:
    """Schemas of the field at a YAML path (several when the path runs through a union)."""
    specs: list[dict] = [schema()]
    node = data
    for part in path:
        specs = _children(specs, node, part)
        node = step(node, part)
    return specs


def _children(specs: list[dict], node: Any, part: Any) -> list[dict]:
    """Schemas of key or index ``part`` of a value (``node``) matching one of ``specs``."""
    found = [_child(branch, part) for spec in specs for branch in branches(spec, node)]
    return [child for child in found if child is not None]


def _child(branch: dict, part: Any) -> dict | None:
    """The schema of ``part`` inside one concrete schema (None if it has none)."""
    named = _item_or_property(branch, part)
    return named if named is not None else _entry_schema(branch)


def _item_or_property(branch: dict, part: Any) -> dict | None:
    """The schema of a list's items (an index) or of a named property (a name)."""
    if isinstance(part, int) and branch.get("type") == "array":
        return branch.get("items", {})
    return branch.get("properties", {}).get(part) if isinstance(part, str) else None


def _entry_schema(branch: dict) -> dict | None:
    """The schema of every entry of a mapping keyed by name (units.foot), if it is one."""
    extra = branch.get("additionalProperties")
    return extra if isinstance(extra, dict) else None


def _names_at(path: tuple, data: Any, key: str) -> list[str]:
    node = node_at(data, path)
    found = [name for spec in specs_at(path, data) for branch in branches(spec, node)
             for name in branch.get(key, [])]
    return list(dict.fromkeys(found))


def fields_at(path: tuple, data: Any) -> list[str]:
    """Field names allowed in the mapping at ``path``."""
    return _names_at(path, data, "properties")


def required_at(path: tuple, data: Any) -> list[str]:
    """Required field names of the mapping at ``path``."""
    return _names_at(path, data, "required")


def distribution_tags(specs: list[dict]) -> list[str]:
    """The distribution kinds, if one of ``specs`` is a distribution (else empty)."""
    for spec in specs:
        tags = _distribution_tags_of(deref(spec))
        if tags:
            return tags
    return []


def _distribution_tags_of(spec: dict) -> list[str]:
    """The distribution kinds if ``spec`` (or a member of its union) is a distribution."""
    for option in [spec, *(spec.get("anyOf") or [])]:
        disc = deref(option).get("discriminator")
        if disc and "lognormal" in disc.get("mapping", {}):
            return list(disc["mapping"])
    return []


def description(specs: list[dict]) -> str:
    """The first description among ``specs``, on one line, without the final full stop."""
    for spec in specs:
        text = spec.get("description") or deref(spec).get("description")
        if text:
            return " ".join(text.split()).rstrip(".")
    return ""


def length_bounds(specs: list[dict]) -> tuple[int | None, int | None]:
    """(minItems, maxItems) of the first list among ``specs`` that has either."""
    for spec in specs:
        for branch in branches(spec, None):
            if "minItems" in branch or "maxItems" in branch:
                return branch.get("minItems"), branch.get("maxItems")
    return None, None


@functools.lru_cache(maxsize=1)
def _union_tags() -> frozenset[str]:
    """Every tag of a tagged union in the schema (distribution kinds, behaviour kinds)."""
    return frozenset(_tags_in(schema()))


def _tags_in(node: Any) -> set[str]:
    """The tags of every tagged union inside a schema node."""
    if isinstance(node, list):
        return set().union(*map(_tags_in, node))
    if not isinstance(node, dict):
        return set()
    disc = node.get("discriminator")
    own = set(disc.get("mapping", {})) if isinstance(disc, dict) else set()
    return own.union(*map(_tags_in, node.values()))


def yaml_path(loc: tuple, data: Any) -> tuple[tuple, tuple | None, bool]:
    """A pydantic location → (YAML path, union site, is-a-key error).

    Parts of the location that are not in the planner's data are pydantic's own labels (union
    members such as ``list[...]`` or ``literal[...]``, the tag of a tagged union, validator
    wrappers such as ``function-after[...]``): they are dropped. The *union site* is the path
    at which a plain union was tried member by member (its errors are merged).
    """
    if data is None:  # no data to follow: drop what looks like a pydantic label
        return _without_labels(loc), None, "[key]" in loc
    walk = _Walk(data)
    for index, part in enumerate(loc):
        walk.step(part, last=index == len(loc) - 1)
    return tuple(walk.out), walk.site, walk.is_key


def _without_labels(loc: tuple) -> tuple:
    """The parts of a location that do not look like pydantic's labels or union tags."""
    tags = _union_tags()
    return tuple(p for p in loc if _plain_part(p, tags))


def _is_label(part: Any) -> bool:
    """Is this part of a location one of pydantic's labels (``list[...]``, ``function-after[...]``)?"""
    return isinstance(part, str) and ("[" in part or "(" in part)


def _plain_part(part: Any, tags: frozenset[str]) -> bool:
    """An index, or a name that is neither a pydantic label nor a union tag."""
    return isinstance(part, int) or (isinstance(part, str) and not _is_label(part)
                                     and part not in tags)


def _has(node: Any, part: Any) -> bool:
    """Does the planner's value ``node`` have key or index ``part``?"""
    if isinstance(node, dict):
        return isinstance(part, (str, int)) and part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


@dataclass
class _Walk:
    """Following a pydantic location through the planner's data, one part at a time."""

    node: Any
    out: list = field(default_factory=list)
    site: tuple | None = None
    is_key: bool = False

    def step(self, part: Any, last: bool) -> None:
        """Follow one part; a part that is not in the data is dropped unless it is the last
        one and names a missing or unknown field of a mapping (not a union's tag)."""
        if part == "[key]":
            self.is_key = True
        elif _has(self.node, part):
            self._enter(part)
        elif _is_label(part):
            self._enter_union()
        elif last and _names_field(self.node, part):
            self.out.append(part)

    def _enter(self, part: Any) -> None:
        """Step into the planner's value at key or index ``part``."""
        self.out.append(part)
        self.node = self.node[part]

    def _enter_union(self) -> None:
        """A plain union's member label: the union site is where the first one appears."""
        if self.site is None:
            self.site = tuple(self.out)


def _names_field(node: Any, part: Any) -> bool:
    """Is ``part`` a (missing or unknown) field of the mapping ``node``, not a union's tag?"""
    return isinstance(node, dict) and node.get("kind") != part
