"""Rosters of ``sim staff``: shift shapes, officers per shape, what a roster covers and costs.

Also the two ways rosters are produced from shapes: the cheapest one covering an hourly
requirement (integer programme) and every roster under a staff-hours budget.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.strategy.staggered import _shift_coverage

DAYS_PER_WEEK = {"all": 7, "weekdays": 5, "weekends": 2}
WEEKDAY_SETS: dict[str, tuple[int, ...] | None] = {"all": None, "weekdays": (0, 1, 2, 3, 4),
                                                   "weekends": (5, 6)}
_STARTS = re.compile(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*/\s*(\d+)\s*(min)?\s*")


def parse_starts(text: str) -> list[int]:
    """``"05:00-22:00/30min"`` → start minutes 300, 330, ..., 1320 (inclusive)."""
    m = _STARTS.fullmatch(text or "")
    if m is None:
        raise ValueError(f"--starts {text!r}: expected HH:MM-HH:MM/STEPmin, e.g. "
                         "05:00-22:00/30min")
    h0, m0, h1, m1, step = (int(x) for x in m.groups()[:5])
    lo, hi = h0 * 60 + m0, h1 * 60 + m1
    if not (max(m0, m1) < 60 and 0 <= lo <= hi < 1440):
        raise ValueError(f"--starts {text!r}: times must be 00:00-23:59, the first not after "
                         "the second")
    _check_step(text, step)
    return list(range(lo, hi + 1, step))


def _check_step(text: str, step: int) -> None:
    """A step of starts divides an hour (1-60 minutes) or is whole hours."""
    if step < 1 or 60 % step and step % 60:
        raise ValueError(f"--starts {text!r}: the step must divide an hour or be whole hours")


@dataclass(frozen=True)
class Shape:
    """A shift shape: start (minutes after midnight), length (hours), the unit group it
    staffs ("" for the template group) and the days it runs (all, weekdays, weekends)."""

    start: int
    hours: float
    group: str = ""
    days: str = "all"

    @property
    def clock(self) -> str:
        return f"{self.start // 60:02d}:{self.start % 60:02d}"

    @property
    def label(self) -> str:
        prefix = "".join(f"{x} " for x in (self.group, self.days) if x and x != "all")
        return f"{prefix}{self.clock}+{self.hours:g}h"

    @property
    def key(self) -> tuple[str, str, int, float]:
        return (self.group, self.days, self.start, self.hours)

    @property
    def days_per_week(self) -> int:
        return DAYS_PER_WEEK[self.days]

    @property
    def weekly_hours(self) -> float:
        return self.hours * self.days_per_week

    def coverage(self) -> np.ndarray:
        """Fraction of each clock hour the shift covers (wrapping midnight)."""
        return _shift_coverage(self.start, 60.0 * self.hours)

    def share_on(self, days: str | None) -> float:
        """Share of the days of type ``days`` (None: of the week) the shift runs on."""
        return self.days_per_week / 7.0 if days is None else float(self.days in ("all", days))


def shapes(starts: Sequence[int], lengths: Sequence[float], groups: Sequence[str] = ("",),
           day_types: Sequence[str] = ("all",)) -> list[Shape]:
    """Every group × day type × start × length."""
    return [Shape(s, h, g, d) for g in groups for d in day_types for s in starts
            for h in lengths]


def coverage_matrix(options: Sequence[Shape]) -> np.ndarray:
    """(24, shapes): fraction of each clock hour each shape covers (wrapping midnight)."""
    return np.stack([o.coverage() for o in options], axis=1)


def cover(requirement: np.ndarray, options: Sequence[Shape]) -> np.ndarray:
    """Officers per shape minimising staff-hours with on-duty ≥ requirement in every hour
    some shape covers (integer programme, ``scipy.optimize.milp``)."""
    try:
        from scipy.optimize import Bounds, LinearConstraint, milp
    except ImportError:
        raise ImportError("sim staff needs scipy for its integer programme: "
                          'pip install "chengguan-sim[decide]"') from None
    a = coverage_matrix(options)
    # hours no allowed shape covers cannot be staffed: the simulation judges the gap
    requirement = np.where(a.sum(axis=1) > 0, requirement, 0)
    if not np.any(requirement > 0):
        return np.zeros(len(options), int)
    res = milp(_costs(options), constraints=LinearConstraint(a, lb=requirement - 1e-9,
                                                             ub=np.inf),
               integrality=np.ones(len(options)), bounds=Bounds(0, np.inf))
    if res.status != 0 or res.x is None:
        raise ValueError("no roster of these shift starts and lengths covers the hourly "
                         "requirement (widen --starts or add --shift-hours)")
    return np.round(res.x).astype(int)


def _costs(options: Sequence[Shape]) -> np.ndarray:
    """Staff-hours per officer of each shape, plus a tiny preference for earlier/shorter
    shapes that makes ties reproducible."""
    hours = np.array([o.hours for o in options])
    return hours + 1e-6 * np.arange(len(options)) / len(options)


def in_order(counts: dict[Shape, int]) -> list[tuple[Shape, int]]:
    """(shape, officers) sorted by shape (group, days, start, length)."""
    return sorted(counts.items(), key=lambda kv: kv[0].key)


@dataclass
class Roster:
    """A candidate roster: officers per shift shape, with what it costs and covers.
    ``requirement``: the hourly requirement it was built to cover, per day type."""

    grade: str
    counts: dict[Shape, int]
    requirement: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def staff_hours_per_week(self) -> float:
        return float(sum(s.weekly_hours * n for s, n in self.counts.items()))

    @property
    def key(self) -> tuple:
        return tuple((s.key, n) for s, n in in_order(self.counts) if n > 0)

    def on_duty(self, days: str | None = None) -> np.ndarray:
        """Officers on duty per clock hour: on ``days`` (a day type), or (None) averaged
        over the week."""
        total = np.zeros(24)
        for s, n in self.counts.items():
            total += s.share_on(days) * n * s.coverage()
        return total

    def describe(self) -> str:
        return ", ".join(f"{n} × {s.label}" for s, n in in_order(self.counts) if n > 0)


def enumerate_rosters(options: Sequence[Shape], budget: float,
                      limit: int) -> list[dict[Shape, int]] | None:
    """Every roster of ``options`` with at least one officer and at most ``budget``
    staff-hours per week, cheapest first (ties in a fixed order); None if there are more
    than ``limit``."""
    costs = [o.weekly_hours for o in options]
    found: list[tuple[int, ...]] = []

    def walk(i: int, left: float, counts: tuple[int, ...]) -> None:
        if i == len(options):
            found.extend([counts] if any(counts) else [])
            return
        n = 0
        while n * costs[i] <= left + 1e-9 and len(found) <= limit:
            walk(i + 1, left - n * costs[i], counts + (n,))
            n += 1

    walk(0, budget, ())
    if len(found) > limit:
        return None
    found.sort(key=lambda c: (_cost(c, costs), c))
    return [staffed(options, c) for c in found]


def _cost(officers: tuple[int, ...], costs: list[float]) -> float:
    """Staff-hours per week of a roster (to 6 decimals, so float noise does not reorder)."""
    return round(sum(n * k for n, k in zip(officers, costs)), 6)


def staffed(options: Sequence[Shape], officers: Sequence[int] | np.ndarray
            ) -> dict[Shape, int]:
    """Officers per shape, the shapes without officers left out."""
    return {o: int(n) for o, n in zip(options, officers) if n > 0}
