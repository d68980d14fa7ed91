"""Staggered-peak rectification: shift start times that follow the load profile.

Instead of a uniform office-hours shift, officers' start times are staggered so
that the number on duty in each hour of the day tracks the hour-of-day disorder
load. Shifts wrap past midnight (a 19:00 start lasting 6 h covers 19:00-01:00).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["coverage_by_hour", "group_starts", "propose_staggered_starts"]

_DAY_MIN = 1440
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _parse_hhmm(value: str) -> int:
    match = _HHMM.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"time must be 'HH:MM' in 00:00-23:59, got {value!r}")
    return int(match.group(1)) * 60 + int(match.group(2))


def _fmt_hhmm(minutes: int) -> str:
    minutes %= _DAY_MIN
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _check_shift_hours(shift_hours: float) -> float:
    value = float(shift_hours)
    if not (math.isfinite(value) and 0 < value <= 24):
        raise ValueError(f"shift_hours must be in (0, 24], got {shift_hours!r}")
    return value


def _shift_coverage(start_min: int, length_min: float, slot_min: int = 60) -> np.ndarray:
    """Fraction of each ``slot_min`` clock slot covered by one shift, wrapping midnight."""
    n = _DAY_MIN // slot_min
    lo_edges = float(slot_min) * np.arange(2 * n)  # two days: a wrapped shift is one interval
    lo = np.maximum(float(start_min), lo_edges)
    hi = np.minimum(start_min + length_min, lo_edges + slot_min)
    overlap = np.clip(hi - lo, 0.0, None) / slot_min
    return overlap[:n] + overlap[n:]


def coverage_by_hour(starts: Sequence[str], shift_hours: float) -> list[float]:
    """Officers on duty in each clock hour, counting partial hours fractionally.

    Args:
        starts: Shift start times as "HH:MM", one per officer.
        shift_hours: Shift length in hours, in (0, 24].

    Returns:
        24 values; entry h is the officer-hours worked in [h:00, h+1:00). The
        values sum to ``len(starts) * shift_hours``.

    Raises:
        ValueError: On a malformed start time or invalid ``shift_hours``.
    """
    length_min = 60.0 * _check_shift_hours(shift_hours)
    total = np.zeros(24)
    for s in starts:
        total += _shift_coverage(_parse_hhmm(s), length_min)
    return total.tolist()


def group_starts(starts: Sequence[str]) -> list[tuple[str, int]]:
    """Distinct start times with officer counts, in clock order.

    Args:
        starts: Shift start times as "HH:MM" (normalised, e.g. "7:00" -> "07:00").

    Returns:
        ``[(start, count), ...]`` sorted by time of day.
    """
    counts = Counter(_parse_hhmm(s) for s in starts)
    return [(_fmt_hhmm(m), counts[m]) for m in sorted(counts)]


def _check_int(name: str, value: object) -> None:
    """TypeError unless ``value`` is an integer (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {value!r}")


def _candidates(granularity_min: int, earliest: str | None, latest: str | None) -> list[int]:
    """Start minutes on the ``granularity_min`` grid inside [earliest, latest], in window
    order (a window that wraps midnight starts at ``earliest``)."""
    _check_int("granularity_min", granularity_min)
    if granularity_min < 1 or _DAY_MIN % granularity_min:
        raise ValueError(f"granularity_min must divide 1440 minutes, got {granularity_min}")
    lo = 0 if earliest is None else _parse_hhmm(earliest)
    hi = _DAY_MIN - 1 if latest is None else _parse_hhmm(latest)
    cands = _in_window(range(0, _DAY_MIN, int(granularity_min)), lo, hi)
    if not cands:
        raise ValueError(
            f"no start times on a {granularity_min}-min grid between {earliest} and {latest}"
        )
    return cands


def _in_window(grid: range, lo: int, hi: int) -> list[int]:
    """The minutes of ``grid`` from ``lo`` to ``hi`` inclusive, in clock order from ``lo``;
    with lo > hi the window wraps midnight (e.g. 20:00-04:00)."""

    def after_lo(m: int) -> int:
        return (m - lo) % _DAY_MIN

    return sorted((m for m in grid if after_lo(m) <= after_lo(hi)), key=after_lo)


def _check_load(load: Sequence[float]) -> np.ndarray:
    """The load as 24 finite non-negative floats with a positive sum, or ValueError."""
    arr = np.asarray(load, dtype=float)
    if arr.ndim != 1 or arr.shape[0] != 24:
        raise ValueError(f"load must have 24 hourly values, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("load values must be finite")
    if np.any(arr < 0):
        raise ValueError("load values must be non-negative")
    if arr.sum() <= 0:
        raise ValueError("load must have a positive total (all-zero load)")
    return arr


def _check_officers(officers: int) -> None:
    """TypeError unless an integer, ValueError unless at least 1."""
    _check_int("officers", officers)
    if officers < 1:
        raise ValueError(f"officers must be >= 1, got {officers}")


def propose_staggered_starts(
    load: Sequence[float],
    officers: int,
    shift_hours: float,
    granularity_min: int = 30,
    earliest: str | None = None,
    latest: str | None = None,
) -> list[str]:
    """Propose staggered shift starts so hourly staffing tracks the load profile.

    Method (greedy fitting):
      1. Target officer-hours per clock hour ``t_h = officers * shift_hours *
         load_h / sum(load)``, so the targets total exactly the officer-hours
         available.
      2. Candidate starts lie every ``granularity_min`` minutes from 00:00,
         optionally restricted to the inclusive window [earliest, latest]
         (which may wrap midnight, e.g. "20:00".."04:00").
      3. Officers are placed one at a time; each goes to the candidate start that
         minimises the squared deviation ``sum (t - c)**2`` between target and
         running coverage ``c`` (officers on duty). Shifts wrap past midnight.
         The sum runs over slots of gcd(granularity_min, 60) minutes, each slot
         taking its hour's target; with whole-hour starts this is exactly
         ``sum_h (t_h - c_h)**2``. (Scoring half-hour starts on whole hours
         would spuriously favour them: smearing a shift over 9 hour bins at
         0.5 at each end lowers the squared error even on a flat load.)
         Squared deviation (not shortfall only) also penalises overstaffing,
         so once the peaks are met officers move to the shoulders. Ties
         (within float tolerance) go to the earliest candidate in window order.

    Args:
        load: 24 non-negative expected-incident counts, one per clock hour.
        officers: Number of officers (one start time each), >= 1.
        shift_hours: Shift length in hours, in (0, 24].
        granularity_min: Spacing of candidate starts in minutes; must divide 1440.
        earliest: Earliest allowed start "HH:MM" (default 00:00).
        latest: Latest allowed start "HH:MM" (default: end of day).

    Returns:
        One "HH:MM" start per officer, sorted by time of day.

    Raises:
        ValueError: On a load that is not 24 finite non-negative values with a
            positive sum, ``officers`` < 1, ``shift_hours`` outside (0, 24], a
            granularity not dividing 1440, or an empty start window.
        TypeError: If ``officers`` or ``granularity_min`` is not an integer.
    """
    arr = _check_load(load)
    _check_officers(officers)
    hours = _check_shift_hours(shift_hours)
    cands = _candidates(granularity_min, earliest, latest)

    # Fit on slots of gcd(granularity, 60) minutes so every candidate fully
    # covers whole slots; the hourly target applies to each slot of its hour.
    slot = math.gcd(int(granularity_min), 60)
    target = officers * hours * arr / arr.sum()
    profiles = np.stack([_shift_coverage(m, 60.0 * hours, slot) for m in cands])  # (K, S)
    chosen = _greedy_fit(np.repeat(target, 60 // slot), profiles, int(officers),
                         1e-9 * max(1.0, float(target.max()) ** 2))
    return [_fmt_hhmm(m) for m in sorted(cands[k] for k in chosen)]


def _greedy_fit(slot_target: np.ndarray, profiles: np.ndarray, officers: int,
                tol: float) -> list[int]:
    """Indices of the candidate profiles chosen one officer at a time, each the one that most
    lowers ``sum_s (target_s - coverage_s)**2`` (ties within ``tol``: the first)."""
    sq_norm = (profiles**2).sum(axis=1)
    cov = np.zeros_like(slot_target)
    chosen: list[int] = []
    for _ in range(officers):
        # change in sum_s (t_s - c_s - p_s)^2 for every candidate profile p
        delta = sq_norm - 2.0 * profiles @ (slot_target - cov)
        k = int(np.flatnonzero(delta <= delta.min() + tol)[0])
        chosen.append(k)
        cov += profiles[k]
    return chosen


def shift_entry(start: str, hours: float, days: str = "all") -> dict[str, Any]:
    """A scenario ``shifts`` entry for a start time and length (overnight when it wraps),
    starting on ``days`` (all, weekdays, weekends)."""
    h, m = (int(x) for x in start.split(":"))
    finish = h * 60 + m + round(hours * 60)
    overnight = finish > _DAY_MIN
    end = finish - _DAY_MIN if overnight else finish  # a day shift may end at "24:00"
    entry: dict[str, Any] = {"days": days, "start": start,
                             "end": f"{end // 60:02d}:{end % 60:02d}"}
    if overnight:
        entry["overnight"] = True
    return entry
