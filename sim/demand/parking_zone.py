"""One zone × vehicle kind of the parking model: supply, arrivals, and blocked drivers.

The supply is the zone kind's defaults, patched by the zone's own values, then changed by the
zone's supply measures (more spaces, barriers). Arrivals, dwells and the drivers' uniforms are
drawn from the zone's stream ``parking/<kind>/<zone>`` in a fixed order, so they are the same
with and without spill-over. Blocked drivers who would park illegally at zero perceived risk
become *candidates*, handed to the engine with their incident attributes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.compiled import Layout
from sim.demand.arrivals import draw_attributes
from sim.demand.hourly import day_hour_weights, poisson_times
from sim.demand.zone_kinds import for_kind
from sim.rng import Streams
from sim.scenario.demand import VEHICLES, Measures, Parking, Supply, SupplyPatch, VehicleBehaviour
from sim.scenario.distributions import Distribution
from sim.scenario.model import Clock, Scenario

Part = dict[str, np.ndarray]  # candidates of one zone and vehicle kind, column by column


@dataclass(frozen=True)
class DemandDraw:
    """What the parking generators of one replication read."""

    scenario: Scenario
    layout: Layout
    streams: Streams
    steps: int  # the longest enforcement ladder (columns of ``u_ladder``)


@dataclass
class ParkingTallies:
    """Window aggregates per zone × vehicle kind (see ``ParkingDemand``)."""

    capacity: np.ndarray  # (zones, 2) legal spaces
    legal_min: np.ndarray  # (zones, 2, 24) vehicle-minutes parked legally, by hour of day
    arrivals: np.ndarray  # (zones, 2) vehicles arriving in the window
    blocked: np.ndarray  # (zones, 2) of which found the legal spaces full
    spill: np.ndarray | None  # (zones, 2, 2) spilled out, spilled in (spill-over on)

    @classmethod
    def zeros(cls, zones: int, spill: bool) -> ParkingTallies:
        counts = (zones, 2)
        return cls(np.zeros(counts, dtype=np.int64), np.zeros((zones, 2, 24)),
                   np.zeros(counts, dtype=np.int64), np.zeros(counts, dtype=np.int64),
                   np.zeros((zones, 2, 2), dtype=np.int64) if spill else None)


@dataclass
class ZoneSupply:
    """One zone × vehicle kind, after kind defaults, zone overrides and measures."""

    arrivals_per_day: float
    capacity: int
    p_max: float  # chance to park illegally when blocked, at zero perceived risk
    dwell: Distribution
    hour_profile: list[float]


@dataclass
class ZoneArrivals:
    """One zone's arrivals of one vehicle kind (sorted), as drawn before any decision."""

    t: np.ndarray
    dwell: np.ndarray
    u: np.ndarray  # the driver's uniform for the illegal-parking decision

    @property
    def end(self) -> np.ndarray:
        return self.t + self.dwell


def _patched(base: Supply, patch: SupplyPatch | None) -> Supply:
    if patch is None:
        return base
    return base.model_copy(update=patch.model_dump(exclude_none=True))


def _base_supply(spec: Parking, zone_id: str, zone_kind: str, vehicle: str) -> Supply:
    """The zone kind's supply of ``vehicle``, patched by the zone's own values."""
    defaults = for_kind(spec.zone_kinds, zone_kind, None)
    base = getattr(defaults, vehicle) if defaults is not None else Supply()
    patch = spec.zones.get(zone_id)
    return _patched(base, getattr(patch, vehicle) if patch is not None else None)


def _measure_effect(measure: Measures | None, vehicle: str) -> tuple[int, float]:
    """(spaces added, barrier share) of a zone's supply measures for ``vehicle``."""
    if measure is None:
        return 0, 0.0
    if vehicle == "motor":
        return measure.motor_spaces, measure.barriers
    return measure.nonmotor_spaces + measure.ebike_bays, 0.0


def zone_supply(spec: Parking, zone_id: str, zone_kind: str, vehicle: str) -> ZoneSupply:
    """The supply of one zone and vehicle kind: kind defaults, zone patch, measures."""
    supply = _base_supply(spec, zone_id, zone_kind, vehicle)
    behaviour = getattr(spec, vehicle)
    extra, barrier = _measure_effect(spec.measures.get(zone_id), vehicle)
    willing = 1.0 - np.exp(-supply.search_min / behaviour.patience_min)
    return ZoneSupply(
        arrivals_per_day=supply.arrivals_per_day,
        capacity=supply.capacity + extra,
        p_max=float(behaviour.propensity * willing * (1.0 - barrier)),
        dwell=supply.dwell or behaviour.dwell,
        hour_profile=supply.hour_profile or behaviour.hour_profile,
    )


def charging_share(spec: Parking, zone_id: str, zone_kind: str) -> float:
    """Share of the zone's non-motor arrivals that need a charge (zone patch, else kind)."""
    patch = spec.zones.get(zone_id)
    if patch is not None and patch.charging_share is not None:
        return patch.charging_share
    defaults = for_kind(spec.zone_kinds, zone_kind, None)
    return defaults.charging_share if defaults is not None else 0.0


def draw_zone(sup: ZoneSupply, behaviour: VehicleBehaviour, clock: Clock,
              rng: np.random.Generator) -> ZoneArrivals:
    """A zone's arrivals, dwells and uniforms, in this order from the zone's stream."""
    w = day_hour_weights(sup.hour_profile, behaviour.dow_profile, clock.days,
                         clock.start_weekday)
    t = poisson_times(sup.arrivals_per_day * w, rng)
    dwell = sup.dwell.sample(rng, len(t))
    return ZoneArrivals(t, dwell, rng.random(len(t)))


def illegal_candidates(draw: DemandDraw, v: int, zi: int, type_idx: int, p_max: float,
                       drivers: ZoneArrivals) -> Part:
    """Blocked drivers of vehicle kind ``v`` who may park illegally in zone ``zi``."""
    vehicle = VEHICLES[v]
    behaviour = getattr(draw.scenario.demand.parking, vehicle)
    tc = drivers.t
    n = len(tc)
    stream = draw.streams.get(f"parking_attributes/{vehicle}/{draw.layout.zone_ids[zi]}")
    attrs = draw_attributes(draw.scenario, draw.layout, behaviour.incident_type, tc,
                            np.full(n, zi), stream, draw.steps)
    attrs["t_selfclear"] = tc + drivers.dwell * behaviour.illegal_dwell_factor
    return {"t": tc, "zone": np.full(n, zi), "vehicle": np.full(n, v),
            "type_idx": np.full(n, type_idx), "p_max": np.full(n, p_max), "u": drivers.u,
            **attrs}
