"""Parking spill-over: blocked drivers who try a neighbouring zone (joint loss systems).

With spill-over the zones' loss systems are coupled (a driver blocked in A may take the last
space in B), so they are solved together, one vehicle kind at a time, in time order: per
zone a count of parked vehicles and a heap of their departures. Arrivals, dwells and the
drivers' uniforms are drawn from the same streams, in the same order, as without spill-over;
the choices of who tries a neighbour and which come from ``parking_spill/<kind>``. See
``sim.scenario.offenders.SpillOver`` for the rule. Costs a Python step per arrival, so it
is used only when ``demand.parking.spill.walk_m`` > 0.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np

from sim.compiled import Layout
from sim.demand.arrivals import type_index
from sim.demand.hourly import minutes_by_hour
from sim.demand.parking_zone import (
    DemandDraw,
    ParkingTallies,
    Part,
    ZoneArrivals,
    ZoneSupply,
    draw_zone,
    illegal_candidates,
    zone_supply,
)
from sim.demand.vendors import neighbour_lists
from sim.scenario.demand import VEHICLES, Parking
from sim.scenario.offenders import SpillOver


@dataclass
class SpillResult:
    """Outcome per zone: legal stays, blocked drivers deciding there, and the moves."""

    legal: list[list[tuple[float, float]]]  # per zone (arrival, departure) of legal stays
    deciding: list[list[tuple[float, int, int]]]  # per zone (t, origin zone, arrival index)
    blocked: np.ndarray  # per zone: own arrivals in the window that found it full
    spilled_out: np.ndarray  # per zone: blocked drivers (window) who tried a neighbour
    spilled_in: np.ndarray  # per zone: drivers from a neighbour (window) who parked legally

    @classmethod
    def empty(cls, zones: int) -> SpillResult:
        return cls([[] for _ in range(zones)], [[] for _ in range(zones)],
                   np.zeros(zones, np.int64), np.zeros(zones, np.int64), np.zeros(zones, np.int64))


class JointLots:
    """The parked vehicles of every zone: a count and a heap of departures each."""

    def __init__(self, capacity: list[int]) -> None:
        self.capacity = capacity
        self.heaps: list[list[float]] = [[] for _ in capacity]

    def try_park(self, zone: int, t: float, end: float) -> bool:
        """Park in ``zone`` at ``t`` until ``end`` if a space is free (a departure at ``t``
        frees its space)."""
        heap = self.heaps[zone]
        while heap and heap[0] <= t:
            heapq.heappop(heap)
        if len(heap) >= self.capacity[zone]:
            return False
        heapq.heappush(heap, end if end > t else math.nextafter(t, math.inf))
        return True


def spill_chances(spill: SpillOver, barriers: list[float]) -> list[float]:
    """Per zone: chance a blocked driver tries a neighbour, 1 − (1 − p)(1 − barriers)."""
    return [1.0 - (1.0 - spill.probability) * (1.0 - b) for b in barriers]


def solve(
    arrivals: list[ZoneArrivals], capacity: list[int], chances: list[float],
    layout: Layout, spill: SpillOver, rng: np.random.Generator,
) -> SpillResult:
    """Every zone's arrivals in time order (ties by zone), with spill-over."""
    near = neighbour_lists(layout, spill.walk_m)
    lots = JointLots(capacity)
    out = SpillResult.empty(len(arrivals))
    t0 = layout.warmup
    ends = [a.end.tolist() for a in arrivals]
    for t, zone, k in _in_time_order(arrivals):
        end = ends[zone][k]
        if lots.try_park(zone, t, end):
            out.legal[zone].append((t, end))
            continue
        inside = t >= t0
        out.blocked[zone] += inside
        where = zone
        if near[zone] and rng.random() < chances[zone]:
            where = near[zone][int(rng.integers(len(near[zone])))]
            if _parked_next_door(out, lots, zone, where, t, end, inside):
                continue
        out.deciding[where].append((t, zone, k))
    return out


def _parked_next_door(out: SpillResult, lots: JointLots, zone: int, where: int, t: float,
                      end: float, inside: bool) -> bool:
    """A driver blocked in ``zone`` tries ``where``: did it find a legal space there?"""
    out.spilled_out[zone] += inside
    if not lots.try_park(where, t, end):
        return False
    out.legal[where].append((t, end))
    out.spilled_in[where] += inside
    return True


def _in_time_order(arrivals: list[ZoneArrivals]) -> list[tuple[float, int, int]]:
    """(t, zone, index) of every arrival, sorted by time then zone."""
    t = np.concatenate([a.t for a in arrivals]) if arrivals else np.empty(0)
    zone = np.concatenate([np.full(len(a.t), i) for i, a in enumerate(arrivals)])
    index = np.concatenate([np.arange(len(a.t)) for a in arrivals])
    order = np.lexsort((zone, t))
    return list(zip(t[order].tolist(), zone[order].tolist(), index[order].tolist()))


def spill_vehicle(draw: DemandDraw, v: int, tallies: ParkingTallies) -> list[Part]:
    """One vehicle kind with spill-over: fills the zone tallies, returns the candidates."""
    spec, layout, vehicle = draw.scenario.demand.parking, draw.layout, VEHICLES[v]
    sups = _supplies(spec, layout, vehicle)
    arrivals = [_draw(draw, v, zi, sup) for zi, sup in enumerate(sups)]
    capacity = [s.capacity for s in sups]
    chances = _chances(spec, layout, vehicle)
    res = solve(arrivals, capacity, chances, layout, spec.spill,
                draw.streams.get(f"parking_spill/{vehicle}"))
    _tally(tallies, v, layout, arrivals, capacity, res)
    type_idx = type_index(layout, getattr(spec, vehicle).incident_type)
    return _all_candidates(draw, v, sups, arrivals, res, type_idx) if type_idx >= 0 else []


def _supplies(spec: Parking, layout: Layout, vehicle: str) -> list[ZoneSupply]:
    """Every zone's supply for one vehicle kind, in layout order."""
    return [zone_supply(spec, zid, kind, vehicle)
            for zid, kind in zip(layout.zone_ids, layout.zone_kinds)]


def _chances(spec: Parking, layout: Layout, vehicle: str) -> list[float]:
    """Per zone: the chance a blocked driver of this kind tries a neighbour."""
    return spill_chances(spec.spill, [_barriers(spec, zid, vehicle) for zid in layout.zone_ids])


def _all_candidates(draw: DemandDraw, v: int, sups: list[ZoneSupply],
                    arrivals: list[ZoneArrivals], res: SpillResult, type_idx: int) -> list[Part]:
    """Every zone's candidates of vehicle kind ``v``, zone by zone."""
    parts = (_candidates(draw, v, zi, sup.p_max, arrivals, res.deciding[zi], type_idx)
             for zi, sup in enumerate(sups))
    return [part for part in parts if part is not None]


def _draw(draw: DemandDraw, v: int, zi: int, sup: ZoneSupply) -> ZoneArrivals:
    """A zone's arrivals of vehicle kind ``v`` (none without demand)."""
    if sup.arrivals_per_day <= 0:
        return ZoneArrivals(*np.empty((3, 0)))
    vehicle = VEHICLES[v]
    stream = draw.streams.get(f"parking/{vehicle}/{draw.layout.zone_ids[zi]}")
    return draw_zone(sup, getattr(draw.scenario.demand.parking, vehicle), draw.scenario.clock,
                     stream)


def _barriers(spec: Parking, zone_id: str, vehicle: str) -> float:
    """Share of the zone's kerb the barriers make unparkable (cars only)."""
    measure = spec.measures.get(zone_id)
    return measure.barriers if measure is not None and vehicle == "motor" else 0.0


def _tally(tallies: ParkingTallies, v: int, layout: Layout, arrivals: list[ZoneArrivals],
           capacity: list[int], res: SpillResult) -> None:
    """The window aggregates of one vehicle kind, zone by zone, then the moves."""
    for zi, a in enumerate(arrivals):
        tallies.capacity[zi, v] = capacity[zi]
        tallies.legal_min[zi, v] = _legal_minutes(res.legal[zi], layout)
        tallies.arrivals[zi, v] = int(np.count_nonzero(a.t >= layout.warmup))
    _tally_moves(tallies, v, res)


def _legal_minutes(stays: list[tuple[float, float]], layout: Layout) -> np.ndarray:
    """Minutes of legal stays in each hour of day, inside the observation window."""
    spans = np.array(stays, dtype=float).reshape(-1, 2)
    return minutes_by_hour(spans[:, 0], spans[:, 1], layout.warmup, layout.horizon)


def _tally_moves(tallies: ParkingTallies, v: int, res: SpillResult) -> None:
    """Blocked drivers, and those who moved out and in, per zone."""
    tallies.blocked[:, v] = res.blocked
    assert tallies.spill is not None  # spill-over tallies have their moves
    tallies.spill[:, v, 0] = res.spilled_out
    tallies.spill[:, v, 1] = res.spilled_in


def _candidates(draw: DemandDraw, v: int, zi: int, p_max: float, arrivals: list[ZoneArrivals],
                deciding: list[tuple[float, int, int]], type_idx: int) -> Part | None:
    """Drivers blocked where they decide (zone ``zi``) who may park illegally there."""
    if not deciding:
        return None
    blocked = _deciding_drivers(arrivals, deciding)
    pick = np.flatnonzero(blocked.u < p_max)
    if not len(pick):
        return None
    drivers = ZoneArrivals(blocked.t[pick], blocked.dwell[pick], blocked.u[pick])
    return illegal_candidates(draw, v, zi, type_idx, p_max, drivers)


def _deciding_drivers(arrivals: list[ZoneArrivals],
                      deciding: list[tuple[float, int, int]]) -> ZoneArrivals:
    """The drivers deciding in one zone: when they decide, their dwell and their uniform."""
    tc = np.array([d[0] for d in deciding])
    u = np.array([arrivals[z].u[k] for _, z, k in deciding])
    dwell = np.array([arrivals[z].dwell[k] for _, z, k in deciding])
    return ZoneArrivals(tc, dwell, u)
