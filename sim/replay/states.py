"""What state each incident is in at a time, and where it is drawn."""

from __future__ import annotations

import numpy as np
import pandas as pd

# An incident's state is the latest of these moments it has passed (times in incidents.csv).
STATES = ("unnoticed", "reported", "dispatched", "on scene", "notice given", "ended")
MILESTONES = ("t_occur", "t_detect", "t_dispatch", "t_arrive", "t_notice", "t_end")
ENDED_SHOWN_MIN = 30.0  # an ended incident stays on the map this long, faded
_GOLDEN_ANGLE = np.pi * (3.0 - np.sqrt(5.0))


def states_at(incidents: pd.DataFrame, t: float) -> np.ndarray:
    """Per incident: the index in STATES of its state at ``t``; -1 if not shown (not yet
    occurred, or ended more than ENDED_SHOWN_MIN ago).

    Moments that did not happen (NaN) are never passed: an incident that cleared itself
    goes from unnoticed to ended.
    """
    times = incidents[list(MILESTONES)].to_numpy(dtype=float)
    passed = np.nan_to_num(times, nan=np.inf) <= t
    gone = passed[:, -1] & (times[:, -1] < t - ENDED_SHOWN_MIN)
    return np.where(gone, -1, _latest(passed))


def _latest(passed: np.ndarray) -> np.ndarray:
    """Per row: the index of the last True column, -1 if none."""
    last = passed.shape[1] - 1 - np.argmax(passed[:, ::-1], axis=1)
    return np.where(passed.any(axis=1), last, -1)


def scatter_offsets(incident_ids: np.ndarray, radius: float) -> np.ndarray:
    """Fixed offsets (spread on a sunflower spiral by id) so incidents of a zone do not hide
    each other: within ``radius`` of the zone's centre."""
    ids = np.asarray(incident_ids, dtype=float)
    r = radius * np.sqrt(((ids * 0.618034) % 1.0) * 0.9 + 0.1)
    angle = ids * _GOLDEN_ANGLE
    return np.column_stack([r * np.cos(angle), r * np.sin(angle)])
