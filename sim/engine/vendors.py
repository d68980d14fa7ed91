"""Street vendors in the engine: set up or be deterred, flee, move, come back, offend again.

A vendor is not a process: its intended set-ups are replayed by one process, and what
follows an officer's visit is scheduled with plain callbacks. Every decision is logged as
an event row (time, zone, code, vendor, incident) for the ``vendors`` frame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.demand.arrivals import AttributePool, max_ladder_length
from sim.demand.vendors import VendorPlan, generate_vendors
from sim.engine.spawn import SOURCE_VENDOR, as_lists, attribute_row, replay, spawn
from sim.engine.table import FLED, RESOLVED
from sim.rng import pick

if TYPE_CHECKING:
    from sim.engine.ports import WorldPort

# Event codes of the vendor log
EVENTS = (
    "attempt", "setup", "deterred", "busy", "fled", "displaced_out", "displaced_in",
    "returned", "gave_up", "offence", "repeat_offence", "seizure",
)
(ATTEMPT, SETUP, DETERRED, BUSY, FLEE, DISPLACED_OUT, DISPLACED_IN, RETURNED, GAVE_UP,
 OFFENCE, REPEAT, SEIZURE) = range(len(EVENTS))


class Vendors:
    """The vendor population of a replication (inactive unless ``demand.vendors.enabled``)."""

    def __init__(self, world: WorldPort) -> None:
        self.world = world
        self.spec = spec = world.scenario.demand.vendors
        names = world.layout.type_names
        self.active = spec.enabled and spec.incident_type in names
        self.log: list[tuple[float, int, int, int, int]] = []
        self.vendor_of: dict[int, int] = {}
        self.plan_end: dict[int, float] = {}
        if not self.active:
            return
        self.type_idx = names.index(spec.incident_type)
        self.ladder_len = len(world.scenario.incidents[spec.incident_type].ladder)
        self.plan: VendorPlan = generate_vendors(world.scenario, world.layout, world.streams)
        self.plan_attrs = as_lists(self.plan.attrs)
        self.busy = [False] * self.plan.n_vendors
        self.offences = [0] * self.plan.n_vendors
        self.rng = world.streams.get("vendor_moves")
        self.attr_pool = AttributePool(
            world.scenario, world.layout, spec.incident_type,
            world.streams.get(f"vendor_move_attributes/{spec.incident_type}"),
            max_ladder_length(world.scenario, world.layout),
        )

    def start(self) -> None:
        """Start the process replaying the vendors' intended set-ups."""
        if self.active and len(self.plan):
            self.world.env.process(replay(self.world, self.plan.t, self.attempt))

    def _note(self, zone: int, code: int, vendor: int, incident: int = -1) -> None:
        self.log.append((self.world.env._now, zone, code, vendor, incident))

    # -- set-ups ------------------------------------------------------------------------
    def attempt(self, k: int) -> None:
        """Vendor attempt ``k`` of the plan: set up unless deterred (or already trading)."""
        plan = self.plan
        v, zone, end = int(plan.vendor[k]), int(plan.zone[k]), float(plan.t_plan_end[k])
        self._note(zone, ATTEMPT, v)
        if self.busy[v]:
            self._note(zone, BUSY, v)
            return
        now = self.world.env._now
        if plan.u_rel[k] < 1.0 - self.world.deterrence.risk(zone, now):
            self._set_up(v, zone, end, attribute_row(self.plan_attrs, k), SETUP)
        else:
            self._deterred(v, zone, end)

    def _deterred(self, v: int, zone: int, end: float) -> None:
        """Vendor ``v`` did not set up in ``zone`` (officers seen there lately): it may try
        elsewhere instead."""
        self._note(zone, DETERRED, v)
        if self.rng.random() < self.spec.displace:
            self._move(v, zone, end)

    def _set_up(self, v: int, zone: int, end: float, attrs: dict, code: int) -> None:
        attrs["t_selfclear"] = end
        j = spawn(self.world, self.world.env._now, self.type_idx, zone, attrs, SOURCE_VENDOR)
        self.vendor_of[j] = v
        self.plan_end[j] = end
        self.busy[v] = True
        self._note(zone, code, v, j)

    def _fresh_attrs(self, zone: int) -> dict:
        return self.attr_pool.row(self.world.env._now, zone)

    def _move(self, v: int, zone: int, end: float) -> bool:
        """Head for a random neighbouring zone; False if there is none."""
        near = self.plan.neighbours[zone]
        if not near:
            return False
        dest = near[pick(self.rng, len(near))]
        self._note(zone, DISPLACED_OUT, v)
        t = self.world.env._now + self.spec.displace_delay.draw(self.rng)
        self.world.at(t, self._try_setup, v, dest, end, DISPLACED_IN)
        return True

    def _try_setup(self, v: int, zone: int, end: float, code: int) -> None:
        """A moved or returning vendor sets up unless deterred, busy or out of time."""
        now = self.world.env._now
        deter = self.world.deterrence
        if (self.busy[v] or end - now < self.spec.min_trading_min
                or (code == RETURNED and deter.present(zone))
                or self.rng.random() >= 1.0 - deter.risk(zone, now)):
            self._note(zone, GAVE_UP, v)
            return
        self._set_up(v, zone, end, self._fresh_attrs(zone), code)

    # -- hooks called by the engine ---------------------------------------------------
    def on_scene(self, i: int) -> None:
        """An officer starts the ladder with vendor incident ``i``: the vendor's record counts."""
        v = self.vendor_of.get(i)
        if v is None:
            return
        book = self.world.incidents
        n = self.offences[v]
        by_offence = self.spec.ladder_by_offence
        start = min(by_offence[min(n, len(by_offence) - 1)], self.ladder_len - 1)
        book.start_ladder_at(i, start, at_least=False)
        if n == 0 and self.spec.first_offence_tolerance:
            book.warn_first(i, start)
        self.offences[v] = n + 1
        self._note(book.table.zone_of[i], REPEAT if n else OFFENCE, v, i)

    def on_finish(self, i: int, outcome: int) -> None:
        """Vendor incident ``i`` ended: free the vendor; after a flight, move or come back."""
        v = self.vendor_of.pop(i, None)
        if v is None:
            return
        end = self.plan_end.pop(i)
        self.busy[v] = False
        tab = self.world.incidents.table
        zone = tab.zone_of[i]
        if outcome == RESOLVED and tab.ladder_step[i] >= self.ladder_len:
            self._note(zone, SEIZURE, v, i)
        if outcome != FLED:
            return
        self._note(zone, FLEE, v, i)
        now = self.world.env._now
        if end - now < self.spec.min_trading_min:
            return
        if self.rng.random() < self.spec.displace and self._move(v, zone, end):
            return
        t = now + self.spec.return_after.draw(self.rng)
        self.world.at(t, self._try_setup, v, zone, end, RETURNED)

    def records(self) -> dict[str, np.ndarray]:
        """The event log as arrays (time, zone, code, vendor, incident)."""
        log = np.array(self.log, dtype=float).reshape(-1, 5)
        return {"events": log}
