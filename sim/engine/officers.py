"""Officers: the fleet's state (who is free, where), the shift process, and job handling."""

from __future__ import annotations

from math import isnan
from typing import TYPE_CHECKING

import numpy as np
import simpy

from sim.demand.arrivals import CHANNEL_PATROL
from sim.engine.behaviours import behaviour_step, queue_limit, stay
from sim.engine.command import Job
from sim.engine.incidents import (
    ASSIGNED,
    AWAITING_DEADLINE,
    ENDED,
    FLED,
    ON_SCENE,
    RESOLVED,
)
from sim.engine.state import ACTIVITIES, JOB, OFF, PATROL, PRESENCE_JOB, account
from sim.scenario.district import MODES
from sim.scenario.units import FixedPost, UnitGroup, clock_minutes
from sim.strategy.plans import OfficerPlan, ZoneFacts, group_plans
from sim.strategy.shifts import daily_window, expand_shifts

if TYPE_CHECKING:
    from sim.engine.world import World



class Officer:
    """One officer: identity, assignment, and mutable state during a run."""

    __slots__ = (
        "duty",
        "group",
        "group_name",
        "home",
        "idx",
        "mode",
        "mode_idx",
        "pending",
        "plan",
        "pos",
        "post_windows",
        "post_zone",
        "proc",
        "rng",
        "shift",
        "stay",
        "trip",
        "state",
        "uid",
        "zones",
    )

    def __init__(self, idx: int, uid: str, group_name: str, group: UnitGroup, world: World) -> None:
        layout = world.layout
        self.idx = idx
        self.uid = uid
        self.group_name = group_name
        self.group = group
        self.mode = group.mode
        self.mode_idx = MODES.index(group.mode)
        zone_ids = group.zones or list(layout.zone_ids)
        self.zones = [layout.zone_index[z] for z in zone_ids]
        self.home = layout.zone_index[group.home_zone] if group.home_zone else self.zones[0]
        clock = world.scenario.clock
        self.duty = expand_shifts(group.shifts, clock.days, clock.start_weekday)
        behaviour = group.behaviour
        self.post_zone = -1
        self.post_windows: list[tuple[float, float]] = []
        if isinstance(behaviour, FixedPost):
            self.post_zone = layout.zone_index[behaviour.zone]
            if behaviour.start is not None or behaviour.end is not None:
                start = clock_minutes(behaviour.start or "00:00")
                end = clock_minutes(behaviour.end or "24:00")
                self.post_windows = daily_window(start, end, layout.horizon)
            else:
                self.post_windows = [(0.0, np.inf)]
        self.state = OFF
        self.pos = self.home
        self.pending: Job | None = None
        self.plan = OfficerPlan(zones=self.zones)  # the Fleet sets the group's plan
        self.proc: simpy.Process | None = None
        self.shift: dict | None = None
        self.stay: tuple[int, float, int, str] | None = None  # zone, since, kind, activity
        self.trip: tuple[float, bool] | None = None  # travelling since, to a job?
        self.rng = world.streams.get(f"patrol/{group_name}")


class Fleet:
    """All officers, with array views for fast dispatch decisions."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.env = world.env
        scenario = world.scenario
        layout = world.layout
        self.members: list[Officer] = []
        for gname, group in scenario.units.items():
            plans = group_plans(group, layout, scenario.clock.days, scenario.clock.start_weekday)
            for k in range(group.count):
                officer = Officer(len(self.members), f"{gname}-{k + 1}", gname, group, world)
                officer.plan, officer.zones = plans[k], plans[k].zones
                self.members.append(officer)
        n, z = len(self.members), layout.n_zones
        self.travel = np.stack([layout.travel[m] for m in MODES])  # (modes, zones, zones)
        self.travel_lists = [layout.travel[m].tolist() for m in MODES]
        self.available = np.zeros(n, dtype=bool)
        self.pos = np.array([o.pos for o in self.members], dtype=np.int64)
        self.mode_idx = np.array([o.mode_idx for o in self.members], dtype=np.int64)
        self.limit = np.full(n, np.inf)
        self.eligible = np.ones((n, z), dtype=bool)
        for o in self.members:
            if o.group.dispatch_area == "own_zones":
                self.eligible[o.idx] = False
                self.eligible[o.idx, o.zones] = True
        # Overflow (grid responsibility): where an officer may go when nobody eligible is free.
        self.reach = self.eligible
        self.overflow = any(o.plan.reach is not None for o in self.members)
        if self.overflow:
            self.reach = self.eligible.copy()
            for o in self.members:
                if o.plan.reach is not None and o.group.dispatch_area == "own_zones":
                    self.reach[o.idx, o.plan.reach] = True
        self.last_visit = np.zeros(z)  # end of the latest presence per zone (or a claimed arrival)
        self.facts = ZoneFacts(scenario, layout)  # demand and geometry, computed when first used
        self.watchers: list[list[Officer]] = [[] for _ in range(z)]
        det = scenario.detection
        self.sight = [
            [det.sight_by_type.get(name, {}).get(m, det.sight.get(m, 0.0)) for m in MODES]
            for name in layout.type_names
        ]
        self.sight_rng = world.streams.get("sight")
        self.handle_on_sight = scenario.dispatch.handle_on_sight
        self.run_cards = self._run_cards()
        self.presence: list[tuple[int, int, float, float, int]] = []
        self.shift_rows: list[dict] = []

    def _run_cards(self) -> list[list[int]] | None:
        dispatch = self.world.scenario.dispatch
        if dispatch.policy != "run_cards":
            return None
        by_uid = {o.uid: o.idx for o in self.members}
        cards = []
        for zid in self.world.layout.zone_ids:
            card: list[int] = []
            for ref in dispatch.run_cards.get(zid, []):
                ids = [by_uid[ref]] if ref in by_uid else [
                    o.idx for o in self.members if o.group_name == ref
                ]
                card.extend(i for i in ids if i not in card)
            cards.append(card)
        return cards

    def start(self) -> None:
        for officer in self.members:
            officer.proc = self.env.process(officer_process(self.world, officer))

    # -- availability and dispatch ---------------------------------------------------
    def set_available(self, officer: Officer, flag: bool, limit: float = np.inf) -> None:
        self.available[officer.idx] = flag
        self.limit[officer.idx] = limit

    def move(self, officer: Officer, zone: int) -> None:
        officer.pos = zone
        self.pos[officer.idx] = zone

    def travel_time(self, officer: Officer, zone: int) -> float:
        return self.travel_lists[officer.mode_idx][officer.pos][zone]

    def may_take(self, officer: Officer, zone: int, overflow: bool = True) -> bool:
        """May this (free) officer take a queued job in ``zone``?

        A job still queued found nobody eligible free, so overflow zones count (``overflow``).
        """
        allowed = self.reach if overflow else self.eligible
        if not allowed[officer.idx, zone]:
            return False
        return self.travel_time(officer, zone) <= self.limit[officer.idx]

    def choose_for(self, zone: int) -> Officer | None:
        """The officer to dispatch to a new job in ``zone``, or None if nobody is free."""
        if self.run_cards is not None:
            for idx in self.run_cards[zone]:
                if self.available[idx] and self.may_take(self.members[idx], zone, False):
                    return self.members[idx]
            return None
        chosen = self._nearest(zone, self.eligible)
        if chosen is None and self.overflow:
            chosen = self._nearest(zone, self.reach)
        return chosen

    def _nearest(self, zone: int, allowed: np.ndarray) -> Officer | None:
        """The nearest free officer allowed in ``zone`` within its travel limit."""
        cand = np.flatnonzero(self.available & allowed[:, zone])
        if cand.size == 0:
            return None
        times = self.travel[self.mode_idx[cand], self.pos[cand], zone]
        ok = times <= self.limit[cand]
        if not ok.any():
            return None
        cand, times = cand[ok], times[ok]
        return self.members[int(cand[int(np.argmin(times))])]

    def assign(self, officer: Officer, job: Job) -> None:
        """Give a job to a free officer, interrupting its patrol unless it is the one running."""
        officer.pending = job
        self.set_available(officer, False)
        self.world.incidents.table.state[job.incident] = (
            AWAITING_DEADLINE if job.reinspect else ASSIGNED
        )
        if self.env.active_process is not officer.proc:
            officer.proc.interrupt()

    # -- seeing disorder ---------------------------------------------------------------
    def sees(self, officer: Officer, i: int) -> bool:
        t_idx = int(self.world.incidents.table.type_idx[i])
        return self.sight_rng.random() < self.sight[t_idx][officer.mode_idx]

    def found(self, officer: Officer, i: int) -> None:
        """An officer has seen incident ``i``: handle it at once or report it."""
        book = self.world.incidents
        book.detect(i, CHANNEL_PATROL)
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
        """An officer arriving in a zone looks at the disorder already there."""
        for i in list(self.world.incidents.open_in_zone[zone]):
            if self.sees(officer, i):
                self.found(officer, i)

    def arrive(self, officer: Officer, kind: int, activity: str) -> None:
        """The officer starts a stay in its current zone (kind < 0: out of sight, no presence)."""
        officer.stay = (officer.pos, self.env.now, kind, activity)
        if kind >= 0:
            self.world.deterrence.arrive(officer.idx, officer.pos, self.env.now)

    def leave(self, officer: Officer) -> None:
        """The officer's stay ends now: record presence and account the minutes."""
        if officer.stay is None:
            return
        zone, t0, kind, activity = officer.stay
        officer.stay = None
        now = self.env.now
        self.world.deterrence.leave(officer.idx, now)
        account(officer, activity, now - t0)
        if now > t0 and kind >= 0:
            self.presence.append((officer.idx, zone, t0, now, kind))
            self.last_visit[zone] = max(self.last_visit[zone], now)

    def start_trip(self, officer: Officer, busy: bool) -> None:
        """The officer sets off (``busy``: to a job)."""
        officer.trip = (self.env.now, busy)

    def end_trip(self, officer: Officer) -> float:
        """The trip ends now (arrived, interrupted, or the run stopped): account it."""
        if officer.trip is None:
            return 0.0
        t0, busy = officer.trip
        officer.trip = None
        minutes = self.env.now - t0
        account(officer, "travel_min", minutes)
        if busy:
            account(officer, "busy_travel_min", minutes)
        if officer.shift is not None:
            officer.shift["distance_km"] += minutes * self.world.speed_km_per_min[officer.mode_idx]
        return minutes

    def close_all(self) -> None:
        """At the horizon: end every stay and trip still under way (the run stops mid-way)."""
        for officer in self.members:
            self.leave(officer)
            self.end_trip(officer)


def officer_process(world: World, officer: Officer):
    """An officer's whole run: shift after shift, patrol between jobs."""
    env = world.env
    fleet = world.officers
    horizon = world.layout.horizon
    for start, end in officer.duty:
        if start >= horizon:
            break
        if env.now < start:
            yield env.timeout(start - env.now)
        officer.shift = {"shift_start": start, "shift_end": end, "jobs": 0, "distance_km": 0.0}
        officer.shift.update({a: 0.0 for a in ACTIVITIES})
        fleet.move(officer, officer.home)  # every shift starts at the home zone (the station)
        idle_steps = 0
        while env.now < end:
            if officer.pending is None:
                fleet.limit[officer.idx] = queue_limit(world, officer)
            job = officer.pending or world.command.next_job_for(officer)
            officer.pending = None
            if job is not None:
                idle_steps = 0
                yield from run_job(world, officer, job)
                continue
            before = env.now
            try:
                if idle_steps < 3:
                    yield from behaviour_step(world, officer, end)
                else:  # a behaviour that makes no progress must not stall the clock
                    yield from stay(world, officer, min(1.0, end - env.now), PATROL)
            except simpy.Interrupt:
                pass
            idle_steps = idle_steps + 1 if env.now == before and officer.pending is None else 0
        fleet.set_available(officer, False)
        officer.state = OFF
        if officer.pending is not None:  # dispatched in the instant the shift ended
            world.command.new_job(officer.pending)
            officer.pending = None
        row = officer.shift
        row.update(
            unit_id=officer.uid,
            group=officer.group_name,
            mode=officer.mode,
            off_duty_at=env.now,
            overtime_min=max(0.0, env.now - end),
            on_duty_min=min(end, horizon) - start,
        )
        fleet.shift_rows.append(row)
        officer.shift = None


def run_job(world: World, officer: Officer, job: Job):
    """Travel to the job and work the escalation ladder for this visit."""
    env = world.env
    fleet = world.officers
    book = world.incidents
    tab = book.table
    i = job.incident
    zone = int(tab.zone_idx[i])
    fleet.set_available(officer, False)
    officer.state = JOB
    if not job.reinspect:
        tab.state[i] = ASSIGNED
        if isnan(tab.t_dispatch[i]):
            tab.t_dispatch[i] = env.now
    if tab.first_unit[i] < 0:
        tab.first_unit[i] = officer.idx
    tab.unit[i] = officer.idx
    officer.shift["jobs"] += 1
    travel = fleet.travel_time(officer, zone)
    fleet.start_trip(officer, busy=True)
    if travel > 0:
        yield env.timeout(travel)
    fleet.end_trip(officer)
    fleet.move(officer, zone)
    if tab.state[i] == ENDED:
        return  # gone before the officer arrived
    itype = world.types[int(tab.type_idx[i])]
    if job.reinspect:
        tab.reinspections[i] += 1
        if tab.t_fixed[i] <= env.now:
            book.finish(i, RESOLVED)
            return
    else:
        if isnan(tab.t_arrive[i]):
            tab.t_arrive[i] = env.now
        if tab.u_flee[i] < itype.flee_probability:
            book.finish(i, FLED)
            return
        world.on_scene(i)  # repeat offenders (vendors, carded shops) start higher up
    tab.state[i] = ON_SCENE
    fleet.arrive(officer, PRESENCE_JOB, "job_min")
    rng = world.onscene_rngs[int(tab.type_idx[i])]
    step = int(tab.ladder_step[i])
    ladder = itype.ladder
    while True:
        spec = ladder[step]
        minutes = spec.duration.draw(rng)
        if minutes > 0:
            yield env.timeout(minutes)
        u = tab.u_ladder[i, step]
        step += 1
        tab.ladder_step[i] = step
        if spec.deadline_min is not None:
            if u < spec.compliance:
                tab.t_fixed[i] = env.now + spec.deadline_min * (u / spec.compliance)
                tab.t_end[i] = tab.t_fixed[i]
            tab.state[i] = AWAITING_DEADLINE
            world.at(env.now + spec.deadline_min, world.command.reinspect_due, i)
            break
        if u < spec.compliance or step == len(ladder):
            book.finish(i, RESOLVED)
            break
    fleet.leave(officer)
