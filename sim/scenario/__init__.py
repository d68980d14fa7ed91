"""The scenario language: validated models and the loader."""

from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load_scenario, scenario_from_dict, scenario_yaml, with_changes
from sim.scenario.model import Scenario

__all__ = [
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "scenario_from_dict",
    "scenario_yaml",
    "with_changes",
]
