"""The tables ``sim staff`` reports: every candidate roster with its verdict, and the
workload, requirement and officers on duty per clock hour."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.decide.estimate import Estimate
from sim.decide.roster import Roster
from sim.decide.targets import Target
from sim.scenario.model import Scenario


def candidate_table(cands: list[Roster], seen: dict[int, Estimate], best: int | None,
                    targets: Sequence[Target], rejected: Sequence[int] = ()) -> pd.DataFrame:
    """Per candidate: requirement, staff-hours, roster, replications, verdict, per target
    mean/bound/status, and whether it is on the Pareto front; cheapest first."""
    rows = [_candidate_row(i, c, seen.get(i), _verdict(i, seen.get(i), best, rejected),
                           targets) for i, c in enumerate(cands)]
    table = pd.DataFrame(rows)
    table["pareto"] = pareto_front(table, targets)
    return table.sort_values("staff_hours_per_week", kind="stable").reset_index(drop=True)


def _verdict(i: int, est: Estimate | None, best: int | None, rejected: Sequence[int]) -> str:
    """What the search concluded about candidate i."""
    if i == best:
        return "chosen"
    if i in rejected:
        return "met them, not confirmed on fresh seeds"
    if est is None:
        return "not run"
    return "meets every target" if est.feasible else "misses a target"


def _candidate_row(i: int, roster: Roster, est: Estimate | None, verdict: str,
                   targets: Sequence[Target]) -> dict[str, Any]:
    """One row of the candidate table."""
    row = {**_roster_columns(i, roster), "replications": est.n if est else 0,
           "verdict": verdict}
    results: Sequence[dict | None] = est.rows if est else [None] * len(targets)
    for t, r in zip(targets, results):
        row.update(_target_columns(t, r))
    return row


def _roster_columns(i: int, roster: Roster) -> dict[str, Any]:
    """Candidate number, requirement it covers, staff-hours, officers and shifts."""
    return {"candidate": i, "requirement": roster.grade,
            "staff_hours_per_week": roster.staff_hours_per_week,
            "officers": sum(roster.counts.values()), "roster": roster.describe()}


def _target_columns(target: Target, result: dict | None) -> dict[str, Any]:
    """Mean, bound and status of one target (NaN, NaN, "" when not run)."""
    r = result or {"mean": np.nan, "bound": np.nan, "status": ""}
    return {f"{target.measure} {k}": r[k] for k in ("mean", "bound", "status")}


def pareto_front(table: pd.DataFrame, targets: Sequence[Target]) -> np.ndarray:
    """For the candidates that ran: not dominated on (staff-hours, every target's mean) —
    no other candidate costs no more and is no worse on every target, and better on one."""
    cost = table["staff_hours_per_week"].to_numpy(float)
    ran = table["replications"].to_numpy() > 0
    # larger is better on every column below
    cols = [-cost] + [(1 if t.at_least else -1) * table[f"{t.measure} mean"].to_numpy(float)
                      for t in targets]
    values = np.column_stack(cols)
    flags = np.zeros(len(table), bool)
    for i in np.nonzero(ran)[0]:
        flags[i] = not _dominated(values[i], values[ran & (np.arange(len(table)) != i)])
    return flags


def _dominated(point: np.ndarray, others: np.ndarray) -> bool:
    """Whether some row of ``others`` is at least as good as ``point`` everywhere and
    better somewhere (larger is better)."""
    return bool(((others >= point).all(axis=1) & (others > point).any(axis=1)).any())


def hourly_table(frames: Any, baseline: Scenario, chosen: Roster | None,
                 days: Sequence[str]) -> pd.DataFrame:
    """Per clock hour: workload, and per day type the requirement and officers on duty
    (chosen and baseline, averaged over the week)."""
    from sim.decide.propose import roster_on_duty
    from sim.decide.workload import hourly_workload

    work = hourly_workload(frames.incidents, frames.extra["by_type"], baseline)
    hourly = work[["hour", "incidents_per_day", "work_officer_h"]].copy()
    for d in days:
        suffix = "" if d == "all" else f"_{d}"
        hourly[f"requirement{suffix}"] = _requirement(chosen, d)
        hourly[f"on_duty{suffix}"] = _on_duty(chosen, d)
    if len(days) > 1:
        hourly["on_duty"] = _on_duty(chosen, None)
    hourly["baseline_on_duty"] = roster_on_duty(baseline)
    return hourly


def _on_duty(chosen: Roster | None, days: str | None) -> Any:
    """Officers on duty per hour of the chosen roster on ``days`` (NaN if none)."""
    return chosen.on_duty(days) if chosen else np.nan


def _requirement(chosen: Roster | None, days: str) -> Any:
    """The hourly requirement the chosen roster covers on ``days`` (NaN if none)."""
    if chosen is None or not chosen.requirement:
        return np.nan
    return chosen.requirement.get(days, np.nan)
