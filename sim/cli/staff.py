"""Command-line entry of ``sim staff``: the fewest staff-hours that meet the targets."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

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
    load,
)
from sim.cli.staff_report import staff_summary, write_staff_folder
from sim.cli.workers import replication_cache, report_cache_problem, workers
from sim.decide.measure import DecisionError
from sim.decide.staff import EXHAUSTIVE_LIMIT, group_templates, parse_starts, staff
from sim.decide.targets import parse_target
from sim.output import reserved_output
from sim.output.target import bounded_stem, output_path

_STAFF_HELP = "the fewest staff-hours whose measures meet every target"
_STAFF_DESCRIPTION = (
    "Erlang-C hourly requirements from the workload, integer covering by "
    "shift starts (scipy.optimize.milp), candidates checked by replications under "
    "common random numbers, the choice re-checked on fresh seeds. See docs/decisions.md.")

STAFF_ARGUMENTS = (
    arg("scenario", help="scenario file (the baseline: district, demand, strategy)"),
    arg("--target", action="append", required=True, metavar="'MEASURE OP VALUE'",
        help="e.g. 'sla_attainment >= 0.9', 'exposure_h_per_day <= 1300', "
        "'night_coverage >= 0.05' (repeatable; measures: sim measures)"),
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
