"""Raw run records → tidy DataFrames (one row per incident, per officer-shift, per presence)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.demand.arrivals import CHANNEL_NAMES
from sim.engine.spawn import SOURCE_NAMES
from sim.engine.state import ACTIVITIES, PRESENCE_NAMES, presence_fields
from sim.engine.table import OPEN_AT_END, OUTCOMES, IncidentTable
from sim.engine.world import RawRun
from sim.scenario.district import MODES

INCIDENT_COLUMNS = [
    "replication", "incident_id", "type", "zone", "priority", "t_occur", "t_detect", "channel",
    "t_queued", "t_dispatch", "t_arrive", "t_notice", "t_reinspect", "t_resolve", "t_end",
    "outcome", "unit_id", "first_unit_id", "ladder_step", "reinspections", "recurrence_of",
    "source", "found_by",
]
UNIT_COLUMNS = [
    "replication", "unit_id", "group", "mode", "shift_start", "shift_end", "off_duty_at",
    "on_duty_min", *ACTIVITIES, "distance_km", "jobs", "overtime_min",
]


def _labels(codes: np.ndarray, names: list[str] | tuple[str, ...], missing: str = "") -> pd.Series:
    """Labels of integer codes (−1: ``missing``) as a column of Python strings.

    Kept as ``object``: each cell points to one of the few label strings, where pandas' own
    string type would copy every cell (with pyarrow installed, a year's incidents frame then
    took ~130 MB more at its peak, and longer to build).
    """
    table = np.array([*names, missing], dtype=object)
    return pd.Series(table[np.where(codes < 0, len(names), codes)], dtype=object)


def incidents_frame(raw: RawRun) -> pd.DataFrame:
    """One row per incident, in order of occurrence (ties by id).

    Times are in minutes from the start; NaN where it did not happen.
    """
    tab = raw.incidents
    rows = _Rows(tab.n, _row_order(raw, tab))
    return pd.DataFrame(
        {
            "replication": raw.replication,
            "incident_id": rows.order,
            **_what_and_where(raw, tab, rows),
            **_lifecycle(raw, tab, rows),
            **_handling(raw, tab, rows),
        },
        copy=False,  # the columns are fresh arrays: no second copy of a year's table
    )


@dataclass(frozen=True)
class _Rows:
    """Which rows of the raw table make the frame, in frame order."""

    n: int  # rows written
    order: np.ndarray

    def of(self, values: np.ndarray) -> np.ndarray:
        """The first n values of a raw column, in row order."""
        return values[: self.n][self.order]


def _row_order(raw: RawRun, tab: IncidentTable) -> np.ndarray:
    """Rows in order of occurrence, without the offences a card deterred (never happened)."""
    # A stable sort keeps equal times in incident-id order.
    order = np.argsort(tab.t_occur[: tab.n], kind="stable")
    deterred = raw.demand.get("shops", {}).get("deterred")
    if deterred is not None and len(deterred):
        order = order[~np.isin(order, deterred)]
    return order


def _what_and_where(raw: RawRun, tab: IncidentTable, rows: _Rows) -> dict[str, object]:
    """Type, zone and priority columns."""
    types = raw.layout.type_names
    priorities = np.array([raw.scenario.incidents[t].priority for t in types])
    type_idx = rows.of(tab.type_idx)
    return {
        "type": _labels(type_idx, types),
        "zone": _labels(rows.of(tab.zone_idx), raw.layout.zone_ids),
        "priority": priorities[type_idx],
    }


_CASE_TIMES = ("t_queued", "t_dispatch", "t_arrive", "t_notice", "t_reinspect", "t_resolve")
"""The times of an incident's case, from its call being queued to its resolution."""


def _lifecycle(raw: RawRun, tab: IncidentTable, rows: _Rows) -> dict[str, object]:
    """Occurrence, detection (and channel), the case's times, the end and the outcome."""
    outcome = rows.of(tab.outcome).astype(np.int64)
    return {
        "t_occur": rows.of(tab.t_occur),
        "t_detect": rows.of(tab.t_detect),
        "channel": _labels(rows.of(tab.channel).astype(np.int64),
                           raw.channel_names or CHANNEL_NAMES),
        **{name: rows.of(getattr(tab, name)) for name in _CASE_TIMES},
        "t_end": _known_end(rows.of(tab.t_end), outcome, raw.layout.horizon),
        "outcome": _labels(outcome, OUTCOMES),
    }


def _known_end(t_end: np.ndarray, outcome: np.ndarray, horizon: float) -> np.ndarray:
    """``t_end`` (changed in place) with no end time for disorder visible at the horizon.

    A party may have fixed it before the horizon while the case awaits its re-inspection:
    that end is known and kept.
    """
    t_end[(outcome == OPEN_AT_END) & ~(t_end < horizon)] = np.nan
    return t_end


def _handling(raw: RawRun, tab: IncidentTable, rows: _Rows) -> dict[str, object]:
    """Who handled it, how far up the ladder, re-inspections, recurrence and source."""
    officers = raw.officer_ids
    return {
        "unit_id": _labels(rows.of(tab.unit).astype(np.int64), officers),
        "first_unit_id": _labels(rows.of(tab.first_unit).astype(np.int64), officers),
        "ladder_step": rows.of(tab.ladder_step).astype(np.int64),
        "reinspections": rows.of(tab.reinspections).astype(np.int64),
        "recurrence_of": rows.of(tab.recurrence_of),
        "source": _labels(rows.of(tab.source).astype(np.int64), SOURCE_NAMES),
        "found_by": _labels(rows.of(tab.found_by).astype(np.int64), officers),
    }


def units_frame(raw: RawRun) -> pd.DataFrame:
    """One row per officer-shift with minutes by activity, distance, jobs and overtime."""
    frame = pd.DataFrame(raw.shifts, columns=[c for c in UNIT_COLUMNS if c != "replication"])
    frame.insert(0, "replication", raw.replication)
    frame["jobs"] = frame["jobs"].astype(np.int64)
    return frame.sort_values(["shift_start", "unit_id"], kind="stable").reset_index(drop=True)


def presence_frame(raw: RawRun) -> pd.DataFrame:
    """One row per stay of an officer in a zone (patrol, post, on a job, or passing through
    on the way somewhere), with the officer's mode.

    Labels are categoricals: a year has millions of rows (object columns took 8 bytes a cell,
    and a copy when the frame was built).
    """
    p = raw.presence
    officer, zone, kind = _presence_codes(p)
    mode_of = np.array([MODES.index(m) for m in raw.officer_modes], dtype=np.int8)
    return pd.DataFrame(
        {
            "replication": np.full(len(p), raw.replication, dtype=np.int32),
            "unit_id": pd.Categorical.from_codes(officer, raw.officer_ids),
            "mode": pd.Categorical.from_codes(mode_of[officer], MODES),
            "zone": pd.Categorical.from_codes(zone, raw.layout.zone_ids),
            "t_start": p[:, 1],
            "t_end": p[:, 2],
            "activity": pd.Categorical.from_codes(kind, PRESENCE_NAMES),
        }
    )


def _presence_codes(p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Officer, zone and activity codes of each presence row, in the smallest integer types."""
    officer, zone, kind = presence_fields(p[:, 0].astype(np.int64))
    return officer.astype(np.int32), zone.astype(np.int16), kind.astype(np.int8)
