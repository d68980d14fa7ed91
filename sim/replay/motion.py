"""Officer positions at any time, interpolated along the trace's legs.

A trip from zone ``a`` to zone ``b`` follows the engine's path through the zones between
(``ZoneFacts.path``), an equal share of the trip's time per zone, in a straight line from
centre to centre; a stay holds the zone's centre. An officer is shown while one of its legs
is under way (on duty) and hidden otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

PathOf = Callable[[int, int], list[int]]


@dataclass
class Motion:
    """Where every officer is at each frame time (NaN: off duty) and what it is doing."""

    times: np.ndarray  # (frames,)
    officers: list[str]  # unit ids, in order of first appearance in the legs
    modes: list[str]  # per officer
    xy: np.ndarray  # (frames, officers, 2) metres
    activity: np.ndarray  # (frames, officers) activity names ("" off duty)


def positions(items: list[str]) -> dict[str, int]:
    """Each item's position in ``items``."""
    return {x: k for k, x in enumerate(items)}


def polyline(a: int, b: int, xy: np.ndarray, path_of: PathOf) -> np.ndarray:
    """The centres a trip from ``a`` to ``b`` passes: ``a``'s, then each zone of the path."""
    if a == b:
        return xy[[a]]
    return xy[[a, *path_of(a, b)]]


def along(points: np.ndarray, fraction: np.ndarray) -> np.ndarray:
    """Positions at ``fraction`` (0..1) of a polyline walked in equal time per segment."""
    segments = len(points) - 1
    if segments == 0:
        return np.repeat(points, len(fraction), axis=0)
    s = np.clip(fraction, 0.0, 1.0) * segments
    k = np.minimum(s.astype(int), segments - 1)
    u = (s - k)[:, None]
    return points[k] * (1.0 - u) + points[k + 1] * u


def leg_positions(leg: Any, t: np.ndarray, xy: np.ndarray, index: dict[str, int],
                  path_of: PathOf) -> np.ndarray:
    """Positions at times ``t`` (inside the leg) of an officer on ``leg`` (a trace row)."""
    a, b = index[leg.from_zone], index[leg.to_zone]
    span = leg.t_end - leg.t_start
    fraction = (t - leg.t_start) / span if span > 0 else np.ones_like(t)
    return along(polyline(a, b, xy, path_of), fraction)


def motion(legs: pd.DataFrame, times: np.ndarray, xy: np.ndarray, zone_ids: list[str],
           path_of: PathOf) -> Motion:
    """Every officer's position at each of ``times`` from its legs.

    Args:
        legs: Trace rows (``unit_id``, ``mode``, ``activity``, ``t_start``, ``t_end``,
            ``from_zone``, ``to_zone``) of one replication.
        times: Frame times (minutes), increasing.
        xy: Zone centres (zones, 2), in the order of ``zone_ids``.
        path_of: Zones passed from zone index a to b (excluding a, ending with b).
    """
    officers = list(dict.fromkeys(legs["unit_id"]))
    modes = legs.drop_duplicates("unit_id").set_index("unit_id")["mode"]
    pos = np.full((len(times), len(officers), 2), np.nan)
    act = np.full((len(times), len(officers)), "", dtype=object)
    column, index = positions(officers), positions(zone_ids)
    for leg in legs.itertuples(index=False):
        lo, hi = np.searchsorted(times, [leg.t_start, leg.t_end], side="left")
        if hi > lo:
            o = column[leg.unit_id]
            pos[lo:hi, o] = leg_positions(leg, times[lo:hi], xy, index, path_of)
            act[lo:hi, o] = leg.activity
    return Motion(times, officers, [modes[u] for u in officers], pos, act)
