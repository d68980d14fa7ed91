"""The case workflow: the timers of a case, checks that fail and reopen it, and the on-time
closure measures against hand-computed values (the work calendar: test_workcalendar.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.engine.workcalendar import Calendar
from sim.experiment.replication import run_replication
from sim.metrics.window import Window
from sim.metrics.workflow import step_table, summary_measures
from sim.scenario.loader import scenario_from_dict
from sim.scenario.workflow import Workflow
from tests.golden.regenerate import SCENARIO as GOLDEN
from tests.helpers.scenarios import queue_scenario_dict

DAY = 1440.0
# -- timers of a case, deterministic --------------------------------------------------------
def workflow_scenario(fail: float = 0.0, days: int = 4, **workflow) -> dict:
    """Officers always on standby, zero travel, every incident reported at once, a fixed
    10-minute handling: with enough officers a case never waits."""
    data = queue_scenario_dict(rate_per_hour=1.0, mean_service_min=10.0, servers=30,
                               days=days, warmup_days=1.0)
    data["incidents"]["class1"]["ladder"] = [{"name": "serve", "duration": 10}]
    data["workflow"] = {
        "report_back": 5, "closing": 10, "calendar": {"days": ["mon", "tue", "wed", "thu",
                                                               "fri", "sat", "sun"],
                                                      "hours": ["00:00-24:00"]},
        "check": {"staff": 50, "duration": 20, "fail_probability": fail},
        "classes": {"all": {"types": ["class1"],
                            "limits": {"case": {"hours": 0.75, "basis": "calendar"},
                                       "check": {"hours": 0.25, "basis": "calendar"}}}},
        **workflow,
    }
    return data


def test_every_step_takes_its_timer_when_nobody_waits() -> None:
    frames = run_replication(scenario_from_dict(workflow_scenario()), 0)
    cases = frames.extra["cases"]
    done = cases[cases["t_closed"].notna()]
    assert len(done) > 50 and len(cases) - len(done) <= 2  # only the last minutes are open
    steps = {"t_dispatched": 0.0, "t_handled": 10.0, "t_reported": 15.0, "t_checked": 35.0,
             "t_closed": 45.0}
    for column, after in steps.items():
        assert np.allclose(done[column] - done["t_filed"], after), column
    assert (done["t_filed"] == done["t_found"]).all() and (done["reopens"] == 0).all()
    summary = frames.summary.iloc[0]
    assert summary["case_closed_share"] == 1.0
    assert summary["case_time_mean_h"] == pytest.approx(0.75)
    assert summary["case_on_time_share"] == 1.0  # 45 min ≤ 0.75 h, exactly at the limit
    table = frames.extra["workflow"].set_index("step")
    assert table.at["check", "on_time"] == 0.0  # the check takes 20 min > 15 min limit
    assert table.at["report_back", "mean_h"] == pytest.approx(5 / 60)


def test_a_failed_check_reopens_the_case_and_sends_an_officer_again() -> None:
    frames = run_replication(scenario_from_dict(workflow_scenario(fail=1.0, days=3)), 0)
    cases, inc = frames.extra["cases"], frames.incidents
    assert cases["t_closed"].isna().all()  # every check fails: nothing ever closes
    # a cycle: check done 35 min after filing, then redispatch at once, handled 10 min later,
    # reported 5, checked 20: a new check every 35 min until the run stops
    horizon = 3 * DAY
    expected = np.floor((horizon - cases["t_filed"].to_numpy()) / 35.0)
    assert np.abs(cases["reopens"].to_numpy() - expected).max() <= 1
    reopened = inc[inc["source"] == "reopen"]
    assert len(reopened) == cases["reopens"].sum()
    assert (reopened["channel"] == "reopened").all()
    assert (reopened["outcome"].isin(["resolved", "open_at_end"])).all()
    assert frames.summary.iloc[0]["case_closed_share"] == 0.0


def test_the_share_of_reopened_cases_follows_the_fail_probability() -> None:
    frames = run_replication(scenario_from_dict(workflow_scenario(fail=0.3, days=8)), 0)
    share = frames.summary.iloc[0]["case_reopened_share"]
    # ~150 cases: binomial sd ≈ 0.037; 3 sd
    assert share == pytest.approx(0.3, abs=0.11)


def test_without_a_workflow_nothing_changes_and_nothing_is_added() -> None:
    from sim.scenario.loader import load_scenario
    frames = run_replication(load_scenario(GOLDEN), 0)
    assert "cases" not in frames.extra and "workflow" not in frames.extra
    assert not [c for c in frames.summary if c.startswith("case")]


# -- the measures against hand-computed values ----------------------------------------------
def hand_cases() -> pd.DataFrame:
    """Office calendar 08:00-12:00, 13:00-17:00 on weekdays; run starts on a Monday."""
    nan = np.nan
    rows = [  # class, filed, closed (minutes)
        ("a", 540, 660),            # Mon 09:00 → 11:00: 2 working h, on time
        ("a", 960, DAY + 600),      # Mon 16:00 → Tue 10:00: 1 + 2 = 3 h, on time
        ("a", 660, 960),            # Mon 11:00 → 16:00: 1 + 3 = 4 h, exactly on time
        ("a", 600, 930),            # Mon 10:00 → 15:30: 2 + 2.5 = 4.5 h, late
        ("a", 540, nan),            # Mon 09:00, open at the horizon: 7 h > 4, late
        ("a", 2 * DAY + 960, nan),  # Wed 16:00, open: 1 h so far, not yet known
        ("b", 540, 900),            # 6 calendar h > 5: late
        ("b", 540, 780),            # 4 calendar h: on time
    ]
    frame = pd.DataFrame(rows, columns=["class", "t_filed", "t_closed"])
    for column in ("t_found", "t_dispatched", "t_handled", "t_reported", "t_checked"):
        frame[column] = np.nan
    frame["t_found"] = frame["t_filed"]
    frame["reopens"] = [0, 1, 0, 0, 0, 0, 0, 2]
    return frame


def test_on_time_closure_and_case_time_against_hand_computed_values() -> None:
    spec = Workflow(
        calendar={"days": ["mon", "tue", "wed", "thu", "fri"],
                  "hours": ["08:00-12:00", "13:00-17:00"]},
        classes={"a": {"types": ["x"], "limits": {"case": {"hours": 4}}},
                 "b": {"types": ["y"], "limits": {"case": {"hours": 5, "basis": "calendar"}}}},
        target_closed_share=0.7, target_case_time_h=7)
    w = Window(t0=0.0, t1=3 * DAY, tau=400.0)  # arrival window [0, 3920)
    cal = Calendar(spec.calendar, "mon")
    cases = hand_cases()
    table = pd.DataFrame(step_table(cases, spec, cal, w))
    case_rows = table[table["step"] == "case"].set_index("class")
    assert case_rows.at["a", "on_time"] == pytest.approx(3 / 5)  # the sixth is not yet known
    assert case_rows.at["a", "judged"] == 5
    assert case_rows.at["b", "on_time"] == pytest.approx(1 / 2)
    out = summary_measures(cases, table, spec, w)
    assert out["case_on_time.a"] == pytest.approx(0.6)
    assert out["case_on_time_share"] == pytest.approx(4 / 7)
    assert out["case_closed_share"] == pytest.approx(6 / 8)
    # filed → closed capped at τ = 400 min: 120, 400, 300, 330, 400, 400, 360, 240
    assert out["case_time_mean_h"] == pytest.approx(2550 / 8 / 60)
    assert out["case_reopened_share"] == pytest.approx(2 / 8)
    assert out["case_targets_met"] == 1.0  # 75 % ≥ 70 % and 5.3 h ≤ 7 h
    assert out["cases_per_day"] == pytest.approx(8 / (3920 / DAY))


def test_a_skipped_step_is_left_out_not_counted_late() -> None:
    spec = Workflow(classes={"a": {"types": ["x"],
                                   "limits": {"dispatch": {"hours": 0.1, "basis": "calendar"}}}})
    cases = hand_cases().iloc[:3].copy()
    cases["t_dispatched"] = [np.nan, 962.0, np.nan]  # the 1st ended before dispatch
    cases["t_handled"] = [600.0, 1000.0, np.nan]
    cases["t_closed"] = [700.0, 1100.0, np.nan]  # the 3rd still waits at the horizon
    w = Window(t0=0.0, t1=3 * DAY, tau=400.0)
    table = pd.DataFrame(step_table(cases, spec, Calendar(spec.calendar, "mon"), w))
    row = table[(table["class"] == "a") & (table["step"] == "dispatch")].iloc[0]
    assert row["cases"] == 2 and row["judged"] == 2  # the 1st skipped the step
    assert row["on_time"] == 0.5  # 2nd: sent in 2 min; 3rd: waiting far past 6 min, late


def test_cases_still_being_handled_at_the_end_are_open_cases() -> None:
    data = workflow_scenario(days=3)
    data["units"]["officer"]["count"] = 1  # one officer: a queue builds up
    data["incidents"]["class1"]["ladder"] = [{"name": "serve", "duration": 90}]
    frames = run_replication(scenario_from_dict(data), 0)
    cases, inc = frames.extra["cases"], frames.incidents
    known = inc[inc["t_detect"].notna() & (inc["source"] != "reopen")]
    assert len(cases) == len(known)  # every known incident is a case, handled or not
    waiting = cases[cases["t_handled"].isna()]
    assert len(waiting) > 5 and waiting["t_closed"].isna().all()
    assert frames.summary.iloc[0]["case_closed_share"] < 1.0
