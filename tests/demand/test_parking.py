"""Parking demand: the loss system is exact, supply measures work in the right direction.

Direction-of-effect tests use the same seeds (common random numbers). With deterrence off the
illegal-parking decision depends on exogenous numbers only, so effects are exact set relations.
"""

from __future__ import annotations

import heapq
from typing import Any

import numpy as np
import pytest

from sim.compiled import compile_layout
from sim.demand.parking import generate_parking, loss_system, minutes_by_hour, poisson_times
from sim.engine.spawn import SOURCE_CHARGING, SOURCE_PARKING
from sim.engine.world import World
from sim.experiment.replication import run_replication
from sim.metrics.kpis import overlap_by_hour
from sim.rng import Streams
from sim.scenario.loader import scenario_from_dict, with_changes
from sim.scenario.model import Scenario

LADDER = [{"name": "act", "duration": 5, "compliance": 0.5}, {"name": "end", "duration": 5}]


def parking_scenario(days: int = 7, deterrence: bool = False, **parking: Any) -> Scenario:
    """A 3 × 3 district: commercial centre B2, one foot officer; parking and charging on."""
    spec: dict[str, Any] = {
        "enabled": True,
        "zone_kinds": {
            "commercial": {"motor": {"arrivals_per_day": 300, "capacity": 25, "search_min": 10},
                           "nonmotor": {"arrivals_per_day": 600, "capacity": 80},
                           "charging_share": 0.05},
            "residential": {"motor": {"arrivals_per_day": 60, "capacity": 10},
                            "nonmotor": {"arrivals_per_day": 100, "capacity": 30},
                            "charging_share": 0.05},
        },
        "charging": {"duration": {"kind": "lognormal", "mean": 400, "sd": 100},
                     "wire_probability": 0.5},
    }
    spec.update(parking)
    types = {name: {"rate_per_day": {}, "self_clear": None, "ladder": LADDER}
             for name in ("illegal_parking", "ebike_parking", "charging_wire")}
    types["graffiti"] = {"rate_per_day": {"residential": 1.0}, "ladder": LADDER}
    return scenario_from_dict({
        "name": "parking", "seed": 3, "clock": {"days": days, "warmup_days": 1},
        "district": {"grid": {"rows": 3, "cols": 3, "cell_m": 250,
                              "patches": {"B2": {"kind": "commercial"}}}},
        "incidents": types,
        "units": {"foot": {"count": 1, "home_zone": "B2",
                           "shifts": [{"start": "08:00", "end": "17:00"}]}},
        "demand": {"deterrence": {"enabled": deterrence}, "parking": spec},
    })


def illegal_set(scenario: Scenario, rep: int = 0) -> set[tuple[float, int, int]]:
    """(time, zone, type) of every illegally parked vehicle of a run."""
    world = World(scenario, rep)
    world.run()
    tab = world.incidents.table
    mine = np.flatnonzero(tab.source[: tab.n] == SOURCE_PARKING)
    return {(float(tab.t_occur[i]), int(tab.zone_idx[i]), int(tab.type_idx[i])) for i in mine}


def brute_loss(arrive: np.ndarray, depart: np.ndarray, capacity: int) -> np.ndarray:
    busy: list[float] = []
    out = []
    for a, d in zip(arrive.tolist(), depart.tolist()):
        while busy and busy[0] <= a:
            heapq.heappop(busy)
        out.append(len(busy) >= capacity)
        if not out[-1]:
            heapq.heappush(busy, d)
    return np.array(out, dtype=bool)


@pytest.mark.parametrize("seed", range(40))
def test_loss_system_is_exact(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    arrive = np.sort(rng.uniform(0, rng.choice([200.0, 5000.0, 200000.0]), n))
    if seed % 2:
        arrive = np.round(arrive)  # ties between arrivals and departures
    depart = arrive + 1 + np.round(rng.exponential(rng.uniform(5, 400), n))
    capacity = int(rng.integers(0, 25))
    assert np.array_equal(loss_system(arrive, depart, capacity),
                          brute_loss(arrive, depart, capacity))


def test_poisson_times_sorted_with_the_right_counts() -> None:
    rng = np.random.default_rng(1)
    rate = np.tile([0.0, 2.0, 10.0, 0.5], 2000)
    times = poisson_times(rate, rng)
    assert np.all(np.diff(times) >= 0)
    per_hour = np.bincount((times // 60).astype(int), minlength=len(rate))
    assert per_hour[rate == 0].sum() == 0
    for r in (2.0, 10.0, 0.5):
        assert per_hour[rate == r].mean() == pytest.approx(r, rel=0.05)
    assert ((times % 60) / 60).mean() == pytest.approx(0.5, abs=0.01)


def test_minutes_by_hour_matches_the_metrics_version() -> None:
    rng = np.random.default_rng(2)
    starts = np.sort(rng.uniform(0, 10_000, 3000))
    ends = starts + rng.exponential(90, 3000)
    got = minutes_by_hour(starts, ends, 1234.5, 9000.0)
    np.testing.assert_allclose(got, overlap_by_hour(starts, ends, 1234.5, 9000.0), atol=1e-6)


def test_more_legal_capacity_never_adds_illegal_parking() -> None:
    base = parking_scenario()
    more = with_changes(base, {"demand.parking.measures": {
        "B2": {"motor_spaces": 8, "nonmotor_spaces": 20}, "A1": {"ebike_bays": 10}}})
    before, after = illegal_set(base), illegal_set(more)
    assert before, "the base case should have illegal parking"
    assert after <= before  # loss systems: blocked with more servers ⊆ blocked with fewer
    assert len(after) < len(before)


def test_a_zone_with_ample_capacity_has_no_illegal_parking() -> None:
    scenario = parking_scenario(deterrence=True, zones={
        "B2": {"motor": {"capacity": 5000}, "nonmotor": {"capacity": 5000}}})
    layout = compile_layout(scenario)
    demand = generate_parking(scenario, layout, Streams(scenario.seed, 0))
    b2 = layout.zone_index["B2"]
    assert demand.arrivals[b2].sum() > 1000
    assert demand.blocked[b2].sum() == 0
    assert not np.any(demand.candidates["zone"] == b2)
    assert all(zone != b2 for _, zone, _ in illegal_set(scenario))


def test_barriers_remove_illegal_opportunity() -> None:
    base = parking_scenario()
    walled = with_changes(base, {"demand.parking.measures": {"B2": {"barriers": 1.0}}})
    b2 = compile_layout(base).zone_index["B2"]
    motor = compile_layout(base).type_names.index("illegal_parking")
    assert any(z == b2 and t == motor for _, z, t in illegal_set(base))
    assert not any(z == b2 and t == motor for _, z, t in illegal_set(walled))


def wires(scenario: Scenario) -> set[tuple[float, int]]:
    world = World(scenario, 0)
    tab = world.incidents.table
    mine = np.flatnonzero(tab.source[: tab.n] == SOURCE_CHARGING)
    return {(float(tab.t_occur[i]), int(tab.zone_idx[i])) for i in mine}


def test_more_charging_piles_fewer_charging_wires() -> None:
    base = parking_scenario()
    piles = with_changes(base, {"demand.parking.measures": {
        "B2": {"charging_piles": 10}, "A1": {"charging_piles": 4}}})
    before, after = wires(base), wires(piles)
    assert before and after < before  # strictly fewer, and only wires that existed before


def test_presence_deters_illegal_parking() -> None:
    posted = {"units.foot.behaviour": {"kind": "fixed_post", "zone": "B2"},
              "units.foot.shifts": [{"start": "00:00", "end": "24:00"}]}
    calm = with_changes(parking_scenario(deterrence=False), posted)
    wary = with_changes(parking_scenario(deterrence=True), posted)
    b2 = compile_layout(calm).zone_index["B2"]
    n_calm = sum(z == b2 for _, z, _ in illegal_set(calm))
    n_wary = sum(z == b2 for _, z, _ in illegal_set(wary))
    assert n_wary < 0.5 * n_calm


def test_parking_frames_and_kpis() -> None:
    frames = run_replication(parking_scenario(days=4), 0)
    parking = frames.extra["parking"]
    assert {"replication", "zone", "hour", "kind", "occupancy", "illegal"} <= set(parking.columns)
    assert set(parking["kind"]) == {"motor", "nonmotor"}
    assert len(parking) == 9 * 2 * 24
    assert parking["occupancy"].between(0, 1 + 1e-9).all()
    assert (parking["illegal"] >= 0).all() and parking["illegal"].sum() > 0
    zones = frames.extra["parking_zones"]
    assert (zones["illegal"] <= zones["blocked"]).all()
    row = frames.summary.iloc[0]
    share = zones["illegal"].sum() / zones["arrivals"].sum()
    assert row["parking_illegal_share"] == pytest.approx(share)
    assert row["illegal_parking_h_per_day"] > 0
    assert row["charging_wires_per_day"] == pytest.approx(zones["wires"].sum() / 3)
