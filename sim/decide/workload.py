"""Workload per clock hour: the officer-minutes of work the district generates each hour.

From a baseline run: for each incident type, the officer time one incident of the type
takes on average — the mean job of an officer-resolved incident (travel + on-scene work +
re-inspection, ``by_type.csv``: the job from dispatch to resolution without the waits)
times the share of the type's incidents officers resolved (the others cleared by
themselves, fled or were fixed by the shop), pooled over the replications; and the
incidents of each type that occur in each clock hour (all sources, arrival window, per
day). The workload of hour h is the sum over types of incidents × expected officer
minutes, attributed to the hour the incident *occurs* — not the hour it was served, which
would only echo the baseline roster (under a day shift nothing is served at night).

Incident counts treat every type alike; weighting them by their job time puts officers
where the work is (a 45-minute pile removal weighs nine times a 5-minute ad).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim.metrics.outcomes import in_arrival_window
from sim.metrics.window import window_of
from sim.scenario.model import Scenario
from sim.scenario.units import WEEKDAYS

DAY_MIN = 1440.0

JOB_PARTS = ("travel_mean_min", "on_scene_mean_min", "reinspection_mean_min")


def job_minutes(by_type: pd.DataFrame) -> pd.Series:
    """Expected officer minutes per incident, per type: the mean job of a resolved incident
    (resolved-weighted over replications; types never resolved get the overall mean) times
    the share of the type's incidents that officers resolved."""
    per_type = _mean_job(by_type)
    return per_type * _resolved_share(by_type).reindex(per_type.index).fillna(0.0)


def _mean_job(by_type: pd.DataFrame) -> pd.Series:
    """Mean job minutes of a resolved incident per type, resolved-weighted over the
    replications (the overall mean for types never resolved)."""
    frame = by_type[by_type["resolved"] > 0]
    if frame.empty:
        raise ValueError("the baseline run resolved no incident: no job time to weigh by "
                         "(run longer, or with officers on duty)")
    job = frame[list(JOB_PARTS)].fillna(0.0).sum(axis=1)
    weights = frame["resolved"]
    per_type = (job * weights).groupby(frame["type"]).sum() / weights.groupby(frame["type"]).sum()
    overall = float((job * weights).sum() / weights.sum())
    return per_type.reindex(by_type["type"].unique()).fillna(overall)


def _resolved_share(by_type: pd.DataFrame) -> pd.Series:
    """Share of each type's incidents that officers resolved (0 without incidents)."""
    counts = by_type.groupby("type")[["resolved", "incidents"]].sum()
    return (counts["resolved"] / counts["incidents"].where(counts["incidents"] > 0)).fillna(0.0)


def weekday_of(t_min: np.ndarray, scenario: Scenario) -> np.ndarray:
    """Weekday number (0 = Monday) of simulation times in minutes."""
    first = WEEKDAYS.index(scenario.clock.start_weekday)
    return (first + (np.asarray(t_min, float) // DAY_MIN).astype(int)) % 7


def window_days_on(scenario: Scenario, weekdays: Sequence[int] | None) -> float:
    """Days of the arrival window falling on ``weekdays`` (None: all), fractions counted."""
    w = window_of(scenario)
    if weekdays is None:
        return w.arrival_days
    total, day = 0.0, math.floor(w.t0 / DAY_MIN)
    while day * DAY_MIN < w.arrival_end:
        lo, hi = max(w.t0, day * DAY_MIN), min(w.arrival_end, (day + 1) * DAY_MIN)
        total += _day_share(lo, hi, scenario, weekdays)
        day += 1
    return total


def _day_share(lo: float, hi: float, scenario: Scenario, weekdays: Sequence[int]) -> float:
    """The fraction of a day that [lo, hi) is, if that day falls on ``weekdays`` (else 0)."""
    if int(weekday_of(np.array([lo]), scenario)[0]) not in weekdays:
        return 0.0
    return max(0.0, hi - lo) / DAY_MIN


def incidents_by_hour(incidents: pd.DataFrame, scenario: Scenario,
                      weekdays: Sequence[int] | None = None) -> pd.DataFrame:
    """Incidents per day by type (rows) and clock hour of occurrence (24 columns), averaged
    over the replications, over the arrival window (only the days on ``weekdays`` if
    given)."""
    inc = _occurring(incidents, scenario, weekdays)
    reps = max(1, incidents["replication"].nunique())
    hours = (inc["t_occur"].to_numpy(float) // 60).astype(int) % 24
    table = pd.crosstab(inc["type"], hours).reindex(columns=range(24), fill_value=0)
    return table / (reps * max(window_days_on(scenario, weekdays), 1e-9))


def _occurring(incidents: pd.DataFrame, scenario: Scenario,
               weekdays: Sequence[int] | None) -> pd.DataFrame:
    """The incidents occurring in the arrival window (on ``weekdays`` only, if given)."""
    inc = incidents[in_arrival_window(incidents, window_of(scenario))]
    if weekdays is None:
        return inc
    return inc[np.isin(weekday_of(inc["t_occur"].to_numpy(float), scenario), weekdays)]


def _check_window(scenario: Scenario) -> None:
    """The run must leave an arrival window to measure the workload on."""
    w = window_of(scenario)
    if w.arrival_days <= 0:
        raise ValueError(
            f"{scenario.name}: a {scenario.clock.days}-day run leaves no incidents to measure "
            f"the workload on (warm-up {w.t0 / 1440:g} + cool-down {w.tau / 1440:g} days); "
            "run longer (--days)")


def hourly_workload(incidents: pd.DataFrame, by_type: pd.DataFrame,
                    scenario: Scenario, weekdays: Sequence[int] | None = None) -> pd.DataFrame:
    """Per clock hour: incidents per day, officer-minutes of work per day generated in that
    hour, and the same in officer-hours (on the days of ``weekdays`` only, if given)."""
    _check_window(scenario)
    counts = incidents_by_hour(incidents, scenario, weekdays)
    jobs = job_minutes(by_type).reindex(counts.index).fillna(0.0)
    work = counts.mul(jobs, axis=0).sum(axis=0).to_numpy(float)
    return pd.DataFrame({
        "hour": np.arange(24),
        "incidents_per_day": counts.sum(axis=0).to_numpy(float),
        "work_officer_min": work,
        "work_officer_h": work / 60.0,
    })
