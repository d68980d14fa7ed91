"""Shifts and rosters: expansion, night shifts across midnight, hand-over, `sim shifts propose`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sim.cli.shifts import add_shift_commands, shift_entry
from sim.demand.arrivals import CHANNEL_COMPLAINT, IncidentBatch
from sim.engine.table import ASSIGNED, ON_SCENE
from sim.engine.world import World
from sim.metrics.records import incidents_frame, presence_frame, units_frame
from sim.scenario.loader import read_scenario_dict, scenario_from_dict
from sim.scenario.units import Shift
from sim.strategy.shifts import daily_window, expand_shifts, inside, next_start

DAY = 1440.0
INF = np.inf
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def shift(start: str, end: str, days: Any = "all", overnight: bool = False) -> Shift:
    return Shift(days=days, start=start, end=end, overnight=overnight)


# -- rosters as pure data ---------------------------------------------------------------
def test_day_split_and_overlapping_shifts_expand_to_duty_intervals():
    assert expand_shifts([shift("08:00", "17:00")], 2) == [(480, 1020), (1920, 2460)]
    split = expand_shifts([shift("07:00", "11:00"), shift("16:00", "20:00")], 1)
    assert split == [(420, 660), (960, 1200)]
    overlapping = expand_shifts([shift("07:00", "15:00"), shift("14:00", "22:00")], 1)
    assert overlapping == [(420, 1320)]  # one officer on both: merged


def test_night_shift_crosses_midnight_and_covers_the_first_night():
    duty = expand_shifts([shift("19:00", "01:00", overnight=True)], 3)
    assert duty == [(0, 60), (1140, 1500), (2580, 2940), (4020, 4380)]


def test_weekday_and_weekend_rosters_start_on_their_days():
    week = expand_shifts([shift("08:00", "17:00", "weekdays")], 7, "mon")
    assert [int(s // DAY) for s, _ in week] == [0, 1, 2, 3, 4]
    weekend = expand_shifts([shift("10:00", "22:00", "weekends")], 14, "thu")
    assert [int(s // DAY) % 7 for s, _ in weekend] == [2, 3] * 2  # Sat, Sun after a Thursday
    fri_night = expand_shifts([shift("20:00", "02:00", ["fri", "sat"], True)], 7, "mon")
    assert fri_night == [(4 * DAY + 1200, 5 * DAY + 120), (5 * DAY + 1200, 6 * DAY + 120)]


def test_window_lookup_is_a_binary_search_over_sorted_windows():
    windows = daily_window(22 * 60, 2 * 60, 3 * DAY)  # across midnight
    assert inside(windows, 30) == (-120, 120)
    assert inside(windows, 600) is None
    assert next_start(windows, 600) == 1320
    assert next_start(windows, 3 * DAY) is None


# -- a night-shift officer --------------------------------------------------------------
def night_scenario(days: int = 4) -> Any:
    data = read_scenario_dict(SCENARIOS / "night_inspection.yaml")
    data["clock"] = {"days": days, "warmup_days": 0}
    return scenario_from_dict(data)


def test_night_officer_is_on_duty_only_inside_its_window_across_midnight():
    raw = World(night_scenario(), 0).run()
    units, pres = units_frame(raw), presence_frame(raw)
    night = units[units.group == "night"]
    starts = night.shift_start % DAY
    assert set(starts) <= {0.0, 1140.0}
    full = night[starts == 1140.0]
    assert (full.shift_end - full.shift_start == 360).all()
    assert (full.shift_end % DAY == 60).all()  # ends at 01:00 the next day
    assert (night.off_duty_at.dropna() >= night.shift_end[night.off_duty_at.notna()]).all()
    mine = pres[pres.unit_id.str.startswith("night-")]
    assert len(mine) > 100
    # (a trip to a job may pass through zones in overtime, like the job itself)
    on_patrol = mine[~mine.activity.isin(["job", "passing"])]
    clock_start = on_patrol.t_start % DAY
    assert ((clock_start >= 1140) | (clock_start < 60)).all()
    for uid, rows in mine.groupby("unit_id"):
        shifts = night[night.unit_id == uid]
        lo = shifts.shift_start.to_numpy()
        hi = shifts.off_duty_at.fillna(INF).to_numpy()
        for t0, t1, activity in zip(rows.t_start, rows.t_end, rows.activity):
            k = np.flatnonzero((lo <= t0) & (t1 <= hi + 1e-9))
            assert k.size == 1, (uid, t0, t1)
            if activity not in ("job", "passing"):  # only a job (and the way to it) may run over
                assert t1 <= shifts.shift_end.to_numpy()[k[0]] + 1e-9


# -- hand-over --------------------------------------------------------------------------
def handover_scenario() -> dict[str, Any]:
    """Zones A and B 10 minutes apart; an early officer to 02:00, a late one from 02:00."""
    return {
        "name": "handover",
        "clock": {"days": 1},
        "district": {
            "zones": [{"id": "A", "x_m": 0, "y_m": 0}, {"id": "B", "x_m": 500, "y_m": 0}],
            "travel": {"matrix_minutes": {m: [[0, 10], [10, 0]] for m in ("foot", "ebike", "car")}},
        },
        "incidents": {
            "pile": {
                "rate_per_day": {},
                "complaint": {"probability": 1, "delay": 5},
                "ladder": [
                    {"name": "order", "duration": 20, "compliance": 0.5, "deadline_min": 60},
                    {"name": "remove", "duration": 20},
                ],
            }
        },
        "dispatch": {"handling_delay": 2},
        "units": {
            "early": {"count": 1, "home_zone": "A", "behaviour": {"kind": "standby"},
                      "shifts": [{"start": "00:00", "end": "02:00"}]},
            "late": {"count": 1, "home_zone": "A", "behaviour": {"kind": "standby"},
                     "shifts": [{"start": "02:00", "end": "24:00"}]},
        },
    }


def test_shift_end_finishes_the_visit_and_the_reinspection_goes_to_whoever_is_on_duty():
    batch = IncidentBatch(
        t_occur=np.array([100.0]), type_idx=np.array([0]), zone_idx=np.array([1]),
        t_selfclear=np.array([INF]), t_report=np.array([105.0]),
        report_channel=np.array([CHANNEL_COMPLAINT]), t_merchant=np.array([INF]),
        u_flee=np.ones(1), u_ladder=np.array([[0.9, 0.0]]),  # not fixed by the deadline
    )
    raw = World(scenario_from_dict(handover_scenario()), 0, batch=batch).run()
    inc = incidents_frame(raw).iloc[0]
    units = units_frame(raw).set_index("unit_id")
    # dispatched 107, on scene 117-137: past the 02:00 (120) shift end, so 17 min overtime
    assert units.loc["early-1", "off_duty_at"] == 137
    assert units.loc["early-1", "overtime_min"] == 17
    # re-inspection due at 197 goes to the late officer: 197 + 10 travel + 20 removal
    assert (inc.first_unit_id, inc.unit_id) == ("early-1", "late-1")
    assert (inc.outcome, inc.t_resolve, inc.reinspections) == ("resolved", 227, 1)


def test_no_job_is_orphaned_at_shift_changes():
    data = read_scenario_dict(SCENARIOS / "combined.yaml")
    data["clock"] = {"days": 3, "warmup_days": 0}
    world = World(scenario_from_dict(data), 0)
    raw = world.run()
    units, pres, inc = units_frame(raw), presence_frame(raw), incidents_frame(raw)
    assert units.overtime_min.max() > 0
    # nothing assigned to, or being worked by, an officer who has gone off duty
    tab = world.incidents.table
    busy = np.flatnonzero(np.isin(tab.state[: tab.n], (ASSIGNED, ON_SCENE)))
    for i in busy:
        assert world.officers.members[int(tab.unit[i])].shift is not None
    # every visit ends inside its officer's shift or its overtime
    jobs = pres[pres.activity == "job"]
    for uid, rows in jobs.groupby("unit_id"):
        shifts = units[units.unit_id == uid]
        lo, hi = shifts.shift_start.to_numpy(), shifts.off_duty_at.fillna(INF).to_numpy()
        for t0, t1 in zip(rows.t_start, rows.t_end):
            assert ((lo <= t0) & (t1 <= hi + 1e-9)).any()
    # every first dispatch went to an officer on duty at that moment
    sent = inc[inc.t_dispatch.notna()]
    for uid, t in zip(sent.first_unit_id, sent.t_dispatch):
        shifts = units[units.unit_id == uid]
        assert ((shifts.shift_start <= t) & (t <= shifts.shift_end)).any()


# -- sim shifts propose -----------------------------------------------------------------
def run_propose(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    parser = argparse.ArgumentParser(prog="sim")
    add_shift_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["shifts", "propose", *argv])
    assert args.func(args) == 0
    return capsys.readouterr().out


def test_shift_entry_marks_shifts_that_wrap_midnight():
    assert shift_entry("08:00", 9) == {"days": "all", "start": "08:00", "end": "17:00"}
    assert shift_entry("15:00", 9) == {"days": "all", "start": "15:00", "end": "24:00"}
    assert shift_entry("19:00", 6)["overnight"] is True


def test_propose_rejects_a_bad_shift_length(capsys):
    from sim.cli.common import UsageError

    with pytest.raises(UsageError):
        run_propose([str(SCENARIOS / "default.yaml"), "--officers", "4", "--shift-hours", "30"], capsys)


# -- the load profile -------------------------------------------------------------------
def test_load_profile_is_the_catalog_rates_times_the_hour_profile():
    from sim.compiled import compile_layout
    from sim.strategy.load import hour_load, zone_hour_rates

    profile = [1.0] * 6 + [3.0] * 12 + [1.0] * 6
    data = {
        "name": "load", "clock": {"days": 3},
        "district": {"grid": {"rows": 2, "cols": 2, "cell_m": 250,
                              "patches": {"A1": {"kind": "market"}}}},
        "incidents": {"x": {"rate_per_day": {"residential": 1.0, "market": 5.0},
                            "hour_profile": profile, "dow_profile": [1, 1, 1, 1, 1, 2, 2],
                            "ladder": [{"name": "fix", "duration": 5}]}},
        "units": {"u": {"count": 1, "shifts": [{"start": "08:00", "end": "17:00"}]}},
    }
    scenario = scenario_from_dict(data)
    layout = compile_layout(scenario)
    rates = zone_hour_rates(scenario, layout)
    assert rates.sum() == pytest.approx(8.0)  # per day, averaged over the week
    assert rates.sum(axis=0) == pytest.approx([5.0, 1.0, 1.0, 1.0])
    load = hour_load(scenario, layout)
    assert load == pytest.approx(8.0 * np.array(profile) / sum(profile))


def test_load_profile_of_the_district_includes_vendors_and_parking():
    from sim.compiled import compile_layout
    from sim.scenario.loader import load_scenario
    from sim.strategy.load import _catalog, zone_hour_rates

    scenario = load_scenario(SCENARIOS / "default.yaml")
    layout = compile_layout(scenario)
    rates = zone_hour_rates(scenario, layout)
    catalog = _catalog(scenario, layout)
    assert (rates >= catalog - 1e-12).all()
    assert rates.sum() > catalog.sum() + 50  # vendors and drivers add to the fixed rates
    assert 150 < rates.sum() < 600  # base.yaml: about 300 incidents a day
