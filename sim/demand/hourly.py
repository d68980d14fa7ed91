"""Hour-binned arrivals and time per clock hour: the numeric helpers of the parking model.

Arrivals are a non-homogeneous Poisson process whose rate is constant inside each clock hour,
sampled exactly (:func:`poisson_times`); :func:`minutes_by_hour` totals how long intervals
cover each hour of day.
"""

from __future__ import annotations

import numpy as np

from sim.scenario.units import WEEKDAYS


def day_hour_weights(hour_profile: list[float], dow_profile: list[float], days: int,
                     start_weekday: str) -> np.ndarray:
    """Share of a day's arrivals in each absolute hour of the horizon (days × 24)."""
    hour_w = _shares(hour_profile)
    day_w = _day_weights(dow_profile, days, start_weekday)
    return (day_w[:, None] * hour_w[None, :]).reshape(-1)


def _shares(profile: list[float]) -> np.ndarray:
    """The profile scaled to sum to 1."""
    w = np.asarray(profile, dtype=float)
    return w / w.sum()


def _day_weights(dow_profile: list[float], days: int, start_weekday: str) -> np.ndarray:
    """Per day of the horizon: its weekday's weight, the weights scaled to mean 1."""
    dow_w = np.asarray(dow_profile, dtype=float)
    dow_w = dow_w / dow_w.mean()
    return dow_w[(WEEKDAYS.index(start_weekday) + np.arange(days)) % 7]


def poisson_times(rate_per_hour: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Sorted arrival times (minutes) of an NHPP with a constant rate inside each hour.

    A Poisson count per hour, then the count's uniform order statistics inside the hour
    drawn already sorted (normalised exponential spacings), so no sort is needed.
    """
    counts = rng.poisson(rate_per_hour)
    busy = np.flatnonzero(counts)
    k = counts[busy]
    if len(k) == 0:
        return np.empty(0)
    total = rng.standard_exponential(int(k.sum() + len(k)))  # = exponential(1.0, …), faster
    np.cumsum(total, out=total)  # in place: running sum of the spacings
    return _scaled_into_hours(total, busy, k)


def _scaled_into_hours(total: np.ndarray, busy: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Times from the running sums of spacings: ``k[i] + 1`` spacings per busy hour ``i``.

    Per point: hour start + 60 · (its partial sum − base) / span, computed in place with the
    per-hour values repeated (the same operations, in the same order, as per hour).
    """
    ends = np.cumsum(k + 1) - 1  # index of each hour's closing spacing
    base = np.concatenate([[0.0], total[ends[:-1]]])  # cumulative sum before each hour
    span = total[ends] - base
    point = np.ones(len(total), dtype=bool)
    point[ends] = False
    times = total[point]
    times -= np.repeat(base, k)
    times /= np.repeat(span, k)
    times *= 60.0
    times += np.repeat(busy * 60.0, k)
    return times


def minutes_by_hour(starts: np.ndarray, ends: np.ndarray, t0: float, t1: float) -> np.ndarray:
    """Total minutes the intervals cover in each hour of day (24 values), inside [t0, t1).

    Covered time before boundary b is Σ_{s<b} (b − s) − Σ_{e<b} (b − e); both sums are
    accumulated per clock hour with ``bincount`` (no sort), so the cost is O(n + hours).
    """
    first = np.floor(t0 / 60.0) * 60.0
    grid = np.arange(first, np.ceil(t1 / 60.0) * 60.0 + 1.0, 60.0)
    m = len(grid)

    def before(x: np.ndarray) -> np.ndarray:
        x = np.clip(x, t0, t1)  # = np.minimum(np.maximum(x, t0), t1), one pass
        k = np.multiply(x - first if first else x, 1.0 / 60.0).astype(np.int64)
        k += 1
        np.minimum(k, m - 1, out=k)
        count = np.cumsum(np.bincount(k, minlength=m))
        total = np.cumsum(np.bincount(k, weights=x, minlength=m))
        return count * grid - total  # Σ_{x < b} (b − x) at each boundary b

    covered = before(np.asarray(starts, dtype=float)) - before(np.asarray(ends, dtype=float))
    per_bin = np.clip(np.diff(covered), 0.0, None)
    hours = ((grid[:-1] // 60) % 24).astype(int)
    return np.bincount(hours, weights=per_bin, minlength=24)
