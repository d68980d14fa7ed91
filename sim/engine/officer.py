"""An officer: identity, assignment and state during a run; and a walk it is on.

A walk goes through the zones of a path: the officer enters each at its share of the trip's
time (``Fleet.enter``). A ``Walk`` is one object put back on SimPy's queue for each zone
entry, with the priority and tie-breaking counter a ``simpy.Timeout`` gets, so the order of
events is what a chain of timeouts gives, without an event object per zone. SimPy's loop
needs three things of what it pops: ``callbacks`` (each called with the event), ``_ok`` and
``_value`` (see ``sim.engine.calls``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import simpy
from simpy.events import NORMAL

from sim.engine.jobs import Job
from sim.engine.state import OFF
from sim.scenario.district import MODES
from sim.scenario.units import CommunityVisits, FixedPost, UnitGroup, clock_minutes
from sim.strategy.plans import OfficerPlan
from sim.strategy.shifts import daily_window, expand_shifts

if TYPE_CHECKING:
    from sim.compiled import Layout
    from sim.scenario.model import Clock

__all__ = ["NORMAL", "Officer", "Walk"]


class Officer:
    """One officer: identity, assignment, and mutable state during a run."""

    __slots__ = (
        "duty",
        "group",
        "group_name",
        "home",
        "idx",
        "mode",
        "windowed",
        "mode_idx",
        "passing",
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
        "walk",
        "zones",
    )

    def __init__(self, idx: int, uid: str, group_name: str, group: UnitGroup,
                 layout: Layout, clock: Clock, rng: np.random.Generator) -> None:
        self.idx = idx
        self.uid = uid
        self.group_name = group_name
        self.group = group
        self.mode = group.mode
        self.mode_idx = MODES.index(group.mode)
        zone_ids = group.zones or list(layout.zone_ids)
        self.zones = [layout.zone_index[z] for z in zone_ids]
        self.home = layout.zone_index[group.home_zone] if group.home_zone else self.zones[0]
        self.duty = expand_shifts(group.shifts, clock.days, clock.start_weekday)
        behaviour = group.behaviour
        # Posts and community visits limit queued jobs inside their windows (queue_limit).
        self.windowed = isinstance(behaviour, (FixedPost, CommunityVisits))
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
        self.passing = False  # passing through a zone on the way (sees at `sight_passing`)
        self.pending: Job | None = None
        self.plan = OfficerPlan(zones=self.zones)  # the Fleet sets the group's plan
        self.proc: simpy.Process | None = None
        self.shift: dict | None = None
        self.stay: tuple[int, float, int, str | None] | None = None  # zone, since, kind, activity
        self.trip: tuple[float, bool] | None = None  # travelling since, to a job?
        self.walk: Walk | None = None  # the walk under way (entries of an ended one are ignored)
        self.rng = rng  # the group's patrol stream


class Walk:
    """One officer's trip along ``path`` (the zones after the start, ending with the
    destination), ``share`` minutes in each, started at ``t0``; ``k``: the next zone."""

    __slots__ = ("_ok", "_value", "callbacks", "k", "officer", "path", "share", "t0")

    def __init__(self, officer: Officer, path: list[int], share: float, t0: float) -> None:
        self.officer = officer
        self.path = path
        self.share = share
        self.t0 = t0
        self.k = 0
        self.callbacks: tuple | None = None
        self._ok = True
        self._value = None

