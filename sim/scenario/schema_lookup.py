"""Finding fields in the scenario schema, for messages about validation errors.

Pydantic reports an error at a *location* that mixes the planner's field names with its own
labels (union members, tags, validator wrappers): :func:`yaml_path` turns it into the YAML
path the planner wrote. The other functions answer questions about the field at a YAML path
(which fields a mapping allows or needs, its description, its length bounds) from the JSON
schema of :class:`Scenario`, following the planner's data through unions.
"""

from __future__ import annotations

import functools
from typing import Any

from sim.scenario.model import Scenario


@functools.lru_cache(maxsize=1)
def schema() -> dict:
    """The JSON schema of a scenario (field names as written in YAML)."""
    return Scenario.model_json_schema(by_alias=True)


def deref(spec: dict) -> dict:
    """``spec`` with ``$ref`` replaced by the definition it refers to."""
    defs = schema().get("$defs", {})
    seen = 0
    while isinstance(spec, dict) and "$ref" in spec and seen < 50:
        extra = {k: v for k, v in spec.items() if k != "$ref"}
        spec = {**defs.get(spec["$ref"].split("/")[-1], {}), **extra}
        seen += 1
    return spec


def branches(spec: dict, node: Any) -> list[dict]:
    """The concrete schemas a value may match (unions expanded; tagged unions by their tag)."""
    spec = deref(spec)
    options = spec.get("oneOf") or spec.get("anyOf")
    if not options:
        return [spec] if spec.get("type") != "null" else []
    disc = spec.get("discriminator")
    if disc and isinstance(node, dict) and node.get(disc["propertyName"]) in disc["mapping"]:
        return [deref({"$ref": disc["mapping"][node[disc["propertyName"]]]})]
    out: list[dict] = []
    for option in options:
        out += branches(option, node)
    return out


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
        found: list[dict] = []
        for spec in specs:
            for branch in branches(spec, node):
                if isinstance(part, int) and branch.get("type") == "array":
                    found.append(branch.get("items", {}))
                elif isinstance(part, str) and part in branch.get("properties", {}):
                    found.append(branch["properties"][part])
                elif isinstance(branch.get("additionalProperties"), dict):
                    found.append(branch["additionalProperties"])
        specs, node = found, step(node, part)
    return specs


def _names_at(path: tuple, data: Any, key: str) -> list[str]:
    node = node_at(data, path)
    names: list[str] = []
    for spec in specs_at(path, data):
        for branch in branches(spec, node):
            names += [n for n in branch.get(key, []) if n not in names]
    return names


def fields_at(path: tuple, data: Any) -> list[str]:
    """Field names allowed in the mapping at ``path``."""
    return _names_at(path, data, "properties")


def required_at(path: tuple, data: Any) -> list[str]:
    """Required field names of the mapping at ``path``."""
    return _names_at(path, data, "required")


def distribution_tags(specs: list[dict]) -> list[str]:
    """The distribution kinds, if one of ``specs`` is a distribution (else empty)."""
    for spec in specs:
        spec = deref(spec)
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
    tags: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            disc = node.get("discriminator")
            if isinstance(disc, dict):
                tags.update(disc.get("mapping", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema())
    return frozenset(tags)


def yaml_path(loc: tuple, data: Any) -> tuple[tuple, tuple | None, bool]:
    """A pydantic location → (YAML path, union site, is-a-key error).

    Parts of the location that are not in the planner's data are pydantic's own labels (union
    members such as ``list[...]`` or ``literal[...]``, the tag of a tagged union, validator
    wrappers such as ``function-after[...]``): they are dropped. The *union site* is the path
    at which a plain union was tried member by member (its errors are merged).
    """
    if data is None:  # no data to follow: drop what looks like a pydantic label
        tags = _union_tags()
        kept = tuple(p for p in loc if isinstance(p, int) or (
            isinstance(p, str) and "[" not in p and "(" not in p and p not in tags))
        return kept, None, "[key]" in loc
    node, out, site, is_key = data, [], None, False
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if part == "[key]":
            is_key = True
            continue
        if isinstance(node, dict) and isinstance(part, (str, int)) and part in node:
            out.append(part)
            node = node[part]
            continue
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
            continue
        if isinstance(part, str) and ("[" in part or "(" in part):
            if site is None:
                site = tuple(out)
            continue
        if isinstance(node, dict):
            if node.get("kind") == part:  # tag of a tagged union (distributions, behaviours)
                continue
            if last:  # a missing or unknown field
                out.append(part)
            continue
        # node is a plain value: the rest names fields the planner did not write
        # (e.g. ``fixed.value`` of a bare-number distribution).
    return tuple(out), site, is_key
