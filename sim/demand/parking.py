"""Parking demand against legal supply, generated before the run with numpy.

Per zone and vehicle kind (motor, nonmotor) arrivals are a non-homogeneous Poisson process
(rate constant within each clock hour, sampled exactly), each with a dwell time. Legal
spaces form a loss system (M/G/c/c): a vehicle parks legally if a space is free, otherwise
it is *blocked*. Officers cannot change who finds a free space, so the loss system is solved
here, exactly, by :func:`loss_system`. Only blocked vehicles that could park illegally at zero
perceived risk (``u < p_max``) are handed to the engine, which decides at their arrival time
with the perceived risk of that moment. E-bike charging is a second loss system (piles);
an owner who finds no free pile may pull a private wire: an exogenous incident
(``sim.demand.charging``). With spill-over on, blocked drivers may try a neighbouring zone
(``sim.demand.spillover``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.compiled import Layout
from sim.demand.arrivals import IncidentBatch, max_ladder_length, type_index
from sim.demand.charging import charging_demand
from sim.demand.hourly import minutes_by_hour, poisson_times
from sim.demand.loss import loss_system
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
from sim.demand.spillover import spill_vehicle
from sim.rng import Streams
from sim.scenario.demand import VEHICLES
from sim.scenario.model import Scenario

__all__ = ["MOTOR", "NONMOTOR", "ParkingDemand", "generate_parking", "loss_system",
           "minutes_by_hour", "poisson_times"]

MOTOR, NONMOTOR = 0, 1


@dataclass
class ParkingDemand:
    """Everything the engine and the metrics need from the parking model.

    Window aggregates cover the observation window [warm-up, horizon).
    """

    candidates: dict[str, np.ndarray]  # blocked vehicles that may park illegally, by time
    capacity: np.ndarray  # (zones, 2) legal spaces
    legal_min: np.ndarray  # (zones, 2, 24) vehicle-minutes parked legally, by hour of day
    arrivals: np.ndarray  # (zones, 2) vehicles arriving in the window
    blocked: np.ndarray  # (zones, 2) of which found the legal spaces full
    charging: np.ndarray  # (zones, 3) needing a charge, charged at a pile, wires pulled
    observed_min: np.ndarray  # (24,) minutes of each hour of day in the window
    wires: IncidentBatch | None  # charging-wire incidents (exogenous)
    spill: np.ndarray | None = None  # (zones, 2, 2) spilled out, spilled in (spill-over on)


def generate_parking(scenario: Scenario, layout: Layout, streams: Streams) -> ParkingDemand:
    """Parking and charging demand of one replication (streams per zone and vehicle kind)."""
    draw = DemandDraw(scenario, layout, streams, max_ladder_length(scenario, layout))
    spill = scenario.demand.parking.spill.walk_m > 0
    tallies = ParkingTallies.zeros(layout.n_zones, spill)
    solve = spill_vehicle if spill else _vehicle
    parts = [part for v in range(len(VEHICLES)) for part in solve(draw, v, tallies)]
    charging, wires = charging_demand(scenario, layout, streams, draw.steps)
    return ParkingDemand(
        candidates=_merge(parts, draw.steps), capacity=tallies.capacity,
        legal_min=tallies.legal_min, arrivals=tallies.arrivals, blocked=tallies.blocked,
        charging=charging, observed_min=_observed_minutes(layout), wires=wires,
        spill=tallies.spill,
    )


def _observed_minutes(layout: Layout) -> np.ndarray:
    """Minutes of each hour of day inside the observation window [warm-up, horizon)."""
    t0, t1 = layout.warmup, layout.horizon
    return minutes_by_hour(np.array([t0]), np.array([t1]), t0, t1)


def _vehicle(draw: DemandDraw, v: int, tallies: ParkingTallies) -> list[Part]:
    """One vehicle kind without spill-over: every zone on its own."""
    behaviour = getattr(draw.scenario.demand.parking, VEHICLES[v])
    type_idx = type_index(draw.layout, behaviour.incident_type)
    return [part for zi in range(draw.layout.n_zones)
            if (part := _zone(draw, v, zi, type_idx, tallies)) is not None]


def _zone(draw: DemandDraw, v: int, zi: int, type_idx: int,
          tallies: ParkingTallies) -> Part | None:
    """One zone × vehicle kind: its loss system and tallies; its candidates (None: none)."""
    zid, vehicle = draw.layout.zone_ids[zi], VEHICLES[v]
    sup = zone_supply(draw.scenario.demand.parking, zid, draw.layout.zone_kinds[zi], vehicle)
    tallies.capacity[zi, v] = sup.capacity
    if sup.arrivals_per_day <= 0:
        return None
    a = _arrivals(draw, sup, vehicle, zid)
    end = a.end
    blocked = loss_system(a.t, end, sup.capacity)
    _tally_zone(tallies, zi, v, a.t, end, blocked, draw.layout)
    return _zone_candidates(draw, v, zi, type_idx, sup.p_max, a, blocked)


def _arrivals(draw: DemandDraw, sup: ZoneSupply, vehicle: str, zone_id: str) -> ZoneArrivals:
    """The zone's vehicles of one kind: arrival, dwell and risk uniform, from its stream."""
    behaviour = getattr(draw.scenario.demand.parking, vehicle)
    rng = draw.streams.get(f"parking/{vehicle}/{zone_id}")
    return draw_zone(sup, behaviour, draw.scenario.clock, rng)


def _zone_candidates(draw: DemandDraw, v: int, zi: int, type_idx: int, p_max: float,
                     a: ZoneArrivals, blocked: np.ndarray) -> Part | None:
    """The blocked drivers who would park illegally at zero perceived risk (None: none)."""
    if type_idx < 0:
        return None
    pick = _risk_takers(blocked, a.u, p_max)
    if not len(pick):
        return None
    drivers = ZoneArrivals(a.t[pick], a.dwell[pick], a.u[pick])
    return illegal_candidates(draw, v, zi, type_idx, p_max, drivers)


def _risk_takers(blocked: np.ndarray, u: np.ndarray, p_max: float) -> np.ndarray:
    """Positions of the blocked drivers who would park illegally at zero perceived risk."""
    pick = np.flatnonzero(blocked)
    return pick[u[pick] < p_max]


def _tally_zone(tallies: ParkingTallies, zi: int, v: int, t: np.ndarray, end: np.ndarray,
                blocked: np.ndarray, layout: Layout) -> None:
    """Legal vehicle-minutes, arrivals and blocked arrivals of the window, for one zone."""
    ok = ~blocked
    tallies.legal_min[zi, v] = minutes_by_hour(t[ok], end[ok], layout.warmup, layout.horizon)
    first = int(np.searchsorted(t, layout.warmup))  # t is sorted: the window starts here
    tallies.arrivals[zi, v] = len(t) - first
    tallies.blocked[zi, v] = np.count_nonzero(blocked[first:])


def _empty_candidates(steps: int) -> dict[str, np.ndarray]:
    """The candidate columns with no row."""
    floats = {k: np.empty(0) for k in ("t", "p_max", "u", "t_selfclear", "t_report",
                                       "t_merchant", "u_flee")}
    ints = {k: np.empty(0, dtype=np.int64) for k in ("zone", "vehicle", "type_idx",
                                                     "report_channel")}
    return {**floats, **ints, "u_ladder": np.ones((0, steps))}


def _merge(parts: list[Part], steps: int) -> dict[str, np.ndarray]:
    """Every zone's candidates in one table, by time (ties: zone, then vehicle kind)."""
    if not parts:
        return _empty_candidates(steps)
    merged = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    order = np.lexsort((merged["vehicle"], merged["zone"], merged["t"]))
    return {k: a[order] for k, a in merged.items()}
