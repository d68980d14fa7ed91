"""Per-officer deployment plans: zones, grid, route, stops and visiting windows (pure data).

A unit group in a scenario describes identical officers; this module turns it into one plan per
officer (officer k of the group is plan k): the zones it patrols (its own unit grid under grid
responsibility), where it may be sent on overflow, its cyclic route with a starting position
spread along the route, its hotspot or community stops and the weekly windows of its visits.
The engine only reads these plans and advances ``cursor``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.compiled import Layout
from sim.scenario.model import Scenario
from sim.scenario.units import CommunityVisits, CyclicRoute, HotspotStops, UnitGroup
from sim.strategy.geometry import (
    adjacency,
    grid_reach,
    path_step,
    paths_from,
    split_grids,
)
from sim.strategy.load import zone_hour_rates
from sim.strategy.routes import build_tour
from sim.strategy.shifts import expand_shifts

__all__ = ["OfficerPlan", "ZoneFacts", "group_grids", "group_plans"]


@dataclass
class OfficerPlan:
    """What one officer patrols and when it visits where (zone indices, minutes)."""

    zones: list[int]
    grid: int = -1
    reach: list[int] | None = None  # zones it may be dispatched to on overflow
    route: list[int] = field(default_factory=list)
    stops: list[int] = field(default_factory=list)  # hotspot or community zones
    between: list[int] = field(default_factory=list)  # patrolled between hotspot stops
    windows: list[tuple[float, float]] = field(default_factory=list)  # community visits
    cursor: int = 0  # next route / community stop (the engine advances it)
    zone_array: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))


def _indices(layout: Layout, ids: list[str]) -> list[int]:
    """Zone ids as indices in the layout's zone order."""
    return [layout.zone_index[z] for z in ids]


def group_grids(group: UnitGroup, layout: Layout) -> list[list[int]] | None:
    """The group's unit grids as zone-index lists (None without grid responsibility)."""
    if group.grids is not None:
        return [_indices(layout, g) for g in group.grids]
    if group.grid_split is None:
        return None
    zones = _indices(layout, group.zones) if group.zones else list(range(layout.n_zones))
    return split_grids(layout.xy, zones, group.grid_split)


def zone_adjacency(layout: Layout) -> np.ndarray:
    """Neighbouring zones: shared borders on a map district, else nearby centres."""
    return layout.geo.adjacency if layout.geo is not None else adjacency(layout.xy)


def _spread(k: int, count: int, length: int) -> int:
    """Starting position of officer k of ``count`` on a cycle of ``length`` stops."""
    return (k * length) // max(count, 1) % max(length, 1)


def group_plans(
    group: UnitGroup, layout: Layout, days: int, start_weekday: str = "mon"
) -> list[OfficerPlan]:
    """One plan per officer of ``group`` (officer k of the group gets plan k).

    Args:
        group: The unit group.
        layout: The compiled layout (zone order and centres).
        days: Simulated days (for weekly visiting windows).
        start_weekday: Weekday of day 0.

    Returns:
        ``group.count`` plans.
    """
    shared = _shared(group, layout, days, start_weekday)
    return [_officer_plan(shared, k) for k in range(group.count)]


@dataclass(frozen=True)
class _Shared:
    """What the officers of one group share: zones, unit grids, overflow reach, windows."""

    group: UnitGroup
    layout: Layout
    zones: list[int]
    grids: list[list[int]] | None
    reach: list[list[int]] | None
    windows: list[tuple[float, float]]

    def grid(self, k: int) -> int:
        """Officer k's unit grid (-1 without grids)."""
        return k % len(self.grids) if self.grids else -1

    def peers_and_rank(self, k: int) -> tuple[int, int]:
        """How many officers share officer k's zones (its grid, or the whole group), and
        officer k's position among them."""
        if self.grids:
            return -(-self.group.count // len(self.grids)), k // len(self.grids)
        return self.group.count, k


def _shared(group: UnitGroup, layout: Layout, days: int, start_weekday: str) -> _Shared:
    """The group's zones, grids, reach on overflow and community visiting windows."""
    zones = _indices(layout, group.zones) if group.zones else list(range(layout.n_zones))
    grids = group_grids(group, layout)
    reach = None
    if grids is not None and group.overflow == "neighbours":
        reach = grid_reach(grids, zone_adjacency(layout))
    return _Shared(group, layout, zones, grids, reach, _windows(group, days, start_weekday))


def _windows(group: UnitGroup, days: int, start_weekday: str) -> list[tuple[float, float]]:
    """The weekly visiting windows of community visits (none for other behaviours)."""
    if not isinstance(group.behaviour, CommunityVisits):
        return []
    return expand_shifts([group.behaviour.window()], days, start_weekday)


def _officer_plan(shared: _Shared, k: int) -> OfficerPlan:
    """Officer k's plan: its zones, then the stops or route its behaviour gives it."""
    g = shared.grid(k)
    own = list(shared.grids[g]) if shared.grids else list(shared.zones)
    plan = OfficerPlan(
        zones=own,
        grid=g,
        reach=shared.reach[g] if shared.reach is not None else None,
        windows=shared.windows,
        zone_array=np.array(sorted(own), dtype=np.int64),
    )
    _add_visits(plan, shared, k)
    return plan


def _add_visits(plan: OfficerPlan, shared: _Shared, k: int) -> None:
    """The route (cyclic routes) or stops (hotspot stops, community visits) of officer k."""
    behaviour, layout = shared.group.behaviour, shared.layout
    if isinstance(behaviour, CyclicRoute):
        plan.route = _route(behaviour, layout, plan.zones)
        peers, rank = shared.peers_and_rank(k)
        plan.cursor = _spread(rank, peers, len(plan.route))
    elif isinstance(behaviour, HotspotStops):
        plan.stops = _indices(layout, behaviour.zones)
        plan.between = _without(plan.zones, plan.stops)
    elif isinstance(behaviour, CommunityVisits):
        plan.stops = _indices(layout, behaviour.zones)
        plan.cursor = k % len(plan.stops)


def _without(zones: list[int], stops: list[int]) -> list[int]:
    """``zones`` other than the ``stops``, in order."""
    skip = set(stops)
    return [z for z in zones if z not in skip]


def _route(behaviour: CyclicRoute, layout: Layout, own: list[int]) -> list[int]:
    """The cyclic route: the given zones, or a short tour of the officer's own ("auto")."""
    if behaviour.route == "auto":
        return [own[i] for i in build_tour(layout.xy[own].tolist())]
    return _indices(layout, behaviour.route)


class ZoneFacts:
    """Per-run facts about zones that behaviours need, each computed when first asked for."""

    def __init__(self, scenario: Scenario, layout: Layout) -> None:
        self.scenario = scenario
        self.layout = layout
        self._rates: np.ndarray | None = None
        self._adjacent: np.ndarray | None = None
        self._paths: dict[int, list[list[int]]] = {}
        self._step: float | None = None
        self._cum: dict[tuple[int, int | None], tuple[list[float], float]] = {}

    def rates(self) -> np.ndarray:
        """Expected incidents per (clock hour, zone) of the scenario's demand."""
        if self._rates is None:
            self._rates = zone_hour_rates(self.scenario, self.layout)
        return self._rates

    def adjacent(self) -> np.ndarray:
        """Zone adjacency (centres within 1.5 × the nearest spacing; map: shared borders)."""
        if self._adjacent is None:
            self._adjacent = zone_adjacency(self.layout)
        return self._adjacent

    def path(self, a: int, b: int) -> list[int]:
        """Zones passed going from ``a`` to ``b``, excluding ``a``, ending with ``b`` (computed
        for every ``b`` when ``a`` is first asked for; on the street network when it has one)."""
        paths = self._paths.get(a)
        if paths is None:
            paths = self._paths[a] = self._paths_from(a)
        return paths[b]

    def _paths_from(self, a: int) -> list[list[int]]:
        """The paths from ``a`` to every zone: on the street network, else straight L-paths."""
        geo = self.layout.geo
        if geo is not None and geo.travel is not None:
            return geo.travel.paths_from(a)
        if self._step is None:
            self._step = path_step(self.layout.xy)
        return paths_from(self.layout.xy, a, self._step)

    def weights(self, plan: OfficerPlan, hour: int | None) -> tuple[list[float], float]:
        """Cumulative expected incidents over the plan's zones (this hour, or per day)."""
        key = (id(plan), hour)
        if key not in self._cum:
            rates = self.rates()
            w = rates.sum(axis=0) if hour is None else rates[hour]
            cum = np.cumsum(w[plan.zone_array])
            self._cum[key] = (cum.tolist(), float(cum[-1]))
        return self._cum[key]
