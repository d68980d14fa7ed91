"""The fleet: every officer's state in arrays — who is free, where, what they may take —
dispatch choices (nearest or run card), sighting, and presence records."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from heapq import heappush
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.engine.duty import officer_process
from sim.engine.jobs import Job
from sim.engine.officer import NORMAL, Officer, Walk
from sim.engine.state import JOB, PRESENCE_PASSING, PresenceLog, account
from sim.rng import Uniforms, uniform_stream
from sim.scenario.district import MODES
from sim.scenario.operations import default_sight_passing
from sim.strategy.plans import ZoneFacts, group_plans

if TYPE_CHECKING:
    from sim.engine.ports import WorldPort


def build_officers(world: WorldPort) -> list[Officer]:
    """Every officer of every group, numbered in group order, with its group's plan."""
    scenario, layout = world.scenario, world.layout
    members: list[Officer] = []
    for gname, group in scenario.units.items():
        plans = group_plans(group, layout, scenario.clock.days, scenario.clock.start_weekday)
        rng = uniform_stream(world.streams.get(f"patrol/{gname}"), [group.behaviour])
        for k in range(group.count):
            officer = Officer(len(members), f"{gname}-{k + 1}", gname, group, layout,
                              scenario.clock, rng)
            officer.plan, officer.zones = plans[k], plans[k].zones
            members.append(officer)
    return members


def dispatch_areas(members: list[Officer], n_zones: int) -> tuple[np.ndarray, np.ndarray]:
    """(officer, zone) masks: where each officer may be dispatched, and where it may help
    out when nobody eligible is free (the same array when no officer has an overflow area)."""
    eligible = np.ones((len(members), n_zones), dtype=bool)
    for o in _own_zones_only(members):
        eligible[o.idx] = False
        eligible[o.idx, o.zones] = True
    if all(o.plan.reach is None for o in members):
        return eligible, eligible
    reach = eligible.copy()
    for o in _own_zones_only(members):
        if o.plan.reach is not None:
            reach[o.idx, o.plan.reach] = True
    return eligible, reach


def _own_zones_only(members: list[Officer]) -> list[Officer]:
    """The officers dispatched only inside their own zones (grid responsibility)."""
    return [o for o in members if o.group.dispatch_area == "own_zones"]


def officers_per_zone(mask: np.ndarray) -> list[set[int]]:
    """Per zone, the set of officers a mask allows there."""
    return [set(np.flatnonzero(mask[:, zone]).tolist()) for zone in range(mask.shape[1])]


def sight_table(type_names: Sequence[str], base: Mapping[Any, float],
                by_type: Mapping[str, Mapping[Any, float]],
                default: float | None = None) -> list[list[float]]:
    """Sight probability per incident type and mode: the type's own, else the mode's
    (``default`` where a mode has none; None: every mode has one)."""
    def chance(name: str, mode: str) -> float:
        own = by_type.get(name, {})
        if mode in own:
            return own[mode]
        return base[mode] if default is None else base.get(mode, default)
    return [[chance(name, m) for m in MODES] for name in type_names]


class Fleet:
    """All officers, with array views for fast dispatch decisions."""

    def __init__(self, world: WorldPort) -> None:
        self.world = world
        self.env = world.env
        scenario, layout = world.scenario, world.layout
        self.members = build_officers(world)
        n, z = len(self.members), layout.n_zones
        self.travel = np.stack([layout.travel[m] for m in MODES])  # (modes, zones, zones)
        self.travel_lists = [layout.travel[m].tolist() for m in MODES]
        # Dispatch state in plain Python containers: a dispatch looks at a handful of officers,
        # where numpy's per-call overhead would dominate.
        self.free: set[int] = set()  # officers available for a new job
        self.limit = [np.inf] * n  # how far (travel minutes) each may go for a job
        # Per zone: the officers allowed to take a job there (overflow: also those who may
        # help out when nobody eligible is free, in grid responsibility), as sets.
        eligible, reach = dispatch_areas(self.members, z)
        self.overflow = reach is not eligible
        self.eligible = officers_per_zone(eligible)
        self.reach = officers_per_zone(reach)
        # End of the latest presence per zone (or a claimed arrival), for idleness patrol; and
        # of the latest stay, for hotspot stops (driving past a hotspot is not a stop there).
        self.last_visit: list[float] = [0.0] * z
        self.last_stay: list[float] = [0.0] * z
        self.facts = ZoneFacts(scenario, layout)  # demand and geometry, computed when first used
        self.watchers: list[list[Officer]] = [[] for _ in range(z)]
        # the world's parts that every zone entry touches
        self.deterrence = world.deterrence
        self.open_in_zone = world.incidents.open_in_zone
        # The callbacks of a walk waiting for its next zone: SimPy's loop calls ``enter``.
        self.enter_next: tuple[Callable[[Walk], None], ...] = (self.enter,)
        det = scenario.detection
        self.sight = sight_table(layout.type_names, det.sight, det.sight_by_type, 0.0)
        self.sight_passing = sight_table(
            layout.type_names, {**default_sight_passing(), **dict(det.sight_passing)},
            det.sight_passing_by_type)
        self.sight_rng = Uniforms(world.streams.get("sight"))  # used for nothing else
        self.handle_on_sight = scenario.dispatch.handle_on_sight
        self.run_cards = self._run_cards()
        # Presence records (the code is officer, zone and kind: sim.engine.state.presence_code,
        # inlined below); records are added to ``recent`` (see PresenceLog).
        self.presence = PresenceLog()
        self.recent = self.presence.recent
        self.shift_rows: list[dict] = []

    def _run_cards(self) -> list[list[int]] | None:
        """Per zone, the officers to try in order (run-card dispatch; None: nearest free)."""
        dispatch = self.world.scenario.dispatch
        if dispatch.policy != "run_cards":
            return None
        return [self._card(dispatch.run_cards.get(zid, [])) for zid in self.world.layout.zone_ids]

    def _card(self, refs: list[str]) -> list[int]:
        """A zone's run card: each reference (an officer, or every officer of a group) in
        order, each officer once."""
        card: list[int] = []
        for ref in refs:
            card.extend(i for i in self._officers_named(ref) if i not in card)
        return card

    def _officers_named(self, ref: str) -> list[int]:
        """The officer with id ``ref``, else the officers of group ``ref``."""
        named = [o.idx for o in self.members if o.uid == ref]
        return named or [o.idx for o in self.members if o.group_name == ref]

    def start(self) -> None:
        for officer in self.members:
            officer.proc = self.env.process(officer_process(self.world, officer))

    # -- availability and dispatch ---------------------------------------------------
    def set_available(self, officer: Officer, flag: bool, limit: float = np.inf) -> None:
        if flag:
            self.free.add(officer.idx)
        else:
            self.free.discard(officer.idx)
        self.limit[officer.idx] = limit

    def move(self, officer: Officer, zone: int) -> None:
        officer.pos = zone

    def travel_time(self, officer: Officer, zone: int) -> float:
        return self.travel_lists[officer.mode_idx][officer.pos][zone]

    def may_take(self, officer: Officer, zone: int, overflow: bool = True) -> bool:
        """May this (free) officer take a queued job in ``zone``?

        A job still queued found nobody eligible free, so overflow zones count (``overflow``).
        """
        allowed = self.reach if overflow else self.eligible
        if officer.idx not in allowed[zone]:
            return False
        return self.travel_time(officer, zone) <= self.limit[officer.idx]

    def choose_for(self, zone: int) -> Officer | None:
        """The officer to dispatch to a new job in ``zone``, or None if nobody is free."""
        if self.run_cards is not None:
            for idx in self.run_cards[zone]:
                if idx in self.free and self.may_take(self.members[idx], zone, False):
                    return self.members[idx]
            return None
        chosen = self._nearest(zone, self.eligible[zone])
        if chosen is None and self.overflow:
            chosen = self._nearest(zone, self.reach[zone])
        return chosen

    def _nearest(self, zone: int, allowed: set[int]) -> Officer | None:
        """The nearest free officer allowed in ``zone`` within its travel limit (ties: lowest
        index)."""
        best, best_time = None, np.inf
        members, limit = self.members, self.limit
        for idx in self.free & allowed:
            officer = members[idx]
            t = self.travel_lists[officer.mode_idx][officer.pos][zone]
            if t <= limit[idx] and (
                best is None or t < best_time or (t == best_time and idx < best.idx)
            ):
                best, best_time = officer, t
        return best

    def assign(self, officer: Officer, job: Job) -> None:
        """Give a job to a free officer, interrupting its patrol unless it is the one running."""
        officer.pending = job
        self.set_available(officer, False)
        self.world.incidents.assign(job.incident, job.reinspect)
        proc = officer.proc
        if proc is not None and self.env.active_process is not proc:
            proc.interrupt()

    # -- seeing disorder ---------------------------------------------------------------
    def sees(self, officer: Officer, i: int) -> bool:
        t_idx = self.world.incidents.table.type_of[i]
        table = self.sight_passing if officer.passing else self.sight
        return self.sight_rng.random() < table[t_idx][officer.mode_idx]

    def found(self, officer: Officer, i: int) -> None:
        """An officer has seen incident ``i``: handle it at once or report it."""
        self.world.incidents.spotted(i, officer.idx)
        if self.handle_on_sight and officer.pending is None and officer.state != JOB:
            self.assign(officer, Job(i))
        else:
            self.world.command.receive(i)

    def notice_new(self, i: int, zone: int) -> None:
        """Officers present in the zone may see an incident as it occurs."""
        for officer in self.watchers[zone]:
            if self.sees(officer, i):
                self.found(officer, i)
                return

    def scan(self, officer: Officer, zone: int) -> None:
        """An officer arriving in a zone looks at the disorder already there (``sees``, written
        out: it runs at most zone entries)."""
        type_of = self.world.incidents.table.type_of
        chance = self.sight_passing if officer.passing else self.sight
        mode, draw = officer.mode_idx, self.sight_rng.random
        for i in list(self.open_in_zone[zone]):
            if draw() < chance[type_of[i]][mode]:
                self.found(officer, i)

    def start_walk(self, officer: Officer, dest: int, busy: bool) -> float:
        """The officer sets off to ``dest`` (``busy``: to a job); returns the trip's minutes.

        It enters the first zone of the path now; each later zone is entered when the walk's
        event comes up (``Walk``: one pending at a time, ignored once the walk has ended).
        """
        now = self.env._now
        minutes = self.travel_lists[officer.mode_idx][officer.pos][dest]
        path = self.facts.path(officer.pos, dest)  # the zones after the start, ending with dest
        officer.trip = (now, busy)
        walk = officer.walk = Walk(officer, path, minutes / len(path), now)
        self.enter(walk)
        return minutes

    def enter(self, walk: Walk) -> None:
        """The officer on ``walk`` leaves the zone it was passing through (if it was) and
        enters the walk's next zone; once the walk is over (``stop_walk``) it only leaves.

        Leaving records the pass: presence, deterrence memory (``Deterrence.add_stay``) and
        the zone's last visit. Passing through (every zone but the last), the officer looks,
        then watches and is seen until it leaves; if it finds disorder it handles on sight
        (``officer.pending``), it stops there instead. Written out in one function: it runs at
        every zone of every trip.
        """
        officer = walk.officer
        if officer.walk is not walk:
            return
        env = self.env
        now = env._now
        if officer.passing:
            officer.passing = False
            zone, t0, kind, _ = officer.stay  # type: ignore[misc]  # passing: a stay is set
            officer.stay = None
            idx = officer.idx
            self.watchers[zone].remove(officer)
            deterrence = self.deterrence
            del deterrence.ongoing[zone][idx]
            if now > t0:
                if deterrence.enabled:
                    lam, stamp = deterrence.lam, deterrence.stamp
                    deterrence.memory[zone] = deterrence.memory[zone] * math.exp(
                        -lam * (now - stamp[zone])
                    ) - math.expm1(-lam * (now - t0)) / lam
                    stamp[zone] = now
                recent = self.recent
                recent += (((idx << 16) + zone << 3) + kind, t0, now)
                if len(recent) >= PresenceLog.SPILL:
                    self.presence.spill()
                if now > self.last_visit[zone]:
                    self.last_visit[zone] = now
        path, k = walk.path, walk.k
        if k == len(path):
            return  # the walk is over
        zone = path[k]
        officer.pos = zone
        if k + 1 < len(path):
            walk.k = k + 1
            walk.callbacks = self.enter_next
            queue: list[Any] = env._queue  # SimPy's heap; the walk stands in for an event
            heappush(queue, (now + (walk.t0 + (k + 1) * walk.share - now), NORMAL,
                             next(env._eid), walk))
            officer.passing = True
            if self.open_in_zone[zone]:
                self.scan(officer, zone)
                if officer.pending is not None:
                    officer.passing = False
                    return
            self.watchers[zone].append(officer)
            officer.stay = (zone, now, PRESENCE_PASSING, None)
            self.deterrence.ongoing[zone][officer.idx] = now  # (``where``: stays only)

    def stop_walk(self, officer: Officer) -> None:
        """The walk ends (arrived, interrupted, handling what it found on the way, or the run
        stopped): it leaves the zone it was passing through, and the trip is accounted."""
        walk = officer.walk
        if walk is not None:
            walk.k = len(walk.path)  # nothing more to enter
            self.enter(walk)
            officer.walk = None
        self.end_trip(officer)

    def arrive(self, officer: Officer, kind: int, activity: str | None) -> None:
        """The officer starts a stay in its current zone (kind < 0: out of sight, no presence;
        ``activity`` None: the minutes are accounted by the trip)."""
        officer.stay = (officer.pos, self.env._now, kind, activity)
        if kind >= 0:
            self.world.deterrence.arrive(officer.idx, officer.pos, self.env._now)

    def leave(self, officer: Officer) -> None:
        """The officer's stay ends now: record presence and account the minutes."""
        if officer.stay is None:
            return
        zone, t0, kind, activity = officer.stay
        officer.stay = None
        now = self.env._now
        self.world.deterrence.leave(officer.idx, now)
        if activity is not None:
            account(officer, activity, now - t0)
        if now > t0 and kind >= 0:
            recent = self.recent
            recent += (((officer.idx << 16) + zone << 3) + kind, t0, now)
            if len(recent) >= PresenceLog.SPILL:
                self.presence.spill()
            if now > self.last_visit[zone]:
                self.last_visit[zone] = now
            if now > self.last_stay[zone] and kind != PRESENCE_PASSING:
                self.last_stay[zone] = now

    def end_trip(self, officer: Officer) -> float:
        """The trip ends now (arrived, interrupted, or the run stopped): account it."""
        if officer.trip is None:
            return 0.0
        t0, busy = officer.trip
        officer.trip = None
        minutes = self.env._now - t0
        account(officer, "travel_min", minutes)
        if busy:
            account(officer, "busy_travel_min", minutes)
        if officer.shift is not None:
            officer.shift["distance_km"] += minutes * self.world.speed_km_per_min[officer.mode_idx]
        return minutes

    def close_all(self) -> None:
        """At the horizon: end every stay and trip still under way (the run stops mid-way)."""
        for officer in self.members:
            self.stop_walk(officer)
            self.leave(officer)
