"""What an officer does when not on a job: one interruptible step at a time.

Each step is a SimPy generator that returns after a bounded time (never past the shift end),
or raises ``simpy.Interrupt`` when the command room dispatches the officer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import simpy

from sim.engine.state import (
    PATROL,
    PATROL_TRAVEL,
    POST,
    PRESENCE_PATROL,
    PRESENCE_POST,
    STANDBY,
    account,
)
from sim.scenario.distributions import Distribution
from sim.scenario.units import FixedPost, RandomPatrol, Standby
from sim.strategy.shifts import inside

if TYPE_CHECKING:
    from sim.engine.officers import Officer
    from sim.engine.world import World


def behaviour_step(world: World, officer: Officer, end: float):
    """Dispatch to the step of the officer's behaviour."""
    behaviour = officer.group.behaviour
    if isinstance(behaviour, RandomPatrol):
        yield from random_patrol_step(world, officer, end, behaviour.dwell)
    elif isinstance(behaviour, FixedPost):
        yield from post_step(world, officer, end, behaviour)
    elif isinstance(behaviour, Standby):
        yield from standby_step(world, officer, end)
    else:  # pragma: no cover - the scenario schema admits no other kind
        raise TypeError(f"unknown behaviour {behaviour!r}")


def move(world: World, officer: Officer, dest: int, available: bool = True):
    """Interruptible travel; if interrupted past half way the officer counts as arrived."""
    fleet = world.officers
    minutes = fleet.travel_time(officer, dest)
    officer.state = PATROL_TRAVEL
    fleet.set_available(officer, available)
    t0 = world.env.now
    try:
        yield world.env.timeout(minutes)
    except simpy.Interrupt:
        elapsed = world.env.now - t0
        account(officer, "travel_min", elapsed)
        officer.shift["distance_km"] += elapsed * world.speed_km_per_min[officer.mode_idx]
        if elapsed >= minutes / 2:
            fleet.move(officer, dest)
        raise
    account(officer, "travel_min", minutes)
    officer.shift["distance_km"] += minutes * world.speed_km_per_min[officer.mode_idx]
    fleet.move(officer, dest)


def stay(
    world: World, officer: Officer, minutes: float, state: int, limit: float = np.inf,
    available: bool = True,
):
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


def random_patrol_step(
    world: World, officer: Officer, end: float, dwell: Distribution, until: float | None = None
):
    """Go to a random assigned zone (or stay) and patrol it for a dwell time."""
    stop = min(end, until) if until is not None else end
    left = stop - world.env.now
    dest = officer.zones[int(officer.rng.integers(len(officer.zones)))]
    minutes = dwell.draw(officer.rng)
    if dest != officer.pos and world.officers.travel_time(officer, dest) < left:
        yield from move(world, officer, dest)
        left = stop - world.env.now
    yield from stay(world, officer, max(0.0, min(minutes, left)), PATROL)


def post_step(world: World, officer: Officer, end: float, post: FixedPost):
    """Hold the post during its window; patrol randomly outside it."""
    now = world.env.now
    window = inside(officer.post_windows, now)
    if window is None:
        upcoming = [s for s, _ in officer.post_windows if s > now]
        until = min(upcoming) if upcoming else None
        yield from random_patrol_step(world, officer, end, post.dwell, until)
        return
    limit = post.radius_min if post.dispatchable else np.inf
    if officer.pos != officer.post_zone:
        yield from move(world, officer, officer.post_zone, available=post.dispatchable)
    left = min(window[1], end) - world.env.now
    yield from stay(world, officer, left, POST, limit=limit, available=post.dispatchable)


def standby_step(world: World, officer: Officer, end: float):
    """Wait at the home zone (a station), out of sight, until dispatched or off duty."""
    if officer.pos != officer.home:
        yield from move(world, officer, officer.home)
    officer.state = STANDBY
    world.officers.set_available(officer, True)
    world.officers.arrive(officer, -1, "standby_min")
    try:
        yield world.env.timeout(end - world.env.now)
    finally:
        world.officers.leave(officer)
