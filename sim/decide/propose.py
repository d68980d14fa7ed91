"""An honest shift proposal: starts fitted to the workload, a complete scenario file, and a
check against the baseline roster under common random numbers.

1. Baseline run: replications of the scenario as it is (cached, reused by step 4).
2. Workload per clock hour (``workload.py``): officer-minutes of work generated per hour.
3. Fit: ``sim.strategy.staggered.propose_staggered_starts`` places the officers' starts so
   the officers on duty per hour track officers × shift hours × the hour's share of the
   workload.
4. A complete scenario file: ``extends:`` the baseline, every inherited unit group set to
   ``null`` (removed) and one group per start time — it replaces the roster, never adds to
   it — then ``compare`` runs it against the baseline on the same replications and seed.
   Where the proposal is worse on a headline measure, the result says so first.
"""

from __future__ import annotations

import contextlib
import copy
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import yaml

from sim.decide.roster_file import kind_first
from sim.decide.verdict import Verdict, headline_verdict
from sim.experiment.compare import Comparison
from sim.scenario.model import Scenario
from sim.strategy.staggered import _shift_coverage, coverage_by_hour, group_starts, shift_entry

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from sim.experiment.runner import Runner

PROPOSAL_FILE = "proposal.yaml"


def roster_on_duty(scenario: Scenario) -> np.ndarray:
    """Officers on duty per clock hour of a scenario's roster, averaged over the week."""
    total = np.zeros(24)
    for group in scenario.units.values():
        for shift in group.shifts:
            start, end = shift.bounds()
            share = len(shift.weekdays()) / 7.0
            total += group.count * share * _shift_coverage(start, float(end - start))
    return total


def group_names(starts: list[str], taken: set[str]) -> list[tuple[str, str, int]]:
    """(group name, start, count) per distinct start: ``proposal_HHMM``, never an inherited
    group's name (a suffix is added if needed)."""
    out = []
    for start, count in group_starts(starts):
        name = _numbered(f"proposal_{start.replace(':', '')}", taken)
        taken.add(name)
        out.append((name, start, count))
    return out


def _numbered(base: str, taken: set[str]) -> str:
    """``base``, else the first of ``base_2``, ``base_3``, ... not in ``taken``."""
    name, k = base, 2
    while name in taken:
        name, k = f"{base}_{k}", k + 1
    return name


def proposal_units(baseline: Scenario, starts: list[str], hours: float,
                   template: dict[str, Any]) -> dict[str, Any]:
    """The ``units:`` mapping: every inherited group → None (removed), then the new ones."""
    units: dict[str, Any] = {name: None for name in baseline.units}
    for name, start, count in group_names(starts, set(baseline.units)):
        units[name] = kind_first({"count": count, **copy.deepcopy(template),
                                  "shifts": [shift_entry(start, hours)]})
    return units


def template_of(scenario: Scenario, group: str | None) -> dict[str, Any]:
    """Mode, home zone and behaviour of the group the new officers copy (default: first)."""
    g = scenario.units[_group_name(scenario, group)]
    return {"mode": g.mode, **g.model_dump(
        mode="json", by_alias=True, exclude_defaults=True,
        exclude={"count", "mode", "shifts", "grids", "grid_split", "overflow"})}


def _group_name(scenario: Scenario, group: str | None) -> str:
    """The group named (the first if none), which must be one of the scenario's."""
    name = group or next(iter(scenario.units))
    if name not in scenario.units:
        raise ValueError(f"--group {name!r} is not a unit group of the scenario "
                         f"(groups: {', '.join(scenario.units)})")
    return name


def proposal_text(baseline: Scenario, baseline_path: Path, folder: Path, starts: list[str],
                  hours: float, template: dict[str, Any], table: pd.DataFrame) -> str:
    """The complete scenario file, with the workload fit as comments."""
    extends = os.path.relpath(Path(baseline_path).resolve(), Path(folder).resolve())
    officers = len(starts)
    lines = _fit_comments(baseline.name, officers, hours, table)
    body = {"extends": extends, "name": f"{baseline.name}_proposal",
            "description": f"{officers} officers on {hours:g}-hour shifts staggered to the "
                           f"workload of {baseline.name} (sim shifts propose).",
            "units": proposal_units(baseline, starts, hours, template)}
    return "\n".join(lines) + "\n" + yaml.safe_dump(
        body, sort_keys=False, default_flow_style=None, allow_unicode=True, width=100)


def _fit_comments(name: str, officers: int, hours: float, table: pd.DataFrame) -> list[str]:
    """The head comments of the proposal file: what it is, and the fit hour by hour."""
    lines = [
        f"# Shift proposal for {name}: {officers} officers x {hours:g} h every day "
        f"= {officers * hours * 7:g} staff-hours/week, starts fitted to the workload",
        "# (officer-minutes of work generated per clock hour, from a baseline run) by "
        "`sim shifts propose`.",
        "# It replaces the baseline's unit groups (each set to null below); run it as it is:",
        f"#   sim run {PROPOSAL_FILE}",
        "# hour  work (officer-h/day)  target on duty  proposed on duty  baseline on duty",
    ]
    return lines + [f"#  {r.hour:02d}   {r.work_officer_h:8.1f}   {r.target_on_duty:8.1f}   "
                    f"{r.proposed_on_duty:8.1f}   {r.baseline_on_duty:8.1f}"
                    for r in table.itertuples()]


def fit_table(workload: pd.DataFrame, starts: list[str], hours: float,
              baseline: Scenario) -> pd.DataFrame:
    """Workload with target, proposed and baseline officers on duty per hour."""
    table = workload.copy()
    work = table["work_officer_min"].to_numpy(float)
    table["target_on_duty"] = len(starts) * hours * work / work.sum()
    table["proposed_on_duty"] = coverage_by_hour(starts, hours)
    table["baseline_on_duty"] = roster_on_duty(baseline)
    return table


@dataclass
class Outcome:
    """What ``propose_to_folder`` did: the fit table, the verdict, the staffing."""

    table: pd.DataFrame
    verdict: Verdict
    proposal_name: str
    officers: int
    staff_hours: float
    baseline_staff_hours: float
    comparison: Comparison


def _cache_for(args: Any, stack: Any) -> Any:
    """The user cache, or (``--no-cache``) a temporary one so the check reuses the
    baseline run instead of recomputing it."""
    import tempfile

    from sim.experiment.cache import ReplicationCache
    from sim.experiment.session import user_cache

    if not args.no_cache:
        return user_cache(False)
    return ReplicationCache(Path(stack.enter_context(tempfile.TemporaryDirectory())))


@dataclass(frozen=True)
class _Request:
    """What ``propose_to_folder`` is asked: the baseline (and its file), the output folder,
    the command's options and its scenario overrides."""

    baseline: Scenario
    baseline_path: Path
    out: Path
    args: Any
    overrides: dict[str, Any]


def propose_to_folder(baseline: Scenario, baseline_path: Path, out: Path, args: Any,
                      overrides: dict[str, Any], executor: Executor | None = None) -> Outcome:
    """Baseline run → workload → fit → proposal.yaml → CRN check; everything written to
    ``out`` atomically (an interrupted run leaves nothing). Replications go through one
    runner: ``args.jobs`` local workers, or ``executor`` (e.g. ``--scheduler``'s Dask).

    Raises:
        ValueError: A fit that cannot be made (bad window, granularity, template group).
        OutputError: ``out`` may not be written.
    """
    from sim.output import reserved_output

    request = _Request(baseline, baseline_path, out, args, overrides)
    template = template_of(baseline, args.group)
    reps = _reps(baseline, args)
    with reserved_output(out, args.force), contextlib.ExitStack() as stack:
        run = _open_runner(stack, args, executor, 3 * reps)
        starts, table = _fit(baseline, run, reps, args)
        text = proposal_text(baseline, baseline_path, out, starts, args.shift_hours,
                             template, table)
        proposal, result, verdict = _check_to_folder(request, text, run, reps, starts, table)
    return Outcome(table, verdict, proposal.name, len(starts),
                   args.officers * args.shift_hours * 7, baseline_staff_hours(baseline),
                   result)


def _reps(baseline: Scenario, args: Any) -> int:
    """Replications of the baseline run and of the check (``--reps``, else the scenario's,
    at least ``MIN_DEFAULT_REPS``)."""
    from sim.experiment.compare import MIN_DEFAULT_REPS

    return int(args.reps or max(MIN_DEFAULT_REPS, baseline.replications))


def _open_runner(stack: contextlib.ExitStack, args: Any, executor: Executor | None,
                 total: int) -> Runner:
    """The cache, a progress bar over ``total`` replications and the runner on them, kept
    open by ``stack``."""
    from sim.experiment.runner import RunOptions, runner
    from sim.experiment.session import progress

    cache = _cache_for(args, stack)
    hook = stack.enter_context(progress(total, "propose", cache))
    return stack.enter_context(runner(RunOptions(args.jobs, executor, cache, hook)))


def _fit(baseline: Scenario, run: Runner, reps: int, args: Any
         ) -> tuple[list[str], pd.DataFrame]:
    """The starts fitted to the baseline's workload (``reps`` replications), and the fit
    table."""
    from sim.decide.workload import hourly_workload
    from sim.experiment.executors import Task
    from sim.experiment.replication import Frames
    from sim.strategy.staggered import propose_staggered_starts

    frames = Frames.concat(run.run([Task(baseline, r) for r in range(reps)]))
    workload = hourly_workload(frames.incidents, frames.extra["by_type"], baseline)
    starts = propose_staggered_starts(workload["work_officer_min"].to_numpy(float),
                                      args.officers, args.shift_hours, args.granularity,
                                      args.earliest, args.latest)
    return starts, fit_table(workload, starts, args.shift_hours, baseline)


def _check_to_folder(request: _Request, text: str, run: Runner, reps: int, starts: list[str],
                     table: pd.DataFrame) -> tuple[Scenario, Comparison, Verdict]:
    """Write proposal.yaml (``text``), compare it with the baseline on the same runner and
    write the results beside it, atomically."""
    from dataclasses import replace

    from sim.experiment.compare import CompareOptions, compare_with
    from sim.output import atomic_folder
    from sim.scenario.loader import load_scenario

    with atomic_folder(request.out, request.args.force) as tmp:
        (tmp / PROPOSAL_FILE).write_text(text, encoding="utf-8")
        proposal = load_scenario(tmp / PROPOSAL_FILE, request.overrides)
        shared = replace(run.options, executor=run.executor)  # this runner's open pool
        result = compare_with([request.baseline, proposal], reps, CompareOptions(), shared)
        verdict = headline_verdict(result)
        _write_outputs(tmp, table, result, verdict, starts, request.args)
    return proposal, result, verdict


def baseline_staff_hours(scenario: Scenario) -> float:
    """Rostered staff-hours per week of a scenario (overtime not included)."""
    return float(roster_on_duty(scenario).sum() * 7)


def _write_outputs(tmp: Path, table: pd.DataFrame, result: Comparison, verdict: Verdict,
                   starts: list[str], args: Any) -> None:
    from sim.plots.shifts import plot_proposal

    tables = {"workload": table, "comparison": result.comparison,
              "differences": result.differences, "summary": result.frames.summary}
    for name, frame in tables.items():
        frame.to_csv(tmp / f"{name}.csv", index=False, float_format="%.6g")
    if not args.no_plots:
        plot_proposal(tmp / "proposal.png", table["work_officer_h"].to_numpy(float), starts,
                      args.shift_hours, table["baseline_on_duty"].to_numpy(float))
    (tmp / "report.md").write_text(_report_text(result, verdict), encoding="utf-8")


def _report_text(result: Comparison, verdict: Verdict) -> str:
    """report.md: the verdict first, then the run and the measures compared."""
    base, prop = result.scenarios[0].name, result.scenarios[1].name
    lines = [f"# Shift proposal {prop} against {base}", "",
             verdict.summary(prop, base), "",
             f"{result.reps} replications of {result.scenarios[0].clock.days} days each, "
             f"common random numbers (seed {result.seed}).", "",
             *(f"- {s}" for s in verdict.sentences), "",
             *(f"Warning: {w}" for w in result.warnings), "",
             "Workload, target and officers on duty per hour: workload.csv. "
             "Method: docs/decisions.md.", ""]
    return "\n".join(lines)
