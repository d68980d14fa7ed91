"""Hourly officer requirements of ``sim staff`` and the candidate rosters covering them.

From the offered load a_h of each clock hour: a fraction f of it (f = 0.25, 0.5, 0.75), or
the fewest officers with Erlang-C P(wait) ≤ w for a ladder of service grades w; each
requirement is covered by the cheapest roster of the allowed shift shapes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from itertools import product
from typing import TypeAlias

import numpy as np

from sim.decide.roster import Roster, Shape, cover, staffed
from sim.theory import erlang_c

LOAD_FRACTIONS = (0.25, 0.5, 0.75)
SERVICE_GRADES = (0.99, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0.02, 0.01,
                  0.005, 0.001)

Profile: TypeAlias = Sequence[float] | np.ndarray
"""One value per clock hour (24)."""


def erlang_requirement(load: float, wait_prob: float) -> int:
    """Fewest servers c > load with Erlang-C P(wait) ≤ ``wait_prob`` (0 for no load)."""
    if load <= 0:
        return 0
    c = max(1, math.floor(load) + 1)
    while erlang_c(load, 1.0, c) > wait_prob:
        c += 1
    return c


def hourly_requirement(loads: Profile, wait_prob: float, minimum: int = 0) -> np.ndarray:
    """r_h for each clock hour (at least ``minimum``)."""
    return np.array([max(minimum, erlang_requirement(a, wait_prob)) for a in loads])


def requirement_family(loads: Profile) -> list[tuple[str, np.ndarray]]:
    """(label, hourly requirement) from the load fractions up the Erlang-C grades."""
    a = np.asarray(loads, float)
    out = [(f"{f:g} x load", np.ceil(f * a - 1e-9).astype(int)) for f in LOAD_FRACTIONS]
    out += [(f"P(wait) <= {w:g}", hourly_requirement(a, w)) for w in SERVICE_GRADES]
    return out


def cover_grade(reqs: dict[str, np.ndarray], options: Sequence[Shape],
                shares: dict[str, float]) -> dict[Shape, int]:
    """One roster covering each day type's requirement, split between the groups by
    ``shares`` (each group covers its share, rounded up)."""
    counts: dict[Shape, int] = {}
    for (days, req), (group, share) in product(reqs.items(), shares.items()):
        mine = [o for o in options if (o.days, o.group) == (days, group)]
        counts.update(staffed(mine, cover(np.ceil(share * req - 1e-9).astype(int), mine)))
    return counts


def candidate_rosters(loads: Mapping[str, Profile] | Profile, options: Sequence[Shape],
                      shares: dict[str, float] | None = None) -> list[Roster]:
    """One covering roster per requirement of the Erlang family (the same grade on every
    day type), distinct, by staff-hours. ``loads``: offered load per clock hour, per day
    type (or one profile for every day); ``shares``: each group's share of the officers."""
    by_day = loads if isinstance(loads, Mapping) else {"all": loads}
    families = {d: requirement_family(a) for d, a in by_day.items()}
    seen: dict[tuple, Roster] = {}
    for k, (label, _) in enumerate(next(iter(families.values()))):
        roster = _grade_roster(families, k, label, options, shares or {"": 1.0})
        if roster.counts:
            seen.setdefault(roster.key, roster)
    return sorted(seen.values(), key=lambda r: r.staff_hours_per_week)


def _grade_roster(families: dict[str, list[tuple[str, np.ndarray]]], k: int, label: str,
                  options: Sequence[Shape], shares: dict[str, float]) -> Roster:
    """The roster covering the k-th requirement (``label``) of each day type's family."""
    reqs = {d: fam[k][1] for d, fam in families.items()}
    return Roster(label, cover_grade(reqs, options, shares), reqs)
