"""What officers do when not on a job: patrols, stand-by, fixed posts, community visits."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from sim.scenario.base import Frozen, ZoneId
from sim.scenario.distributions import LoopDuration, Uniform, fixed
from sim.scenario.shifts import ClockTime, Shift, Weekday, clock_minutes


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
        return start, _past_midnight(start, end)


def _past_midnight(start: int, end: int) -> int:
    """``end`` in minutes after the start day's midnight (a window ending before it starts
    ends the next day)."""
    return end + 1440 if end <= start else end


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


def behaviour_zone_refs(behaviour: Behaviour) -> list[tuple[str, str]]:
    """(field, zone) pairs of the zones a route, stops or visits name."""
    if isinstance(behaviour, CyclicRoute) and behaviour.route != "auto":
        return [("route", z) for z in behaviour.route]
    if isinstance(behaviour, (HotspotStops, CommunityVisits)):
        return [("zones", z) for z in behaviour.zones]
    return []
