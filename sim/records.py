"""Raw run records → tidy DataFrames (one row per incident, per officer-shift, per presence)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.demand.arrivals import CHANNEL_NAMES
from sim.engine.incidents import OUTCOMES
from sim.engine.spawn import SOURCE_NAMES
from sim.engine.state import ACTIVITIES, PRESENCE_NAMES
from sim.engine.world import RawRun

INCIDENT_COLUMNS = [
    "replication", "incident_id", "type", "zone", "priority", "t_occur", "t_detect", "channel",
    "t_dispatch", "t_arrive", "t_resolve", "t_end", "outcome", "unit_id", "first_unit_id",
    "ladder_step", "reinspections", "recurrence_of", "source",
]
UNIT_COLUMNS = [
    "replication", "unit_id", "group", "mode", "shift_start", "shift_end", "off_duty_at",
    "on_duty_min", *ACTIVITIES, "distance_km", "jobs", "overtime_min",
]


def _labels(codes: np.ndarray, names: list[str] | tuple[str, ...], missing: str = "") -> np.ndarray:
    table = np.array([*names, missing], dtype=object)
    return table[np.where(codes < 0, len(names), codes)]


def incidents_frame(raw: RawRun) -> pd.DataFrame:
    """One row per incident; times in minutes from the start; NaN where it did not happen."""
    tab = raw.incidents
    n = tab.n
    types = raw.layout.type_names
    priorities = np.array([raw.scenario.incidents[t].priority for t in types])
    frame = pd.DataFrame(
        {
            "replication": raw.replication,
            "incident_id": np.arange(n),
            "type": _labels(tab.type_idx[:n], types),
            "zone": _labels(tab.zone_idx[:n], raw.layout.zone_ids),
            "priority": priorities[tab.type_idx[:n]],
            "t_occur": tab.t_occur[:n],
            "t_detect": tab.t_detect[:n],
            "channel": _labels(tab.channel[:n].astype(np.int64), CHANNEL_NAMES),
            "t_dispatch": tab.t_dispatch[:n],
            "t_arrive": tab.t_arrive[:n],
            "t_resolve": tab.t_resolve[:n],
            "t_end": tab.t_end[:n],
            "outcome": _labels(tab.outcome[:n].astype(np.int64), OUTCOMES),
            "unit_id": _labels(tab.unit[:n].astype(np.int64), raw.officer_ids),
            "first_unit_id": _labels(tab.first_unit[:n].astype(np.int64), raw.officer_ids),
            "ladder_step": tab.ladder_step[:n].astype(np.int64),
            "reinspections": tab.reinspections[:n].astype(np.int64),
            "recurrence_of": tab.recurrence_of[:n],
            "source": _labels(tab.source[:n].astype(np.int64), SOURCE_NAMES),
        }
    )
    # Disorder still visible when the run stopped has no end time (a party may have fixed
    # it before the horizon while the case awaits its re-inspection: that end is known).
    still_visible = (frame["outcome"] == "open_at_end") & ~(frame["t_end"] < raw.layout.horizon)
    frame.loc[still_visible, "t_end"] = np.nan
    return frame.sort_values(["t_occur", "incident_id"], kind="stable").reset_index(drop=True)


def units_frame(raw: RawRun) -> pd.DataFrame:
    """One row per officer-shift with minutes by activity, distance, jobs and overtime."""
    frame = pd.DataFrame(raw.shifts, columns=[c for c in UNIT_COLUMNS if c != "replication"])
    frame.insert(0, "replication", raw.replication)
    frame["jobs"] = frame["jobs"].astype(np.int64)
    return frame.sort_values(["shift_start", "unit_id"], kind="stable").reset_index(drop=True)


def presence_frame(raw: RawRun) -> pd.DataFrame:
    """One row per stay of an officer in a zone (patrol, post or on a job)."""
    p = raw.presence
    return pd.DataFrame(
        {
            "replication": raw.replication,
            "unit_id": _labels(p[:, 0].astype(np.int64), raw.officer_ids),
            "zone": _labels(p[:, 1].astype(np.int64), raw.layout.zone_ids),
            "t_start": p[:, 2],
            "t_end": p[:, 3],
            "activity": _labels(p[:, 4].astype(np.int64), PRESENCE_NAMES),
        }
    )
