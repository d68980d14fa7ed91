"""The officer movement trace (opt-in): every leg an officer travels or stays, as it ends.

A leg is one trip (from a zone to the zone where it ended: the destination, or the zone it
was passing when a dispatch cut the trip short) or one stay in a zone (patrol, post, standby,
on a job). An officer's legs follow each other without gaps from its shift's start to its
going off duty, so positions can be interpolated at any time (``sim.replay.positions``).

Tracing is off by default and then costs nothing: the World builds the plain
:class:`~sim.engine.fleet.Fleet`. Only a traced run builds :class:`TracingFleet`, which
records in the three places every leg passes (the start and end of a trip, the end of a
stay). Memory is bounded: only legs overlapping the requested days are kept, at most
``max_legs`` of them per replication (then recording stops and the cut is reported).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.engine.fleet import Fleet

if TYPE_CHECKING:
    from sim.engine.officer import Officer
    from sim.engine.ports import WorldPort

# Leg activities: two kinds of trip, then the stays (by the stay's accounting key).
TRAVEL, DISPATCH, PATROL, POST, STANDBY, JOB = range(6)
LEG_ACTIVITIES = ("travel", "dispatch", "patrol", "post", "standby", "job")
STAY_ACTIVITY = {"patrol_min": PATROL, "post_min": POST, "standby_min": STANDBY, "job_min": JOB}
DEFAULT_MAX_LEGS = 1_000_000  # per replication: 48 MB of records


@dataclass(frozen=True)
class TraceSpec:
    """Which days to trace (``last_day`` None: to the end) and the cap on legs."""

    first_day: int = 0
    last_day: int | None = None
    max_legs: int = DEFAULT_MAX_LEGS

    def problem(self, days: int) -> str | None:
        """What is wrong with this spec for a run of ``days`` days (None: nothing)."""
        last = days - 1 if self.last_day is None else self.last_day
        if not 0 <= self.first_day <= last < days:
            return f"days {self.first_day}-{last} are not inside the run's days 0-{days - 1}"
        if self.max_legs < 1:
            return f"max_legs must be at least 1, got {self.max_legs}"
        return None

    def window(self, horizon: float) -> tuple[float, float]:
        """The traced minutes [start, end) within a run of ``horizon`` minutes."""
        end = horizon if self.last_day is None else (self.last_day + 1) * 1440.0
        return self.first_day * 1440.0, min(end, horizon)


def as_trace_spec(option: TraceSpec | bool | tuple[int, int] | None, days: int) -> TraceSpec | None:
    """The trace a run asked for: None/False (off), True (every day), (first, last) days
    (inclusive, from 0) or a TraceSpec; checked against the run's ``days``.

    Raises:
        ValueError: the days lie outside the run, or the cap is below 1.
    """
    if option is None or option is False:
        return None
    spec = _spec_of(option)
    problem = spec.problem(days)
    if problem:
        raise ValueError(f"trace: {problem}")
    return spec


def _spec_of(option: TraceSpec | bool | tuple[int, int]) -> TraceSpec:
    """The trace spec an option names (True: every day; (first, last): those days)."""
    if option is True:
        return TraceSpec()
    if isinstance(option, TraceSpec):
        return option
    assert not isinstance(option, bool)
    return TraceSpec(int(option[0]), int(option[1]))


@dataclass
class LegTrace:
    """What a traced replication recorded: legs (officer, activity, from, to, t0, t1)."""

    legs: np.ndarray  # (n, 6) floats, in the order the legs ended
    t_from: float
    t_to: float
    max_legs: int
    cut_at: float  # NaN if complete; else the time recording stopped (the cap was reached)


class LegRecorder:
    """Packed leg records of the traced window, up to a cap."""

    __slots__ = ("cut_at", "lo", "hi", "max_legs", "rows")

    def __init__(self, spec: TraceSpec, horizon: float) -> None:
        self.lo, self.hi = spec.window(horizon)
        self.max_legs = spec.max_legs
        self.rows = array("d")
        self.cut_at = float("nan")

    def add(self, officer: int, activity: int, a: int, b: int, t0: float, t1: float) -> None:
        """Record a leg unless it lies outside the window or is an empty stay."""
        if t1 < self.lo or t0 >= self.hi or (t1 == t0 and a == b):
            return
        if len(self.rows) >= 6 * self.max_legs:
            if self.cut_at != self.cut_at:  # the first leg refused
                self.cut_at = t1
            return
        self.rows.extend((officer, activity, a, b, t0, t1))

    def result(self) -> LegTrace:
        legs = np.frombuffer(self.rows, dtype=float).reshape(-1, 6)
        return LegTrace(legs, self.lo, self.hi, self.max_legs, self.cut_at)


class TracingFleet(Fleet):
    """A Fleet that also records every leg (built only when a run asks for the trace)."""

    def __init__(self, world: WorldPort, spec: TraceSpec) -> None:
        super().__init__(world)
        self.trace = LegRecorder(spec, world.layout.horizon)
        self.origin = [0] * len(self.members)  # where each officer's current trip began

    def start_walk(self, officer: Officer, dest: int, busy: bool) -> float:
        self.origin[officer.idx] = officer.pos
        return super().start_walk(officer, dest, busy)

    def end_trip(self, officer: Officer) -> float:
        trip = officer.trip
        minutes = super().end_trip(officer)
        if trip is not None:
            activity = DISPATCH if trip[1] else TRAVEL
            self.trace.add(officer.idx, activity, self.origin[officer.idx], officer.pos,
                           trip[0], self.env._now)
        return minutes

    def leave(self, officer: Officer) -> None:
        stay = officer.stay
        super().leave(officer)
        if stay is None:
            return
        zone, t0, _, activity = stay
        if activity is not None:  # None: passing through (a trip's part)
            self.trace.add(officer.idx, STAY_ACTIVITY[activity], zone, zone, t0, self.env._now)
