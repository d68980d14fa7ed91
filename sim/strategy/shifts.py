"""Shift rosters expanded to concrete duty intervals (pure functions, no SimPy)."""

from __future__ import annotations

from collections.abc import Iterable

from sim.scenario.units import WEEKDAYS, Shift

MINUTES_PER_DAY = 1440


def expand_shifts(
    shifts: Iterable[Shift], days: int, start_weekday: str = "mon"
) -> list[tuple[float, float]]:
    """Duty intervals (start, end) in minutes from day 0's midnight, sorted, overlaps merged.

    A shift that starts on the last simulated day but ends after the horizon is kept whole
    (the run stops at the horizon). Overlapping or touching intervals of one officer are merged.
    """
    first = WEEKDAYS.index(start_weekday)
    raw: list[tuple[float, float]] = []
    for shift in shifts:
        weekdays = set(shift.weekdays())
        start, end = shift.bounds()
        for day in range(days):
            if (first + day) % 7 in weekdays:
                base = day * MINUTES_PER_DAY
                raw.append((float(base + start), float(base + end)))
    raw.sort()
    merged: list[tuple[float, float]] = []
    for start, end in raw:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def daily_window(start: int, end: int, horizon: float) -> list[tuple[float, float]]:
    """A daily clock window (minutes after midnight; end ≤ start means across midnight)."""
    if end <= start:
        end += MINUTES_PER_DAY
    out = []
    day = -1
    while day * MINUTES_PER_DAY + start < horizon:
        out.append((day * MINUTES_PER_DAY + start, day * MINUTES_PER_DAY + end))
        day += 1
    return [(s, e) for s, e in out if e > 0]


def inside(windows: list[tuple[float, float]], t: float) -> tuple[float, float] | None:
    """The window containing time ``t`` (start ≤ t < end), if any."""
    for start, end in windows:
        if start <= t < end:
            return start, end
        if start > t:
            break
    return None
