"""The scenario library: every file validates and runs; each strategy does what it claims."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sim.experiment.replication import run_replication
from sim.scenario.loader import load_scenario
from sim.scenario.model import Scenario
from tests.helpers.geo import HAVE_GEO, NO_GEO, needs_geo

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
STRATEGIES = (
    "staggered_peak", "night_inspection", "fixed_posts", "walk_and_car", "grid_responsibility",
    "community_visits", "combined",
)
DEFAULT_STAFF_HOURS = 16 * 9 * 7


def weekly_staff_hours(scenario: Scenario) -> float:
    """Scheduled staff-hours in a week, from the rosters (shift length × days × officers)."""
    total = 0.0
    for group in scenario.units.values():
        for shift in group.shifts:
            start, end = shift.bounds()
            total += group.count * (end - start) * len(shift.weekdays())
    return total / 60.0


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_scenario_validates_and_runs_three_days(path: Path):
    if needs_geo(path) and not HAVE_GEO:
        pytest.skip(NO_GEO)
    scenario = load_scenario(path, {"clock.days": 3, "clock.warmup_days": 1})
    frames = run_replication(scenario, 0)
    assert len(frames.incidents) > 0 and len(frames.units) > 0
    assert frames.summary.coverage_share.iloc[0] > 0


@pytest.mark.parametrize("name", STRATEGIES)
def test_strategies_keep_the_default_staff_hours_and_say_so(name: str):
    path = SCENARIOS / f"{name}.yaml"
    scenario = load_scenario(path)
    assert scenario.name == name and scenario.description.strip()
    assert weekly_staff_hours(scenario) == pytest.approx(DEFAULT_STAFF_HOURS)
    assert "Staff-hours per week" in path.read_text(encoding="utf-8")
    assert f"`{name}.yaml`" in (SCENARIOS / "README.md").read_text(encoding="utf-8")


def test_strategies_change_only_the_deployment():
    base = load_scenario(SCENARIOS / "default.yaml")
    for name in STRATEGIES:
        scenario = load_scenario(SCENARIOS / f"{name}.yaml")
        for field in ("clock", "district", "incidents", "detection", "dispatch", "seed"):
            assert getattr(scenario, field) == getattr(base, field), (name, field)


@pytest.fixture(scope="module")
def coverage() -> dict[str, pd.DataFrame]:
    """Officer-minutes per zone × hour of day over one week (one replication each)."""
    out = {}
    for name in ("default", "night_inspection", "fixed_posts"):
        scenario = load_scenario(SCENARIOS / f"{name}.yaml", {"clock.days": 7})
        out[name] = run_replication(scenario, 0).coverage
    return out


def test_night_inspection_puts_officers_on_the_street_from_19_to_01(coverage):
    def night(frame: pd.DataFrame) -> float:
        hours = frame["hour"].isin([19, 20, 21, 22, 23, 0])
        return float(frame.loc[hours, "officer_min"].sum())

    assert night(coverage["default"]) == 0
    # 6 officers x 6 h x 5 observed nights = 10,800 officer-minutes on duty, of which a third
    # or more is visible presence (the rest is walking between zones, which is not)
    assert night(coverage["night_inspection"]) > 10_800 / 3


def test_fixed_posts_put_more_presence_at_the_post_zones(coverage):
    posts = ["C4", "E5", "B2", "F7", "E4"]

    def at(frame: pd.DataFrame, zones: list[str]) -> float:
        return float(frame.loc[frame["zone"].isin(zones), "officer_min"].sum())

    assert at(coverage["fixed_posts"], posts) > 3 * at(coverage["default"], posts)
    for zone in posts:
        assert at(coverage["fixed_posts"], [zone]) > at(coverage["default"], [zone])
