"""Officers: groups, their shifts, and what they do when not on a job."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from sim.scenario.base import Frozen, Mode, Whole, ZoneId
from sim.scenario.distributions import LoopDuration, Uniform, fixed
from sim.scenario.errors import FieldProblems

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_SETS: dict[str, tuple[str, ...]] = {
    "all": WEEKDAYS,
    "weekdays": WEEKDAYS[:5],
    "weekends": WEEKDAYS[5:],
}
_CLOCK = re.compile(r"^(\d{2}):(\d{2})$")


def clock_minutes(text: str) -> int:
    """Minutes after midnight of an "HH:MM" clock time ("24:00" is 1440)."""
    match = _CLOCK.match(text)
    if not match:
        raise ValueError(f"expected a clock time as HH:MM, got {text!r}")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes >= 60 or hours > 24 or (hours == 24 and minutes):
        raise ValueError(f"{text!r} is not a clock time between 00:00 and 24:00")
    return hours * 60 + minutes


def _valid_clock(text: str) -> str:
    clock_minutes(text)
    return text


ClockTime = Annotated[str, AfterValidator(_valid_clock)]


class Shift(Frozen):
    """A daily duty period on some weekdays. Across midnight needs ``overnight: true``."""

    days: list[Weekday] | Literal["all", "weekdays", "weekends"] = Field(
        "all", description="Weekdays the shift starts on: a list (mon..sun) or all/weekdays/weekends."
    )
    start: ClockTime = Field(description="Start, HH:MM.")
    end: ClockTime = Field(description="End, HH:MM (24:00 allowed).")
    overnight: bool = Field(False, description="The shift ends after midnight, on the next day.")

    @model_validator(mode="after")
    def _ordered(self) -> Shift:
        start, end = clock_minutes(self.start), clock_minutes(self.end)
        if self.overnight and end >= start:
            raise ValueError(
                f"overnight shift {self.start}-{self.end} must end earlier in the day than it starts"
            )
        if not self.overnight and end <= start:
            raise ValueError(
                f"shift ends ({self.end}) before it starts ({self.start}); "
                "for a shift across midnight set overnight: true"
            )
        return self

    def weekdays(self) -> tuple[int, ...]:
        """Weekday numbers (0 = Monday) the shift starts on."""
        names = DAY_SETS[self.days] if isinstance(self.days, str) else self.days
        return tuple(sorted({WEEKDAYS.index(d) for d in names}))

    def bounds(self) -> tuple[int, int]:
        """(start, end) in minutes after the start day's midnight; end may exceed 1440."""
        start, end = clock_minutes(self.start), clock_minutes(self.end)
        return start, end + (1440 if self.overnight else 0)


class _Patrol(Frozen):
    """Fields shared by the patrol behaviours."""

    dwell: LoopDuration = Field(
        default_factory=lambda: fixed(20.0), description="Minutes spent patrolling each zone."
    )
    drive_through: bool = Field(
        False,
        description="Kept so that older scenarios stay valid; no effect. Every trip (patrol or "
        "to a job, any mode) now passes through the zones on the way: the officer is present "
        "and looks in each, at `detection.sight_passing` (a car sees less than a walker).",
    )


class RandomPatrol(_Patrol):
    """Walk or drive to a random assigned zone, patrol it for a while, repeat."""

    kind: Literal["random_patrol"]


class HotspotPatrol(_Patrol):
    """Like random patrol, but zones are drawn in proportion to their expected disorder."""

    kind: Literal["hotspot_patrol"]
    by_hour: bool = Field(
        True,
        description="Weight by the expected incidents of the current clock hour (else per day).",
    )


class CyclicRoute(_Patrol):
    """Visit an ordered list of zones in turn, over and over, with a dwell at each stop."""

    kind: Literal["cyclic_route"]
    route: Annotated[list[ZoneId], Field(min_length=1)] | Literal["auto"] = Field(
        "auto",
        description="The stops in order, or auto: a short closed tour over the officer's zones "
        "(nearest neighbour + 2-opt). Officers of a group start spread along the route.",
    )


class IdlenessPatrol(_Patrol):
    """Go to the assigned zone that has gone longest without any officer ("conscientious reactive")."""

    kind: Literal["idleness_patrol"]
    neighbours_only: bool = Field(
        False,
        description="Choose only among assigned zones adjacent to the current one "
        "(centres within 1.5 × the nearest-zone distance); all assigned zones if none is.",
    )


class HotspotStops(_Patrol):
    """Koper-style stops: a short stay at each hotspot when due, random patrol in between."""

    kind: Literal["hotspot_stops"]
    zones: list[ZoneId] = Field(min_length=1, description="The hotspot zones.")
    stop: LoopDuration = Field(
        default_factory=lambda: Uniform(kind="uniform", low=10.0, high=15.0),
        description="Length of a stop (Koper 1995: 10-15 minutes).",
    )
    revisit_min: float = Field(
        120.0, gt=0, description="A hotspot is due again this long after an officer last left it."
    )


class Standby(Frozen):
    """Wait at the home zone (a station) until dispatched; not visible on the street."""

    kind: Literal["standby"]


class FixedPost(Frozen):
    """Stand at a hotspot during a daily window; patrol randomly outside it."""

    kind: Literal["fixed_post"]
    zone: ZoneId = Field(description="The post's zone.")
    start: ClockTime | None = Field(None, description="Window start (default: shift start).")
    end: ClockTime | None = Field(None, description="Window end (default: shift end).")
    dispatchable: bool = Field(
        False, description="May the command room send a post officer to jobs elsewhere?"
    )
    radius_min: float = Field(
        10.0, ge=0, description="If dispatchable: only to jobs within this travel time (minutes)."
    )
    dwell: LoopDuration = Field(
        default_factory=lambda: fixed(20.0), description="Patrol dwell outside the window."
    )

    def window(self) -> tuple[int, int] | None:
        """The daily window in minutes (end past 1440 across midnight); None: whole shifts."""
        if self.start is None and self.end is None:
            return None
        start, end = clock_minutes(self.start or "00:00"), clock_minutes(self.end or "24:00")
        return start, end + (1440 if end <= start else 0)


def _overlaps(window: tuple[int, int], shift: Shift) -> bool:
    """Does the daily ``window`` meet the shift on some day (one day either side)?"""
    start, end = shift.bounds()
    return any(window[0] + d < end and start < window[1] + d for d in (-1440, 0, 1440))


def post_problems(group: UnitGroup) -> list[tuple[str, str]]:
    """A fixed post whose window lies outside every shift of its group is never staffed."""
    post = group.behaviour
    window = post.window() if isinstance(post, FixedPost) else None
    if window is None or any(_overlaps(window, s) for s in group.shifts):
        return []
    shifts = ", ".join(f"{s.start}-{s.end}" for s in group.shifts)
    return [("behaviour", f"the post's window {post.start or '00:00'}-{post.end or '24:00'} "
             f"lies outside every shift of the group ({shifts}), so the post at {post.zone} "
             "would never be staffed; move the window inside a shift or change the shifts")]


class CommunityVisits(_Patrol):
    """Scheduled presence in community zones on some weekdays; on call the rest of the shift."""

    kind: Literal["community_visits"]
    zones: list[ZoneId] = Field(min_length=1, description="Community zones, visited in turn.")
    days: list[Weekday] | Literal["all", "weekdays", "weekends"] = Field(
        ["wed", "sun"], description="Visiting days (DOMAIN: Wednesdays and Sundays)."
    )
    start: ClockTime = Field("00:00", description="Daily visiting window start (within shifts).")
    end: ClockTime = Field("24:00", description="Daily visiting window end.")
    stay: LoopDuration = Field(
        default_factory=lambda: fixed(30.0), description="Minutes at each community zone."
    )
    dispatchable: bool = Field(False, description="May the command room call them away?")
    otherwise: Literal["random_patrol", "standby"] = Field(
        "random_patrol", description="On call outside visits: patrol (with `dwell`) or standby."
    )

    def window(self) -> Shift:
        """The visiting window as a shift (same day rules)."""
        return Shift(days=self.days, start=self.start, end=self.end)

    @model_validator(mode="after")
    def _window(self) -> CommunityVisits:
        if clock_minutes(self.end) <= clock_minutes(self.start):
            raise ValueError(
                f"visiting window ends ({self.end}) before it starts ({self.start}); "
                "visits do not cross midnight"
            )
        return self


Behaviour = Annotated[
    RandomPatrol | HotspotPatrol | CyclicRoute | IdlenessPatrol | HotspotStops | Standby
    | FixedPost | CommunityVisits,
    Field(discriminator="kind"),
]


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
        if self.grids is not None and self.grid_split is not None:
            raise ValueError("give `grids` or `grid_split`, not both")
        n = len(self.grids) if self.grids is not None else self.grid_split
        if n is not None and n > self.count:
            raise ValueError(f"{n} grids but only {self.count} officers: every grid needs one")
        if self.overflow != "none" and (n is None or self.dispatch_area != "own_zones"):
            raise ValueError("overflow needs grids (`grids` or `grid_split`) and own_zones dispatch")
        if self.grids is not None and self.zones is not None:
            outside = sorted({z for g in self.grids for z in g} - set(self.zones))
            if outside:
                raise ValueError(f"grid zones {outside[:8]} are not in the group's `zones`")
        if any(not g for g in self.grids or []):
            raise ValueError("a grid must list at least one zone")
        return self

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
        b = self.behaviour
        if isinstance(b, CyclicRoute) and b.route != "auto":
            refs += [("behaviour.route", z) for z in b.route]
        if isinstance(b, (HotspotStops, CommunityVisits)):
            refs += [("behaviour.zones", z) for z in b.zones]
        return refs
