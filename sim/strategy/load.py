"""Expected disorder load of a scenario by zone and clock hour (numpy, no SimPy).

The load is the scenario's own demand, from every source, averaged over the days of the week:

- catalog incident types with fixed rates: their expected incidents per zone and hour
  (``sim.demand.arrivals.hourly_rates``), exactly;
- behavioural sources, when the scenario enables them (``demand.vendors``,
  ``demand.parking`` with its charging wires): counted in a probe of ``probe_days`` days
  drawn by their own generators on a replication number no run uses. Vendors count as the
  set-ups they attempt and drivers as the blocked ones who may park illegally, i.e. the load
  with no officer deterring anyone.

Recurrences and displaced vendors are not included: this is the exogenous demand a planner
deploys against.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sim.compiled import Layout
from sim.demand.arrivals import hourly_rates
from sim.rng import Streams
from sim.scenario.model import Scenario

__all__ = ["PROBE_REPLICATION", "hour_load", "zone_hour_rates"]

PROBE_REPLICATION = 2**31 - 1  # streams of the demand probe: independent of every run's


def _catalog(scenario: Scenario, layout: Layout) -> np.ndarray:
    """Expected incidents per (clock hour, zone) of the fixed-rate types, weekly average."""
    week = scenario.model_copy(update={"clock": scenario.clock.model_copy(update={"days": 7})})
    total = np.zeros((24, layout.n_zones))
    for name in layout.type_names:
        rates = hourly_rates(week, layout, name)  # (zones, 7 * 24)
        total += rates.reshape(layout.n_zones, 7, 24).mean(axis=1).T
    return total


def _count(times: np.ndarray, zones: np.ndarray, n_zones: int) -> np.ndarray:
    """Events per (clock hour, zone)."""
    out = np.zeros((24, n_zones))
    hours = (np.asarray(times, dtype=float) // 60).astype(np.int64) % 24
    np.add.at(out, (hours, np.asarray(zones, dtype=np.int64)), 1.0)
    return out


def _behavioural(scenario: Scenario, layout: Layout, days: int) -> np.ndarray:
    """Vendor set-up attempts, illegal-parking candidates and wires per (hour, zone) per day."""
    demand = getattr(scenario, "demand", None)
    if demand is None:
        return np.zeros((24, layout.n_zones))
    probe, probe_layout = _probe(scenario, layout, days)
    streams = Streams(scenario.seed, PROBE_REPLICATION)
    total = np.zeros((24, layout.n_zones))
    if demand.vendors.enabled and demand.vendors.incident_type in layout.type_names:
        total += _vendor_counts(probe, probe_layout, streams)
    if demand.parking.enabled:
        total += _parking_counts(probe, probe_layout, streams)
    return total / days


def _probe(scenario: Scenario, layout: Layout, days: int) -> tuple[Scenario, Layout]:
    """The scenario and layout run for ``days`` days with no warm-up."""
    clock = scenario.clock.model_copy(update={"days": days, "warmup_days": 0})
    probe = scenario.model_copy(update={"clock": clock})
    return probe, replace(layout, horizon=days * 1440.0, warmup=0.0)


def _vendor_counts(probe: Scenario, layout: Layout, streams: Streams) -> np.ndarray:
    """Vendor set-up attempts per (hour, zone) over the probe."""
    from sim.demand.vendors import generate_vendors

    plan = generate_vendors(probe, layout, streams)
    return _count(plan.t, plan.zone, layout.n_zones)


def _parking_counts(probe: Scenario, layout: Layout, streams: Streams) -> np.ndarray:
    """Illegal-parking candidates and charging wires per (hour, zone) over the probe."""
    from sim.demand.parking import generate_parking

    parking = generate_parking(probe, layout, streams)
    cand = parking.candidates
    total = _count(cand["t"], cand["zone"], layout.n_zones)
    if parking.wires is not None:
        total += _count(parking.wires.t_occur, parking.wires.zone_idx, layout.n_zones)
    return total


def zone_hour_rates(scenario: Scenario, layout: Layout, probe_days: int = 7) -> np.ndarray:
    """Expected incidents per clock hour and zone, averaged over a week, from every source.

    Args:
        scenario: The scenario (its clock length is ignored).
        layout: Its compiled layout.
        probe_days: Days drawn to estimate the behavioural sources (vendors, parking).

    Returns:
        A (24, zones) array; its sum is the expected incidents per day.
    """
    return _catalog(scenario, layout) + _behavioural(scenario, layout, probe_days)


def hour_load(scenario: Scenario, layout: Layout, probe_days: int = 28) -> np.ndarray:
    """Expected incidents per clock hour in the whole district (24 values)."""
    return zone_hour_rates(scenario, layout, probe_days).sum(axis=1)
