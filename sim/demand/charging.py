"""E-bike charging: owners needing a charge meet the piles (a loss system); an owner who
finds no free pile may pull a private wire, an exogenous incident."""

from __future__ import annotations

import numpy as np

from sim.compiled import Layout
from sim.demand.arrivals import IncidentBatch, draw_attributes, type_index
from sim.demand.hourly import day_hour_weights, poisson_times
from sim.demand.loss import loss_system
from sim.demand.parking_zone import charging_share, zone_supply
from sim.rng import Streams
from sim.scenario.demand import Parking
from sim.scenario.model import Scenario

Wires = tuple[int, np.ndarray]  # (zone index, times of the wires pulled there)


def charging_demand(scenario: Scenario, layout: Layout, streams: Streams,
                    steps: int) -> tuple[np.ndarray, IncidentBatch | None]:
    """Per zone (needing a charge, charged at a pile, wires pulled), and the wire incidents."""
    counts = np.zeros((layout.n_zones, 3), dtype=np.int64)
    wires = [w for zi in range(layout.n_zones)
             if (w := _zone_charging(scenario, layout, streams, zi, counts)) is not None]
    type_idx = type_index(layout, scenario.demand.parking.charging.incident_type)
    if type_idx < 0 or not wires:
        return counts, None
    return counts, _wire_batch(scenario, layout, streams, steps, wires, type_idx)


def _zone_charging(
    scenario: Scenario, layout: Layout, streams: Streams, zi: int, counts: np.ndarray
) -> Wires | None:
    """One zone's charging: fills its row of ``counts``, returns its wires (None: no demand)."""
    spec = scenario.demand.parking
    zid = layout.zone_ids[zi]
    per_day = _needing_charge_per_day(spec, zid, layout.zone_kinds[zi])
    if per_day <= 0:
        return None
    t, duration, u = _draw(scenario, streams.get(f"charging/{zid}"), per_day)
    blocked = loss_system(t, t + duration, _ports(spec, zid))
    wire = blocked & (u < spec.charging.wire_probability)
    inside = t >= layout.warmup
    counts[zi] = [inside.sum(), (~blocked & inside).sum(), (wire & inside).sum()]
    return zi, t[wire]


def _needing_charge_per_day(spec: Parking, zone_id: str, kind: str) -> float:
    """E-bikes arriving in the zone per day that need a charge."""
    arrivals = zone_supply(spec, zone_id, kind, "nonmotor").arrivals_per_day
    return charging_share(spec, zone_id, kind) * arrivals


def _draw(scenario: Scenario, rng: np.random.Generator, per_day: float
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(arrival, charging time, wire uniform) of a zone's e-bikes needing a charge."""
    spec, clock = scenario.demand.parking, scenario.clock
    w = day_hour_weights(spec.charging.hour_profile, spec.nonmotor.dow_profile, clock.days,
                         clock.start_weekday)
    t = poisson_times(per_day * w, rng)
    duration = spec.charging.duration.sample(rng, len(t))
    return t, duration, rng.random(len(t))


def _ports(spec: Parking, zone_id: str) -> int:
    """Charging ports of the zone's piles (a supply measure; none without one)."""
    measure = spec.measures.get(zone_id)
    piles = measure.charging_piles if measure is not None else 0
    return piles * spec.charging.ports_per_pile


def _wire_batch(scenario: Scenario, layout: Layout, streams: Streams, steps: int,
                wires: list[Wires], type_idx: int) -> IncidentBatch:
    """The wires of every zone as incidents, by time (ties: zone)."""
    t_all, z_all = _in_time_order(wires)
    attrs = draw_attributes(scenario, layout, scenario.demand.parking.charging.incident_type,
                            t_all, z_all, streams.get("charging_attributes"), steps)
    return IncidentBatch(t_occur=t_all, type_idx=np.full(len(t_all), type_idx),
                         zone_idx=z_all, **attrs)


def _in_time_order(wires: list[Wires]) -> tuple[np.ndarray, np.ndarray]:
    """(time, zone) of every zone's wires, by time (ties: zone)."""
    t_all = np.concatenate([t for _, t in wires])
    z_all = np.concatenate([np.full(len(t), zi) for zi, t in wires])
    order = np.lexsort((z_all, t_all))
    return t_all[order], z_all[order]
