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
    zones = _indices(layout, group.zones) if group.zones else list(range(layout.n_zones))
    grids = group_grids(group, layout)
    reach = None
    if grids is not None and group.overflow == "neighbours":
        reach = grid_reach(grids, zone_adjacency(layout))
    behaviour = group.behaviour
    windows: list[tuple[float, float]] = []
    if isinstance(behaviour, CommunityVisits):
        windows = expand_shifts([behaviour.window()], days, start_weekday)
    plans = []
    for k in range(group.count):
        g = k % len(grids) if grids else -1
        own = list(grids[g]) if grids else list(zones)
        # position among the officers sharing the same zones (a grid, or the whole group)
        peers = -(-group.count // len(grids)) if grids else group.count
        rank = k // len(grids) if grids else k
        plan = OfficerPlan(
            zones=own,
            grid=g,
            reach=reach[g] if reach is not None else None,
            windows=windows,
            zone_array=np.array(sorted(own), dtype=np.int64),
        )
        if isinstance(behaviour, CyclicRoute):
            if behaviour.route == "auto":
                plan.route = [own[i] for i in build_tour(layout.xy[own].tolist())]
            else:
                plan.route = _indices(layout, behaviour.route)
            plan.cursor = _spread(rank, peers, len(plan.route))
        elif isinstance(behaviour, HotspotStops):
            plan.stops = _indices(layout, behaviour.zones)
            plan.between = [z for z in own if z not in set(plan.stops)]
        elif isinstance(behaviour, CommunityVisits):
            plan.stops = _indices(layout, behaviour.zones)
            plan.cursor = k % len(plan.stops)
        plans.append(plan)
    return plans


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
        if paths is None and self.layout.geo is not None and self.layout.geo.travel is not None:
            paths = self._paths[a] = self.layout.geo.travel.paths_from(a)
        if paths is None:
            if self._step is None:
                self._step = path_step(self.layout.xy)
            paths = self._paths[a] = paths_from(self.layout.xy, a, self._step)
        return paths[b]

    def weights(self, plan: OfficerPlan, hour: int | None) -> tuple[list[float], float]:
        """Cumulative expected incidents over the plan's zones (this hour, or per day)."""
        key = (id(plan), hour)
        if key not in self._cum:
            rates = self.rates()
            w = rates.sum(axis=0) if hour is None else rates[hour]
            cum = np.cumsum(w[plan.zone_array])
            self._cum[key] = (cum.tolist(), float(cum[-1]))
        return self._cum[key]
