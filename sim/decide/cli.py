"""Command-line entries for decisions: ``sim select``."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sim
from sim.cli import UsageError, add_force_option, load
from sim.output import reserved_output
from sim.output_target import bounded_stem, output_path

FLOAT_FORMAT = "%.6g"


def add_decide_commands(sub: argparse._SubParsersAction,
                        scenario_options: Callable[[argparse.ArgumentParser], None]) -> None:
    """Register ``sim select``."""
    from sim.decide.kn import N0
    from sim.decide.select import DEFAULT_MAX_REPS

    p = sub.add_parser(
        "select", help="the best of several strategies on one measure, with a guarantee",
        description="Ranking and selection under common random numbers: KN++ (Kim & Nelson "
        "2006) for a precision goal (--delta, --pcs), OCBA (Chen et al. 2000) for a fixed "
        "budget (--budget). See docs/decisions.md.")
    p.add_argument("scenarios", nargs="+", help="scenario files (at least two)")
    p.add_argument("--measure", required=True,
                   help="a measure with a better direction, e.g. exposure_h_per_day, "
                   "sla_attainment, sla.<type> (sim measures)")
    p.add_argument("--delta", type=float,
                   help="indifference zone in the measure's unit: differences smaller than "
                   "this do not matter (KN++)")
    p.add_argument("--pcs", type=float, default=0.95,
                   help="probability of correct selection (KN++, default 0.95)")
    p.add_argument("--budget", type=int,
                   help="total replications (OCBA instead of KN++)")
    p.add_argument("--n0", type=int, default=N0,
                   help=f"first-stage replications per scenario (default {N0})")
    p.add_argument("--max-reps", type=int, default=DEFAULT_MAX_REPS,
                   help=f"KN++ cap per scenario (default {DEFAULT_MAX_REPS}; if reached, "
                   "no guarantee)")
    p.add_argument("-o", "--output", help="results folder (default results/select-<names>)")
    p.add_argument("--jobs", type=int, default=1, help="local worker processes (default 1)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="run on this Dask scheduler (default: $SIM_DASK_SCHEDULER if set)")
    p.add_argument("--no-cache", action="store_true",
                   help="neither reuse nor store finished replications")
    add_force_option(p)
    scenario_options(p)
    p.set_defaults(func=cmd_select)


def cmd_select(args: argparse.Namespace) -> int:
    from sim.cli_experiments import _cache, _cache_warning, _executor, _progress
    from sim.decide.measure import DecisionError, check_measure
    from sim.decide.select import check_settings, select

    scenarios = [load(Path(p), args) for p in args.scenarios]
    try:  # before any output folder is reserved
        check_settings(len(scenarios), args.delta, args.pcs, args.budget, args.n0)
        check_measure(args.measure, scenarios)
    except DecisionError as exc:
        raise UsageError(str(exc)) from None
    names = "-vs-".join(dict.fromkeys(s.name for s in scenarios))
    out = output_path(args.output, bounded_stem(f"select-{names}"))
    with reserved_output(out, args.force):
        cache = _cache(args)
        start = time.perf_counter()
        try:
            with _executor(args) as executor, \
                    _progress(len(scenarios) * args.n0, "select", cache) as hook:
                result = select(scenarios, args.measure, args.delta, args.pcs, args.budget,
                                args.jobs, executor, n0=args.n0, max_reps=args.max_reps,
                                seed=args.seed, cache=cache, on_done=hook)
        except DecisionError as exc:
            raise UsageError(str(exc)) from None
        write_select_folder(out, result, args, time.perf_counter() - start)
    _cache_warning(cache)
    print(f"{result.method} on {result.measure} over {len(result.scenarios)} scenario(s), "
          f"seed {result.seed} → {out}/")
    print(result.table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    print()
    print(result.statement())
    return 0


def selection_markdown(result: Any) -> str:
    """The selection as a short report a planner can forward."""
    lines = [f"# Selection on {result.label}", "", result.statement(), "",
             f"Method: {result.method}; measure `{result.measure}` "
             f"({'lower' if result.lower_is_better else 'higher'} is better); common random "
             f"numbers, seed {result.seed}; {result.scenarios[0].clock.days} days per "
             "replication.", "",
             "| scenario | replications | mean | 95 % CI | status |", "|---|---:|---:|---|---|"]
    for row in result.table.itertuples():
        lines.append(f"| {row.scenario} | {row.reps} | {row.mean:.4g} | "
                     f"{row.ci_low:.4g} – {row.ci_high:.4g} | {row.status} |")
    lines += ["", "How to read this: docs/decisions.md.", ""]
    return "\n".join(lines)


def write_select_folder(out: Path, result: Any, args: argparse.Namespace,
                        wall_s: float) -> None:
    """selection.csv, summary.csv, selection.md and run.json, atomically."""
    from sim.cli_experiments import _write_json
    from sim.output import atomic_folder
    from sim.scenario.loader import scenario_hash

    with atomic_folder(out) as tmp:
        result.table.to_csv(tmp / "selection.csv", index=False, float_format=FLOAT_FORMAT)
        result.summary.to_csv(tmp / "summary.csv", index=False, float_format=FLOAT_FORMAT)
        (tmp / "selection.md").write_text(selection_markdown(result), encoding="utf-8")
        _write_json(tmp / "run.json", {
            "method": result.method, "measure": result.measure, "delta": result.delta,
            "pcs": result.pcs, "budget": result.budget, "n0": args.n0,
            "max_reps": args.max_reps, "selected": result.selected,
            "guaranteed": result.guaranteed, "statement": result.statement(),
            "scenarios": {s.name: scenario_hash(s) for s in result.scenarios},
            "seed": result.seed, "days": result.scenarios[0].clock.days,
            "sim_version": sim.__version__, "jobs": args.jobs, "wall_s": round(wall_s, 3)})
