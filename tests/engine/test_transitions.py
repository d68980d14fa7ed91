"""Unit tests of the incident book's named transitions (sim.engine.incidents.IncidentBook):
each changes the table's columns exactly as its docstring says, first-time stamps are kept."""

from __future__ import annotations

import math

import pytest

from sim.engine.table import (
    ASSIGNED,
    AWAITING_DEADLINE,
    ENDED,
    FLED,
    ON_SCENE,
    QUEUED,
    RESOLVED,
)
from sim.engine.world import World
from sim.scenario.loader import load_scenario


@pytest.fixture(scope="module")
def world() -> World:
    scenario = load_scenario("scenarios/default.yaml", {"clock.days": 2, "clock.warmup_days": 0})
    return World(scenario, 0)


def test_file_stamps_the_first_filing_only(world: World) -> None:
    book, i = world.incidents, 0
    book.file(i, 10.0)
    book.file(i, 25.0)  # a re-queue
    assert book.table.state[i] == QUEUED
    assert book.table.t_queued[i] == 10.0


def test_dispatch_keeps_first_unit_and_first_dispatch_time(world: World) -> None:
    book, i = world.incidents, 1
    book.dispatch(i, 3, 5.0, reinspect=False)
    book.dispatch(i, 7, 9.0, reinspect=False)
    tab = book.table
    assert (tab.state[i], tab.t_dispatch[i], tab.first_unit[i], tab.unit[i]) == (ASSIGNED, 5.0, 3, 7)
    book.dispatch(i, 8, 20.0, reinspect=True)  # a re-inspection: no new dispatch time
    assert tab.t_dispatch[i] == 5.0 and tab.unit[i] == 8


def test_reached_ends_the_case_when_the_offender_flees(world: World) -> None:
    book, tab = world.incidents, world.incidents.table
    stays, flees = 2, 3
    tab.u_flee[stays] = tab.u_flee[flees] = 0.4
    assert book.reached(stays, 30.0, flee_probability=0.3) is False
    assert tab.t_arrive[stays] == 30.0 and tab.state[stays] != ENDED
    assert book.reached(flees, 31.0, flee_probability=0.5) is True
    assert tab.state[flees] == ENDED and tab.outcome[flees] == FLED
    assert tab.t_resolve[flees] == world.env.now


def test_notice_sets_the_compliance_time_inside_the_deadline(world: World) -> None:
    book, tab = world.incidents, world.incidents.table
    complies, refuses = 4, 5
    book.on_scene(complies)
    assert tab.state[complies] == ON_SCENE
    book.notice(complies, 100.0, deadline=1440.0, compliance=0.8, u=0.2)
    assert tab.t_fixed[complies] == pytest.approx(100.0 + 1440.0 * 0.25)
    assert tab.t_end[complies] == tab.t_fixed[complies]
    assert tab.state[complies] == AWAITING_DEADLINE and tab.t_notice[complies] == 100.0
    book.notice(refuses, 100.0, deadline=1440.0, compliance=0.8, u=0.9)
    assert math.isnan(tab.t_fixed[refuses]) and math.isnan(tab.t_end[refuses])
    book.notice(complies, 500.0, deadline=60.0, compliance=0.8, u=0.9)  # a second notice
    assert tab.t_notice[complies] == 100.0


def test_reinspection_resolves_only_what_was_fixed_by_then(world: World) -> None:
    book, tab = world.incidents, world.incidents.table
    fixed, not_yet = 6, 7
    tab.t_fixed[fixed], tab.t_fixed[not_yet] = 50.0, 500.0
    assert book.reinspected(fixed, 60.0) is True
    assert tab.outcome[fixed] == RESOLVED and tab.reinspections[fixed] == 1
    assert book.reinspected(not_yet, 60.0) is False
    assert book.reinspected(not_yet, 70.0) is False
    assert tab.reinspections[not_yet] == 2 and tab.t_reinspect[not_yet] == 60.0


def test_ladder_start_never_lowered_unless_asked(world: World) -> None:
    book, tab = world.incidents, world.incidents.table
    i = 8
    assert book.start_ladder_at(i, 2) == 2
    assert book.start_ladder_at(i, 1) == 2  # a carded shop never starts lower
    assert book.start_ladder_at(i, 1, at_least=False) == 1  # a vendor's record sets it
    book.warn_first(i, 1)
    assert tab.u_ladder[i, 1] == 0.0


def test_assign_and_deter(world: World) -> None:
    book, tab = world.incidents, world.incidents.table
    book.assign(9, reinspect=True)
    assert tab.state[9] == AWAITING_DEADLINE
    book.assign(9, reinspect=False)
    assert tab.state[9] == ASSIGNED
    book.deter(10)
    assert tab.state[10] == ENDED
