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
from sim.demand.arrivals import draw_attributes
from sim.demand.parking import (
    ZoneSupply,
    day_hour_weights,
    minutes_by_hour,
    poisson_times,
    zone_supply,
)
from sim.demand.vendors import neighbour_lists
from sim.rng import Streams
from sim.scenario.demand import VEHICLES, Parking, VehicleBehaviour
from sim.scenario.model import Clock, Scenario
from sim.scenario.offenders import SpillOver


@dataclass
class ZoneArrivals:
    """One zone's arrivals of one vehicle kind (sorted), as drawn before any decision."""

    t: np.ndarray
    dwell: np.ndarray
    u: np.ndarray  # the driver's uniform for the illegal-parking decision

    @property
    def end(self) -> np.ndarray:
        return self.t + self.dwell


@dataclass
class SpillResult:
    """Outcome per zone: legal stays, blocked drivers deciding there, and the moves."""

    legal: list[list[tuple[float, float]]]  # per zone (arrival, departure) of legal stays
    deciding: list[list[tuple[float, int, int]]]  # per zone (t, origin zone, arrival index)
    blocked: np.ndarray  # per zone: own arrivals in the window that found it full
    spilled_out: np.ndarray  # per zone: blocked drivers (window) who tried a neighbour
    spilled_in: np.ndarray  # per zone: drivers from a neighbour (window) who parked legally


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
    z = len(arrivals)
    near = neighbour_lists(layout, spill.walk_m)
    lots = JointLots(capacity)
    out = SpillResult([[] for _ in range(z)], [[] for _ in range(z)],
                      np.zeros(z, np.int64), np.zeros(z, np.int64), np.zeros(z, np.int64))
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
            out.spilled_out[zone] += inside
            if lots.try_park(where, t, end):
                out.legal[where].append((t, end))
                out.spilled_in[where] += inside
                continue
        out.deciding[where].append((t, zone, k))
    return out


def _in_time_order(arrivals: list[ZoneArrivals]) -> list[tuple[float, int, int]]:
    """(t, zone, index) of every arrival, sorted by time then zone."""
    t = np.concatenate([a.t for a in arrivals]) if arrivals else np.empty(0)
    zone = np.concatenate([np.full(len(a.t), i) for i, a in enumerate(arrivals)])
    index = np.concatenate([np.arange(len(a.t)) for a in arrivals])
    order = np.lexsort((zone, t))
    return list(zip(t[order].tolist(), zone[order].tolist(), index[order].tolist()))


def draw_zone(
    sup: ZoneSupply, behaviour: VehicleBehaviour, clock: Clock, rng: np.random.Generator
) -> ZoneArrivals:
    """A zone's arrivals, dwells and uniforms, drawn as ``generate_parking`` draws them."""
    w = day_hour_weights(sup.hour_profile, behaviour.dow_profile, clock.days,
                         clock.start_weekday)
    t = poisson_times(sup.arrivals_per_day * w, rng)
    dwell = sup.dwell.sample(rng, len(t))
    return ZoneArrivals(t, dwell, rng.random(len(t)))


def spill_vehicle(
    scenario: Scenario, layout: Layout, streams: Streams, v: int, steps: int,
    tallies: dict[str, np.ndarray],
) -> list[dict[str, np.ndarray]]:
    """One vehicle kind with spill-over: fills the zone tallies, returns the candidates."""
    spec = scenario.demand.parking
    vehicle = VEHICLES[v]
    behaviour = getattr(spec, vehicle)
    sups = [zone_supply(spec, zid, kind, vehicle)
            for zid, kind in zip(layout.zone_ids, layout.zone_kinds)]
    arrivals = [draw_zone(sup, behaviour, scenario.clock, streams.get(f"parking/{vehicle}/{zid}"))
                if sup.arrivals_per_day > 0 else ZoneArrivals(*np.empty((3, 0)))
                for sup, zid in zip(sups, layout.zone_ids)]
    capacity = [s.capacity for s in sups]
    chances = spill_chances(spec.spill, [_barriers(spec, zid, vehicle) for zid in layout.zone_ids])
    res = solve(arrivals, capacity, chances, layout, spec.spill,
                streams.get(f"parking_spill/{vehicle}"))
    _tally(tallies, v, layout, arrivals, capacity, res)
    type_idx = layout.type_names.index(behaviour.incident_type) \
        if behaviour.incident_type in layout.type_names else -1
    if type_idx < 0:
        return []
    return [part for zi in range(layout.n_zones)
            if (part := _candidates(scenario, layout, streams, v, zi, steps, sups[zi], arrivals,
                                    res.deciding[zi], type_idx)) is not None]


def _barriers(spec: Parking, zone_id: str, vehicle: str) -> float:
    measure = spec.measures.get(zone_id)
    return measure.barriers if measure is not None and vehicle == "motor" else 0.0


def _tally(
    tallies: dict[str, np.ndarray], v: int, layout: Layout, arrivals: list[ZoneArrivals],
    capacity: list[int], res: SpillResult,
) -> None:
    t0, t1 = layout.warmup, layout.horizon
    for zi, a in enumerate(arrivals):
        stays = np.array(res.legal[zi], dtype=float).reshape(-1, 2)
        tallies["capacity"][zi, v] = capacity[zi]
        tallies["legal_min"][zi, v] = minutes_by_hour(stays[:, 0], stays[:, 1], t0, t1)
        tallies["arrivals"][zi, v] = int(np.count_nonzero(a.t >= t0))
    tallies["blocked"][:, v] = res.blocked
    tallies["spill"][:, v, 0] = res.spilled_out
    tallies["spill"][:, v, 1] = res.spilled_in


def _candidates(
    scenario: Scenario, layout: Layout, streams: Streams, v: int, zi: int, steps: int,
    sup: ZoneSupply, arrivals: list[ZoneArrivals], deciding: list[tuple[float, int, int]],
    type_idx: int,
) -> dict[str, np.ndarray] | None:
    """Drivers blocked where they decide (zone ``zi``) who may park illegally there."""
    if not deciding:
        return None
    vehicle = VEHICLES[v]
    behaviour = getattr(scenario.demand.parking, vehicle)
    tc = np.array([d[0] for d in deciding])
    u = np.array([arrivals[z].u[k] for _, z, k in deciding])
    dwell = np.array([arrivals[z].dwell[k] for _, z, k in deciding])
    pick = np.flatnonzero(u < sup.p_max)
    if not len(pick):
        return None
    tc = tc[pick]
    zid = layout.zone_ids[zi]
    attrs = draw_attributes(scenario, layout, behaviour.incident_type, tc, np.full(len(tc), zi),
                            streams.get(f"parking_attributes/{vehicle}/{zid}"), steps)
    attrs["t_selfclear"] = tc + dwell[pick] * behaviour.illegal_dwell_factor
    return {"t": tc, "zone": np.full(len(tc), zi), "vehicle": np.full(len(tc), v),
            "type_idx": np.full(len(tc), type_idx), "p_max": np.full(len(tc), sup.p_max),
            "u": u[pick], **attrs}
