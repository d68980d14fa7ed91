"""The planner's tables by time: per hour of day (``by_hour``) and per tour (``by_shift``).

These are the tables RAND's Patrol Car Allocation Model gives per tour and hour (Chaiken &
Dormont 1978): demand, response, the chance a call waits for a free unit, the queue, units on
duty and their utilisation. As in ``sim.metrics.window``: incidents count if they occur in
the arrival window [t0, arrival_end) = [warm-up, horizon − cool-down), so each is followed
long enough; time-averages (queue, officers, busy time) are clipped to [t0, t1) = [warm-up,
horizon).

Definitions (docs/tables.md explains them for a planner):

- a case *waits* when it is dispatched later than the command room filed it (``t_queued``,
  detection + the room's handling delay): nobody eligible was free. Cases an officer handles on
  sight are filed and dispatched at once (``t_queued`` empty): they never wait;
- the *queue* holds filed cases not yet dispatched, from ``t_queued`` to the dispatch, or to the
  end of the disorder if it ended while waiting (or to t1 if still waiting);
- an officer is *on duty* from ``shift_start`` to ``off_duty_at`` (overtime included);
- an officer is *busy* from taking a job to finishing it: the trip there and the work on scene
  (the engine records each job's span per shift; see :func:`busy_spans`). These are the same
  minutes as the shift records' ``busy_travel_min + job_min``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.typing import DataFrameGroupBy

from sim.metrics.intervals import overlap_by_hour

HOURS = np.arange(24)
EPS = 1e-9  # minutes: equal times written by the same event


def hour_of(t: np.ndarray) -> np.ndarray:
    """Hour of day (0–23) of each time in minutes."""
    return (np.floor(np.asarray(t, dtype=float) / 60.0) % 24).astype(np.int64)


def in_window(t: np.ndarray, t0: float, t1: float) -> np.ndarray:
    """Which times lie in [t0, t1) (NaN: none)."""
    t = np.asarray(t, dtype=float)
    return (t >= t0) & (t < t1)


def occurring_in(
    incidents: pd.DataFrame, t0: float, t1: float, arrival_end: float | None = None
) -> np.ndarray:
    """Which incidents occur in [t0, arrival_end) (without an arrival end: [t0, t1))."""
    return in_window(incidents["t_occur"].to_numpy(), t0, t1 if arrival_end is None
                     else arrival_end)


def filed_at(incidents: pd.DataFrame) -> np.ndarray:
    """When each case joined the queue; cases handled on sight join and leave at dispatch."""
    queued = incidents["t_queued"].to_numpy(dtype=float)
    return np.where(np.isnan(queued), incidents["t_dispatch"].to_numpy(dtype=float), queued)


def waited(incidents: pd.DataFrame) -> np.ndarray:
    """Per dispatched case: did it wait for a free officer (dispatched after it was filed)?"""
    return incidents["t_dispatch"].to_numpy(dtype=float) > filed_at(incidents) + EPS


def queue_intervals(incidents: pd.DataFrame, t1: float) -> tuple[np.ndarray, np.ndarray]:
    """[filed, left the queue) of every filed case: dispatched, ended while waiting, or t1."""
    start = incidents["t_queued"].to_numpy(dtype=float)
    stop = _left_queue(incidents, t1)
    keep = ~np.isnan(start)
    return start[keep], np.maximum(stop[keep], start[keep])


def _left_queue(incidents: pd.DataFrame, t1: float) -> np.ndarray:
    """When each case left the queue: dispatched, or the disorder ended first (else t1)."""
    stop = np.fmin(incidents["t_dispatch"].to_numpy(dtype=float),
                   incidents["t_end"].to_numpy(dtype=float))
    return np.where(np.isnan(stop), t1, stop)


def duty_intervals(units: pd.DataFrame, t1: float) -> tuple[np.ndarray, np.ndarray]:
    """[shift start, off duty) of every officer-shift (still on duty at the end: t1)."""
    return (units["shift_start"].to_numpy(dtype=float),
            units["off_duty_at"].fillna(t1).to_numpy(dtype=float))


def busy_spans(shifts: list[dict], t1: float) -> tuple[np.ndarray, np.ndarray]:
    """[taken, finished) of every job of every officer-shift (a job under way at the end: t1).

    A shift's ``busy_spans`` are its jobs' start and end times one after the other (the
    engine's flat array), or [start, end] pairs.
    """
    parts = [np.asarray(row["busy_spans"], dtype=float).reshape(-1, 2)
             for row in shifts if len(row.get("busy_spans", ()))]
    if not parts:
        return np.empty(0), np.empty(0)
    arr = np.concatenate(parts)
    return arr[:, 0], np.where(np.isnan(arr[:, 1]), t1, arr[:, 1])


def _per_hour(hours: np.ndarray, values: np.ndarray, how: str) -> np.ndarray:
    """Mean or 90th percentile of ``values`` per hour of day (NaN where none)."""
    order = np.argsort(hours.astype(np.int8), kind="stable")  # (radix) each hour in order
    bounds = np.searchsorted(hours[order], np.arange(25))
    ordered = values[order]
    out = np.full(24, np.nan)
    for h in HOURS:
        v = ordered[bounds[h]:bounds[h + 1]]
        if v.size:
            out[h] = v.mean() if how == "mean" else np.quantile(v, 0.9)
    return out


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def response_columns(cases: pd.DataFrame, hours: np.ndarray) -> dict[str, np.ndarray]:
    """Per hour: dispatched cases, response (detection → arrival) mean and p90, P(wait), wait."""
    sent = cases["t_dispatch"].notna().to_numpy()
    arrived = sent & cases["t_arrive"].notna().to_numpy()
    response = (cases["t_arrive"] - cases["t_detect"]).to_numpy(dtype=float)
    wait = cases["t_dispatch"].to_numpy(dtype=float) - filed_at(cases)
    n_sent = np.bincount(hours[sent], minlength=24)
    return {
        "dispatched": n_sent,
        "response_mean_min": _per_hour(hours[arrived], response[arrived], "mean"),
        "response_p90_min": _per_hour(hours[arrived], response[arrived], "p90"),
        "p_wait": _ratio(np.bincount(hours[sent], weights=waited(cases)[sent], minlength=24),
                         n_sent.astype(float)),
        "wait_mean_min": _per_hour(hours[sent], np.clip(wait[sent], 0.0, None), "mean"),
    }


def by_hour(incidents: pd.DataFrame, units: pd.DataFrame, busy: tuple[np.ndarray, np.ndarray],
            t0: float, t1: float, arrival_end: float | None = None) -> pd.DataFrame:
    """One row per hour of day: demand, response, waiting, queue, officers and utilisation.

    Incidents are counted by hour of occurrence; detections, dispatches, responses and waits by
    hour of detection (when the call came in), for incidents occurring in [t0, arrival_end)
    (default t1). ``busy``: the start and end times of every job (:func:`busy_spans`).
    """
    inside = occurring_in(incidents, t0, t1, arrival_end)
    cases = incidents.loc[inside & incidents["t_detect"].notna().to_numpy(),
                          ["t_detect", "t_queued", "t_dispatch", "t_arrive"]]
    det_hour = hour_of(cases["t_detect"].to_numpy())
    observed = overlap_by_hour(np.array([t0]), np.array([t1]), t0, t1)
    return pd.DataFrame({
        "hour": HOURS,
        "observed_min": observed,
        "incidents": np.bincount(hour_of(incidents["t_occur"].to_numpy()[inside]), minlength=24),
        "detected": np.bincount(det_hour, minlength=24),
        **response_columns(cases, det_hour),
        **_load_columns(incidents, units, busy, (t0, t1), observed),
    })


def _load_columns(incidents: pd.DataFrame, units: pd.DataFrame,
                  busy: tuple[np.ndarray, np.ndarray], window: tuple[float, float],
                  observed: np.ndarray) -> dict[str, np.ndarray]:
    """Per hour: the mean queue, officers on duty, minutes on duty and busy, utilisation."""
    t0, t1 = window
    queue = overlap_by_hour(*queue_intervals(incidents, t1), t0, t1)
    on_duty = overlap_by_hour(*duty_intervals(units, t1), t0, t1)
    busy_min = overlap_by_hour(*busy, t0, t1)
    return {"queue_mean": _ratio(queue, observed), "officers_on_duty": _ratio(on_duty, observed),
            "on_duty_min": on_duty, "busy_min": busy_min, "utilisation": _ratio(busy_min, on_duty)}


def clock_label(t: np.ndarray) -> np.ndarray:
    """Time of day as "HH:MM" (to the minute)."""
    minutes = np.round(np.asarray(t, dtype=float) % 1440.0).astype(np.int64) % 1440
    times, at = np.unique(minutes, return_inverse=True)  # a few shift starts, many shifts
    return np.array([f"{m // 60:02d}:{m % 60:02d}" for m in times], dtype=object)[at]


def window_share(units: pd.DataFrame, t0: float, t1: float) -> tuple[np.ndarray, np.ndarray]:
    """Per officer-shift: minutes on duty inside [t0, t1) and their share of the whole duty."""
    start, stop = duty_intervals(units, t1)
    inside = np.clip(np.minimum(stop, t1) - np.maximum(start, t0), 0.0, None)
    return inside, inside / np.maximum(stop - start, 1e-12)


RESPONSE_COLUMNS = ["t_detect", "t_queued", "t_dispatch", "t_arrive", "first_unit_id"]


def tour_of_jobs(incidents: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """First responses by an officer of ``units``, each with ``_shift``: the row of ``units``
    of the shift that took it (NaN: none started before it)."""
    ids = pd.Index(pd.unique(units["unit_id"].astype(object)))
    unit = ids.get_indexer(incidents["first_unit_id"].astype(object))
    keep = incidents["t_dispatch"].notna().to_numpy() & (unit >= 0)
    sent = incidents.loc[keep, RESPONSE_COLUMNS]
    shift = shift_taking(unit[keep], sent["t_dispatch"].to_numpy(dtype=float),
                         ids.get_indexer(units["unit_id"].astype(object)),
                         units["shift_start"].to_numpy(dtype=float))
    return sent.assign(_shift=shift)


def shift_taking(job_unit: np.ndarray, job_t: np.ndarray, shift_unit: np.ndarray,
                 shift_start: np.ndarray) -> np.ndarray:
    """Per job (officer code, time): the position of that officer's shift that started last
    at or before the job (of shifts starting at once, the last listed); NaN if none.

    What ``pd.merge_asof(direction="backward", by=officer)`` finds, by a binary search in
    each officer's shifts (officer codes: 0 up to a few thousand; other codes find none).
    """
    found = np.full(len(job_t), np.nan)
    shifts = np.lexsort((shift_start, shift_unit))  # (stable) by officer, then start
    n = int(max(shift_unit.max(initial=-1), job_unit.max(initial=-1))) + 1
    jobs = np.argsort(job_unit.astype(np.int16 if n < 2**15 else np.int64), kind="stable")
    for lo, hi, a, b in zip(*_bounds(shift_unit[shifts], n), *_bounds(job_unit[jobs], n)):
        mine, rows = shifts[lo:hi], jobs[a:b]
        at = np.searchsorted(shift_start[mine], job_t[rows], side="right") - 1
        found[rows] = np.where(at >= 0, mine[np.maximum(at, 0)], np.nan) if len(mine) else np.nan
    return found


def _bounds(codes: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Where each code 0..n-1 starts and ends in the sorted ``codes``."""
    edges = np.searchsorted(codes, np.arange(n + 1))
    return edges[:-1], edges[1:]


SHIFT_COLUMNS = ["group", "shift_start", "officers", "shifts", "staff_hours", "officers_on_duty",
                 "jobs", "job_min", "utilisation", "overtime_h", "first_responses",
                 "response_mean_min", "p_wait"]


def by_shift(incidents: pd.DataFrame, units: pd.DataFrame, t0: float, t1: float,
             arrival_end: float | None = None) -> pd.DataFrame:
    """One row per tour (officer group × shift start time): staffing, work and response.

    Staff-hours, jobs and busy minutes of a shift count with the share of its duty inside the
    window (as the summary's staff-hours do); responses are those of first responses the tour's
    officers took, for incidents occurring in [t0, arrival_end) (default t1).
    """
    if units.empty:
        return pd.DataFrame(columns=SHIFT_COLUMNS)
    tour = pd.Series(clock_label(units["shift_start"].to_numpy()), index=units.index)
    tours = _shift_work(units, tour, t0, t1).groupby(["group", "shift_start"], sort=True)
    out = _tour_work(tours, t0, t1)
    occurring = occurring_in(incidents, t0, t1, arrival_end)
    cases = incidents.loc[occurring, RESPONSE_COLUMNS]
    responses = _tour_responses(cases, units, tours.ngroup().to_numpy())
    out = out.assign(**_response_summary(responses, len(out)))
    return out.reset_index()[SHIFT_COLUMNS]


def _response_summary(responses: pd.DataFrame, n: int) -> dict[str, np.ndarray]:
    """Per tour 0..n-1: its first responses, their mean time and the share that waited."""
    r = responses.groupby("tour", sort=True)
    tours = pd.RangeIndex(n)
    return {"first_responses": r.size().reindex(tours).fillna(0).astype(np.int64).to_numpy(),
            "response_mean_min": r["response"].mean().reindex(tours).to_numpy(),
            "p_wait": r["waited"].mean().reindex(tours).to_numpy()}


def _tour_work(g: DataFrameGroupBy, t0: float, t1: float) -> pd.DataFrame:
    """Per tour (``g``: the officer-shifts by tour): officers, shifts, staff-hours, officers on
    duty, jobs, utilisation, overtime."""
    return pd.DataFrame({
        "officers": g["unit_id"].nunique(),
        "shifts": g["counted"].sum(),
        "staff_hours": g["on_min"].sum() / 60.0,
        "officers_on_duty": g["on_min"].sum() / (t1 - t0),
        "jobs": g["jobs"].sum(),
        "job_min": g["job_min"].sum(),
        "utilisation": g["busy_min"].sum() / g["on_min"].sum().where(g["on_min"].sum() > 0),
        "overtime_h": g["overtime_min"].sum() / 60.0,
    })


def _shift_work(units: pd.DataFrame, tour: pd.Series, t0: float, t1: float) -> pd.DataFrame:
    """Per officer-shift: its tour, whether it starts in the window, and its minutes on duty,
    jobs, job, busy and overtime minutes prorated by its share of duty inside the window."""
    inside, share = window_share(units, t0, t1)
    return pd.DataFrame({
        "group": units["group"], "shift_start": tour, "unit_id": units["unit_id"],
        "counted": in_window(units["shift_start"].to_numpy(), t0, t1),
        "on_min": inside, "jobs": units["jobs"] * share, "job_min": units["job_min"] * share,
        "busy_min": (units["busy_travel_min"] + units["job_min"]) * share,
        "overtime_min": units["overtime_min"] * share,
    })


def _tour_responses(cases: pd.DataFrame, units: pd.DataFrame, tour: np.ndarray) -> pd.DataFrame:
    """Per first response to ``cases``: its tour (``tour``: per row of ``units``), response
    time and whether it waited."""
    jobs = tour_of_jobs(cases, units)
    jobs = jobs[jobs["_shift"].notna()]
    shift_rows = jobs["_shift"].astype(np.int64).to_numpy()
    return pd.DataFrame({
        "tour": tour[shift_rows],
        "response": (jobs["t_arrive"] - jobs["t_detect"]).to_numpy(),
        "waited": waited(jobs).astype(float),
    })
