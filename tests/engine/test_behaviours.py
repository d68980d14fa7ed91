"""Officer behaviours: each one's defining property on tiny deterministic scenarios."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from sim.compiled import compile_layout
from sim.engine.world import simulate
from sim.experiment.replication import run_replication
from sim.metrics.kpis import merge_intervals
from sim.metrics.records import incidents_frame, presence_frame, units_frame
from sim.scenario.loader import scenario_from_dict
from sim.scenario.model import Scenario
from sim.strategy.geometry import adjacency, grid_reach, pass_through, split_grids
from sim.strategy.plans import group_grids

DAY = 1440.0


def grid_ids(rows: int, cols: int) -> list[str]:
    return [f"{chr(65 + r)}{c + 1}" for r in range(rows) for c in range(cols)]


def make(
    units: dict[str, Any], rows: int = 3, cols: int = 3, days: int = 2, rate: float = 0.0,
    seed: int = 1, patches: dict | None = None, **extra: Any,
) -> Scenario:
    """A rows × cols district of 250 m cells with one incident type at ``rate`` per zone-day.

    rate 0 gives a quiet district (no incidents at all): behaviour alone shapes presence.
    """
    grid: dict[str, Any] = {"rows": rows, "cols": cols, "cell_m": 250}
    if patches:
        grid["patches"] = patches
    data: dict[str, Any] = {
        "name": "behaviour",
        "seed": seed,
        "clock": {"days": days, "warmup_days": 0},
        "district": {"grid": grid},
        "incidents": {
            "vendor": {
                "rate_per_day": {"residential": rate},
                "self_clear": {"kind": "lognormal", "mean": 90, "sd": 60},
                "complaint": {"probability": 0.5, "delay": 10},
                "flee_probability": 0.0,
                "ladder": [{"name": "persuade", "duration": 10}],
            }
        },
        "detection": {"cameras": {"zones": []}},
        "dispatch": {"handling_delay": 1},
        "units": units,
    }
    data.update(extra)
    return scenario_from_dict(data)


def group(behaviour: dict, count: int = 1, start: str = "08:00", end: str = "17:00",
          **fields: Any) -> dict[str, Any]:
    return {"count": count, "mode": "foot", "home_zone": "A1",
            "shifts": [{"start": start, "end": end}], "behaviour": behaviour, **fields}


def frames(scenario: Scenario) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    raw = simulate(scenario, 0)
    return incidents_frame(raw), units_frame(raw), presence_frame(raw)


def uncovered(t0: float, t1: float, starts: np.ndarray, ends: np.ndarray) -> float:
    """Minutes of [t0, t1) covered by none of the intervals."""
    s, e = merge_intervals(np.clip(starts, t0, t1), np.clip(ends, t0, t1))
    return (t1 - t0) - float((e - s).sum())


# -- fixed post -------------------------------------------------------------------------
def test_post_officer_holds_the_post_for_the_whole_window_when_nothing_happens():
    post = {"kind": "fixed_post", "zone": "B2", "start": "09:00", "end": "15:00"}
    _, _, pres = frames(make({"post": group(post, home_zone="B2")}, days=3))
    at_post = pres[pres.activity == "post"]
    assert set(at_post.zone) == {"B2"}
    for day in range(3):
        rows = at_post[(at_post.t_start >= day * DAY) & (at_post.t_start < (day + 1) * DAY)]
        assert rows.t_start.min() == day * DAY + 540 and rows.t_end.max() == day * DAY + 900
        assert uncovered(day * DAY + 540, day * DAY + 900, rows.t_start, rows.t_end) == 0
    # outside the window it patrols at random
    assert (pres[pres.activity == "patrol"].t_start % DAY < 540).any()


@pytest.mark.parametrize("dispatchable", [False, True])
def test_post_officer_leaves_the_post_only_for_jobs(dispatchable: bool):
    post = {"kind": "fixed_post", "zone": "B2", "start": "09:00", "end": "15:00",
            "dispatchable": dispatchable, "radius_min": 5}
    units = {"post": group(post), "patrol": group({"kind": "random_patrol"}, count=2)}
    scenario = make(units, days=4, rate=3.0)
    inc, shifts, pres = frames(scenario)
    mine = pres[pres.unit_id == "post-1"]
    layout = compile_layout(scenario)
    travel = layout.travel["foot"][layout.zone_index["B2"]]
    for day in range(4):
        w0, w1 = day * DAY + 540, day * DAY + 900
        inside = mine[(mine.t_end > w0) & (mine.t_start < w1)]
        # in the window: at the post, or on a job - never patrolling elsewhere
        assert set(inside.activity) <= {"post", "job"}
        assert set(inside[inside.activity == "post"].zone) == {"B2"}
        # time away from post and jobs is bounded by the day's travel (to the post, to jobs)
        shift = shifts[(shifts.unit_id == "post-1") & (shifts.shift_start == day * DAY + 480)]
        gap = uncovered(w0, w1, inside.t_start.to_numpy(), inside.t_end.to_numpy())
        assert gap <= float(shift.travel_min.iloc[0]) + 1e-6
    sent = inc[(inc.first_unit_id == "post-1") & inc.t_dispatch.notna()]
    in_window = sent[(sent.t_dispatch % DAY >= 540) & (sent.t_dispatch % DAY < 900)]
    assert len(in_window) > 0
    zones = in_window.zone.map(layout.zone_index)
    if dispatchable:  # only within radius_min of the post
        assert (travel[zones.to_numpy()] <= 5 + 1e-9).all()
        assert (in_window.zone != "B2").any()
    else:  # only what it sees at its own post
        assert (in_window.zone == "B2").all()


# -- cyclic route -----------------------------------------------------------------------
def test_cyclic_route_visits_the_stops_in_order():
    route = ["A1", "A3", "C3", "C1", "B2"]
    beh = {"kind": "cyclic_route", "route": route, "dwell": 10}
    _, _, pres = frames(make({"beat": group(beh)}, days=2))
    stops = pres[pres.activity == "patrol"].sort_values("t_start").zone.tolist()
    visited = [z for k, z in enumerate(stops) if k == 0 or z != stops[k - 1]]
    assert len(visited) > 2 * len(route)
    expected = (route * (len(visited) // len(route) + 2))[: len(visited)]
    assert visited == expected


def test_auto_route_is_a_tour_of_the_zones_and_officers_start_spread_along_it():
    beh = {"kind": "cyclic_route", "route": "auto", "dwell": 10}
    scenario = make({"beat": group(beh, count=3)}, days=1)
    _, _, pres = frames(scenario)
    firsts = []
    for uid in ("beat-1", "beat-2", "beat-3"):
        seq = pres[(pres.unit_id == uid) & (pres.activity == "patrol")].sort_values("t_start")
        zones = seq.zone.tolist()
        assert sorted(set(zones[:9])) == grid_ids(3, 3)  # one full tour visits every zone once
        assert zones[:9] == zones[9:18]  # and repeats in the same order
        firsts.append(zones[0])
    assert len(set(firsts)) == 3


# -- idleness-greedy --------------------------------------------------------------------
def worst_idleness(kind: str, seed: int) -> float:
    units = {"team": group({"kind": kind, "dwell": {"kind": "lognormal", "mean": 20, "sd": 8}},
                           count=2, start="00:00", end="24:00")}
    scenario = make(units, rows=4, cols=4, days=3, rate=0.5, seed=seed)
    return float(run_replication(scenario, 0).summary.worst_idleness_min.iloc[0])


def test_idleness_greedy_about_halves_the_worst_idleness_of_random_patrol():
    seeds = range(1, 6)
    greedy = [worst_idleness("idleness_patrol", s) for s in seeds]
    rand = [worst_idleness("random_patrol", s) for s in seeds]
    ratios = [g / r for g, r in zip(greedy, rand)]
    # margin: the greedy rule's worst gap is well below random patrol's on every seed and
    # about half on average (random patrol also covers the zones it walks through: before
    # passing-through presence counted, the ratio stayed below 0.5 on every seed)
    assert max(ratios) < 0.7 and np.mean(ratios) < 0.55, (greedy, rand)


def test_idleness_neighbours_only_moves_to_adjacent_zones():
    beh = {"kind": "idleness_patrol", "neighbours_only": True, "dwell": 10}
    scenario = make({"team": group(beh, start="00:00", end="24:00")}, rows=4, cols=4, days=1)
    _, _, pres = frames(scenario)
    seq = pres.sort_values("t_start").zone.tolist()
    layout = compile_layout(scenario)
    adj = adjacency(layout.xy)
    idx = [layout.zone_index[z] for z in seq]
    assert all(adj[a, b] for a, b in zip(idx, idx[1:]) if a != b)
    assert set(seq) == set(grid_ids(4, 4))


# -- hotspot patrol ---------------------------------------------------------------------
def test_hotspot_patrol_visits_zones_in_proportion_to_expected_disorder():
    beh = {"kind": "hotspot_patrol", "by_hour": False, "dwell": 10}
    scenario = make({"team": group(beh, count=2, start="00:00", end="24:00")}, days=7,
                    rate=0.01, patches={"B2": {"kind": "market"}})
    scenario = scenario_from_dict(scenario.model_dump(by_alias=True) | {
        "incidents": {"vendor": {**scenario.incidents["vendor"].model_dump(by_alias=True),
                                 "rate_per_day": {"residential": 0.01, "market": 0.08}}}})
    _, _, pres = frames(scenario)
    visits = pres[pres.activity == "patrol"].zone.value_counts(normalize=True)
    assert visits["B2"] == pytest.approx(0.08 / (0.08 + 8 * 0.01), abs=0.07)
    assert visits.drop("B2").max() < 0.15


# -- hotspot stops (Koper) --------------------------------------------------------------
def test_hotspot_stops_last_10_to_15_minutes_and_recur_within_about_two_hours():
    beh = {"kind": "hotspot_stops", "zones": ["B2", "C3"]}
    scenario = make({"car": group(beh, count=1)}, rows=4, cols=4, days=3)
    _, shifts, pres = frames(scenario)
    ends = set(shifts.shift_end)
    stops = pres[pres.zone.isin(["B2", "C3"]) & (pres.activity != "passing")]
    full = stops[~stops.t_end.isin(ends)]
    assert len(full) >= 3 * 2 * 4
    dwell = full.t_end - full.t_start
    assert dwell.between(10, 15).all()
    for day in range(3):
        for zone in ("B2", "C3"):
            z = stops[(stops.zone == zone) & (stops.t_start // DAY == day)].sort_values("t_start")
            gaps = z.t_start.to_numpy()[1:] - z.t_end.to_numpy()[:-1]
            assert gaps.max() <= 150 and gaps.min() >= 100
    # between stops it patrols the other zones
    assert set(pres.zone) - {"B2", "C3"}


# -- community visits -------------------------------------------------------------------
@pytest.mark.parametrize("otherwise", ["standby", "random_patrol"])
def test_community_visits_only_on_the_listed_days_and_window(otherwise: str):
    beh = {"kind": "community_visits", "zones": ["A1", "C3"], "days": ["wed", "sun"],
           "start": "10:00", "end": "14:00", "stay": 30, "otherwise": otherwise}
    scenario = make({"community": group(beh, count=2)}, days=14, rate=0.2)
    _, _, pres = frames(scenario)
    visits = pres[pres.activity == "post"]
    weekday = (visits.t_start // DAY).astype(int) % 7
    assert set(weekday) == {2, 6}  # Wednesdays and Sundays (day 0 is a Monday)
    clock = visits.t_start % DAY
    assert (clock >= 600).all() and ((visits.t_end - visits.t_start // DAY * DAY) <= 840).all()
    assert set(visits.zone) == {"A1", "C3"}
    for day in (2, 6, 9, 13):  # every listed day is visited
        assert ((visits.t_start // DAY) == day).any()
    patrol = pres[pres.activity == "patrol"]
    if otherwise == "standby":
        assert patrol.empty
    else:
        assert len(patrol) > 0


# -- grid responsibility ----------------------------------------------------------------
def test_split_grids_gives_compact_equal_blocks():
    layout = compile_layout(make({"g": group({"kind": "random_patrol"})}, rows=8, cols=8))
    grids = split_grids(layout.xy, range(64), 16)
    ids = layout.zone_ids
    assert [ids[i] for i in grids[0]] == ["A1", "A2", "B1", "B2"]
    assert sorted(len(g) for g in grids) == [4] * 16
    assert sorted(i for g in grids for i in g) == list(range(64))
    reach = grid_reach(grids, adjacency(layout.xy))
    assert len(reach[0]) == 16  # a corner grid touches three others
    assert [ids[i] for i in pass_through(layout.xy, 0, 9)] == ["A2", "B2"]


@pytest.mark.parametrize("overflow", ["none", "neighbours"])
def test_grid_officers_are_dispatched_only_inside_their_grid(overflow: str):
    units = {"grid": group({"kind": "idleness_patrol", "dwell": 15}, count=4, start="00:00",
                           end="24:00", grid_split=4, dispatch_area="own_zones",
                           overflow=overflow)}
    scenario = make(units, rows=4, cols=4, days=3, rate=4.0)
    inc, _, pres = frames(scenario)
    layout = compile_layout(scenario)
    grids = group_grids(scenario.units["grid"], layout)
    ids = layout.zone_ids
    own = {f"grid-{k + 1}": {ids[i] for i in grids[k]} for k in range(4)}
    reach = grid_reach(grids, adjacency(layout.xy))
    near = {f"grid-{k + 1}": {ids[i] for i in reach[k]} for k in range(4)}
    handled = inc[inc.unit_id != ""]
    for uid in own:
        patrols = pres[(pres.unit_id == uid) & (pres.activity == "patrol")]
        assert set(patrols.zone) == own[uid]  # patrols exactly its grid
    in_own = [z in own[u] for u, z in zip(handled.unit_id, handled.zone)]
    in_reach = [z in near[u] for u, z in zip(handled.unit_id, handled.zone)]
    assert len(handled) > 100
    if overflow == "none":
        assert all(in_own)
    else:
        assert all(in_reach) and not all(in_own)  # some jobs overflowed to a neighbour


# -- walk and car: drive-through ---------------------------------------------------------
def test_drive_through_car_is_seen_in_every_zone_it_passes():
    beh = {"kind": "random_patrol", "drive_through": True, "dwell": 3}
    units = {"car": {**group(beh), "mode": "car"}}
    scenario = make(units, rows=1, cols=8, days=1, rate=2.0)
    _, shifts, pres = frames(scenario)
    rows = pres.sort_values("t_start")
    cols = rows.zone.str[1:].astype(int).to_numpy()
    patrol = (rows.activity != "job").to_numpy()
    pairs = patrol[:-1] & patrol[1:]  # a trip to a job is not a drive-through
    assert pairs.sum() > 50
    assert (np.abs(np.diff(cols))[pairs] <= 1).all()  # no zone skipped on the way
    assert rows[patrol].zone.nunique() == 8
    u = shifts
    assert np.allclose(u.travel_min + u.job_min + u.patrol_min + u.post_min + u.standby_min,
                       u.on_duty_min + u.overtime_min)


@pytest.mark.parametrize("behaviour", [
    {"kind": "hotspot_patrol"},
    {"kind": "cyclic_route"},
    {"kind": "idleness_patrol", "drive_through": True},
    {"kind": "hotspot_stops", "zones": ["B2"]},
    {"kind": "community_visits", "zones": ["B2"], "days": "all", "start": "12:00",
     "end": "14:00"},
    {"kind": "fixed_post", "zone": "C3", "start": "10:00", "end": "12:00", "dispatchable": True},
])
def test_officer_minutes_add_up_for_every_behaviour(behaviour: dict):
    scenario = make({"team": group(behaviour, count=2)}, days=3, rate=3.0)
    _, u, _ = frames(scenario)
    activity = u.travel_min + u.job_min + u.patrol_min + u.post_min + u.standby_min
    assert np.allclose(activity, u.on_duty_min + u.overtime_min, atol=1e-6)
