"""Working-hours arithmetic on the simulation clock (minutes from the first midnight).

``Calendar.working(t)`` is the number of working minutes in [0, t); the working time between
two instants is a difference of two such values, so a time limit in working hours is checked
with two look-ups (vectorised with numpy over every case of a run).
"""

from __future__ import annotations

import numpy as np

from sim.scenario.units import WEEKDAYS
from sim.scenario.workflow import WorkCalendar, span_minutes

DAY = 1440.0


class Calendar:
    """A work calendar laid on the run's days (day 0 is ``start_weekday``)."""

    def __init__(self, spec: WorkCalendar, start_weekday: str) -> None:
        self.spans = np.array([span_minutes(s) for s in spec.hours], dtype=float)
        self.first = WEEKDAYS.index(start_weekday)
        self.workday = np.array([d in spec.days for d in WEEKDAYS])
        self.per_day = float((self.spans[:, 1] - self.spans[:, 0]).sum())
        week = np.where(self.workday[(self.first + np.arange(7)) % 7], self.per_day, 0.0)
        self.week_prefix = np.concatenate([[0.0], np.cumsum(week)])  # days 0..7 of a week

    def working(self, t: np.ndarray | float) -> np.ndarray:
        """Working minutes in [0, t) (t ≥ 0; NaN stays NaN)."""
        t = np.asarray(t, dtype=float)
        day = np.floor(t / DAY)
        weeks, rest = np.divmod(day, 7.0)
        rest_i = np.nan_to_num(rest).astype(np.int64)
        before = weeks * self.week_prefix[7] + self.week_prefix[rest_i]
        minute = (t - day * DAY)[..., None]
        inside = np.clip(minute - self.spans[:, 0], 0.0, self.spans[:, 1] - self.spans[:, 0])
        works = self.workday[(self.first + np.nan_to_num(day).astype(np.int64)) % 7]
        return before + np.where(works, inside.sum(axis=-1), 0.0)

    def between(self, t0: np.ndarray | float, t1: np.ndarray | float) -> np.ndarray:
        """Working minutes in [t0, t1)."""
        return self.working(t1) - self.working(t0)

    def next_working(self, t: float) -> float:
        """The first instant ≥ t inside working hours (t itself if it is)."""
        if self.per_day <= 0 or not self.workday.any():
            return t
        day = int(t // DAY)
        for d in range(day, day + 8):
            if self.workday[(self.first + d) % 7]:
                for s, e in self.spans:
                    start, end = d * DAY + s, d * DAY + e
                    if t < end:
                        return max(t, start)
        return t  # not reached: a working day comes within a week
