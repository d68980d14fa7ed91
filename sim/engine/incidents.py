"""Incidents: a column table plus the lifecycle handlers that exogenous events call.

Incidents are not SimPy processes: their exogenous events (occurrence, a camera or hotline
report, clearing by itself or by the shop) are known in advance and replayed in time order by a
single feeder (``Feeder``: chained timeout callbacks), so an incident costs a few heap entries,
not a generator.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from math import isnan
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy

from sim.demand.arrivals import CHANNEL_PATROL, IncidentBatch
from sim.engine.calls import push
from sim.engine.table import (
    ASSIGNED,
    AWAITING_DEADLINE,
    ENDED,
    EV_END,
    EV_OCCUR,
    EV_REPORT,
    FLED,
    MERCHANT_FIXED,
    ON_SCENE,
    OPEN,
    QUEUED,
    REPORTED,
    RESOLVED,
    SELF_CLEARED,
    IncidentTable,
)

if TYPE_CHECKING:
    from sim.engine.ports import WorldPort

def feeder_events(
    batch: IncidentBatch, horizon: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The exogenous events of a batch, sorted by (time, kind, incident)."""
    n = len(batch)
    idx = np.arange(n)
    t_end = np.minimum(batch.t_selfclear, batch.t_merchant)
    report = batch.t_report < t_end
    ending = np.isfinite(t_end)
    times = np.concatenate([batch.t_occur, batch.t_report[report], t_end[ending]])
    kinds = np.concatenate(
        [np.full(n, EV_OCCUR), np.full(report.sum(), EV_REPORT), np.full(ending.sum(), EV_END)]
    )
    who = np.concatenate([idx, idx[report], idx[ending]])
    keep = times < horizon
    times, kinds, who = times[keep], kinds[keep], who[keep]
    order = np.lexsort((who, kinds, times))
    return times[order], kinds[order].astype(np.int8), who[order].astype(np.int32)


class Feeder:
    """Replays the exogenous events in time order, one heap entry at a time.

    Not a process: the feeder itself waits on SimPy's queue for its next event
    (``sim.engine.calls.push``), handles it and schedules the next, so a replayed event costs
    no generator switch and no new object. Events that can no longer do
    anything (the end of a case already closed, a report of a case already detected) are
    skipped without scheduling. The arrays become Python lists a block at a time: lists
    iterate fast, and a block keeps their memory small however long the run.
    """

    def __init__(
        self, book: IncidentBook, times: np.ndarray, kinds: np.ndarray, who: np.ndarray,
        block: int = 8192,
    ) -> None:
        self.book = book
        self.env = book.world.env
        self.handlers = (book.occur, book.report, book.end_by_itself)
        self.arrays = (times, kinds, who)
        self.block = block
        self.offset = 0  # start of the current block in the arrays
        self.times: list[float] = []
        self.kinds: list[int] = []
        self.who: list[int] = []
        self.k = 0  # next event in the current block
        # Stepped by SimPy's loop as an event of its own (``push``): no new object per event.
        self.due: tuple[Callable[[object], None], ...] = (self._fire,)
        self.callbacks: tuple[Callable[[object], None], ...] | None = None
        self._ok = True
        self._value = None

    def start(self) -> None:
        """Start replaying (events at time 0 are handled when the run starts, before the
        officers' processes begin, as a process created first would)."""
        self.env.process(self._first())

    def _first(self) -> Generator[simpy.Event, Any, None]:
        self._go_on()
        yield from ()

    def _fire(self, _event: object) -> None:
        """The event scheduled for now: handle it, then go on."""
        self.handlers[self.kinds[self.k]](self.who[self.k])
        self.k += 1
        self._go_on()

    def _go_on(self) -> None:
        """Handle the events also due now (in sort order), then schedule the next one that
        can still matter."""
        env, handlers, state = self.env, self.handlers, self.book.table.state
        now = env._now  # handlers never advance the clock
        while self.k < len(self.times) or self._next_block():
            kind, i = self.kinds[self.k], self.who[self.k]
            # A closed case stays closed; a detected one is never open again: skip for good.
            if kind == EV_END and state[i] == ENDED or kind == EV_REPORT and state[i] != OPEN:
                self.k += 1
                continue
            t = self.times[self.k]
            if t > now:
                self.callbacks = self.due
                push(env, t - now, self)
                return
            handlers[kind](i)
            self.k += 1

    def _next_block(self) -> bool:
        """Load the next block of events as lists (False: none left)."""
        times, kinds, who = self.arrays
        start = self.offset + len(self.times)
        if start >= len(times):
            return False
        stop = start + self.block
        self.offset, self.k = start, 0
        self.times = times[start:stop].tolist()
        self.kinds = kinds[start:stop].tolist()
        self.who = who[start:stop].tolist()
        return True


class IncidentBook:
    """Lifecycle of incidents: what happens when they occur, are reported, or end."""

    def __init__(self, world: WorldPort, table: IncidentTable) -> None:
        self.world = world
        self.table = table
        self.open_in_zone: list[list[int]] = [[] for _ in range(world.layout.n_zones)]

    # -- exogenous events -------------------------------------------------------------
    def occur(self, i: int) -> None:
        tab = self.table
        tab.state[i] = OPEN
        zone = tab.zone_of[i]
        self.open_in_zone[zone].append(i)
        self.world.officers.notice_new(i, zone)

    def report(self, i: int, channel: int | None = None) -> None:
        """A camera or the hotline reports the incident to the command room."""
        tab = self.table
        if tab.state[i] != OPEN:
            return
        self.detect(i, int(tab.report_channel[i]) if channel is None else channel)
        self.world.command.receive(i)

    def end_by_itself(self, i: int) -> None:
        """The offender leaves, or the shop fixes it, before an officer has engaged."""
        tab = self.table
        if tab.state[i] not in (OPEN, REPORTED, QUEUED, ASSIGNED):
            return
        merchant = tab.t_merchant[i] <= tab.t_selfclear[i]
        if tab.state[i] == OPEN:
            self.open_in_zone[tab.zone_of[i]].remove(i)
            if merchant:
                tab.channel[i] = tab.end_channel[i]  # the shop, or a handling layer
                tab.t_detect[i] = self.world.env._now
        self.finish(i, MERCHANT_FIXED if merchant else SELF_CLEARED)

    # -- transitions used by officers, the fleet and the command room ------------------
    def file(self, i: int, now: float) -> None:
        """The command room files a job for incident ``i``: queued (a re-queue keeps the
        first filing time)."""
        tab = self.table
        tab.state[i] = QUEUED
        if isnan(tab.t_queued[i]):
            tab.t_queued[i] = now

    def assign(self, i: int, reinspect: bool) -> None:
        """An officer is given the job (a visit, or a re-inspection after the deadline)."""
        self.table.state[i] = AWAITING_DEADLINE if reinspect else ASSIGNED

    def spotted(self, i: int, officer: int) -> None:
        """Officer ``officer`` saw incident ``i`` on patrol or while passing through."""
        self.detect(i, CHANNEL_PATROL)
        self.table.found_by[i] = officer

    def dispatch(self, i: int, officer: int, now: float, reinspect: bool) -> None:
        """Officer ``officer`` sets off to incident ``i``."""
        tab = self.table
        if not reinspect:
            tab.state[i] = ASSIGNED
            if isnan(tab.t_dispatch[i]):
                tab.t_dispatch[i] = now
        if tab.first_unit[i] < 0:
            tab.first_unit[i] = officer
        tab.unit[i] = officer

    def reinspected(self, i: int, now: float) -> bool:
        """A re-inspection arrives; True if the party had complied (the case is resolved)."""
        tab = self.table
        tab.reinspections[i] += 1
        if isnan(tab.t_reinspect[i]):
            tab.t_reinspect[i] = now
        if tab.t_fixed[i] <= now:
            self.finish(i, RESOLVED)
            return True
        return False

    def reached(self, i: int, now: float, flee_probability: float) -> bool:
        """The first officer arrives; True if the offender fled (the case ends)."""
        tab = self.table
        if isnan(tab.t_arrive[i]):
            tab.t_arrive[i] = now
        if tab.u_flee[i] < flee_probability:
            self.finish(i, FLED)
            return True
        return False

    def on_scene(self, i: int) -> None:
        """An officer works the escalation ladder on incident ``i``."""
        self.table.state[i] = ON_SCENE

    def notice(self, i: int, now: float, deadline: float, compliance: float, u: float) -> None:
        """A rectification notice with ``deadline`` minutes: a party that complies (``u``
        below ``compliance``) fixes it at a time within the deadline; the case awaits its
        re-inspection."""
        tab = self.table
        if u < compliance:
            tab.t_fixed[i] = now + deadline * (u / compliance)
            tab.t_end[i] = tab.t_fixed[i]
        tab.state[i] = AWAITING_DEADLINE
        if isnan(tab.t_notice[i]):
            tab.t_notice[i] = now

    def start_ladder_at(self, i: int, step: int, at_least: bool = True) -> int:
        """A repeat offender starts higher up the ladder (``at_least``: never lower than a
        start already set); returns the step it starts at."""
        tab = self.table
        if at_least:
            step = max(int(tab.ladder_step[i]), step)
        tab.ladder_step[i] = step
        return step

    def warn_first(self, i: int, step: int) -> None:
        """Step ``step`` of incident ``i``'s ladder ends it (a first offence gets a warning)."""
        self.table.u_ladder[i, step] = 0.0

    def deter(self, i: int) -> None:
        """Offence ``i`` never happens (a card deterred it): its later events are skipped."""
        self.table.state[i] = ENDED

    def detect(self, i: int, channel: int) -> None:
        tab = self.table
        tab.state[i] = REPORTED
        tab.channel[i] = channel
        tab.t_detect[i] = self.world.env._now
        zone_list = self.open_in_zone[tab.zone_of[i]]
        if i in zone_list:
            zone_list.remove(i)

    def finish(self, i: int, outcome: int, resolved_at: float | None = None) -> None:
        """End the incident's case with an outcome (t_end is when the disorder stopped)."""
        tab = self.table
        now = self.world.env._now
        tab.state[i] = ENDED
        tab.outcome[i] = outcome
        if isnan(tab.t_end[i]):
            tab.t_end[i] = now
        if outcome in (RESOLVED, FLED):
            tab.t_resolve[i] = now if resolved_at is None else resolved_at
            self.world.recurrences.maybe_recur(i)
        self.world.on_finish(i, outcome)
