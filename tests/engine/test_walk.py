"""Unit tests of a walk (sim.engine.officer.Walk, Fleet.start_walk/enter/stop_walk): the
officer enters each zone of the path at its share of the trip; an ended walk's pending entry
changes nothing."""

from __future__ import annotations

import pytest

from sim.engine.world import World
from sim.scenario.loader import load_scenario


def _world_and_long_path() -> tuple[World, int, list[int]]:
    scenario = load_scenario("scenarios/default.yaml", {"clock.days": 1, "clock.warmup_days": 0})
    world = World(scenario, 0)
    fleet = world.officers
    officer = fleet.members[0]
    for dest in range(world.layout.n_zones):
        path = fleet.facts.path(officer.pos, dest)
        if len(path) >= 3:
            return world, dest, path
    pytest.skip("no path through three zones in the default district")


def test_zones_entered_at_their_share_of_the_trip() -> None:
    world, dest, path = _world_and_long_path()
    fleet, officer, env = world.officers, world.officers.members[0], world.env
    minutes = fleet.start_walk(officer, dest, busy=False)
    share = minutes / len(path)
    assert officer.pos == path[0] and officer.passing
    for k in range(1, len(path)):
        env.run(until=k * share - 1e-6)
        assert officer.pos == path[k - 1], k
        env.run(until=k * share + 1e-6)
        assert officer.pos == path[k], k
    assert not officer.passing  # the destination is not passed through


def test_an_ended_walk_enters_no_more_zones() -> None:
    world, dest, path = _world_and_long_path()
    fleet, officer, env = world.officers, world.officers.members[0], world.env
    minutes = fleet.start_walk(officer, dest, busy=False)
    fleet.stop_walk(officer)  # interrupted at once (say, a dispatch)
    env.run(until=minutes + 1.0)
    assert officer.pos == path[0]
    assert officer.walk is None and not officer.passing
