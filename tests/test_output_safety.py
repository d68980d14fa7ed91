"""Output folders are safe: names cannot climb out of results/, user files are never lost,
targets are locked while written, stale temporary folders are recovered (issue 16)."""

from __future__ import annotations

import pytest

from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load_scenario
from sim.scenario.model import is_safe_stem

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", ["default", "南湖-夜巡", "a.b_c-1", "x" * 100, "夜" * 66])
def test_safe_names_are_accepted(name: str) -> None:
    assert is_safe_stem(name)


@pytest.mark.parametrize("name", ["", ".", "..", "../victim", "/tmp/x", "a/b", "a\\b", "a\0b",
                                  ".hidden", "x" * 101, "夜" * 67, "a b", "a\nb"])
def test_unsafe_names_are_refused(name: str) -> None:
    assert not is_safe_stem(name)


def test_chinese_name_loads() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "default.yaml", {"name": "南湖-夜巡"})
    assert scenario.name == "南湖-夜巡"


def test_path_name_is_a_scenario_error_naming_the_field() -> None:
    with pytest.raises(ScenarioError, match=r"name: must be a file-name stem.*'\.\./victim'"):
        load_scenario(ROOT / "scenarios" / "default.yaml", {"name": "../victim"})
