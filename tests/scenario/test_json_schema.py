"""``sim schema`` (complete scenarios) and ``sim schema --partial`` (files that extend
another): every shipped scenario file validates against the right one, and each still
refuses what the loader refuses (an unknown field, a wrong type)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from sim.cli import main
from sim.scenario.json_schema import full_schema, partial_schema
from sim.scenario.loader import load_scenario, scenario_to_dict
from sim.scenario.yaml_reader import UniqueKeyLoader

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the test extra")
SHIPPED = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


def _errors(schema: dict, data: dict) -> list[str]:
    return [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]


def _read(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=UniqueKeyLoader)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_file_validates_against_its_schema(path: Path) -> None:
    data = _read(path)
    if "extends" in data:
        assert _errors(partial_schema(), data) == []
        assert _errors(full_schema(), data)  # the complete schema needs every section
    else:
        assert _errors(full_schema(), data) == []
    assert _errors(full_schema(), scenario_to_dict(load_scenario(path))) == []


def test_partial_schema_still_checks_names_types_and_values() -> None:
    part = partial_schema()
    assert _errors(part, {"extends": "base.yaml", "units": {"foot": {"count": 9}}}) == []
    assert _errors(part, {"units": {"foot": None}, "detection": None}) == []
    assert _errors(part, {"unitz": {}})  # unknown section
    assert _errors(part, {"units": {"foot": {"cuont": 9}}})  # unknown field
    assert _errors(part, {"units": {"foot": {"count": "nine"}}})
    assert _errors(part, {"units": {"foot": {"mode": "horse"}}})
    assert _errors(part, {"units": {"foot": {"behaviour": {"kind": "teleport"}}}})


def test_schema_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == full_schema()
    assert main(["schema", "--partial", "-o", str(tmp_path / "p.json")]) == 0
    assert json.loads((tmp_path / "p.json").read_text(encoding="utf-8")) == partial_schema()
