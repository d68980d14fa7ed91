"""The movement trace as tidy frames: one row per officer leg, one row per replication's
trace coverage (written as ``trace.csv`` and ``trace_info.csv``; columns in docs/replay.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.engine.trace import LEG_ACTIVITIES, LegTrace
from sim.engine.world import RawRun

TRACE_COLUMNS = [
    "replication", "unit_id", "mode", "activity", "t_start", "t_end", "from_zone", "to_zone",
]


def trace_frame(raw: RawRun, trace: LegTrace) -> pd.DataFrame:
    """One row per leg, by officer (in officer order) and start time.

    A trip goes from ``from_zone`` to ``to_zone`` through the zones between (``travel``, or
    ``dispatch`` to a job); a stay (``patrol``, ``post``, ``standby``, ``job``) has
    ``from_zone == to_zone``.
    """
    legs, officer = _by_officer(trace.legs)
    zones = np.asarray(raw.layout.zone_ids, dtype=object)
    return pd.DataFrame({
        "replication": raw.replication,
        "unit_id": np.asarray(raw.officer_ids, dtype=object)[officer],
        "mode": np.asarray(raw.officer_modes, dtype=object)[officer],
        "activity": np.asarray(LEG_ACTIVITIES, dtype=object)[legs[:, 1].astype(np.int64)],
        "t_start": legs[:, 4],
        "t_end": legs[:, 5],
        "from_zone": zones[legs[:, 2].astype(np.int64)],
        "to_zone": zones[legs[:, 3].astype(np.int64)],
    }, columns=TRACE_COLUMNS)


def _by_officer(legs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The legs and their officers, by officer then start (a stable sort: equal starts keep
    the order they ended)."""
    officer = legs[:, 0].astype(np.int64)
    order = np.lexsort((legs[:, 4], officer))
    return legs[order], officer[order]


def trace_info(raw: RawRun, trace: LegTrace) -> pd.DataFrame:
    """What the trace of this replication covers: minutes [t_from, t_to), legs, the cap, and
    ``t_cut`` (empty if complete; else when the cap stopped recording)."""
    return pd.DataFrame([{
        "replication": raw.replication,
        "t_from": trace.t_from,
        "t_to": trace.t_to,
        "legs": len(trace.legs),
        "max_legs": trace.max_legs,
        "t_cut": trace.cut_at,
    }])


def trace_frames(raw: RawRun) -> dict[str, pd.DataFrame]:
    """``trace`` and ``trace_info`` if the replication was traced, else nothing."""
    if raw.trace is None:
        return {}
    return {"trace": trace_frame(raw, raw.trace), "trace_info": trace_info(raw, raw.trace)}
