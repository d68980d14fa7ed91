"""Exact traces of tiny deterministic scenarios, checked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from sim.demand.arrivals import CHANNEL_COMPLAINT, IncidentBatch
from sim.engine.world import World
from sim.metrics.records import incidents_frame, presence_frame, units_frame
from sim.scenario.loader import scenario_from_dict

INF = np.inf


def two_zone_scenario(**changes) -> dict:
    """Zones A and B 10 minutes apart; one officer on standby at A, on duty all day."""
    data = {
        "name": "trace",
        "clock": {"days": 1},
        "district": {
            "zones": [{"id": "A", "x_m": 0, "y_m": 0}, {"id": "B", "x_m": 500, "y_m": 0}],
            "travel": {
                "matrix_minutes": {
                    m: [[0, 10], [10, 0]] for m in ("foot", "ebike", "car")
                }
            },
        },
        "incidents": {
            "pile": {
                "rate_per_day": {},
                "complaint": {"probability": 1, "delay": 5},
                "ladder": [{"name": "remove", "duration": 20}],
            },
            "vendor": {
                "priority": 1,
                "rate_per_day": {},
                "complaint": {"probability": 1, "delay": 5},
                "ladder": [
                    {"name": "persuade", "duration": 4, "compliance": 0.5},
                    {"name": "seize", "duration": 30},
                ],
            },
        },
        "dispatch": {"handling_delay": 2},
        "units": {
            "team": {
                "count": 1,
                "home_zone": "A",
                "shifts": [{"start": "00:00", "end": "24:00"}],
                "behaviour": {"kind": "standby"},
            }
        },
    }
    data.update(changes)
    return data


def batch(rows: list[dict], steps: int = 2) -> IncidentBatch:
    """An explicit incident batch: each row gives t, type index, zone index (+ overrides)."""
    n = len(rows)

    def col(key: str, default: float) -> np.ndarray:
        return np.array([r.get(key, default) for r in rows], dtype=float)

    t = col("t", 0.0)
    return IncidentBatch(
        t_occur=t,
        type_idx=np.array([r["type"] for r in rows]),
        zone_idx=np.array([r["zone"] for r in rows]),
        t_selfclear=col("selfclear", INF),
        t_report=t + col("report_after", 5.0),
        report_channel=np.full(n, CHANNEL_COMPLAINT),
        t_merchant=np.full(n, INF),
        u_flee=np.ones(n),
        u_ladder=np.array([r.get("u", [0.0] * steps) for r in rows], dtype=float),
    )


def run(data: dict, rows: list[dict]):
    scenario = scenario_from_dict(data)
    raw = World(scenario, 0, batch=batch(rows)).run()
    return incidents_frame(raw).set_index("incident_id"), units_frame(raw), presence_frame(raw)


def test_single_incident_timeline_is_exact():
    inc, units, _ = run(two_zone_scenario(), [{"t": 100, "type": 0, "zone": 1}])
    row = inc.loc[0]
    assert (row.t_detect, row.t_dispatch, row.t_arrive, row.t_resolve, row.t_end) == (
        105, 107, 117, 137, 137
    )
    assert (row.channel, row.outcome, row.unit_id, row.ladder_step) == (
        "complaint", "resolved", "team-1", 1
    )
    shift = units.iloc[0]
    assert shift.jobs == 1
    assert shift.busy_travel_min == 10 and shift.job_min == 20
    assert shift.on_duty_min == 1440


def test_second_job_waits_in_queue_then_goes_fcfs():
    rows = [{"t": 100, "type": 0, "zone": 1}, {"t": 110, "type": 0, "zone": 0}]
    inc, _, _ = run(two_zone_scenario(), rows)
    first, second = inc.loc[0], inc.loc[1]
    assert first.t_resolve == 137
    # reported 115, ready 117, officer busy until 137, travels B → A (10), works 20
    assert (second.t_detect, second.t_dispatch, second.t_arrive, second.t_resolve) == (
        115, 137, 147, 167
    )


def test_priority_class_overtakes_fcfs():
    rows = [
        {"t": 100, "type": 0, "zone": 1},  # busy the officer until 137
        {"t": 110, "type": 0, "zone": 1},  # pile, ready at 117
        {"t": 115, "type": 1, "zone": 1, "u": [0.1, 0.0]},  # vendor (priority 1), ready at 122
    ]
    inc, _, _ = run(two_zone_scenario(), rows)
    assert inc.loc[2].t_dispatch == 137  # the vendor goes first though it came later
    assert inc.loc[2].t_resolve == 137 + 0 + 4  # same zone: no travel; persuaded (u < 0.5)
    assert inc.loc[1].t_dispatch == 141


def test_ladder_escalates_when_persuasion_fails():
    rows = [{"t": 100, "type": 1, "zone": 0, "u": [0.9, 0.0]}]  # u ≥ 0.5: persuasion fails
    inc, _, _ = run(two_zone_scenario(), rows)
    row = inc.loc[0]
    assert row.ladder_step == 2
    assert row.t_resolve == 107 + 4 + 30


def test_self_clearing_before_arrival_wastes_the_trip():
    rows = [{"t": 100, "type": 0, "zone": 1, "selfclear": 112}]
    inc, units, _ = run(two_zone_scenario(), rows)
    row = inc.loc[0]
    assert row.outcome == "self_cleared" and row.t_end == 112
    assert np.isnan(row.t_arrive) and row.t_dispatch == 107
    assert units.iloc[0].busy_travel_min == 10  # the officer still went


def test_rectification_deadline_schedules_a_reinspection():
    data = two_zone_scenario()
    data["incidents"]["pile"]["ladder"] = [
        {"name": "order", "duration": 5, "compliance": 0.5, "deadline_min": 600},
        {"name": "seize", "duration": 30},
    ]
    compliant = {"t": 100, "type": 0, "zone": 0, "u": [0.25, 0.0]}
    defiant = {"t": 100, "type": 0, "zone": 1, "u": [0.75, 0.0]}
    inc, _, _ = run(data, [compliant])
    row = inc.loc[0]
    # order served 107..112; fixed by the party at 112 + 600 × 0.25/0.5; re-inspected at 712
    assert row.t_end == pytest.approx(412)
    assert row.t_resolve == 712 and row.reinspections == 1 and row.ladder_step == 1
    inc, _, _ = run(data, [defiant])
    row = inc.loc[0]
    # served 117..122 in B; the officer returns to its station at A; re-inspection due at 722:
    # travel A → B (10), seize (30)
    assert row.reinspections == 1 and row.ladder_step == 2
    assert row.t_resolve == 722 + 10 + 30 and row.t_end == row.t_resolve


def test_offender_who_flees_ends_the_case_on_arrival():
    data = two_zone_scenario()
    data["incidents"]["vendor"]["flee_probability"] = 0.5
    raw_rows = [{"t": 100, "type": 1, "zone": 1}]
    scenario = scenario_from_dict(data)
    b = batch(raw_rows)
    b.u_flee[:] = 0.2
    inc = incidents_frame(World(scenario, 0, batch=b).run()).set_index("incident_id")
    assert inc.loc[0].outcome == "fled" and inc.loc[0].t_resolve == 117


def test_patrol_officer_sees_and_handles_at_once():
    data = two_zone_scenario()
    data["units"]["team"]["behaviour"] = {"kind": "fixed_post", "zone": "B"}
    data["detection"] = {"sight": {"foot": 1.0}}
    rows = [{"t": 100, "type": 0, "zone": 1, "report_after": 1000}]
    inc, _, presence = run(data, rows)
    row = inc.loc[0]
    assert row.channel == "patrol"
    assert row.t_detect == row.t_dispatch == row.t_arrive == 100
    assert row.t_resolve == 120
    posts = presence[presence.activity == "post"]
    assert (posts.zone == "B").all()
    # at the post from arrival (10) to the end of the day, except the 20-minute job
    assert posts.t_end.sub(posts.t_start).sum() == pytest.approx(1440 - 10 - 20)


def test_shift_end_finishes_the_job_with_overtime():
    data = two_zone_scenario()
    data["units"]["team"]["shifts"] = [{"start": "00:00", "end": "02:00"}]
    rows = [{"t": 100, "type": 0, "zone": 1}]  # dispatched 107, done 137 > 120
    inc, units, _ = run(data, rows)
    assert inc.loc[0].t_resolve == 137
    first = units.iloc[0]
    assert first.off_duty_at == 137 and first.overtime_min == 17


def test_off_duty_jobs_wait_for_the_next_shift():
    data = two_zone_scenario(clock={"days": 2})
    data["units"]["team"]["shifts"] = [{"start": "08:00", "end": "09:00"}]
    rows = [{"t": 100, "type": 0, "zone": 0}]  # reported at night
    inc, _, _ = run(data, rows)
    assert inc.loc[0].t_dispatch == 480 and inc.loc[0].t_resolve == 500


def test_dispatch_sends_the_nearest_free_officer_ties_to_the_first():
    """Zones A — B — C on a line (A–B 10 min, B–C 4, A–C 14); officers on standby at A and C.

    Catches a dispatcher that sends any free officer but the nearest one (the farthest, the
    first listed, the last freed), which direction-of-effect tests alone do not notice.
    """
    travel = [[0, 10, 14], [10, 0, 4], [14, 4, 0]]
    data = two_zone_scenario(
        district={
            "zones": [{"id": z, "x_m": 500 * k, "y_m": 0} for k, z in enumerate("ABC")],
            "travel": {"matrix_minutes": {m: travel for m in ("foot", "ebike", "car")}},
        },
        units={
            name: {
                "count": 1,
                "home_zone": home,
                "shifts": [{"start": "00:00", "end": "24:00"}],
                "behaviour": {"kind": "standby"},
            }
            for name, home in (("west", "A"), ("east", "C"))
        },
    )
    rows = [
        {"t": 100, "type": 0, "zone": 1},  # B: east is 4 min away, west 10
        {"t": 101, "type": 0, "zone": 1},  # B again, east busy: west goes
        {"t": 300, "type": 0, "zone": 0},  # A: west (home again) is there
    ]
    inc, _, _ = run(data, rows)
    assert list(inc.unit_id) == ["east-1", "west-1", "west-1"]
    assert inc.loc[0].t_arrive - inc.loc[0].t_dispatch == 4
    assert inc.loc[1].t_arrive - inc.loc[1].t_dispatch == 10
    # equal distance (B is 10 from A; make C 10 from B too): the first officer listed goes
    tie = [[0, 10, 20], [10, 0, 10], [20, 10, 0]]
    data["district"]["travel"]["matrix_minutes"] = {m: tie for m in ("foot", "ebike", "car")}
    inc, _, _ = run(data, rows[:1])
    assert inc.loc[0].unit_id == "west-1"


# -- walking through zones ----------------------------------------------------------------
def line_scenario(behaviour: dict, **detection) -> dict:
    """Zones A — B — C — D on a line, 500 m apart, 10 minutes a hop for every mode; one foot
    officer from A, on duty all day; the officer sees everything, staying or passing."""
    hops = [[10 * abs(i - j) for j in range(4)] for i in range(4)]
    data = two_zone_scenario(
        district={
            "zones": [{"id": z, "x_m": 500 * k, "y_m": 0} for k, z in enumerate("ABCD")],
            "travel": {"matrix_minutes": {m: hops for m in ("foot", "ebike", "car")}},
        },
        detection={"sight": {"foot": 1.0}, "sight_passing": {"foot": 1.0}, **detection},
    )
    data["units"]["team"]["behaviour"] = behaviour
    return data


def test_walk_through_three_zones_is_present_and_sees_in_each():
    """A walk A → D passes B and C (10 minutes each) and arrives in D after 30 minutes.

    Hand-checked: the officer walks from its station A to its post D (not dispatchable on the
    way, handle_on_sight off so nothing stops it): passing B during [0, 10), C during
    [10, 20), then the last share inside D [20, 30) is travel (D is looked at by the stay),
    at the post from 30. A pile in C at 5 is seen on entering C at 10; one in B at 4 as it
    occurs while the officer passes; one in B at 12 (officer gone) only by the hotline at 17;
    one in D at 25 by the post's first look at 30. Catches: a walk that jumps (no passing rows,
    #0 and #1 found by nobody), passing rows in the destination, sighting at the wrong time.
    """
    data = line_scenario({"kind": "fixed_post", "zone": "D"})
    data["dispatch"] = {"handling_delay": 2, "handle_on_sight": False}
    rows = [
        {"t": 5, "type": 0, "zone": 2, "report_after": 1000},
        {"t": 4, "type": 0, "zone": 1, "report_after": 1000},
        {"t": 12, "type": 0, "zone": 1, "report_after": 5},
        {"t": 25, "type": 0, "zone": 3, "report_after": 1000},
    ]
    inc, units, presence = run(data, rows)
    rows_seen = presence.sort_values("t_start")[["zone", "t_start", "t_end", "activity"]]
    assert [tuple(r) for r in rows_seen.itertuples(index=False)] == [
        ("B", 0, 10, "passing"), ("C", 10, 20, "passing"), ("D", 30, 1440, "post"),
    ]
    inc = inc.sort_index()  # in the order of `rows`
    assert list(inc.channel) == ["patrol", "patrol", "complaint", "patrol"]
    assert list(inc.t_detect) == [10, 4, 17, 30]
    shift = units.iloc[0]
    assert shift.travel_min == 30 and shift.post_min == 1410 and shift.distance_km > 0


def test_dispatch_interrupts_a_walk_in_the_zone_it_is_passing():
    """A cyclic route A ↔ D: 20 minutes at A, then the walk to D passes B [20, 30), C [30, …).

    A pile in A at 27 is reported at 32 and dispatched at 34: the officer is passing C, so it
    goes from C (20 minutes, passing B [34, 44) on the way to the job) and arrives at 54.
    Catches: an interrupted walk that leaves the officer where it started or at its
    destination (arrival 34 + 0 or + 30), and job trips that pass nothing.
    """
    data = line_scenario({"kind": "cyclic_route", "route": ["A", "D"], "dwell": 20})
    rows = [{"t": 27, "type": 0, "zone": 0, "report_after": 5}]
    inc, units, presence = run(data, rows)
    row = inc.loc[0]
    assert (row.t_detect, row.t_dispatch, row.t_arrive, row.t_resolve) == (32, 34, 54, 74)
    first = presence.sort_values("t_start").head(5)
    assert [tuple(r) for r in first[["zone", "t_start", "t_end", "activity"]].itertuples(
        index=False)] == [
        ("A", 0, 20, "patrol"), ("B", 20, 30, "passing"), ("C", 30, 34, "passing"),
        ("B", 34, 44, "passing"), ("A", 54, 74, "job"),
    ]
    assert units.iloc[0].busy_travel_min == 20


def test_coverage_counts_passing_by_mode():
    """The walk above in coverage.csv terms: 20 officer-minutes passing (B and C, 00:00–00:20),
    all on foot; the post counts too. Per-mode columns add up to officer_min."""
    from sim.metrics.kpis import coverage_frame
    from sim.scenario.district import MODES

    data = line_scenario({"kind": "fixed_post", "zone": "D"})
    _, _, presence = run(data, [{"t": 2000, "type": 0, "zone": 0}])  # after the day: none
    cov = coverage_frame(list("ABCD"), presence, 0.0, 1440.0, MODES).set_index(["zone", "hour"])
    assert cov.passing_min.sum() == 20 and cov.loc[("B", 0), "passing_min"] == 10
    assert cov.loc[("C", 0), "covered_min"] == 10
    assert cov.loc[("D", 0), "officer_min"] == 30  # the post from 00:30 (travel before)
    assert (cov.officer_min_foot == cov.officer_min).all() and cov.officer_min_car.sum() == 0
