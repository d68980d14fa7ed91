"""The movement trace: opt-in, without effect on results, consistent legs, bounded.

The last tests check the pieces alone: which days a ``TraceSpec`` means, what
``as_trace_spec`` accepts, and which legs ``LegRecorder`` keeps. Power (checked by
injection): a recorder keeping legs that end exactly at the window's start refused
(``t1 <= self.lo``) fails ``test_the_recorder_keeps_legs_touching_the_window``; setting
``cut_at`` on every refused leg fails ``test_the_recorder_stops_at_the_cap_and_says_when``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.engine.trace import DEFAULT_MAX_LEGS, LegRecorder, TraceSpec, as_trace_spec
from sim.experiment.replication import run_replication
from sim.scenario.loader import load_scenario
from tests.helpers.replay import traced_scenario


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    return load_scenario(traced_scenario(tmp_path_factory.mktemp("trace")))


@pytest.fixture(scope="module")
def traced(scenario):
    return run_replication(scenario, 0, trace=TraceSpec())


def test_trace_is_off_by_default(scenario):
    frames = run_replication(scenario, 0)
    assert "trace" not in frames.extra and "trace_info" not in frames.extra


def test_tracing_changes_no_result(scenario, traced):
    plain = run_replication(scenario, 0)
    pd.testing.assert_frame_equal(plain.summary, traced.summary)
    pd.testing.assert_frame_equal(plain.incidents, traced.incidents)
    pd.testing.assert_frame_equal(plain.units, traced.units)


def test_trace_columns_and_activities(traced):
    legs = traced.extra["trace"]
    assert list(legs.columns) == ["scenario", "replication", "unit_id", "mode", "activity",
                                  "t_start", "t_end", "from_zone", "to_zone"]
    # every behaviour of the scenario shows up: patrol, post, standby, trips and jobs
    assert set(legs["activity"]) == {"travel", "dispatch", "patrol", "post", "standby", "job"}
    stays = legs[~legs["activity"].isin(["travel", "dispatch"])]
    assert (stays["from_zone"] == stays["to_zone"]).all()
    assert set(legs["mode"]) == {"foot", "ebike", "car"}


def shift_of(leg_start: np.ndarray, leg_end: np.ndarray, units: pd.DataFrame, horizon: float):
    """Index of the duty shift holding each leg (-1: none)."""
    start = units["shift_start"].to_numpy()
    end = units["off_duty_at"].fillna(horizon).to_numpy()
    inside = (leg_start[:, None] >= start - 1e-9) & (leg_end[:, None] <= end + 1e-9)
    return np.where(inside.any(axis=1), inside.argmax(axis=1), -1)


def test_legs_are_contiguous_in_time_and_space_within_each_shift(scenario, traced):
    legs, zones = traced.extra["trace"], {z.id for z in scenario.district.all_zones()}
    horizon = scenario.clock.days * 1440.0
    assert set(legs["from_zone"]) | set(legs["to_zone"]) <= zones
    checked = 0
    for uid, own in legs.groupby("unit_id"):
        t0, t1 = own["t_start"].to_numpy(), own["t_end"].to_numpy()
        assert (t1 >= t0).all() and (np.diff(t0) >= 0).all()
        shift = shift_of(t0, t1, traced.units[traced.units["unit_id"] == uid], horizon)
        assert (shift >= 0).all(), f"{uid}: a leg outside its duty"
        same = shift[1:] == shift[:-1]
        # within a shift: each leg starts when and where the one before ended (no overlap)
        np.testing.assert_allclose(t0[1:][same], t1[:-1][same], atol=1e-9)
        assert (own["from_zone"].to_numpy()[1:][same] == own["to_zone"].to_numpy()[:-1][same]).all()
        checked += int(same.sum())
    assert checked > 200


def test_legs_cover_each_shift_from_start_to_off_duty(scenario, traced):
    legs, units = traced.extra["trace"], traced.units
    horizon = scenario.clock.days * 1440.0
    for row in units.itertuples():
        own = legs[(legs["unit_id"] == row.unit_id) & (legs["t_start"] >= row.shift_start)
                   & (legs["t_end"] <= (horizon if np.isnan(row.off_duty_at) else row.off_duty_at))]
        end = horizon if np.isnan(row.off_duty_at) else row.off_duty_at
        assert own["t_start"].min() == pytest.approx(row.shift_start)
        assert own["t_end"].max() == pytest.approx(end)


def test_trace_days_keep_only_legs_touching_those_days(scenario):
    frames = run_replication(scenario, 0, trace=TraceSpec(1, 1))
    legs, info = frames.extra["trace"], frames.extra["trace_info"]
    assert len(legs) > 20
    assert (legs["t_end"] >= 1440).all() and (legs["t_start"] < 2880).all()
    assert info[["t_from", "t_to"]].iloc[0].tolist() == [1440.0, 2880.0]
    assert np.isnan(info["t_cut"].iloc[0])


def test_the_cap_stops_recording_and_says_when(scenario):
    frames = run_replication(scenario, 0, trace=TraceSpec(max_legs=40))
    legs, info = frames.extra["trace"], frames.extra["trace_info"]
    assert len(legs) == 40
    cut = info["t_cut"].iloc[0]
    assert legs["t_end"].max() <= cut < 2 * 1440


def test_api_trace_option(scenario):
    frames = sim.run(scenario, reps=1, trace=(0, 0))
    assert (frames.extra["trace"]["t_start"] < 1440).all()
    with pytest.raises(ValueError, match="days 3-3"):
        sim.run(scenario, reps=1, trace=(3, 3))


def test_a_cut_trace_is_reported_and_not_replayed_past_the_cut(scenario, tmp_path):
    from sim.cli.trace import trace_warnings
    from sim.experiment.single import run_to_folder
    from sim.replay import ReplayError, replay

    out = tmp_path / "cut"
    frames, _ = run_to_folder(scenario, out, 1, make_plots=False, trace=TraceSpec(max_legs=40))
    (warning,) = trace_warnings(frames)
    assert "stopped at day 0" in warning and "40 legs" in warning
    with pytest.raises(ReplayError, match="stopped at day 0"):
        replay(out, day=1)
    assert not (out / "replay").exists()


def test_trace_files_are_byte_identical_whatever_the_workers(scenario, tmp_path):
    from sim.experiment.single import run_to_folder

    for jobs in (1, 2):
        run_to_folder(scenario, tmp_path / f"j{jobs}", 2, jobs=jobs, make_plots=False,
                      trace=TraceSpec())
    for name in ("trace.csv", "trace_info.csv"):
        assert (tmp_path / "j1" / name).read_bytes() == (tmp_path / "j2" / name).read_bytes()
    assert set(pd.read_csv(tmp_path / "j2" / "trace.csv")["replication"]) == {0, 1}


# -- the pieces alone ---------------------------------------------------------------------
def test_a_trace_spec_names_its_days_and_checks_them_against_the_run() -> None:
    assert TraceSpec().window(3 * 1440.0) == (0.0, 3 * 1440.0)
    assert TraceSpec(1, 1).window(3 * 1440.0) == (1440.0, 2880.0)
    assert TraceSpec(2, 9).window(3 * 1440.0) == (2880.0, 4320.0)  # cut at the horizon
    assert TraceSpec(0, 2).problem(3) is None and TraceSpec(2).problem(3) is None
    assert "0-2" in TraceSpec(1, 3).problem(3)
    assert "not inside" in TraceSpec(2, 1).problem(3)
    assert "max_legs" in TraceSpec(max_legs=0).problem(3)


def test_as_trace_spec_reads_the_ways_a_run_asks_for_a_trace() -> None:
    assert as_trace_spec(None, 5) is None and as_trace_spec(False, 5) is None
    assert as_trace_spec(True, 5) == TraceSpec(0, None, DEFAULT_MAX_LEGS)
    assert as_trace_spec((1, 2), 5) == TraceSpec(1, 2)
    assert as_trace_spec(TraceSpec(max_legs=3), 5) == TraceSpec(max_legs=3)
    with pytest.raises(ValueError, match="trace: days 4-6"):
        as_trace_spec((4, 6), 5)


def test_the_recorder_keeps_legs_touching_the_window() -> None:
    rec = LegRecorder(TraceSpec(1, 1), 3 * 1440.0)  # [1440, 2880)
    legs = [(0, 1, 2, 3, 1000.0, 1440.0),   # ends at the window's start: kept
            (0, 1, 2, 3, 1000.0, 1439.0),   # before it: dropped
            (1, 2, 4, 4, 2000.0, 2000.0),   # an empty stay: dropped
            (1, 0, 4, 5, 2000.0, 2000.0),   # an instant trip between zones: kept
            (2, 3, 5, 5, 2879.0, 3000.0),   # starts inside: kept
            (2, 3, 5, 5, 2880.0, 3000.0)]   # starts at the end: dropped
    for leg in legs:
        rec.add(*leg)
    trace = rec.result()
    assert trace.legs.tolist() == [list(map(float, legs[k])) for k in (0, 3, 4)]
    assert (trace.t_from, trace.t_to) == (1440.0, 2880.0) and np.isnan(trace.cut_at)


def test_the_recorder_stops_at_the_cap_and_says_when() -> None:
    rec = LegRecorder(TraceSpec(max_legs=2), 1440.0)
    for k in range(5):
        rec.add(0, 0, 1, 2, 10.0 * k, 10.0 * k + 5)
    trace = rec.result()
    assert len(trace.legs) == 2 and trace.max_legs == 2
    assert trace.cut_at == 25.0  # the end of the first leg refused
