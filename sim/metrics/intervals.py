"""Interval arithmetic on numpy arrays: overlap by hour of day, unions, gaps, grouping.

The building blocks of the time-window measures (presence, coverage, idleness, exposure):
every function takes start and end times in minutes and is vectorised.
"""

from __future__ import annotations

import numpy as np


def overlap_by_hour(starts: np.ndarray, ends: np.ndarray, t0: float, t1: float) -> np.ndarray:
    """Total overlap (minutes) of intervals with each hour of day (24 values) inside [t0, t1)."""
    s = np.clip(np.asarray(starts, dtype=float), t0, t1)
    e = np.clip(np.asarray(ends, dtype=float), t0, t1)
    keep = e > s
    # (a stable sort is the same order, and fast on the nearly sorted times of a run)
    s, e = np.sort(s[keep], kind="stable"), np.sort(e[keep], kind="stable")
    first, last = np.floor(t0 / 60.0) * 60.0, np.ceil(t1 / 60.0) * 60.0
    grid = np.arange(first, last + 60.0, 60.0)
    cum_s = np.concatenate([[0.0], np.cumsum(s)])
    cum_e = np.concatenate([[0.0], np.cumsum(e)])
    k_s = np.searchsorted(s, grid, side="left")
    k_e = np.searchsorted(e, grid, side="left")
    # F(b) = Σ_{s<b} (b − s) − Σ_{e<b} (b − e): time covered before boundary b
    covered = (k_s * grid - cum_s[k_s]) - (k_e * grid - cum_e[k_e])
    per_bin = np.clip(np.diff(covered), 0.0, None)
    per_bin[per_bin < 1e-9] = 0.0  # float noise of the cumulative sums
    # grid[i] = first + 60 i exactly (whole minutes), so bin i is hour first / 60 + i of the day
    hours = (int(first // 60.0) + np.arange(len(grid) - 1)) % 24
    return np.bincount(hours, weights=per_bin, minlength=24)


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
