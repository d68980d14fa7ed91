"""The incident table: every incident of a run as typed columns, and its states.

One row per incident (exogenous ones first, recurrences appended). The engine changes rows
through the transitions of ``sim.engine.incidents.IncidentBook``; the metrics read the columns
once the run is over (``sim.metrics.records``).
"""

from __future__ import annotations

import numpy as np

from sim.demand.arrivals import CHANNEL_MERCHANT, CHANNEL_NONE, IncidentBatch

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


Floats = np.ndarray  # float64 column: times in minutes (NaN: not yet, inf: never)
Ints = np.ndarray  # integer column: codes and counts (-1: none)


class IncidentTable:
    """Column storage for every incident of a run (exogenous ones first, recurrences appended).

    Each column is a numpy array declared below (dtype and fill in ``COLUMNS``); the three the
    engine reads at nearly every event are also kept as Python lists (``state``, ``zone_of``,
    ``type_of``), which index several times faster.
    """

    t_occur: Floats
    type_idx: Ints
    zone_idx: Ints
    t_selfclear: Floats
    t_merchant: Floats
    t_report: Floats
    report_channel: Ints
    u_flee: Floats
    recurrence_of: Ints
    source: Ints
    t_detect: Floats
    t_queued: Floats
    t_dispatch: Floats
    t_arrive: Floats
    t_resolve: Floats
    t_notice: Floats
    t_reinspect: Floats
    t_end: Floats
    t_fixed: Floats
    channel: Ints
    end_channel: Ints
    outcome: Ints
    unit: Ints
    first_unit: Ints
    found_by: Ints
    ladder_step: Ints
    reinspections: Ints
    u_ladder: Floats  # (rows, longest ladder): the draws that decide each ladder step

    def __init__(self, batch: IncidentBatch) -> None:
        n = len(batch)
        self.n = n
        self.state: list[int] = [OPEN] * n
        self.zone_of: list[int] = batch.zone_idx.tolist()
        self.type_of: list[int] = batch.type_idx.tolist()
        self.capacity = max(16, n + n // 8)
        for name in COLUMNS:
            setattr(self, name, self._column(name, getattr(batch, name, None)))
        self.u_ladder = np.ones((self.capacity, batch.u_ladder.shape[1]))
        self.u_ladder[:n] = batch.u_ladder

    def _column(self, name: str, given: np.ndarray | None) -> np.ndarray:
        """A new column with room for ``capacity`` rows: ``given`` first, then its fill."""
        dtype, fill = COLUMNS[name]
        column: np.ndarray = np.full(self.capacity, fill, dtype=dtype)
        if given is not None:
            column[: len(given)] = given
        return column

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
        """Grow every column to ``cap`` rows (new rows hold the column's fill)."""
        for name, (dtype, fill) in COLUMNS.items():
            grown: np.ndarray = np.full(cap, fill, dtype=dtype)
            grown[: self.capacity] = getattr(self, name)
            setattr(self, name, grown)
        ladder = np.ones((cap, self.u_ladder.shape[1]))
        ladder[: self.capacity] = self.u_ladder
        self.u_ladder = ladder
        self.capacity = cap
