"""Command-line entry of ``sim select`` (``sim staff``: sim/cli/staff.py)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import sim
from sim.cli.common import (
    FORCE_OPTION,
    WORKER_OPTIONS,
    OptionAdder,
    Subparsers,
    UsageError,
    add_command,
    arg,
    as_usage_error,
    experiment_folder,
    load,
)
from sim.cli.workers import replication_cache, report_cache_problem, workers
from sim.decide.kn import N0
from sim.decide.measure import DecisionError, check_measure, is_weighted, parse_weighted
from sim.decide.select import DEFAULT_MAX_REPS, check_settings, select
from sim.experiment.session import write_json
from sim.metrics import registry
from sim.output import atomic_folder, reserved_output
from sim.scenario.loader import scenario_hash

FLOAT_FORMAT = "%.6g"


def to_csv(frame: Any, path: Path) -> None:
    """A table as CSV: no index, floats to six significant digits."""
    frame.to_csv(path, index=False, float_format=FLOAT_FORMAT)


_SELECT_HELP = "the best of several strategies on one measure, with a guarantee"
_SELECT_DESCRIPTION = (
    "Ranking and selection under common random numbers: KN++ (Kim & Nelson "
    "2006) for a precision goal (--delta, --pcs), OCBA (Chen et al. 2000) for a fixed "
    "budget (--budget). See docs/decisions.md.")

SELECT_ARGUMENTS = (
    arg("scenarios", nargs="+", help="scenario files (at least two)"),
    arg("--measure",
        help="a measure with a better direction, e.g. exposure_h_per_day, "
        "sla_attainment, sla.<type> (sim measures), or a weighted combination "
        "such as 'exposure_h_per_day + 0.5*time_to_end_mean_min'"),
    arg("--weights", metavar="MEASURE=WEIGHT,...",
        help="select on a weighted measure instead of --measure, e.g. "
        "exposure_h_per_day=1,time_to_end_mean_min=0.5: positive weights, each "
        "measure's direction from the registry (lower is better for the sum)"),
    arg("--delta", type=float,
        help="indifference zone in the measure's unit: differences smaller than "
        "this do not matter (KN++)"),
    arg("--pcs", type=float, default=0.95,
        help="probability of correct selection (KN++, default 0.95)"),
    arg("--budget", type=int, help="total replications (OCBA instead of KN++)"),
    arg("--n0", type=int, default=N0,
        help=f"first-stage replications per scenario (default {N0})"),
    arg("--max-reps", type=int, default=DEFAULT_MAX_REPS,
        help=f"KN++ cap per scenario (default {DEFAULT_MAX_REPS}; if reached, no guarantee)"),
    arg("-o", "--output", help="results folder (default results/select-<names>)"),
    *WORKER_OPTIONS,
    FORCE_OPTION,
)


def add_decide_commands(sub: Subparsers, scenario_options: OptionAdder) -> None:
    """Register ``sim select``."""
    scenario_options(add_command(sub, "select", SELECT_ARGUMENTS, cmd_select, _SELECT_HELP,
                                 _SELECT_DESCRIPTION))


def cmd_select(args: argparse.Namespace) -> int:
    """``sim select``: check the settings, run the selection, write the folder, print it."""
    scenarios, measure = _select_inputs(args)
    out = experiment_folder(args.output, "select", scenarios)
    with reserved_output(out, args.force):
        cache = replication_cache(args)
        start = time.perf_counter()
        result = _run_select(args, scenarios, measure, cache)
        write_select_folder(out, result, args, time.perf_counter() - start)
    report_cache_problem(cache)
    _print_selection(result, out)
    return 0


def _select_inputs(args: argparse.Namespace) -> tuple[list, Any]:
    """The scenarios and the measure, checked before any output folder is reserved."""
    scenarios = [load(Path(p), args) for p in args.scenarios]
    with as_usage_error(DecisionError):
        check_settings(len(scenarios), args.delta, args.pcs, args.budget, args.n0)
        return scenarios, _select_measure(args, scenarios)


def _run_select(args: argparse.Namespace, scenarios: list, measure: Any, cache: Any) -> Any:
    """KN++ or OCBA on the workers (settings that cannot work → UsageError)."""
    total = len(scenarios) * args.n0
    with as_usage_error(DecisionError), workers(args, cache, total, "select") as w:
        return select(scenarios, measure, args.delta, args.pcs, args.budget,
                      args.jobs, w.executor, n0=args.n0, max_reps=args.max_reps,
                      seed=args.seed, cache=w.cache, on_done=w.on_done)


def _print_selection(result: Any, out: Path) -> None:
    """Warnings, what was run, the table of scenarios and the statement (with its
    guarantee)."""
    for warning in result.warnings:
        print(f"sim: warning: {warning}", file=sys.stderr)
    print(f"{result.method} on {result.label if result.weighted else result.measure} over "
          f"{len(result.scenarios)} scenario(s), "
          f"seed {result.seed} → {out}/")
    print(result.table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    print()
    print(result.statement())


def _select_measure(args: argparse.Namespace, scenarios: list) -> Any:
    """The measure to select on: a registry column or a weighted combination (checked)."""
    if (args.measure is None) == (args.weights is None):
        raise UsageError("give the measure to select on: --measure M or --weights "
                         "M1=W1,M2=W2 (one of the two)")
    if args.weights is not None or is_weighted(args.measure):
        return parse_weighted(args.weights or args.measure, scenarios)
    measure = registry.canonical(args.measure)
    check_measure(measure, scenarios)
    return measure


def selection_markdown(result: Any) -> str:
    """The selection as a short report a planner can forward."""
    lines = [f"# Selection on {result.label}", "", result.statement(), "",
             *(f"**Warning:** {w}" + "\n" for w in result.warnings),
             _method_line(result), "",
             "| scenario | replications | mean | 95 % CI | status |", "|---|---:|---:|---|---|",
             *(f"| {row.scenario} | {row.reps} | {row.mean:.4g} | "
               f"{row.ci_low:.4g} – {row.ci_high:.4g} | {row.status} |"
               for row in result.table.itertuples()),
             "", "How to read this: docs/decisions.md.", ""]
    return "\n".join(lines)


def _method_line(result: Any) -> str:
    """How the selection was made: method, measure and its direction, seed, run length."""
    return (f"Method: {result.method}; measure "
            f"{result.label if result.weighted else '`' + result.measure + '`'} "
            f"({'lower' if result.lower_is_better else 'higher'} is better); common random "
            f"numbers, seed {result.seed}; {result.scenarios[0].clock.days} days per "
            "replication.")


def write_select_folder(out: Path, result: Any, args: argparse.Namespace,
                        wall_s: float) -> None:
    """selection.csv, summary.csv, selection.md and run.json, atomically."""
    with atomic_folder(out) as tmp:
        to_csv(result.table, tmp / "selection.csv")
        to_csv(result.summary, tmp / "summary.csv")
        (tmp / "selection.md").write_text(selection_markdown(result), encoding="utf-8")
        write_json(tmp / "run.json", _select_record(result, args, wall_s))


def _select_record(result: Any, args: argparse.Namespace, wall_s: float) -> dict[str, Any]:
    """run.json of ``sim select``: the settings, the outcome and what ran it."""
    return {
        "method": result.method, "measure": result.measure, "delta": result.delta,
        "weighted": result.weighted.describe() if result.weighted else None,
        "pcs": result.pcs, "budget": result.budget, "n0": args.n0,
        "max_reps": args.max_reps, "selected": result.selected,
        "guaranteed": result.guaranteed, "statement": result.statement(),
        "scenarios": {s.name: scenario_hash(s) for s in result.scenarios},
        "seed": result.seed, "days": result.scenarios[0].clock.days,
        "sim_version": sim.__version__, "jobs": args.jobs, "wall_s": round(wall_s, 3)}
