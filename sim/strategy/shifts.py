"""Shift rosters expanded to concrete duty intervals (pure functions, no SimPy)."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable
from itertools import count, takewhile

from sim.scenario.units import WEEKDAYS, Shift

MINUTES_PER_DAY = 1440


def expand_shifts(
    shifts: Iterable[Shift], days: int, start_weekday: str = "mon"
) -> list[tuple[float, float]]:
    """Duty intervals (start, end) in minutes from day 0's midnight, sorted, overlaps merged.

    A shift that starts on the last simulated day but ends after the horizon is kept whole
    (the run stops at the horizon). An overnight shift that started the evening before day 0
    contributes its part after midnight, from 0, so a night roster is on duty from the first
    minute. Overlapping or touching intervals of one officer are merged.
    """
    first = WEEKDAYS.index(start_weekday)
    raw = sorted(iv for shift in shifts for iv in _shift_intervals(shift, days, first))
    return _merge(raw)


def _shift_intervals(shift: Shift, days: int, first: int) -> list[tuple[float, float]]:
    """The shift's intervals on the days it runs, from the evening before day 0 (clipped at
    0) to the last day; ``first`` is day 0's weekday index."""
    weekdays = set(shift.weekdays())
    start, end = shift.bounds()
    bases = [day * MINUTES_PER_DAY for day in range(-1, days)
             if (first + day) % 7 in weekdays]
    return [(float(max(base + start, 0)), float(base + end)) for base in bases
            if base + end > 0]


def _merge(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Sorted intervals with overlapping or touching ones merged."""
    merged: list[tuple[float, float]] = []
    for start, end in intervals:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def daily_window(start: int, end: int, horizon: float) -> list[tuple[float, float]]:
    """A daily clock window (minutes after midnight; end ≤ start means across midnight)."""
    if end <= start:
        end += MINUTES_PER_DAY
    midnights = takewhile(lambda base: base + start < horizon,
                          count(-MINUTES_PER_DAY, MINUTES_PER_DAY))  # from the day before 0
    return [(base + start, base + end) for base in midnights if base + end > 0]


def inside(windows: list[tuple[float, float]], t: float) -> tuple[float, float] | None:
    """The window containing time ``t`` (start ≤ t < end), if any.

    ``windows`` must be sorted and disjoint (as ``daily_window`` and ``expand_shifts`` give);
    the lookup is a binary search.
    """
    k = bisect_right(windows, (t, math.inf)) - 1
    if k >= 0 and windows[k][0] <= t < windows[k][1]:
        return windows[k]
    return None


def next_start(windows: list[tuple[float, float]], t: float) -> float | None:
    """Start of the first window that begins after ``t`` (binary search), if any."""
    k = bisect_right(windows, (t, math.inf))
    return windows[k][0] if k < len(windows) else None
