"""Raw run records → tidy DataFrames (one row per incident, per officer-shift, per presence)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.demand.arrivals import CHANNEL_NAMES
from sim.engine.incidents import OPEN_AT_END, OUTCOMES
from sim.engine.spawn import SOURCE_NAMES
from sim.engine.state import ACTIVITIES, PRESENCE_NAMES, presence_fields
from sim.engine.world import RawRun
from sim.metrics.columns import incident_columns
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
    tab = incident_columns(raw)
    n = tab.n
    # Rows in order of occurrence: a stable sort keeps equal times in incident-id order.
    order = np.argsort(tab.t_occur[:n], kind="stable")
    deterred = raw.demand.get("shops", {}).get("deterred")
    if deterred is not None and len(deterred):  # offences a card deterred never happened
        order = order[~np.isin(order, deterred)]

    def col(values: np.ndarray) -> np.ndarray:
        """The first n values of a raw column, in row order."""
        return values[:n][order]

    types = raw.layout.type_names
    priorities = np.array([raw.scenario.incidents[t].priority for t in types])
    outcome = col(tab.outcome).astype(np.int64)
    t_end = col(tab.t_end)
    # Disorder still visible when the run stopped has no end time (a party may have fixed
    # it before the horizon while the case awaits its re-inspection: that end is known).
    t_end[(outcome == OPEN_AT_END) & ~(t_end < raw.layout.horizon)] = np.nan
    return pd.DataFrame(
        {
            "replication": raw.replication,
            "incident_id": order,
            "type": _labels(col(tab.type_idx), types),
            "zone": _labels(col(tab.zone_idx), raw.layout.zone_ids),
            "priority": priorities[col(tab.type_idx)],
            "t_occur": col(tab.t_occur),
            "t_detect": col(tab.t_detect),
            "channel": _labels(col(tab.channel).astype(np.int64),
                               raw.channel_names or CHANNEL_NAMES),
            "t_queued": col(tab.t_queued),
            "t_dispatch": col(tab.t_dispatch),
            "t_arrive": col(tab.t_arrive),
            "t_notice": col(tab.t_notice),
            "t_reinspect": col(tab.t_reinspect),
            "t_resolve": col(tab.t_resolve),
            "t_end": t_end,
            "outcome": _labels(outcome, OUTCOMES),
            "unit_id": _labels(col(tab.unit).astype(np.int64), raw.officer_ids),
            "first_unit_id": _labels(col(tab.first_unit).astype(np.int64), raw.officer_ids),
            "ladder_step": col(tab.ladder_step).astype(np.int64),
            "reinspections": col(tab.reinspections).astype(np.int64),
            "recurrence_of": col(tab.recurrence_of),
            "source": _labels(col(tab.source).astype(np.int64), SOURCE_NAMES),
            "found_by": _labels(col(tab.found_by).astype(np.int64), raw.officer_ids),
        },
        copy=False,  # the columns are fresh arrays: no second copy of a year's table
    )


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
    officer, zone, kind = presence_fields(p[:, 0].astype(np.int64))
    officer, zone, kind = officer.astype(np.int32), zone.astype(np.int16), kind.astype(np.int8)
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
