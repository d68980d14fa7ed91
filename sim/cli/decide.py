"""Command-line entries for decisions: ``sim select``."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import sim
from sim.cli.common import (
    FORCE_OPTION,
    WORKER_OPTIONS,
    OptionAdder,
    Rule,
    Subparsers,
    UsageError,
    add_command,
    arg,
    as_usage_error,
    check_rules,
    experiment_folder,
    load,
)
from sim.cli.workers import replication_cache, report_cache_problem, workers
from sim.decide.kn import N0
from sim.decide.measure import DecisionError, check_measure, is_weighted, parse_weighted
from sim.decide.select import DEFAULT_MAX_REPS, check_settings, select
from sim.decide.staff import EXHAUSTIVE_LIMIT, group_templates, parse_starts, staff, staffed_text
from sim.decide.targets import parse_target
from sim.experiment.session import write_json
from sim.output import atomic_folder, reserved_output
from sim.output.target import bounded_stem, output_path
from sim.scenario.loader import load_scenario, scenario_hash

FLOAT_FORMAT = "%.6g"


def _to_csv(frame: Any, path: Path) -> None:
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
    """What was run, the table of scenarios and the statement (with its guarantee)."""
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
    check_measure(args.measure, scenarios)
    return args.measure


def selection_markdown(result: Any) -> str:
    """The selection as a short report a planner can forward."""
    lines = [f"# Selection on {result.label}", "", result.statement(), "",
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
        _to_csv(result.table, tmp / "selection.csv")
        _to_csv(result.summary, tmp / "summary.csv")
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


_STAFF_HELP = "the fewest staff-hours whose measures meet every target"
_STAFF_DESCRIPTION = (
    "Erlang-C hourly requirements from the workload, integer covering by "
    "shift starts (scipy.optimize.milp), candidates checked by replications under "
    "common random numbers, the choice re-checked on fresh seeds. See docs/decisions.md.")

STAFF_ARGUMENTS = (
    arg("scenario", help="scenario file (the baseline: district, demand, strategy)"),
    arg("--target", action="append", required=True, metavar="'MEASURE OP VALUE'",
        help="e.g. 'sla_attainment >= 0.9', 'exposure_h_per_day <= 1300' "
        "(repeatable; measures: sim measures)"),
    arg("--shift-hours", default="8",
        help="shift lengths to choose from, comma-separated (default 8)"),
    arg("--starts", default="00:00-23:00/60min",
        help="allowed shift starts HH:MM-HH:MM/STEPmin (default 00:00-23:00/60min)"),
    arg("--groups", "--group", dest="groups",
        help="unit group(s) the roster staffs, comma-separated, e.g. foot,car: "
        "each keeps its mode, home and behaviour and gets its own officers per "
        "shift (default: the first group)"),
    arg("--week", choices=("auto", "same", "split"), default="auto",
        help="one roster every day (same), weekdays and weekends apart (split), "
        "or split when the demand differs at weekends (auto, the default)"),
    arg("--exhaustive", type=int, default=EXHAUSTIVE_LIMIT,
        help="evaluate every roster of the search space up to the best candidate "
        "found when there are at most this many (exact search; default "
        f"{EXHAUSTIVE_LIMIT}, 0: never)"),
    arg("--reps", type=int, default=5,
        help="replications per candidate and per step of the sequential rule "
        "(default 5)"),
    arg("--max-reps", type=int, default=20, help="most replications per candidate (default 20)"),
    arg("--refine", type=int, default=0,
        help="rounds of local search below the chosen roster (one officer fewer "
        "per shift shape; default 0)"),
    arg("--confidence", type=float, default=0.95,
        help="one-sided confidence that each target is met (default 0.95)"),
    arg("-o", "--output", help="results folder (default results/staff-<name>)"),
    *WORKER_OPTIONS,
    arg("--no-plots", action="store_true", help="skip the figure"),
    FORCE_OPTION,
)


def add_staff_command(sub: Subparsers, scenario_options: OptionAdder) -> None:
    """Register ``sim staff``."""
    scenario_options(add_command(sub, "staff", STAFF_ARGUMENTS, cmd_staff, _STAFF_HELP,
                                 _STAFF_DESCRIPTION))


def _shift_lengths(text: str) -> list[float]:
    """``--shift-hours 8,9,10`` → the lengths in hours, each between 0 and 24."""
    try:
        lengths = [float(x) for x in text.split(",")]
    except ValueError:
        raise UsageError(f"--shift-hours {text!r}: expected hours separated by "
                         "commas, e.g. 8,9,10") from None
    if not all(0 < h < 24 for h in lengths):
        raise UsageError(f"--shift-hours {text!r}: each length must be between "
                         "0 and 24 hours")
    return lengths


def _shift_starts(text: str) -> Any:
    """``--starts HH:MM-HH:MM/STEPmin`` → the allowed shift starts."""
    with as_usage_error(ValueError):
        return parse_starts(text)


_STAFF_RULES: list[Rule] = [
    (lambda a: not 0.5 < a.confidence < 1,
     "--confidence must be between 0.5 and 1, got {a.confidence}"),
    (lambda a: a.reps < 2 or a.max_reps < a.reps,
     "--reps must be at least 2 and --max-reps at least --reps"),
    (lambda a: a.refine < 0 or a.exhaustive < 0, "--refine and --exhaustive must be 0 or more"),
]


def _staff_settings(args: argparse.Namespace, scenarios: list) -> tuple[list, list, list]:
    """The targets, shift lengths and starts of ``sim staff`` (checked)."""
    targets = [parse_target(t, scenarios) for t in args.target]
    lengths = _shift_lengths(args.shift_hours)
    starts = _shift_starts(args.starts)
    check_rules(args, _STAFF_RULES)
    return targets, lengths, starts


def _need_scipy() -> None:
    """Fail before running anything when scipy is missing."""
    try:
        import scipy.optimize  # noqa: F401
    except ImportError:
        raise UsageError('sim staff needs scipy: pip install "chengguan-sim[decide]"') from None


def cmd_staff(args: argparse.Namespace) -> int:
    """``sim staff``: the cheapest roster meeting every target, written as a folder."""
    scenario, settings, template = _staff_inputs(args)
    out = output_path(args.output, bounded_stem(f"staff-{scenario.name}"))
    with reserved_output(out, args.force):
        cache = replication_cache(args)
        start = time.perf_counter()
        result = _run_staff(args, scenario, settings, _groups(args), cache)
        wall = time.perf_counter() - start
        write_staff_folder(out, result, scenario, Path(args.scenario), template, args, wall)
    report_cache_problem(cache)
    _print_staffing(result, wall, out)
    return 0


def _groups(args: argparse.Namespace) -> list[str] | None:
    """The unit groups ``--groups`` names (None: the scenario's first)."""
    return args.groups.split(",") if args.groups else None


def _staff_inputs(args: argparse.Namespace) -> tuple[Any, tuple[list, list, list], dict]:
    """The scenario, the checked settings and the groups' template, before anything runs."""
    scenario = load(Path(args.scenario), args)
    with as_usage_error(DecisionError, ValueError):
        settings = _staff_settings(args, [scenario])
        template = group_templates(scenario, _groups(args))
    _need_scipy()
    return scenario, settings, template


def _print_staffing(result: Any, wall: float, out: Path) -> None:
    """The summary, then how many replications it took and where it is."""
    for line in staff_summary(result):
        print(line)
    print(f"({result.replications} replications, {wall:.0f} s) → {out}/")


def _run_staff(args: argparse.Namespace, scenario: Any, settings: tuple[list, list, list],
               groups: list[str] | None, cache: Any) -> Any:
    """Search the rosters (settings that cannot work → UsageError)."""
    targets, lengths, starts = settings
    with as_usage_error(ValueError), workers(args, cache, args.reps, "staff") as w:
        return staff(scenario, targets, lengths, starts, groups, args.reps,
                     args.max_reps, args.confidence, args.jobs, w.executor, w.cache,
                     w.on_done, refine=args.refine, week=args.week,
                     exhaustive=args.exhaustive)


def staff_summary(result: Any) -> list[str]:
    """What the planner reads first: the roster, its cost, each target, the check."""
    if result.chosen is None:
        return [_nothing_met(result)]
    return [*_chosen_lines(result), _optimality(result), *_rejected_lines(result)]


def _nothing_met(result: Any) -> str:
    """The summary when no roster met every target."""
    return ("No candidate roster met every target (confirmed on fresh seeds), up to "
            f"{result.candidates['staff_hours_per_week'].max():g} staff-hours/week "
            "(the largest tried): the targets may need more than staffing (another "
            "strategy), or a looser target. See candidates.csv.")


def _chosen_lines(result: Any) -> list[str]:
    """The chosen roster and its cost, each target before and after, the fresh check."""
    r = result.chosen
    return [f"Chosen roster: {r.describe()} = {r.staff_hours_per_week:g} staff-hours/week "
            f"(baseline {result.baseline_staff_hours:g}).",
            "target | baseline (mean, bound) | chosen on fresh seeds (mean, bound)",
            *(f"{b['target']} | {b['mean']:.4g}, {b['bound']:.4g} {b['status']} | "
              f"{c['mean']:.4g}, {c['bound']:.4g} {c['status']}"
              for b, c in zip(result.baseline.rows, result.check.rows)),
            f"The check on fresh replication seeds (root seed {result.check_seed}, "
            f"{result.check.n} replications) confirms every target at "
            f"{result.confidence:.0%} one-sided confidence.",
            "Being the cheapest that passed, the roster sits close to its targets and its "
            "estimates lean optimistic: judge a new run of it by the confidence interval of "
            "enough replications (e.g. sim run staffed.yaml --seed 7 --reps 30), not by "
            "one short run's mean."]


def _rejected_lines(result: Any) -> list[str]:
    """A line per cheaper roster that met the targets on the search's seeds only."""
    rejected = result.candidates[result.candidates["verdict"].str.startswith("met them")]
    return [f"(A cheaper roster, {row.staff_hours_per_week:g} staff-hours/week, met "
            "the targets on the search's seeds but not on the fresh ones: rejected.)"
            for row in rejected.itertuples()]


def _optimality(result: Any) -> str:
    """Whether the roster is the cheapest of the whole search space or of those tried."""
    if result.proven:
        return (f"It is the cheapest roster of the search space that meets the targets: all "
                f"{result.space_size} rosters costing no more were evaluated on the same "
                "replications.")
    if result.space_size is not None:
        return (f"All {result.space_size} rosters of the search space costing no more than "
                "the best Erlang candidate were evaluated; the cheapest that met the targets "
                "was not confirmed on fresh seeds, so this is the next one up that was.")
    refined = result.candidates["requirement"].str.contains(" - 1 x ").any()
    return (f"It is the cheapest of the candidates tried (Erlang-C family"
            f"{' and local search' if refined else ''}), not proven the cheapest of every "
            "roster: the search space is larger than --exhaustive (or it is 0).")


def write_staff_folder(out: Path, result: Any, baseline: Any, baseline_path: Path,
                       template: dict, args: argparse.Namespace, wall_s: float) -> None:
    """staffed.yaml, candidates.csv, hourly.csv, check.csv, report.md, run.json, figure."""
    with atomic_folder(out) as tmp:
        if result.chosen is not None:
            _write_chosen(tmp, result, baseline, baseline_path, out, template)
        _write_staff_tables(tmp, result)
        if not args.no_plots:
            _pareto_figure(tmp / "pareto.png", result)
        (tmp / "report.md").write_text(_staff_report(result, baseline), encoding="utf-8")
        write_json(tmp / "run.json", _staff_record(result, baseline, args, wall_s))


def _write_chosen(tmp: Path, result: Any, baseline: Any, baseline_path: Path, out: Path,
                  template: dict) -> None:
    """staffed.yaml (loaded back: it runs as it is) and check.csv, the fresh-seed check."""
    import pandas as pd


    (tmp / "staffed.yaml").write_text(
        staffed_text(result, baseline, baseline_path, out, template), encoding="utf-8")
    load_scenario(tmp / "staffed.yaml")
    check = pd.DataFrame(result.check.rows)
    _to_csv(check.assign(replications=result.check.n, seed=result.check_seed), tmp / "check.csv")


def _write_staff_tables(tmp: Path, result: Any) -> None:
    """candidates.csv, hourly.csv and baseline.csv."""
    import pandas as pd

    _to_csv(result.candidates, tmp / "candidates.csv")
    _to_csv(result.hourly, tmp / "hourly.csv")
    _to_csv(pd.DataFrame(result.baseline.rows), tmp / "baseline.csv")


def _staff_report(result: Any, baseline: Any) -> str:
    """report.md: the summary and where the details are."""
    return "\n".join([f"# Staffing {baseline.name}", "", *staff_summary(result), "",
                      "Candidates (staff-hours, per target mean and one-sided bound): "
                      "candidates.csv; hourly requirement and officers on duty: "
                      "hourly.csv. How to read this: docs/decisions.md.", ""])


def _staff_record(result: Any, baseline: Any, args: argparse.Namespace,
                  wall_s: float) -> dict[str, Any]:
    """run.json of ``sim staff``: the settings, the outcome and what ran it."""
    return {
        "scenario": baseline.name, "targets": [str(t) for t in result.targets],
        "confidence": result.confidence, "shift_hours": args.shift_hours,
        "refine": args.refine, "groups": args.groups, "week": args.week,
        "day_types": list(result.day_types), "exhaustive": args.exhaustive,
        "proven_cheapest": result.proven,
        "starts": args.starts, "reps": args.reps, "max_reps": args.max_reps,
        "seed": baseline.seed, "check_seed": result.check_seed,
        "staff_hours_per_week": (result.chosen.staff_hours_per_week
                                 if result.chosen else None),
        "replications": result.replications, "wall_s": round(wall_s, 3),
        "sim_version": sim.__version__, "jobs": args.jobs}


def _pareto_figure(path: Path, result: Any) -> None:
    """Staff-hours against each target's estimate, for the candidates that were run."""
    from matplotlib.figure import Figure

    run = result.candidates[result.candidates["replications"] > 0]
    fig = Figure(figsize=(5 * len(result.targets), 4), layout="constrained")
    axes = fig.subplots(1, len(result.targets), squeeze=False)[0]
    for ax, t in zip(axes, result.targets):
        _pareto_panel(ax, run, t, result.confidence)
    fig.savefig(path, dpi=110)


def _pareto_panel(ax: Any, run: Any, t: Any, confidence: float) -> None:
    """One target: the candidates' means and bounds, the target line, the chosen roster."""
    ax.plot(run["staff_hours_per_week"], run[f"{t.measure} mean"], "o", label="mean")
    ax.plot(run["staff_hours_per_week"], run[f"{t.measure} bound"], "v", alpha=0.6,
            label=f"one-sided {confidence:.0%} bound")
    ax.axhline(t.value, color="#d62728", linestyle="--", label=f"target {t}")
    chosen = run[run["verdict"] == "chosen"]
    ax.plot(chosen["staff_hours_per_week"], chosen[f"{t.measure} mean"], "*",
            markersize=14, color="#2ca02c", label="chosen")
    ax.set(xlabel="staff-hours per week", ylabel=t.measure)
    ax.legend(fontsize=7)
