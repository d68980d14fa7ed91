"""Reading scenario files: YAML, ``extends:`` with deep merge, overrides, and clear errors."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from sim.scenario.errors import ScenarioError
from sim.scenario.model import Scenario


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that rejects a key written twice in one mapping."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} appears twice", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

# YAML 1.1 reads an unquoted 08:00 as the base-60 integer 480; planners mean a clock time.
_UniqueKeyLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:int",)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_UniqueKeyLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)


def deep_merge(base: dict, override: dict) -> dict:
    """Merge ``override`` into a copy of ``base``: mappings merge key by key, anything else replaces."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _read_yaml(path: Path) -> dict:
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ScenarioError(path, [("", "file not found")]) from None
    except IsADirectoryError:
        raise ScenarioError(path, [("", "is a folder, not a scenario file")]) from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            path, [("", f"not UTF-8 text (bad byte at offset {exc.start}); save the file as UTF-8")]
        ) from None
    except OSError as exc:
        raise ScenarioError(path, [("", f"cannot be read: {exc.strerror}")]) from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(path, [("", f"YAML syntax error at {where}{problem}")]) from None
    if data is None:
        raise ScenarioError(path, [("", "the file is empty")])
    if not isinstance(data, dict):
        raise ScenarioError(path, [("", f"expected a mapping of sections, got {type(data).__name__}")])
    return data


def read_scenario_dict(path: Path | str, _chain: tuple[Path, ...] = ()) -> dict:
    """The raw scenario mapping of a file with its ``extends:`` chain merged in."""
    path = Path(path).resolve()
    if path in _chain:
        cycle = " → ".join(p.name for p in (*_chain, path))
        raise ScenarioError(_chain[0], [("extends", f"circular extends: {cycle}")])
    data = _read_yaml(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise ScenarioError(path, [("extends", "expected the path of another scenario file")])
    parent_path = (path.parent / parent).resolve()
    if not parent_path.exists():
        raise ScenarioError(path, [("extends", f"file {parent!r} not found (next to {path.name})")])
    return deep_merge(read_scenario_dict(parent_path, (*_chain, path)), data)


def set_path(data: dict, dotted: str, value: Any) -> dict:
    """A copy of ``data`` with the value at a dotted path (``units.foot.count``) replaced."""
    out = copy.deepcopy(data)
    node: Any = out
    parts = dotted.split(".")
    for part in parts[:-1]:
        if isinstance(node, list):
            node = node[int(part)]
        else:
            node = node.setdefault(part, {})
    if isinstance(node, list):
        node[int(parts[-1])] = value
    else:
        node[parts[-1]] = value
    return out


def _format_location(loc: tuple) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def validation_problems(exc: ValidationError) -> list[tuple[str, str]]:
    """Planner-readable (field path, message) pairs from a pydantic error."""
    problems = []
    for err in exc.errors(include_url=False):
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown field (check the spelling; `sim schema` lists the fields)"
        elif err["type"] not in ("missing", "value_error", "assertion_error"):
            message = f"{message} (got {_short(err.get('input'))})"
        problems.append((_format_location(err["loc"]), message))
    return problems


def scenario_from_dict(data: dict, path: Path | str | None = None) -> Scenario:
    """Validate a raw mapping into a Scenario, or raise ScenarioError."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(path, validation_problems(exc)) from None


def load_scenario(path: Path | str, overrides: dict[str, Any] | None = None) -> Scenario:
    """Load, merge ``extends:``, apply dotted-path overrides and validate a scenario file."""
    data = read_scenario_dict(path)
    if "name" not in data:
        data["name"] = Path(path).stem
    for dotted, value in (overrides or {}).items():
        data = set_path(data, dotted, value)
    return scenario_from_dict(data, path)


def with_changes(scenario: Scenario, changes: dict[str, Any]) -> Scenario:
    """A new scenario: ``scenario`` with dotted-path changes applied, validated again."""
    data = scenario_to_dict(scenario)
    for dotted, value in changes.items():
        data = set_path(data, dotted, value)
    return scenario_from_dict(data)


def scenario_to_dict(scenario: Scenario) -> dict:
    """The fully resolved scenario (defaults filled in) as plain data."""
    return scenario.model_dump(mode="json", by_alias=True)


def scenario_yaml(scenario: Scenario) -> str:
    """The fully resolved scenario as YAML."""
    return yaml.safe_dump(scenario_to_dict(scenario), sort_keys=False, allow_unicode=True)


def scenario_hash(scenario: Scenario) -> str:
    """A stable short hash of the resolved scenario (for run records and caches)."""
    blob = json.dumps(scenario_to_dict(scenario), sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:16]
