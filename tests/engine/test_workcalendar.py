"""sim.engine.workcalendar: working minutes between two instants and the next working instant.

Hand-computed values on an office week, then every answer of ``Calendar`` against a brute-force
count minute by minute over three weeks, for calendars with a lunch break, a weekend
working day, a day ending at midnight, and each start weekday.

Power (checked by injection): ``Calendar`` ignoring the start weekday (``self.first = 0``)
fails the three minute-by-minute comparisons; ``next_working`` returning a span's start when
``t`` is already inside it, or taking a span's end as inside (``t <= end``), fails
``test_next_working_is_the_first_working_minute``.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.workcalendar import Calendar
from sim.scenario.units import WEEKDAYS
from sim.scenario.workflow import WorkCalendar, span_minutes

DAY = 1440.0
WEEKS = 3

OFFICE = WorkCalendar(days=["mon", "tue", "wed", "thu", "fri"],
                      hours=["08:30-12:00", "13:30-17:30"])  # 7.5 h a day


# -- hand-computed values ------------------------------------------------------------------
def test_working_minutes_of_a_day_a_week_and_across_a_weekend() -> None:
    cal = Calendar(OFFICE, "mon")
    assert cal.working(DAY) == 450.0 and cal.working(7 * DAY) == 5 * 450.0
    assert cal.working(14 * DAY) == 10 * 450.0
    friday_4pm, monday_10am = 4 * DAY + 960, 7 * DAY + 600
    assert cal.between(friday_4pm, monday_10am) == 90.0 + 90.0
    assert cal.between(720.0, 810.0) == 0.0  # the lunch break
    assert cal.between(600.0, 900.0) == 120.0 + 90.0  # 10:00-12:00, 13:30-15:00
    assert np.allclose(cal.between(np.array([0.0, 5 * DAY]), np.array([DAY, 7 * DAY])),
                       [450.0, 0.0])  # vectorised; Saturday-Sunday count nothing


def test_the_calendar_follows_the_start_weekday() -> None:
    cal = Calendar(OFFICE, "sat")  # day 0 is a Saturday
    assert cal.working(2 * DAY) == 0.0 and cal.working(3 * DAY) == 450.0


def test_next_working_instant() -> None:
    cal = Calendar(OFFICE, "mon")
    assert cal.next_working(600.0) == 600.0  # Monday 10:00 is inside
    assert cal.next_working(DAY + 750.0) == DAY + 810.0  # Tuesday lunch → 13:30
    assert cal.next_working(5 * DAY + 600.0) == 7 * DAY + 510.0  # Saturday → Monday 08:30
    assert cal.next_working(4 * DAY + 1100.0) == 7 * DAY + 510.0  # Friday evening


# -- against a minute-by-minute count -----------------------------------------------------
CALENDARS = {
    "office": OFFICE,
    "six days, three spans": WorkCalendar(days=["mon", "tue", "wed", "thu", "fri", "sat"],
                                          hours=["07:00-09:15", "10:00-12:00", "14:00-18:45"]),
    "weekend to midnight": WorkCalendar(days=["sat", "sun"], hours=["00:00-02:00", "20:00-24:00"]),
}


def minute_is_working(spec: WorkCalendar, start_weekday: str) -> np.ndarray:
    """True for each minute of WEEKS weeks that lies in working hours (the slow way)."""
    spans = [span_minutes(h) for h in spec.hours]
    first = WEEKDAYS.index(start_weekday)
    out = np.zeros(WEEKS * 7 * 1440, dtype=bool)
    for minute in range(len(out)):
        day, clock = divmod(minute, 1440)
        weekday = WEEKDAYS[(first + day) % 7]
        out[minute] = weekday in spec.days and any(s <= clock < e for s, e in spans)
    return out


@pytest.fixture(scope="module", params=[(c, d) for c in CALENDARS for d in WEEKDAYS],
                ids=lambda p: f"{p[0]}, from {p[1]}")
def case(request: pytest.FixtureRequest) -> tuple[Calendar, np.ndarray]:
    name, weekday = request.param
    return Calendar(CALENDARS[name], weekday), minute_is_working(CALENDARS[name], weekday)


def test_working_minutes_match_a_minute_by_minute_count(case: tuple[Calendar, np.ndarray]) -> None:
    cal, works = case
    t = np.arange(len(works) + 1, dtype=float)
    expected = np.concatenate([[0.0], np.cumsum(works)])
    assert np.array_equal(cal.working(t), expected)
    half = t[:-1] + 0.5  # inside a minute: half of it counts if it is a working minute
    assert np.allclose(cal.working(half), expected[:-1] + 0.5 * works)


def test_between_is_a_count_over_any_interval(case: tuple[Calendar, np.ndarray]) -> None:
    cal, works = case
    rng = np.random.default_rng(7)
    a = rng.integers(0, len(works), 500)
    b = np.minimum(a + rng.integers(0, 4 * 1440, 500), len(works))
    expected = [works[i:j].sum() for i, j in zip(a, b)]
    assert np.array_equal(cal.between(a.astype(float), b.astype(float)), expected)
    assert np.isnan(cal.working(np.nan))


def test_next_working_is_the_first_working_minute(case: tuple[Calendar, np.ndarray]) -> None:
    cal, works = case
    following = np.flatnonzero(works)
    for t in range(0, len(works) - 8 * 1440, 37):
        k = following[np.searchsorted(following, t)]
        assert cal.next_working(float(t)) == float(k), t
        if works[t]:
            assert cal.next_working(t + 0.25) == t + 0.25


def test_a_calendar_without_working_days_leaves_times_alone() -> None:
    cal = Calendar(WorkCalendar(days=[], hours=["08:00-17:00"]), "mon")
    assert cal.working(30 * DAY) == 0.0 and cal.next_working(123.5) == 123.5
