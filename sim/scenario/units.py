"""Officers: groups, their shifts, and what they do when not on a job."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import Field, model_validator

from sim.scenario.base import Frozen, Mode, Whole, ZoneId
from sim.scenario.behaviours import (
    Behaviour,
    CommunityVisits,
    CyclicRoute,
    FixedPost,
    HotspotPatrol,
    HotspotStops,
    IdlenessPatrol,
    RandomPatrol,
    Standby,
    behaviour_zone_refs,
)
from sim.scenario.errors import FieldProblems
from sim.scenario.shifts import DAY_SETS, WEEKDAYS, ClockTime, Shift, Weekday, clock_minutes

__all__ = [  # shifts and behaviours live in their own modules; other packages import them here
    "DAY_SETS", "WEEKDAYS", "Behaviour", "ClockTime", "CommunityVisits", "CyclicRoute",
    "FixedPost", "HotspotPatrol", "HotspotStops", "IdlenessPatrol", "RandomPatrol", "Shift",
    "Standby", "UnitGroup", "Weekday", "clock_minutes", "post_problems",
]


def _overlaps(window: tuple[int, int], shift: Shift) -> bool:
    """Does the daily ``window`` meet the shift on some day (one day either side)?"""
    start, end = shift.bounds()
    return any(window[0] + d < end and start < window[1] + d for d in (-1440, 0, 1440))


def post_problems(group: UnitGroup) -> list[tuple[str, str]]:
    """A fixed post whose window lies outside every shift of its group is never staffed."""
    post = group.behaviour
    if not isinstance(post, FixedPost):
        return []
    window = post.window()
    if window is None or any(_overlaps(window, s) for s in group.shifts):
        return []
    return [("behaviour", _never_staffed(post, group.shifts))]


def _never_staffed(post: FixedPost, shifts: list[Shift]) -> str:
    listed = ", ".join(f"{s.start}-{s.end}" for s in shifts)
    return (f"the post's window {post.start or '00:00'}-{post.end or '24:00'} lies outside "
            f"every shift of the group ({listed}), so the post at {post.zone} would never be "
            "staffed; move the window inside a shift or change the shifts")


class UnitGroup(Frozen):
    """A group of identical officers (ids ``<group>-1``, ``<group>-2``, ...)."""

    count: Whole = Field(ge=1, le=2000, description="Number of officers.")
    mode: Mode = Field("foot", description="How they move: foot, ebike or car.")
    home_zone: ZoneId | None = Field(None, description="Where shifts start (default: first zone).")
    zones: list[ZoneId] | None = Field(
        None, min_length=1, description="Zones they patrol (default: all)."
    )
    dispatch_area: Literal["anywhere", "own_zones"] = Field(
        "anywhere", description="own_zones: dispatched only to jobs in their `zones`."
    )
    shifts: list[Shift] = Field(min_length=1, description="Duty periods (at least one).")
    behaviour: Behaviour = Field(
        default_factory=lambda: RandomPatrol(kind="random_patrol"),
        description="What they do when not on a job.",
    )
    grids: list[list[ZoneId]] | None = Field(
        None,
        min_length=1,
        description="Grid responsibility: unit grids (lists of zones), assigned round-robin to "
        "the officers (officer k gets grid k mod n); each patrols only its grid and, with "
        "dispatch_area: own_zones, is dispatched only inside it.",
    )
    grid_split: Whole | None = Field(
        None, ge=1, description="Or split the group's zones into this many compact grids."
    )
    overflow: Literal["none", "neighbours"] = Field(
        "none",
        description="With grids and own_zones: when nobody eligible is free, a job may go to an "
        "officer of a neighbouring grid.",
    )

    @model_validator(mode="after")
    def _grids(self) -> UnitGroup:
        for check in _GRID_CHECKS:
            problem = check(self)
            if problem:
                raise ValueError(problem)
        return self

    def grid_count(self) -> int | None:
        """How many grids the group is split into (None: no grids)."""
        return len(self.grids) if self.grids is not None else self.grid_split

    @model_validator(mode="after")
    def _post_staffed(self) -> UnitGroup:
        problems = post_problems(self)
        if problems:
            raise FieldProblems(*problems)
        return self

    def zone_refs(self) -> list[tuple[str, str]]:
        """(field, zone) pairs of every zone the group names."""
        refs = [("home_zone", self.home_zone)] if self.home_zone is not None else []
        refs += [("zones", z) for z in self.zones or []]
        if isinstance(self.behaviour, FixedPost):
            refs.append(("behaviour.zone", self.behaviour.zone))
        return refs + self.referenced_zones()

    def referenced_zones(self) -> list[tuple[str, str]]:
        """(field, zone) pairs of zones named by the grids and the behaviour."""
        refs = [("grids", z) for grid in self.grids or [] for z in grid]
        return refs + [(f"behaviour.{field}", z) for field, z in behaviour_zone_refs(self.behaviour)]


def _grids_or_split(group: UnitGroup) -> str:
    both = group.grids is not None and group.grid_split is not None
    return "give `grids` or `grid_split`, not both" if both else ""


def _officer_per_grid(group: UnitGroup) -> str:
    n = group.grid_count()
    if n is None or n <= group.count:
        return ""
    return f"{n} grids but only {group.count} officers: every grid needs one"


def _overflow_needs_grids(group: UnitGroup) -> str:
    if group.overflow == "none" or (group.grid_count() is not None
                                   and group.dispatch_area == "own_zones"):
        return ""
    return "overflow needs grids (`grids` or `grid_split`) and own_zones dispatch"


def _grids_inside_zones(group: UnitGroup) -> str:
    if group.grids is None or group.zones is None:
        return ""
    outside = sorted(_grid_zones(group.grids) - set(group.zones))
    return f"grid zones {outside[:8]} are not in the group's `zones`" if outside else ""


def _grid_zones(grids: list[list[str]]) -> set[str]:
    return {z for grid in grids for z in grid}


def _grids_not_empty(group: UnitGroup) -> str:
    return "a grid must list at least one zone" if any(not g for g in group.grids or []) else ""


_GRID_CHECKS: tuple[Callable[[UnitGroup], str], ...] = (
    _grids_or_split, _officer_per_grid, _overflow_needs_grids, _grids_inside_zones,
    _grids_not_empty,
)
