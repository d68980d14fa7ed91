"""JSON Schemas for editors: the complete scenario, and the partial file that extends another.

``sim schema`` prints the schema of a complete scenario (a file without ``extends:``, or a
file after merging). A strategy file that says ``extends: base.yaml`` holds only what it
changes, so ``sim schema --partial`` prints a schema in which every field is optional,
``extends`` is allowed and any field may be ``null`` (which removes what the base had);
field names, types, allowed values and descriptions are those of the complete schema.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

_EXTENDS = {"type": "string", "title": "Extends",
            "description": "The scenario this file is merged over (a path relative to this "
            "file); only the fields given here change."}
_NULL = {"type": "null"}


def _rebuild(node: Any, on_mapping: Callable[[dict], dict]) -> Any:
    """A copy of a JSON tree with ``on_mapping`` applied to every mapping, innermost first."""
    if isinstance(node, list):
        return [_rebuild(item, on_mapping) for item in node]
    if not isinstance(node, dict):
        return node
    return on_mapping({k: _rebuild(v, on_mapping) for k, v in node.items()})


def _with_shorthands(node: Any) -> Any:
    """A bare number is a fixed distribution (``dwell: 20``): say so in every
    distribution union, which pydantic's schema lists only as the tagged mappings."""
    return _rebuild(node, _number_shorthand)


def _number_shorthand(out: dict) -> dict:
    mapping = out.get("discriminator", {}).get("mapping", {})
    if "fixed" in mapping and isinstance(out.get("oneOf"), list):
        out["oneOf"] = [*out["oneOf"], {"type": "number", "description": "a fixed value"}]
    return out


def full_schema() -> dict:
    """The schema of a complete scenario."""
    from sim.scenario.model import Scenario

    return _with_shorthands(Scenario.model_json_schema(by_alias=True))


def _loosen(node: Any) -> Any:
    """Drop ``required``, minimum sizes of mappings and union discriminators; let each
    property and named entry also be ``null``."""
    return _rebuild(node, _loosened)


def _loosened(node: dict) -> dict:
    out = {k: v for k, v in node.items() if k not in ("required", "discriminator")}
    if "oneOf" in out:  # partial members of a tagged union may match several members
        out["anyOf"] = out.pop("oneOf")
    _nullable_entries(out)
    out.pop("minProperties", None)
    return out


def _nullable_entries(out: dict) -> None:
    """Let every property and every named entry (units.foot) be null too."""
    if isinstance(out.get("properties"), dict):
        out["properties"] = {k: {"anyOf": [v, _NULL]} for k, v in out["properties"].items()}
    if isinstance(out.get("additionalProperties"), dict):
        out["additionalProperties"] = {"anyOf": [out["additionalProperties"], _NULL]}


def partial_schema() -> dict:
    """The schema of a file that may extend another: all optional, ``extends`` allowed."""
    schema = _loosen(copy.deepcopy(full_schema()))
    schema["properties"]["extends"] = dict(_EXTENDS)
    schema["title"] = "Scenario (partial, may extend another)"
    return schema
