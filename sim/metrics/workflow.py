"""Case-workflow measures: one row per case, the per-class × per-step table, the bureau KPIs.

Steps of a case (times in minutes from the start): found (``t_found``: first detection) →
filed (``t_filed``: the command room files it; a case an officer found and handled at once is
filed when found) → dispatched → handled (the incident ended after it was known; after a
failed check, when the reopened problem was handled) → reported back → checked → closed.

Population: the cases *filed in the arrival window* (as the incident measures), so every
counted case is followed for at least the cool-down. A step is on time if it ended within
its class's limit; a step not ended by the horizon is late if its limit had already run out
then, and left out (not yet known) if not — censoring-aware, like the close rate at the
horizon, which counts a case open at the horizon as not closed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim.engine.table import IncidentTable
from sim.engine.workcalendar import Calendar
from sim.engine.world import RawRun
from sim.metrics.window import Window
from sim.scenario.model import Scenario
from sim.scenario.workflow import STEPS, TimeLimit, Workflow

# Each step: (start column, end column)
STEP_SPANS = {
    "filing": ("t_found", "t_filed"),
    "dispatch": ("t_filed", "t_dispatched"),
    "handling": ("t_dispatched", "t_handled"),
    "report_back": ("t_handled", "t_reported"),
    "check": ("t_reported", "t_checked"),
    "closing": ("t_checked", "t_closed"),
    "case": ("t_filed", "t_closed"),
}


TIMES = ("t_found", "t_filed", "t_dispatched", "t_handled", "t_reported", "t_checked",
         "t_closed")


def cases_frame(raw: RawRun) -> pd.DataFrame:
    """One row per case of a replication, in order of opening."""
    rec, tab, spec = raw.cases, raw.incidents, raw.scenario.workflow
    if rec is None or spec is None:
        raise ValueError("no case records: the scenario has no workflow: section")
    first = rec["incident"]
    types = _names(raw.layout.type_names, tab.type_idx[first])
    return pd.DataFrame({
        "replication": raw.replication,
        "case_id": np.arange(len(first)),
        "incident_id": first,
        "type": types,
        "class": [spec.class_of(t) for t in types],
        "zone": _names(raw.layout.zone_ids, tab.zone_idx[first]),
        "channel": _names(raw.channel_names, tab.channel[first]),
        **_filing_times(tab, first),
        **{name: rec[name] for name in ("t_handled", "t_reported", "t_checked", "t_closed")},
        "reopens": rec["reopens"],
    })


def _filing_times(tab: IncidentTable, first: np.ndarray) -> dict[str, np.ndarray]:
    """When each case's incident was found, filed (queued, else found) and dispatched to."""
    found, queued = tab.t_detect[first], tab.t_queued[first]
    return {"t_found": found, "t_filed": np.where(np.isnan(queued), found, queued),
            "t_dispatched": tab.t_dispatch[first]}


def _names(names: Sequence[str], codes: np.ndarray) -> list[str]:
    """The name of each code, as a list."""
    return [names[k] for k in codes]


def filed_in_window(cases: pd.DataFrame, w: Window) -> pd.DataFrame:
    """The cases filed in the arrival window."""
    filed = cases["t_filed"].to_numpy(dtype=float)
    return cases[(filed >= w.t0) & (filed < w.arrival_end)]


def on_time(start: np.ndarray, end: np.ndarray, limit_min: float, working: bool,
            calendar: Calendar, horizon: float) -> np.ndarray:
    """Per case: 1.0 on time, 0.0 late, NaN not started or not yet known at the horizon."""
    stop = np.where(np.isnan(end), horizon, end)
    took = calendar.between(start, stop) if working else stop - start
    late = took > limit_min + 1e-6  # float sums of the step timers: exactly at the limit
    out = np.where(np.isnan(end), np.where(late, 0.0, np.nan), np.where(late, 0.0, 1.0))
    return np.where(np.isnan(start), np.nan, out)


def step_table(cases: pd.DataFrame, spec: Workflow, calendar: Calendar, w: Window) -> list[dict]:
    """Per class × step: cases that reached the step, mean duration, limit, on-time share
    (a step a case skipped — no dispatch for an incident that ended first — is left out)."""
    rows = []
    counted = filed_in_window(cases, w)
    for cname in [*spec.classes, "other"]:
        mine = counted[counted["class"] == cname]
        if cname != "other" or not mine.empty:
            rows += _class_rows(cname, mine, spec, calendar, w)
    return rows


def _class_rows(cname: str, mine: pd.DataFrame, spec: Workflow, calendar: Calendar,
                w: Window) -> list[dict]:
    """The step-table rows of one class (``mine``: its cases), step by step."""
    limits: dict = spec.classes[cname].limits if cname in spec.classes else {}
    return [_step_row(cname, step, *_span(mine, step), limits.get(step), calendar, w)
            for step in STEPS]


def _span(cases: pd.DataFrame, step: str) -> tuple[np.ndarray, np.ndarray]:
    """(start, end) of ``step`` per case; no start where the case skipped the step."""
    start, end = (cases[c].to_numpy(dtype=float) for c in STEP_SPANS[step])
    return np.where(np.isnan(end) & _moved_on(cases, step), np.nan, start), end


def _moved_on(cases: pd.DataFrame, step: str) -> np.ndarray:
    """Cases that went past ``step`` without it (dispatch: the incident ended before an
    officer was sent): the step is skipped, not pending."""
    later = list(TIMES[TIMES.index(STEP_SPANS[step][1]) + 1:]) if step != "case" else []
    if not later:
        return np.zeros(len(cases), dtype=bool)
    return cases[later].notna().any(axis=1).to_numpy()


def _step_row(cname: str, step: str, start: np.ndarray, end: np.ndarray,
              limit: TimeLimit | None, calendar: Calendar, w: Window) -> dict:
    """One row of the step table: cases, completed, mean hours, the limit and its judgement."""
    done = ~np.isnan(start) & ~np.isnan(end)
    row = {"class": cname, "step": step, "cases": int((~np.isnan(start)).sum()),
           "completed": int(done.sum()),
           "mean_h": float((end[done] - start[done]).mean() / 60.0) if done.any() else np.nan,
           "limit_h": np.nan if limit is None else limit.hours,
           "basis": "" if limit is None else limit.basis, "judged": 0, "on_time": np.nan}
    if limit is not None:
        row.update(_judged(start, end, limit, calendar, w))
    return row


def _judged(start: np.ndarray, end: np.ndarray, limit: TimeLimit, calendar: Calendar,
            w: Window) -> dict[str, float]:
    """Cases whose timeliness is known at the horizon, and the share on time."""
    hit = on_time(start, end, limit.hours * 60.0, limit.basis == "working", calendar, w.t1)
    known = hit[~np.isnan(hit)]
    return {"judged": int(known.size), "on_time": float(known.mean()) if known.size else np.nan}


def workflow_frames(cases: pd.DataFrame, scenario: Scenario, replication: int,
                    w: Window) -> tuple[pd.DataFrame, dict]:
    """(per class × step table, summary measures) of one replication's cases."""
    spec = scenario.workflow
    if spec is None:
        raise ValueError("no case records: the scenario has no workflow: section")
    calendar = Calendar(spec.calendar, scenario.clock.start_weekday)
    table = pd.DataFrame(step_table(cases, spec, calendar, w))
    table.insert(0, "replication", replication)
    return table, summary_measures(cases, table, spec, w)


def summary_measures(cases: pd.DataFrame, table: pd.DataFrame, spec: Workflow,
                     w: Window) -> dict[str, float]:
    """The bureau's KPIs over the cases filed in the arrival window."""
    out = _case_measures(filed_in_window(cases, w), w)
    out.update(_on_time_measures(table, spec))
    out["case_targets_met"] = float(out["case_closed_share"] >= spec.target_closed_share
                                    and out["case_time_mean_h"] <= spec.target_case_time_h)
    return out


def _case_measures(counted: pd.DataFrame, w: Window) -> dict[str, float]:
    """Cases per day, closed share, mean case time (capped at τ), reopened share."""
    filed, closed = (counted[c].to_numpy(dtype=float) for c in ("t_filed", "t_closed"))
    n = len(counted)
    took = np.minimum(np.where(np.isnan(closed), np.inf, closed - filed), w.tau)
    return {
        "cases_per_day": n / w.arrival_days if w.arrival_days > 0 else np.nan,
        "case_closed_share": float((~np.isnan(closed)).mean()) if n else np.nan,
        "case_time_mean_h": float(took.mean() / 60.0) if n else np.nan,
        "case_reopened_share": float((counted["reopens"] > 0).mean()) if n else np.nan,
    }


def _on_time_measures(table: pd.DataFrame, spec: Workflow) -> dict[str, float]:
    """Cases closed on time: pooled over the classes (weighted by cases judged), per class."""
    case = table[table["step"] == "case"].set_index("class")
    on_time, judged = case["on_time"], case["judged"]
    known = on_time.notna() & (judged > 0)
    out = {"case_on_time_share": (float((on_time[known] * judged[known]).sum()
                                        / judged[known].sum()) if known.any() else np.nan)}
    for cname in spec.classes:
        out[f"case_on_time.{cname}"] = float(on_time.get(cname, np.nan))
    return out


def channel_table(incidents: pd.DataFrame, type_names: list[str], channels: tuple[str, ...],
                  w: Window) -> pd.DataFrame:
    """Per type × channel: incidents of the arrival window first found (or ended) by it."""
    occur = incidents["t_occur"].to_numpy(dtype=float)
    inside = incidents[(occur >= w.t0) & (occur < w.arrival_end)]
    counts = inside.groupby(["type", "channel"]).size()
    return pd.DataFrame([row for tname in type_names
                         for row in _channel_rows(tname, counts, channels)])


def _channel_rows(tname: str, counts: pd.Series, channels: tuple[str, ...]) -> list[dict]:
    """One type's rows: incidents per channel and their share of the type's incidents."""
    total = int(counts.get(tname, pd.Series(dtype=int)).sum())
    found = [int(counts.get((tname, cname), 0)) for cname in channels]
    return [{"type": tname, "channel": cname, "incidents": n,
             "share": n / total if total else np.nan} for cname, n in zip(channels, found)]
