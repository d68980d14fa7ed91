"""The planner's tables (by_hour, by_shift, by_group, by_zone): books that balance, a hand-checked
queue, P(wait) at the extremes and against Erlang C, Little's law, out-of-area dispatches.

Power checked by injecting bugs (each made a test below fail, then reverted):
- P(wait) as "dispatched after detection" (ignoring the command room's handling delay):
  ``test_p_wait_matches_erlang_c_with_a_handling_delay`` fails (P(wait) = 1);
- queue intervals ending at detection + 1 h instead of dispatch: the hand-checked queue test
  and Little's law fail;
- on-duty time from ``shift_end`` instead of ``off_duty_at`` (overtime lost): the
  staff-minutes identity fails on the realistic scenario;
- jobs under way at the end of the run dropped from the busy spans, or a job's span ended
  early (engine): the job-span test fails (and the hand-checked hour, for the first).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.engine.world import simulate
from sim.experiment.replication import run_replication
from sim.experiment.single import run_to_folder
from sim.metrics.records import incidents_frame, presence_frame, units_frame
from sim.metrics.tables import TABLE_NAMES, planner_tables
from sim.metrics.tables_time import busy_spans, by_hour, shift_taking
from sim.scenario.loader import scenario_from_dict
from sim.theory import mmc_metrics
from tests.helpers.scenarios import (
    queue_scenario,
    queue_scenario_dict,
    realistic_scenario,
    realistic_scenario_dict,
)
from tests.helpers.tables import check_tables

DAY = 1440.0


@pytest.fixture(scope="module")
def realistic():
    return run_replication(realistic_scenario(days=6, warmup_days=1), 0)


# ----------------------------------------------------------------------------- identities


def test_hourly_incidents_and_staff_minutes_add_up_to_the_summary(realistic) -> None:
    hour, summary = realistic.extra["by_hour"], realistic.summary.iloc[0]
    assert list(hour["hour"]) == list(range(24))
    assert hour["incidents"].sum() == summary["incidents"]
    assert hour["on_duty_min"].sum() / 60.0 == pytest.approx(summary["staff_hours"], rel=1e-9)
    assert hour["observed_min"].sum() == pytest.approx(5 * DAY)
    # the job spans are the busy minutes of the shift records (no shift straddles the end of
    # the warm-up here, so the summary's prorating is exact too)
    busy = summary["utilisation"] * summary["staff_hours"] * 60.0
    assert hour["busy_min"].sum() == pytest.approx(busy, rel=1e-9)


@pytest.mark.parametrize("kind", ["realistic", "always_on"])
def test_job_spans_are_the_busy_minutes_of_each_shift(kind: str) -> None:
    # always_on: officers on duty around the clock and busy 83 % of the time, so the run stops
    # during shifts and jobs (open spans, closed at the horizon)
    scenario = (realistic_scenario(days=3, warmup_days=1) if kind == "realistic"
                else queue_scenario(10.0, 15.0, 3, days=2, warmup_days=1, seed=3))
    raw = simulate(scenario, 0)
    rows = [row for row in raw.shifts if row["jobs"]]
    assert len(rows) >= 3
    if kind == "always_on":
        assert any(np.isnan(row["busy_spans"][1::2]).any() for row in rows)
    for row in rows:
        start, end = busy_spans([row], raw.layout.horizon)
        assert len(start) == row["jobs"]
        assert (end - start).sum() == pytest.approx(row["busy_travel_min"] + row["job_min"],
                                                    abs=1e-6), row["unit_id"]
        assert (start[1:] >= end[:-1]).all()  # one job at a time


def test_group_shift_and_zone_tables_balance(realistic) -> None:
    group, shift, zone = (realistic.extra[k] for k in ("by_group", "by_shift", "by_zone"))
    summary = realistic.summary.iloc[0]
    assert group["staff_hours"].sum() == pytest.approx(summary["staff_hours"], rel=1e-9)
    assert shift["staff_hours"].sum() == pytest.approx(summary["staff_hours"], rel=1e-9)
    assert zone["incidents"].sum() == summary["incidents"]
    assert zone["exposure_h"].sum() == pytest.approx(summary["exposure_h"], rel=1e-9)
    assert zone["first_responses"].sum() == group["first_responses"].sum()
    assert shift["first_responses"].sum() == group["first_responses"].sum()
    inc = realistic.incidents
    # incidents of the arrival window: warm-up 1 day, cool-down 2 days (the pile's target)
    arrived = (inc["t_occur"] >= DAY) & (inc["t_occur"] < 4 * DAY)
    assert arrived.sum() == summary["incidents"]
    assert group["first_responses"].sum() == (arrived & inc["t_dispatch"].notna()).sum()
    for frame in (group, shift, zone, realistic.extra["by_hour"]):
        assert (frame["scenario"] == summary["scenario"]).all()
        assert (frame["replication"] == 0).all()
    check_tables(realistic)


def test_tables_are_byte_identical_whatever_the_number_of_workers(tmp_path) -> None:
    scenario = realistic_scenario(days=3, warmup_days=1)
    for jobs in (1, 2):
        run_to_folder(scenario, tmp_path / f"j{jobs}", reps=2, jobs=jobs, make_plots=False)
    for name in TABLE_NAMES:
        one = (tmp_path / "j1" / f"{name}.csv").read_bytes()
        assert one == (tmp_path / "j2" / f"{name}.csv").read_bytes(), name
        assert one.count(b"\n") > 2, name  # rows of both replications


# ----------------------------------------------------------------------------- hand-checked


def test_a_hand_checked_hour() -> None:
    # Day of 24 h, one officer on duty 01:00-02:30, busy on job a 01:00-01:40 (travel and
    # work) and on job b 01:40-02:20.
    # Case a: filed 01:00, dispatched at once (no wait), arrives 01:10.
    # Case b: filed 01:05, waits until 01:40 (35 min in the queue), arrives 01:50.
    # Case c: filed 01:50, ends by itself at 02:20 while still waiting (30 min in queue).
    cols = ["t_occur", "t_detect", "t_queued", "t_dispatch", "t_arrive", "t_end"]
    inc = pd.DataFrame([{c: r.get(c, np.nan) for c in cols} for r in [
        {"t_occur": 58, "t_detect": 58, "t_queued": 60, "t_dispatch": 60, "t_arrive": 70,
         "t_end": 100},
        {"t_occur": 63, "t_detect": 63, "t_queued": 65, "t_dispatch": 100, "t_arrive": 110,
         "t_end": 140},
        {"t_occur": 108, "t_detect": 108, "t_queued": 110, "t_end": 140},
    ]])
    units = pd.DataFrame({"shift_start": [60.0], "off_duty_at": [150.0]})
    busy = busy_spans([{"busy_spans": [[60.0, 100.0]]}, {"busy_spans": [[100.0, np.nan]]}], 140.0)
    table = by_hour(inc, units, busy, 0.0, DAY).set_index("hour")
    assert table.loc[0, "incidents"] == 1 and table.loc[1, "incidents"] == 2
    assert table.loc[1, "dispatched"] == 1 and table.loc[0, "dispatched"] == 1
    assert table.loc[0, "p_wait"] == 0.0 and table.loc[1, "p_wait"] == 1.0
    assert table.loc[1, "wait_mean_min"] == 35.0
    assert table.loc[0, "response_mean_min"] == 12.0  # 58 -> 70
    assert table.loc[1, "response_mean_min"] == 47.0  # 63 -> 110
    # queue-minutes in hour 1 (60-120): b 65-100 (35) + c 110-120 (10); hour 2: c 120-140
    assert table.loc[1, "queue_mean"] == pytest.approx(45.0 / 60.0)
    assert table.loc[2, "queue_mean"] == pytest.approx(20.0 / 60.0)
    assert table.loc[1, "officers_on_duty"] == 1.0 and table.loc[2, "officers_on_duty"] == 0.5
    # busy in hour 1: 60-100 and 100-120 (job b under way at the end, 140): 60 of 60 minutes
    assert table.loc[1, "utilisation"] == pytest.approx(1.0)
    assert table.loc[2, "busy_min"] == pytest.approx(20.0)
    assert np.isnan(table.loc[5, "utilisation"]) and table.loc[5, "queue_mean"] == 0.0


# ----------------------------------------------------------------------------- queueing


def _pooled(frames, column: str, weight: str) -> float:
    t = frames.extra["by_hour"]
    ok = t[weight] > 0
    return float((t.loc[ok, column] * t.loc[ok, weight]).sum() / t.loc[ok, weight].sum())


def test_p_wait_is_zero_with_officers_to_spare_and_near_one_when_overloaded() -> None:
    idle = run_replication(queue_scenario(2.0, 10.0, 12, days=4, warmup_days=1), 0)
    hour = idle.extra["by_hour"]
    assert hour["dispatched"].sum() > 100
    assert _pooled(idle, "p_wait", "dispatched") == 0.0
    assert (hour["queue_mean"] == 0).all()
    # rho = 10/h * 15 min / 2 = 1.25: the queue grows without bound
    jammed = run_replication(queue_scenario(10.0, 15.0, 2, days=4, warmup_days=1), 0)
    assert _pooled(jammed, "p_wait", "dispatched") > 0.97
    assert jammed.extra["by_hour"]["utilisation"].min() > 0.99


def test_p_wait_matches_erlang_c_with_a_handling_delay() -> None:
    """20 replications of M/M/2 (4/h, 20 min, rho 0.67) with a 3-minute handling delay.

    The delay must not count as waiting for an officer: theory P(wait) = 0.533 must lie in
    the 99.9 % CI of the replications' pooled P(wait), and the CI be narrower than ±8 %.
    """
    lam_h, mean_s, c = 4.0, 20.0, 2
    data = queue_scenario_dict(lam_h, mean_s, c, days=12, warmup_days=2, seed=21)
    data["dispatch"]["handling_delay"] = 3.0
    scenario = scenario_from_dict(data)
    theory = mmc_metrics(lam_h / 60.0, 1.0 / mean_s, c)["p_wait"]
    est = [_pooled(run_replication(scenario, r), "p_wait", "dispatched") for r in range(20)]
    half = stats.t.ppf(0.9995, len(est) - 1) * np.std(est, ddof=1) / np.sqrt(len(est))
    msg = f"P(wait) {np.mean(est):.4f} ± {half:.4f}, Erlang C {theory:.4f}"
    assert abs(np.mean(est) - theory) <= half, msg
    assert half <= 0.08 * theory, msg


def test_mean_queue_length_obeys_littles_law() -> None:
    """L = lambda W over the observation window, within 3 % (edge effects of a 10-day window).

    L from the hourly table (time-average queue), lambda = cases filed per minute in the
    window, W = their mean wait in queue. M/M/3 at rho 0.83: L is about 3.
    """
    t0, t1 = 2 * DAY, 12 * DAY
    scenario = queue_scenario(10.0, 15.0, 3, days=12, warmup_days=2, seed=7)
    for rep in range(3):
        raw = simulate(scenario, rep)
        inc, units = incidents_frame(raw), units_frame(raw)
        table = by_hour(inc, units, busy_spans(raw.shifts, t1), t0, t1)
        length = (table["queue_mean"] * table["observed_min"]).sum() / (t1 - t0)
        filed = inc[(inc["t_queued"] >= t0) & (inc["t_queued"] < t1)]
        wait = (filed["t_dispatch"].fillna(t1) - filed["t_queued"]).to_numpy()
        assert length > 1.0
        assert length == pytest.approx(len(filed) / (t1 - t0) * wait.mean(), rel=0.03)


# ----------------------------------------------------------------------------- places


def test_out_of_area_dispatches_under_grid_responsibility() -> None:
    # three foot officers, one row of the 3 x 3 district each, dispatched anywhere: the
    # nearest free officer is often from another row. The e-bike patrols the whole district:
    # it has no own area, so its share is NaN.
    data = realistic_scenario_dict(days=5, warmup_days=1)  # arrivals of days 1-3
    data["units"]["foot"]["grids"] = [["A1", "A2", "A3"], ["B1", "B2", "B3"], ["C1", "C2", "C3"]]
    frames = run_replication(scenario_from_dict(data), 0)
    group = frames.extra["by_group"].set_index("group")
    zone = frames.extra["by_zone"]
    foot = group.loc["foot"]
    assert 0.0 < foot["out_of_area_share"] < 1.0
    inc = frames.incidents
    sent = inc[(inc["t_occur"] >= DAY) & (inc["t_occur"] < 3 * DAY)
               & inc["first_unit_id"].str.startswith("foot") & inc["t_dispatch"].notna()]
    rows = {"foot-1": "A", "foot-2": "B", "foot-3": "C"}
    outside = [z[0] != rows[u] for u, z in zip(sent["first_unit_id"], sent["zone"])]
    assert foot["out_of_area_share"] == pytest.approx(np.mean(outside))
    assert zone["out_of_area_jobs"].sum() == sum(outside)
    assert np.isnan(group.loc["bike", "out_of_area_share"])


# ----------------------------------------------------------------------------- fast paths


def test_shift_taking_finds_what_merge_asof_finds() -> None:
    # Each job's shift: the officer's last shift starting at or before the job, the last
    # listed of shifts starting at once; none before, or an officer without shifts: NaN.
    # Small integer times make many ties; officer -1 is unknown. (Power: a search with
    # side="left", or ties in the other order, made it fail.)
    rng = np.random.default_rng(3)
    for _ in range(200):
        n_shifts, n_jobs, officers = rng.integers(0, 25), rng.integers(0, 50), rng.integers(1, 5)
        unit, start = rng.integers(0, officers, n_shifts), rng.integers(0, 8, n_shifts) * 1.5
        job_unit = rng.integers(-1, officers, n_jobs)
        job_t = rng.integers(-2, 12, n_jobs) * 1.5 + rng.choice([0.0, 0.25], n_jobs)
        jobs = pd.DataFrame({"t": job_t, "_unit": job_unit, "_row": np.arange(n_jobs)})
        shifts = pd.DataFrame({"_unit": unit, "shift_start": start, "_shift": np.arange(n_shifts)})
        joined = pd.merge_asof(
            jobs.sort_values("t", kind="stable"), shifts.sort_values("shift_start", kind="stable"),
            left_on="t", right_on="shift_start", by="_unit", direction="backward")
        expected = joined.sort_values("_row", kind="stable")["_shift"].to_numpy(dtype=float)
        got = shift_taking(job_unit, job_t, unit, start)
        np.testing.assert_array_equal(got, expected)


def test_by_zone_idleness_shared_with_the_zones_frame() -> None:
    # frames_from_raw hands by_zone the zones frame's idleness; by_zone computing it afresh
    # from the presence rows gives the same table, bit for bit. (Power: the idleness handed
    # over in reverse zone order made it fail.)
    scenario = realistic_scenario(days=3, warmup_days=1)
    frames = run_replication(scenario, 0)
    raw = simulate(scenario, 0)
    alone = planner_tables(raw, incidents_frame(raw), units_frame(raw), presence_frame(raw))
    shared = frames.extra["by_zone"].drop(columns="scenario")
    assert shared["max_gap_min"].gt(0).all()
    pd.testing.assert_frame_equal(alone["by_zone"], shared, check_exact=True)
