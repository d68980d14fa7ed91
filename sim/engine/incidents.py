"""Incidents: a column table plus the lifecycle handlers that exogenous events call.

Incidents are not SimPy processes: their exogenous events (occurrence, a camera or hotline
report, clearing by itself or by the shop) are known in advance and replayed in time order by a
single feeder (``Feeder``: chained timeout callbacks), so an incident costs a few heap entries,
not a generator.
"""

from __future__ import annotations

from collections.abc import Iterator
from math import isnan
from typing import TYPE_CHECKING

import numpy as np
import simpy

from sim.demand.arrivals import CHANNEL_MERCHANT, CHANNEL_NONE, IncidentBatch
from sim.engine.calls import call_later

if TYPE_CHECKING:
    from sim.engine.world import World

# Incident states
OPEN, REPORTED, QUEUED, ASSIGNED, ON_SCENE, AWAITING_DEADLINE, ENDED = range(7)
# Outcomes
OUTCOMES = ("open_at_end", "resolved", "fled", "self_cleared", "merchant_fixed")
OPEN_AT_END, RESOLVED, FLED, SELF_CLEARED, MERCHANT_FIXED = range(5)
# Feeder event kinds, in tie-break order
EV_OCCUR, EV_REPORT, EV_END = range(3)

# Column name -> (dtype, fill for rows not yet written)
COLUMNS: dict[str, tuple[type, float]] = {
    "t_occur": (np.float64, np.nan),
    "type_idx": (np.int32, -1),
    "zone_idx": (np.int32, -1),
    "t_selfclear": (np.float64, np.inf),
    "t_merchant": (np.float64, np.inf),
    "t_report": (np.float64, np.inf),
    "report_channel": (np.int8, 0),
    "u_flee": (np.float64, 1.0),
    "recurrence_of": (np.int64, -1),
    "source": (np.int8, 0),  # sim.engine.spawn.SOURCE_*: catalog, recurrence, vendor, ...
    "t_detect": (np.float64, np.nan),
    "t_queued": (np.float64, np.nan),  # the command room files the job (after handling)
    "t_dispatch": (np.float64, np.nan),
    "t_arrive": (np.float64, np.nan),
    "t_resolve": (np.float64, np.nan),
    "t_notice": (np.float64, np.nan),  # end of the visit that gave a rectification deadline
    "t_reinspect": (np.float64, np.nan),  # arrival of the first re-inspection
    "t_end": (np.float64, np.nan),
    "t_fixed": (np.float64, np.nan),
    "channel": (np.int8, CHANNEL_NONE),
    "end_channel": (np.int8, CHANNEL_MERCHANT),  # who ends it if t_merchant comes first
    "outcome": (np.int8, OPEN_AT_END),
    "unit": (np.int32, -1),
    "first_unit": (np.int32, -1),
    "found_by": (np.int32, -1),  # the officer who saw it on patrol or passing (channel patrol)
    "ladder_step": (np.int16, 0),
    "reinspections": (np.int16, 0),
}


class IncidentTable:
    """Column storage for every incident of a run (exogenous ones first, recurrences appended).

    Columns are numpy arrays; the three the engine reads at nearly every event are also kept
    as Python lists (``state``, ``zone_of``, ``type_of``), which index several times faster.
    """

    def __init__(self, batch: IncidentBatch) -> None:
        n = len(batch)
        self.n = n
        self.state: list[int] = [OPEN] * n
        self.zone_of: list[int] = batch.zone_idx.tolist()
        self.type_of: list[int] = batch.type_idx.tolist()
        self.capacity = max(16, n + n // 8)
        for name, (dtype, fill) in COLUMNS.items():
            column = np.full(self.capacity, fill, dtype=dtype)
            given = getattr(batch, name, None)
            if given is not None:
                column[:n] = given
            setattr(self, name, column)
        self.u_ladder = np.ones((self.capacity, batch.u_ladder.shape[1]))
        self.u_ladder[:n] = batch.u_ladder

    def append(self, row: dict[str, float | int | np.ndarray]) -> int:
        """Add one incident (a recurrence); returns its index."""
        if self.n == self.capacity:
            self._resize(self.capacity + self.capacity // 4 + 1024)  # a year is ~10^6 rows
        i = self.n
        for key, value in row.items():
            getattr(self, key)[i] = value
        self.state.append(OPEN)
        self.zone_of.append(int(row["zone_idx"]))
        self.type_of.append(int(row["type_idx"]))
        self.n += 1
        return i

    def _resize(self, cap: int) -> None:
        for name, (dtype, fill) in COLUMNS.items():
            grown = np.full(cap, fill, dtype=dtype)
            grown[: self.capacity] = getattr(self, name)
            setattr(self, name, grown)
        ladder = np.ones((cap, self.u_ladder.shape[1]))
        ladder[: self.capacity] = self.u_ladder
        self.u_ladder = ladder
        self.capacity = cap


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

    Not a process: each event is a plain scheduled call (``sim.engine.calls``) that handles it and schedules
    the next, so a replayed event costs no generator switch. Events that can no longer do
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

    def start(self) -> None:
        """Start replaying (events at time 0 are handled when the run starts, before the
        officers' processes begin, as a process created first would)."""
        self.env.process(self._first())

    def _first(self) -> Iterator[simpy.Event]:
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
        now = env.now  # handlers never advance the clock
        while self.k < len(self.times) or self._next_block():
            kind, i = self.kinds[self.k], self.who[self.k]
            # A closed case stays closed; a detected one is never open again: skip for good.
            if kind == EV_END and state[i] == ENDED or kind == EV_REPORT and state[i] != OPEN:
                self.k += 1
                continue
            t = self.times[self.k]
            if t > now:
                call_later(env, t - now, self._fire, None)
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

    def __init__(self, world: World, table: IncidentTable) -> None:
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
                tab.t_detect[i] = self.world.env.now
        self.finish(i, MERCHANT_FIXED if merchant else SELF_CLEARED)

    # -- transitions used by officers and the command room ----------------------------
    def detect(self, i: int, channel: int) -> None:
        tab = self.table
        tab.state[i] = REPORTED
        tab.channel[i] = channel
        tab.t_detect[i] = self.world.env.now
        zone_list = self.open_in_zone[tab.zone_of[i]]
        if i in zone_list:
            zone_list.remove(i)

    def finish(self, i: int, outcome: int, resolved_at: float | None = None) -> None:
        """End the incident's case with an outcome (t_end is when the disorder stopped)."""
        tab = self.table
        now = self.world.env.now
        tab.state[i] = ENDED
        tab.outcome[i] = outcome
        if isnan(tab.t_end[i]):
            tab.t_end[i] = now
        if outcome in (RESOLVED, FLED):
            tab.t_resolve[i] = now if resolved_at is None else resolved_at
            self.world.recurrences.maybe_recur(i)
        self.world.on_finish(i, outcome)
