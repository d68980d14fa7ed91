"""Loading scenarios: the public entry points of the scenario language.

A scenario file is read as YAML 1.2 (:mod:`sim.scenario.yaml_reader`), merged over the files
it ``extends:`` and changed by dotted-path overrides (:mod:`sim.scenario.extends`: mappings
merge key by key, lists and values replace, ``null`` removes a key the base has), then
validated by the models (:mod:`sim.scenario.model`). Whatever is wrong with a scenario file,
the loader raises :class:`ScenarioError` naming the file, the field as a YAML path
(``units.foot.shifts.0.end``) and what was expected (:mod:`sim.scenario.messages`); never
another exception.

The helpers of those modules that callers use are re-exported here.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from sim.scenario.errors import ScenarioError
from sim.scenario.extends import deep_merge, read_chain, read_scenario_dict, set_path
from sim.scenario.map_paths import absolute_map_paths
from sim.scenario.messages import MAX_PROBLEMS, validation_problems
from sim.scenario.model import Scenario
from sim.scenario.yaml_reader import ScenarioDumper, UniqueKeyLoader

_UniqueKeyLoader = UniqueKeyLoader  # the name `sim.cli` and the tests import

__all__ = [
    "MAX_PROBLEMS",
    "Scenario",
    "ScenarioError",
    "UniqueKeyLoader",
    "_UniqueKeyLoader",
    "deep_merge",
    "load_scenario",
    "read_scenario_dict",
    "scenario_from_dict",
    "scenario_hash",
    "scenario_to_dict",
    "scenario_yaml",
    "set_path",
    "validation_problems",
    "with_changes",
]


def scenario_from_dict(data: dict, path: Path | str | None = None, note: str = "") -> Scenario:
    """Validate a raw mapping into a Scenario, or raise ScenarioError."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(path, validation_problems(exc, data), note) from None
    except RecursionError:
        raise ScenarioError(path, [("", "nested too deeply to validate")], note) from None


def load_scenario(path: Path | str, overrides: dict[str, Any] | None = None) -> Scenario:
    """Load, merge ``extends:``, apply dotted-path overrides and validate a scenario file."""
    data, files = read_chain(Path(path))
    data = absolute_map_paths(data, Path(path).resolve().parent)
    if "name" not in data:
        data["name"] = Path(path).stem
    data = _overridden(data, overrides or {}, path)
    return scenario_from_dict(data, path, _merge_note(files))


def _overridden(data: dict, overrides: dict[str, Any], path: Path | str) -> dict:
    """The data with the --set overrides applied (errors name the option)."""
    for dotted, value in overrides.items():
        try:
            data = set_path(data, dotted, value)
        except ScenarioError as exc:
            raise ScenarioError(path, [(f"--set {f}", m) for f, m in exc.problems]) from None
    return data


def _merge_note(files: tuple[Path, ...]) -> str:
    """"after merging extends: a.yaml → b.yaml" for a file that extends others."""
    if len(files) < 2:
        return ""
    return "after merging extends: " + " → ".join(f.name for f in files[1:])


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
    """The fully resolved scenario as YAML (reads back to an equal scenario)."""
    return yaml.dump(
        scenario_to_dict(scenario), Dumper=ScenarioDumper, sort_keys=False, allow_unicode=True
    )


def scenario_hash(scenario: Scenario) -> str:
    """A stable short hash of the resolved scenario (for run records and caches)."""
    data = scenario_to_dict(scenario)
    data.pop("report", None)  # how results are worded does not change them
    blob = json.dumps(data, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:16]
