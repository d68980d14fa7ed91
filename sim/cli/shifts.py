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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from sim.strategy.staggered import coverage_by_hour


def add_shift_commands(
    sub: argparse._SubParsersAction,
    scenario_options: Callable[[argparse.ArgumentParser], None] | None = None,
) -> None:
    """Register ``sim shifts propose``."""
    shifts = sub.add_parser("shifts", help="plan shift rosters")
    shifts_sub = shifts.add_subparsers(dest="shifts_command", metavar="SUBCOMMAND", required=True)
    prop = shifts_sub.add_parser(
        "propose", help="propose staggered shift starts that follow the disorder load",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    prop.add_argument("scenario", help="scenario file (the baseline)")
    prop.add_argument("--officers", type=int, required=True, help="officers per day")
    prop.add_argument("--shift-hours", type=float, required=True, help="shift length (h, < 24)")
    prop.add_argument("--granularity", type=int, default=30, help="start-time grid (min)")
    prop.add_argument("--earliest", help="earliest start HH:MM")
    prop.add_argument("--latest", help="latest start HH:MM")
    prop.add_argument("--group", help="template group for mode/home/behaviour (default: first)")
    prop.add_argument("--reps", type=int,
                      help="replications of the baseline run and of the check (default: the "
                      "scenario's, at least 5)")
    prop.add_argument("--jobs", type=int, default=1, help="local worker processes (default 1)")
    prop.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                      help="run on this Dask scheduler (default: $SIM_DASK_SCHEDULER if set)")
    prop.add_argument("--no-cache", action="store_true",
                      help="neither reuse nor store finished replications in the user cache")
    prop.add_argument("--no-plots", action="store_true", help="skip the figure")
    prop.add_argument("-o", "--output",
                      help="results folder (default results/propose-<name>)")
    prop.add_argument("--force", action="store_true",
                      help="replace the output folder even if sim did not write it")
    if scenario_options is not None:
        scenario_options(prop)
    prop.set_defaults(func=cmd_shifts_propose)


def shift_entry(start: str, hours: float) -> dict[str, Any]:
    """A scenario ``shifts`` entry for a start time and length (overnight when it wraps)."""
    h, m = (int(x) for x in start.split(":"))
    begin = h * 60 + m
    finish = begin + round(hours * 60)
    entry: dict[str, Any] = {"days": "all", "start": start}
    if finish <= 1440:
        entry["end"] = f"{finish // 60:02d}:{finish % 60:02d}"
    else:
        finish -= 1440
        entry.update(end=f"{finish // 60:02d}:{finish % 60:02d}", overnight=True)
    return entry


def plot_proposal(path: Path, load: np.ndarray, starts: list[str], hours: float,
                  baseline: np.ndarray | None = None) -> None:
    """Bars: officers on duty per hour; lines: the workload-proportional target, the
    baseline roster and the workload itself (Figure API)."""
    from matplotlib.figure import Figure

    on_duty = np.asarray(coverage_by_hour(starts, hours))
    target = len(starts) * hours * load / load.sum()
    fig = Figure(figsize=(8, 4), layout="constrained")
    ax = fig.subplots()
    ax.bar(np.arange(24), on_duty, width=1.0, align="edge", color="#9ecae1",
           label="officers on duty (proposal)")
    ax.step(np.arange(25), np.append(target, target[-1]), where="post", color="#d62728",
            label="target: officers in proportion to the workload")
    if baseline is not None:
        ax.step(np.arange(25), np.append(baseline, baseline[-1]), where="post",
                color="#2ca02c", linestyle="--", label="baseline roster")
    ax2 = ax.twinx()
    ax2.plot(np.arange(24) + 0.5, load, color="#555555", linestyle=":", marker=".",
             label="work generated (officer-h/day)")
    ax.set(xlim=(0, 24), xticks=range(0, 25, 3), xlabel="hour of day", ylabel="officers")
    ax2.set_ylabel("work generated per hour (officer-h/day)")
    ax2.set_ylim(bottom=0)
    handles = ax.get_legend_handles_labels()
    extra = ax2.get_legend_handles_labels()
    fig.legend(handles[0] + extra[0], handles[1] + extra[1], loc="outside lower center",
               ncols=3, fontsize=8)
    ax.set_title(f"Staggered-peak proposal: {len(starts)} officers x {hours:g} h")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)


MAX_OFFICERS = 2000  # as UnitGroup.count


def cmd_shifts_propose(args: argparse.Namespace) -> int:
    """Fit shift starts to the workload, write the proposal folder, print the verdict."""
    from sim.cli.common import UsageError, load, overrides_from
    from sim.decide.propose import propose_to_folder
    from sim.output.target import bounded_stem, output_path

    if not 0.5 <= args.shift_hours < 24:
        raise UsageError(f"--shift-hours must be at least 0.5 and less than 24, got "
                         f"{args.shift_hours:g}")
    if args.officers is not None and not 1 <= args.officers <= MAX_OFFICERS:
        raise UsageError(f"--officers must be between 1 and {MAX_OFFICERS:,} (the most a unit "
                         f"group holds), got {args.officers:,}")
    scenario = load(Path(args.scenario), args)
    out = output_path(args.output, bounded_stem(f"propose-{scenario.name}"))
    overrides = {k: v for k, v in overrides_from(args).items() if not k.startswith("units")}
    try:
        outcome = propose_to_folder(scenario, Path(args.scenario), out, args, overrides)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
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
    return 0
