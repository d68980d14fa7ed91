"""Interval arithmetic on numpy arrays: overlap by hour of day, unions, gaps, grouping.

The building blocks of the time-window measures (presence, coverage, idleness, exposure):
every function takes start and end times in minutes and is vectorised.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np


def overlap_by_hour(starts: np.ndarray, ends: np.ndarray, t0: float, t1: float) -> np.ndarray:
    """Total overlap (minutes) of intervals with each hour of day (24 values) inside [t0, t1)."""
    s = np.clip(np.asarray(starts, dtype=float), t0, t1)
    e = np.clip(np.asarray(ends, dtype=float), t0, t1)
    keep = e > s
    # (a stable sort is the same order, and fast on the nearly sorted times of a run)
    s, e = np.sort(s[keep], kind="stable"), np.sort(e[keep], kind="stable")
    grid, hours = hour_grid(t0, t1)
    # F(b) = Σ_{s<b} (b − s) − Σ_{e<b} (b − e): time covered before boundary b
    covered = _time_before(s, grid) - _time_before(e, grid)
    per_bin = np.clip(np.diff(covered), 0.0, None)
    per_bin[per_bin < 1e-9] = 0.0  # float noise of the cumulative sums
    return np.bincount(hours, weights=per_bin, minlength=24)


@lru_cache(maxsize=8)
def hour_grid(t0: float, t1: float) -> tuple[np.ndarray, np.ndarray]:
    """The whole-hour boundaries around [t0, t1), and the hour of day of each bin between
    two boundaries (boundary i is ``grid[0] + 60 i`` exactly: whole minutes). Read-only:
    the same arrays serve every call with the same window."""
    first, last = np.floor(t0 / 60.0) * 60.0, np.ceil(t1 / 60.0) * 60.0
    grid = np.arange(first, last + 60.0, 60.0)
    hours = (int(first // 60.0) + np.arange(len(grid) - 1)) % 24
    grid.flags.writeable = hours.flags.writeable = False
    return grid, hours


def _time_before(t: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Per boundary b of the grid: Σ_{t<b} (b − t) over the sorted times ``t``."""
    k = count_before(t, grid)
    return k * grid - np.concatenate([[0.0], np.cumsum(t)])[k]


def count_before(t: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Per boundary of an hour grid (see ``hour_grid``): how many of the sorted times ``t``
    lie before it, as ``np.searchsorted(t, grid)`` gives; counted per hour when that is
    cheaper than a binary search per boundary (up to about 8 times per boundary)."""
    if len(t) > 8 * len(grid):
        return np.searchsorted(t, grid, side="left")
    return np.cumsum(np.bincount(boundaries_up_to(t, grid), minlength=len(grid) + 1))[:-1]


def boundaries_up_to(t: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Per time (not NaN, below 2**52): how many boundaries of the hour grid lie at or before it.

    From a grid starting at 0 or later, ``floor((t − grid[0]) / 60)`` is exact: t − grid[0]
    is (grid[0] is a whole number, a multiple of t's last bit), and a correctly rounded
    division by 60 never rounds a quotient below a whole number up onto it. Before 0, each
    estimate is checked against the boundaries themselves.
    """
    if grid[0] < 0:
        return _checked_boundaries(t, grid)
    j = np.floor((t - grid[0]) / 60.0)
    j[t < grid[0]] = -1.0  # (a tiny negative quotient rounds to −0)
    return np.minimum(j, len(grid) - 1).astype(np.intp) + 1


def _checked_boundaries(t: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """``boundaries_up_to``, each estimate corrected by comparing with the boundaries."""
    ext = np.append(grid, np.inf)  # ext[-1] too: no boundary at or below a time before grid[0]
    j = np.clip(np.floor((t - grid[0]) / 60.0), 0, len(grid) - 1).astype(np.intp)
    j -= t < ext[j]  # the division rounded up onto the next boundary
    j += t >= ext[j + 1]  # ... or down
    return j + 1


def merge_intervals(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Union of intervals as sorted, disjoint (start, end) arrays."""
    if len(starts) == 0:
        return np.empty(0), np.empty(0)
    order = np.argsort(starts, kind="stable")
    s, e = np.asarray(starts, dtype=float)[order], np.asarray(ends, dtype=float)[order]
    run_end = np.maximum.accumulate(e)
    first = np.flatnonzero(np.concatenate([[True], s[1:] > run_end[:-1]]))
    return s[first], np.maximum.reduceat(e, first)


def group_rows(codes: np.ndarray, n: int, *columns: np.ndarray) -> list[tuple[np.ndarray, ...]]:
    """For each code 0..n-1, the rows of ``columns`` with that code, in their original order.

    Rows whose code is outside 0..n-1 are dropped.
    """
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(n + 1))
    ordered = [np.asarray(c)[order] for c in columns]
    return [tuple(c[bounds[k]:bounds[k + 1]] for c in ordered) for k in range(n)]


def idleness(starts: np.ndarray, ends: np.ndarray, t0: float, t1: float) -> dict[str, float]:
    """Gaps between officer presence in one zone: mean gap, worst gap, time-average idleness."""
    s = np.clip(starts, t0, t1)
    e = np.clip(ends, t0, t1)
    keep = e > s
    ms, me = merge_intervals(s[keep], e[keep])
    gaps = np.diff(np.concatenate([[t0], np.ravel(np.column_stack([ms, me])), [t1]]))[::2]
    gaps = gaps[gaps > 0] if len(ms) else np.array([t1 - t0])
    if gaps.size == 0:
        gaps = np.array([0.0])
    return {
        "mean_gap_min": float(gaps.mean()),
        "max_gap_min": float(gaps.max()),
        "mean_idleness_min": float((gaps**2).sum() / 2.0 / (t1 - t0)),
    }
