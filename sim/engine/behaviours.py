"""What an officer does when not on a job: one interruptible step at a time.

Each step is a SimPy generator that returns after a bounded time (never past the shift end),
or raises ``simpy.Interrupt`` when the command room dispatches the officer. A step costs
O(zones) numpy work at most. Zone choices:

- random_patrol: uniform over the officer's zones;
- hotspot_patrol: in proportion to expected incidents (this clock hour, or per day);
- idleness_patrol: the zone with the oldest last visit by any officer; a zone someone is
  heading to counts as visited at the expected arrival (so officers do not herd);
- cyclic_route: the next stop of the route;
- hotspot_stops: the most overdue hotspot when one is due, else random patrol of the rest;
- fixed_post / community_visits: the post or community zones inside their windows.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from sim.engine.movement import Steps, claim, move, stay, visit, wait
from sim.engine.state import POST
from sim.rng import pick
from sim.scenario.behaviours import (
    CommunityVisits,
    CyclicRoute,
    FixedPost,
    HotspotPatrol,
    HotspotStops,
    IdlenessPatrol,
    RandomPatrol,
    Standby,
)
from sim.scenario.distributions import Distribution
from sim.strategy.shifts import inside, next_start

if TYPE_CHECKING:
    from sim.engine.officer import Officer
    from sim.engine.ports import WorldPort


def behaviour_step(world: WorldPort, officer: Officer, end: float) -> Steps:
    """The next step of the officer's behaviour, as a generator.

    Steps that only choose where to go are plain functions returning the ``visit``
    generator (their choices are made when called, just before it starts): a wrapping
    generator would add a frame to every resume and every interrupt.
    """
    behaviour = officer.group.behaviour
    return STEPS[behaviour.kind](world, officer, end, behaviour)


def queue_limit(world: WorldPort, officer: Officer) -> float:
    """How far (travel minutes) a free officer may go for a queued job right now.

    Inside its window a non-dispatchable post or community officer takes no queued job
    (-inf); a dispatchable post officer only from its post and within its radius (so the
    radius is measured from the post); everyone else anywhere.
    """
    b = officer.group.behaviour
    now = world.env._now
    if isinstance(b, FixedPost) and inside(officer.post_windows, now):
        at_post = officer.pos == officer.post_zone
        return b.radius_min if b.dispatchable and at_post else -np.inf
    if isinstance(b, CommunityVisits) and not b.dispatchable and inside(officer.plan.windows, now):
        return -np.inf
    return np.inf


# -- the behaviours ---------------------------------------------------------------------
def random_patrol_step(
    world: WorldPort, officer: Officer, end: float, dwell: Distribution, until: float | None = None,
    then: int | None = None,
) -> Steps:
    """Go to a random assigned zone (or stay) and patrol it for a dwell time.

    With ``then``, the officer must be able to reach zone ``then`` by ``until`` (a post or a
    community visit starts then): the stay is cut short to leave in time, and if there is no
    time for the random zone it goes to ``then`` at once and patrols there until ``until``.
    """
    stop = min(end, until) if until is not None else end
    dest = officer.zones[pick(officer.rng, len(officer.zones))]
    minutes = dwell.draw(officer.rng)
    arrive_by = False
    if then is not None and until is not None and until < end:
        fleet = world.officers
        back = 0.0 if dest == then else float(fleet.travel[officer.mode_idx, dest, then])
        there = 0.0 if dest == officer.pos else fleet.travel_time(officer, dest)
        if there + back < until - world.env._now:
            stop = until - back
        else:
            dest, arrive_by = then, True
    return visit(world, officer, dest, minutes, stop, arrive_by=arrive_by)


def _random_patrol(world: WorldPort, officer: Officer, end: float, b: RandomPatrol) -> Steps:
    return random_patrol_step(world, officer, end, b.dwell)


def hotspot_patrol_step(world: WorldPort, officer: Officer, end: float, b: HotspotPatrol) -> Steps:
    """Patrol a zone drawn in proportion to its expected disorder."""
    zones = officer.plan.zone_array
    hour = int(world.env._now // 60) % 24 if b.by_hour else None
    cum, total = world.officers.facts.weights(officer.plan, hour)
    rng = officer.rng
    if total > 0:
        k = min(bisect_right(cum, rng.random() * total), len(cum) - 1)
    else:
        k = pick(rng, len(cum))
    minutes = b.dwell.draw(rng)
    return visit(world, officer, int(zones[k]), minutes, end)


def idleness_step(world: WorldPort, officer: Officer, end: float, b: IdlenessPatrol) -> Steps:
    """Go to the assigned (or neighbouring) zone unvisited for longest; ties by zone order."""
    fleet = world.officers
    cand = officer.plan.zone_array
    if b.neighbours_only:
        near = cand[fleet.facts.adjacent()[officer.pos, cand]]
        cand = near if near.size else cand
    last = fleet.last_visit
    dest = min(cand.tolist(), key=last.__getitem__)  # the first of equal ones, like argmin
    claim(world, officer, dest)
    minutes = b.dwell.draw(officer.rng)
    return visit(world, officer, dest, minutes, end)


def cyclic_route_step(world: WorldPort, officer: Officer, end: float, b: CyclicRoute) -> Steps:
    """Go to the next stop of the route and dwell there; the route then moves on."""
    plan = officer.plan
    dest = plan.route[plan.cursor]
    minutes = b.dwell.draw(officer.rng)
    try:
        yield from visit(world, officer, dest, minutes, end)
    finally:
        if officer.pos == dest:
            plan.cursor = (plan.cursor + 1) % len(plan.route)


def hotspot_stops_step(world: WorldPort, officer: Officer, end: float, b: HotspotStops) -> Steps:
    """Stop at the most overdue hotspot when one is due; otherwise patrol the other zones."""
    fleet = world.officers
    plan = officer.plan
    now = world.env._now
    stops = plan.stops
    travel = fleet.travel[officer.mode_idx, officer.pos, stops]
    last = np.array([fleet.last_stay[s] for s in stops])  # stays, not drives past
    due = last + b.revisit_min - travel  # when to leave to arrive on time
    k = int(np.argmin(due))
    if due[k] > now:
        stop = min(end, float(due[k]))
        if not plan.between:
            yield from wait(world, officer, stop)
            return
        dest = plan.between[pick(officer.rng, len(plan.between))]
        if dest == officer.pos or fleet.travel_time(officer, dest) < stop - now:
            minutes = b.dwell.draw(officer.rng)
            yield from visit(world, officer, dest, minutes, stop)
            return
        # too little time to go elsewhere first: head for the hotspot now
    dest = int(stops[k])
    claim(world, officer, dest)
    minutes = b.stop.draw(officer.rng)
    yield from visit(world, officer, dest, minutes, end)


def post_step(world: WorldPort, officer: Officer, end: float, post: FixedPost) -> Steps:
    """Hold the post during its window; patrol randomly outside it.

    In the window the officer walks to the post (not dispatchable on the way) and stays to the
    window's end; if dispatchable it may be sent to jobs within ``radius_min`` of the post.
    """
    now = world.env._now
    window = inside(officer.post_windows, now)
    if window is None:
        until = next_start(officer.post_windows, now)
        yield from random_patrol_step(
            world, officer, end, post.dwell, until, then=officer.post_zone
        )
        return
    limit = post.radius_min if post.dispatchable else np.inf
    if officer.pos != officer.post_zone:  # not dispatched on the way back to the post
        yield from move(world, officer, officer.post_zone, available=False)
        if officer.pending is not None:  # found disorder on the way and handles it
            return
    left = max(0.0, min(window[1], end) - world.env._now)
    yield from stay(world, officer, left, POST, limit=limit, available=post.dispatchable)


def community_step(world: WorldPort, officer: Officer, end: float, b: CommunityVisits) -> Steps:
    """Inside a visiting window, stay at the community zones in turn; on call otherwise."""
    plan = officer.plan
    now = world.env._now
    window = inside(plan.windows, now)
    if window is None:
        until = next_start(plan.windows, now)
        if b.otherwise == "standby":
            yield from standby_step(world, officer, end, until)
        else:
            yield from random_patrol_step(
                world, officer, end, b.dwell, until, then=plan.stops[plan.cursor]
            )
        return
    dest = plan.stops[plan.cursor]
    minutes = b.stay.draw(officer.rng)
    try:
        yield from visit(
            world, officer, dest, minutes, min(window[1], end), state=POST,
            available=b.dispatchable,
        )
    finally:
        if officer.pos == dest:
            plan.cursor = (plan.cursor + 1) % len(plan.stops)


def standby_step(
    world: WorldPort, officer: Officer, end: float, until: float | None = None
) -> Steps:
    """Wait at the home zone (a station), out of sight, until dispatched or off duty."""
    if officer.pos != officer.home:
        yield from move(world, officer, officer.home)
        if officer.pending is not None:
            return
    yield from wait(world, officer, end if until is None else min(end, until))


def _standby(world: WorldPort, officer: Officer, end: float, b: Standby) -> Steps:
    return standby_step(world, officer, end)


STEPS: dict[str, Callable[..., Steps]] = {
    "random_patrol": _random_patrol,
    "hotspot_patrol": hotspot_patrol_step,
    "idleness_patrol": idleness_step,
    "cyclic_route": cyclic_route_step,
    "hotspot_stops": hotspot_stops_step,
    "fixed_post": post_step,
    "community_visits": community_step,
    "standby": _standby,
}
