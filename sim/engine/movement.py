"""How officers move and stay: travel through the zones on the way, visible stays, waiting.

These are the building blocks of every behaviour (``sim.engine.behaviours``): each is a SimPy
generator; a dispatch interrupts it with ``simpy.Interrupt``; stays and trips under way are
accounted (and presence recorded) when they end, however they end.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy

from sim.engine.calls import timeout
from sim.engine.state import PATROL, PATROL_TRAVEL, POST, PRESENCE_PATROL, PRESENCE_POST, STANDBY

if TYPE_CHECKING:
    from sim.engine.officer import Officer
    from sim.engine.ports import WorldPort

Steps = Generator[simpy.Event, Any, None]  # a SimPy process, or a part of one


def move(
    world: WorldPort, officer: Officer, dest: int, available: bool = True, limit: float = np.inf
) -> Steps:
    """Patrol travel to ``dest`` (interruptible), through the zones on the way."""
    fleet = world.officers
    officer.state = PATROL_TRAVEL
    fleet.set_available(officer, available, limit)
    return walk(world, officer, dest)


def walk(world: WorldPort, officer: Officer, dest: int, busy: bool = False) -> Steps:
    """Travel to ``dest`` along the district's path, an equal share of the time in each zone.

    Every zone on the way except ``dest`` is passed through (``Fleet.start_walk``): the officer
    is present there (presence kind ``passing``), deters, and may see disorder at the
    ``sight_passing`` chance — on entering, or as it occurs while the officer passes. ``dest``
    is looked at by the stay that follows. The officer counts as in a zone from the start of
    its share, so an interrupt (a dispatch) leaves it in the zone it is passing. On patrol
    (not ``busy``) it stops where it finds disorder it handles on sight; on the way to a job
    (``busy``) it reports what it sees and goes on. The trip's minutes are travel.

    The process waits for the whole trip at once; zone entries are plain callbacks (cheaper
    than a resume of the nested behaviour generators per zone).
    """
    fleet = world.officers
    minutes = fleet.start_walk(officer, dest, busy)
    try:
        if officer.pending is not None and not busy:
            return  # found disorder in the first zone on the way and handles it
        if minutes > 0:
            yield timeout(world.env, minutes)
        fleet.move(officer, dest)
    finally:
        fleet.stop_walk(officer)


def stay(
    world: WorldPort, officer: Officer, minutes: float, state: int, limit: float = np.inf,
    available: bool = True,
) -> Steps:
    """Be present (visible) in the current zone for ``minutes``, watching for disorder."""
    fleet = world.officers
    zone = officer.pos
    officer.state = state
    fleet.set_available(officer, available, limit)
    fleet.scan(officer, zone)
    if officer.pending is not None:
        return
    watchers = fleet.watchers[zone]
    watchers.append(officer)
    fleet.arrive(officer, PRESENCE_POST if state == POST else PRESENCE_PATROL,
                 "post_min" if state == POST else "patrol_min")
    try:
        yield timeout(world.env, minutes)
    finally:
        watchers.remove(officer)
        fleet.leave(officer)


def visit(
    world: WorldPort, officer: Officer, dest: int, minutes: float, stop: float, *,
    state: int = PATROL, available: bool = True, limit: float = np.inf,
    arrive_by: bool = False,
) -> Steps:
    """Go to ``dest`` if it can be reached by ``stop``, then stay up to ``minutes`` there.

    If ``dest`` is out of reach the officer stays where it is (``arrive_by``: reaching it just
    at ``stop`` is enough). A stop without a move lasts at least one minute (bounded by
    ``stop``), so a zero dwell cannot stall the clock.
    """
    travel = world.officers.travel_time(officer, dest)
    left = stop - world.env._now
    moved = dest != officer.pos and (travel < left or (arrive_by and travel <= left + 1e-9))
    if moved:
        yield from move(world, officer, dest, available, limit)
        if officer.pending is not None:  # found disorder on the way and handles it
            return
    elif minutes <= 0:
        minutes = 1.0
    left = stop - world.env._now
    yield from stay(world, officer, max(0.0, min(minutes, left)), state, limit, available)


def claim(world: WorldPort, officer: Officer, zone: int) -> None:
    """Mark ``zone`` as visited at the officer's expected arrival (for idleness choices)."""
    fleet = world.officers
    arrival = world.env._now + fleet.travel_time(officer, zone)
    if arrival > fleet.last_visit[zone]:
        fleet.last_visit[zone] = arrival
    if arrival > fleet.last_stay[zone]:
        fleet.last_stay[zone] = arrival


def wait(world: WorldPort, officer: Officer, until: float) -> Steps:
    """Wait where the officer is, out of sight and available, until ``until``."""
    officer.state = STANDBY
    world.officers.set_available(officer, True)
    world.officers.arrive(officer, -1, "standby_min")
    try:
        yield timeout(world.env, max(0.0, until - world.env._now))
    finally:
        world.officers.leave(officer)
