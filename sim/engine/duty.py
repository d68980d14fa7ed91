"""An officer's duty as SimPy processes: shift after shift, patrol between jobs, and working
a job (the trip, the arrival, the escalation ladder)."""

from __future__ import annotations

from array import array
from typing import TYPE_CHECKING

import numpy as np
import simpy

from sim.engine.behaviours import behaviour_step, queue_limit
from sim.engine.calls import timeout
from sim.engine.jobs import Job
from sim.engine.movement import Steps, stay, walk
from sim.engine.officer import Officer
from sim.engine.state import ACTIVITIES, JOB, OFF, PATROL, PRESENCE_JOB
from sim.engine.table import ENDED, RESOLVED

if TYPE_CHECKING:
    from sim.engine.ports import WorldPort


def officer_process(world: WorldPort, officer: Officer) -> Steps:
    """An officer's whole run: shift after shift, patrol between jobs."""
    env = world.env
    for start, end in officer.duty:
        if start >= world.layout.horizon:
            break
        if env._now < start:
            yield timeout(env, start - env._now)
        shift = begin_shift(world, officer, start, end)
        yield from work_shift(world, officer, end, shift["busy_spans"])
        end_shift(world, officer, shift)


def begin_shift(world: WorldPort, officer: Officer, start: float, end: float) -> dict:
    """The officer comes on duty at its home zone (the station); returns the shift's row."""
    shift = {"shift_start": start, "shift_end": end, "jobs": 0, "distance_km": 0.0,
             # start, end, start, end, ... of its jobs (end NaN: under way); a flat array,
             # not a list per job (a year has hundreds of thousands)
             "busy_spans": array("d")}
    shift.update({a: 0.0 for a in ACTIVITIES})
    officer.shift = shift
    world.officers.move(officer, officer.home)
    return shift


def work_shift(world: WorldPort, officer: Officer, end: float, busy_spans: array) -> Steps:
    """Until ``end``: take the next job if there is one, else a step of the behaviour."""
    env, fleet = world.env, world.officers
    idle_steps = 0
    now = env._now
    while now < end:
        if officer.pending is None and officer.windowed:
            fleet.limit[officer.idx] = queue_limit(world, officer)
        job = officer.pending or world.command.next_job_for(officer)
        officer.pending = None
        if job is not None:
            idle_steps = 0
            k = len(busy_spans) + 1  # where the job's end goes
            busy_spans.extend((env._now, np.nan))
            yield from run_job(world, officer, job)
            now = busy_spans[k] = env._now
            continue
        before = now
        try:
            if idle_steps < 3:
                yield from behaviour_step(world, officer, end)
            else:  # a behaviour that makes no progress must not stall the clock
                yield from stay(world, officer, min(1.0, end - now), PATROL)
        except simpy.Interrupt:
            pass
        now = env._now
        idle_steps = idle_steps + 1 if now == before and officer.pending is None else 0


def end_shift(world: WorldPort, officer: Officer, shift: dict) -> None:
    """The officer goes off duty: a job given in the last instant goes back to the command
    room, and the shift's row is complete."""
    now = world.env._now
    world.officers.set_available(officer, False)
    officer.state = OFF
    if officer.pending is not None:  # dispatched in the instant the shift ended
        world.command.new_job(officer.pending)
        officer.pending = None
    start, end = shift["shift_start"], shift["shift_end"]
    shift.update(
        unit_id=officer.uid,
        group=officer.group_name,
        mode=officer.mode,
        off_duty_at=now,
        overtime_min=max(0.0, now - end),
        on_duty_min=min(end, world.layout.horizon) - start,
    )
    world.officers.shift_rows.append(shift)
    officer.shift = None


def run_job(world: WorldPort, officer: Officer, job: Job) -> Steps:
    """Travel to the job and work the escalation ladder for this visit."""
    i = job.incident
    book = world.incidents
    world.officers.set_available(officer, False)
    officer.state = JOB
    book.dispatch(i, officer.idx, world.env._now, job.reinspect)
    if officer.shift is not None:  # always, on duty
        officer.shift["jobs"] += 1
    # On the way the officer passes through the zones between (present, and reporting what
    # it sees to the command room: the job comes first).
    yield from walk(world, officer, book.table.zone_of[i], busy=True)
    if _needs_work(world, i, job.reinspect):
        yield from work_ladder(world, officer, i)


def _needs_work(world: WorldPort, i: int, reinspect: bool) -> bool:
    """At the scene: is there still something to do (not ended, fixed, or fled)?"""
    book = world.incidents
    if book.table.state[i] == ENDED:
        return False  # gone before the officer arrived
    now = world.env._now
    if reinspect:
        return not book.reinspected(i, now)
    if book.reached(i, now, world.types[book.table.type_of[i]].flee_probability):
        return False
    world.on_scene(i)  # repeat offenders (vendors, carded shops) start higher up
    return True


def work_ladder(world: WorldPort, officer: Officer, i: int) -> Steps:
    """Work incident ``i``'s escalation ladder from its current step, on scene, until the
    case is resolved or a rectification notice gives the party a deadline."""
    env, book = world.env, world.incidents
    tab = book.table
    book.on_scene(i)
    world.officers.arrive(officer, PRESENCE_JOB, "job_min")
    t_idx = tab.type_of[i]
    rng, ladder = world.onscene_rngs[t_idx], world.types[t_idx].ladder
    step: int = tab.ladder_step.item(i)  # (``item``: a Python number, not a numpy scalar)
    while True:
        spec = ladder[step]
        minutes = spec.duration.draw(rng)
        if minutes > 0:
            yield timeout(env, minutes)
        u: float = tab.u_ladder.item(i, step)
        step += 1
        tab.ladder_step[i] = step
        if spec.deadline_min is not None:
            book.notice(i, env._now, spec.deadline_min, spec.compliance, u)
            world.at(env._now + spec.deadline_min, world.command.reinspect_due, i)
            break
        if u < spec.compliance or step == len(ladder):
            book.finish(i, RESOLVED)
            break
    world.officers.leave(officer)
