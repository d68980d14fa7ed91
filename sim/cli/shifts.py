"""`sim shifts propose`: shift starts fitted to the workload, checked against the baseline.

Method (details in docs/decisions.md and ``sim.decide.propose``):
  1. Baseline run: ``--reps`` replications of the scenario as it is (cached).
  2. Workload per clock hour: officer-minutes of work generated in each hour — the
     incidents of each type that occur in that hour times the mean officer time a
     resolved incident of the type takes (travel, on-scene work, re-inspection).
  3. Fit: the officers' start times are placed one at a time (every ``--granularity``
     minutes, optionally inside ``--earliest``..``--latest``) so that the officers on duty
     per hour track officers x shift hours x the hour's share of the workload
     (``sim.strategy.staggered.propose_staggered_starts``; shifts wrap past midnight).
  4. Output folder: ``proposal.yaml``, a complete scenario that extends the baseline and
     replaces its unit groups (each set to null), ``workload.csv`` (work, target, proposed
     and baseline officers per hour), the comparison with the baseline under common random
     numbers (``comparison.csv``, ``differences.csv``, ``report.md``) and a figure. Where
     the proposal is worse on a headline measure, that is printed first.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sim.cli.common import WORKER_OPTIONS, OptionAdder, Rule, Subparsers, add_arguments, arg
from sim.strategy.staggered import shift_entry  # noqa: F401 - re-exported

PROPOSE_ARGUMENTS = (
    arg("scenario", help="scenario file (the baseline)"),
    arg("--officers", type=int, required=True, help="officers per day"),
    arg("--shift-hours", type=float, required=True, help="shift length (h, < 24)"),
    arg("--granularity", type=int, default=30, help="start-time grid (min)"),
    arg("--earliest", help="earliest start HH:MM"),
    arg("--latest", help="latest start HH:MM"),
    arg("--group", help="template group for mode/home/behaviour (default: first)"),
    arg("--reps", type=int,
        help="replications of the baseline run and of the check (default: the "
        "scenario's, at least 5)"),
    *WORKER_OPTIONS,
    arg("--no-plots", action="store_true", help="skip the figure"),
    arg("-o", "--output", help="results folder (default results/propose-<name>)"),
    arg("--force", action="store_true",
        help="replace the output folder even if sim did not write it"),
)


def add_shift_commands(sub: Subparsers, scenario_options: OptionAdder | None = None) -> None:
    """Register ``sim shifts propose``."""
    shifts = sub.add_parser("shifts", help="plan shift rosters")
    shifts_sub = shifts.add_subparsers(dest="shifts_command", metavar="SUBCOMMAND", required=True)
    prop = _add_propose(shifts_sub)
    if scenario_options is not None:
        scenario_options(prop)


def _add_propose(sub: Subparsers) -> argparse.ArgumentParser:
    """``propose``, with this module's docstring (the method) as its description."""
    prop = sub.add_parser(
        "propose", help="propose staggered shift starts that follow the disorder load",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(prop, PROPOSE_ARGUMENTS)
    prop.set_defaults(func=cmd_shifts_propose)
    return prop


MAX_OFFICERS = 2000  # as UnitGroup.count

_PROPOSE_RULES: list[Rule] = [
    (lambda a: not 0.5 <= a.shift_hours < 24,
     "--shift-hours must be at least 0.5 and less than 24, got {a.shift_hours:g}"),
    (lambda a: a.officers is not None and not 1 <= a.officers <= MAX_OFFICERS,
     f"--officers must be between 1 and {MAX_OFFICERS:,} (the most a unit group holds), "
     "got {a.officers:,}"),
]


def cmd_shifts_propose(args: argparse.Namespace) -> int:
    """Fit shift starts to the workload, write the proposal folder, print the verdict."""
    from sim.cli.common import as_usage_error, check_rules, load, overrides_from
    from sim.cli.workers import executor_of
    from sim.decide.propose import propose_to_folder
    from sim.output.target import bounded_stem, output_path

    check_rules(args, _PROPOSE_RULES)
    scenario = load(Path(args.scenario), args)
    out = output_path(args.output, bounded_stem(f"propose-{scenario.name}"))
    overrides = {k: v for k, v in overrides_from(args).items() if not k.startswith("units")}
    with as_usage_error(ValueError), executor_of(args) as executor:
        outcome = propose_to_folder(scenario, Path(args.scenario), out, args, overrides,
                                    executor)
    _print_proposal(outcome, scenario, args, out)
    return 0


def _print_proposal(outcome: Any, scenario: Any, args: argparse.Namespace, out: Path) -> None:
    """The verdict, warnings, the measures table and what the proposal costs (a verdict
    that the proposal is worse somewhere is repeated last, where the terminal ends)."""
    print(outcome.verdict.summary(outcome.proposal_name, scenario.name))
    for warning in outcome.comparison.warnings:
        print(f"sim: warning: {warning}", file=sys.stderr)
    print()
    print(outcome.table.round(2).to_string(index=False))
    print()
    print("\n".join(outcome.verdict.sentences))
    print(f"\n{outcome.officers} officers x {args.shift_hours:g} h "
          f"({outcome.staff_hours:g} staff-hours/week; baseline "
          f"{outcome.baseline_staff_hours:g}) → {out}/proposal.yaml")
    if outcome.verdict.worse:  # the warning again, where the terminal ends
        print("\n" + outcome.verdict.summary(outcome.proposal_name, scenario.name))
