"""How officers move and stay: interruptible travel, drive-through, visible stays, waiting.

These are the building blocks of every behaviour (``sim.engine.behaviours``): each is a SimPy
generator; a dispatch interrupts it with ``simpy.Interrupt``; stays and trips under way are
accounted (and presence recorded) when they end, however they end.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
import simpy

from sim.engine.state import PATROL, PATROL_TRAVEL, POST, PRESENCE_PATROL, PRESENCE_POST, STANDBY

if TYPE_CHECKING:
    from sim.engine.officers import Officer
    from sim.engine.world import World

Steps = Iterator[simpy.Event]


def move(
    world: World, officer: Officer, dest: int, available: bool = True, limit: float = np.inf
) -> Steps:
    """Interruptible travel; if interrupted past half way the officer counts as arrived."""
    fleet = world.officers
    minutes = fleet.travel_time(officer, dest)
    officer.state = PATROL_TRAVEL
    fleet.set_available(officer, available, limit)
    fleet.start_trip(officer, busy=False)
    try:
        yield world.env.timeout(minutes)
    except simpy.Interrupt:
        if fleet.end_trip(officer) >= minutes / 2:
            fleet.move(officer, dest)
        raise
    fleet.end_trip(officer)
    fleet.move(officer, dest)


def drive(world: World, officer: Officer, dest: int) -> Steps:
    """Drive-through travel: visible and watching in each zone passed, an equal time share each.

    The officer counts as in a zone from the start of its share (so an interrupt leaves it
    there). Returns early if it finds disorder it handles on sight.
    """
    fleet = world.officers
    path = fleet.facts.path(officer.pos, dest)
    share = fleet.travel_time(officer, dest) / len(path)
    km_per_min = world.speed_km_per_min[officer.mode_idx]
    fleet.set_available(officer, True)
    for zone in path:
        officer.state = PATROL_TRAVEL
        fleet.move(officer, zone)
        seen = zone != dest  # the destination is watched by the stay that follows
        if seen:
            fleet.scan(officer, zone)
            if officer.pending is not None:
                return
            fleet.watchers[zone].append(officer)
        fleet.arrive(officer, PRESENCE_PATROL if seen else -1, "travel_min")
        t0 = world.env.now
        try:
            yield world.env.timeout(share)
        finally:
            if seen:
                fleet.watchers[zone].remove(officer)
            fleet.leave(officer)
            officer.shift["distance_km"] += (world.env.now - t0) * km_per_min


def stay(
    world: World, officer: Officer, minutes: float, state: int, limit: float = np.inf,
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
        yield world.env.timeout(minutes)
    finally:
        watchers.remove(officer)
        fleet.leave(officer)


def visit(
    world: World, officer: Officer, dest: int, minutes: float, stop: float, *,
    state: int = PATROL, drive_through: bool = False, available: bool = True,
    limit: float = np.inf, arrive_by: bool = False,
) -> Steps:
    """Go to ``dest`` if it can be reached by ``stop``, then stay up to ``minutes`` there.

    If ``dest`` is out of reach the officer stays where it is (``arrive_by``: reaching it just
    at ``stop`` is enough). A stop without a move lasts at least one minute (bounded by
    ``stop``), so a zero dwell cannot stall the clock.
    """
    travel = world.officers.travel_time(officer, dest)
    left = stop - world.env.now
    moved = dest != officer.pos and (travel < left or (arrive_by and travel <= left + 1e-9))
    if moved and drive_through:
        yield from drive(world, officer, dest)
        if officer.pending is not None:
            return
    elif moved:
        yield from move(world, officer, dest, available, limit)
    elif minutes <= 0:
        minutes = 1.0
    left = stop - world.env.now
    yield from stay(world, officer, max(0.0, min(minutes, left)), state, limit, available)


def claim(world: World, officer: Officer, zone: int) -> None:
    """Mark ``zone`` as visited at the officer's expected arrival (for idleness choices)."""
    fleet = world.officers
    arrival = world.env.now + fleet.travel_time(officer, zone)
    if arrival > fleet.last_visit[zone]:
        fleet.last_visit[zone] = arrival


def wait(world: World, officer: Officer, until: float) -> Steps:
    """Wait where the officer is, out of sight and available, until ``until``."""
    officer.state = STANDBY
    world.officers.set_available(officer, True)
    world.officers.arrive(officer, -1, "standby_min")
    try:
        yield world.env.timeout(max(0.0, until - world.env.now))
    finally:
        world.officers.leave(officer)
