"""`sim shifts propose`: staggered-peak shift starts that follow a scenario's disorder load.

Method:
  1. Load profile: the expected incidents per clock hour of the scenario's own demand model,
     summed over zones and incident types and averaged over the seven weekdays
     (``sim.strategy.load.hour_load``): exact for fixed catalog rates, a 28-day probe of the
     generators for vendors and parking; recurrences are not included.
  2. Proposal: ``sim.strategy.staggered.propose_staggered_starts`` places the officers' start
     times one at a time (every ``--granularity`` minutes, optionally inside
     ``--earliest``..``--latest``) so that the officers on duty per hour track
     officers × shift hours × load share, minimising the squared deviation (shifts wrap past
     midnight).
  3. Output: a ready-to-paste YAML ``units:`` block, one group per distinct start time with
     its officer count (mode, home zone, zones and behaviour copied from a template group of
     the scenario), with the hourly load and staffing as comments; optionally a figure of
     officers on duty per hour against the load-proportional target.
"""

from __future__ import annotations

import argparse
import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from sim.strategy.staggered import coverage_by_hour, group_starts, propose_staggered_starts


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
    prop.add_argument("scenario", help="scenario file")
    prop.add_argument("--officers", type=int, required=True, help="officers per day")
    prop.add_argument("--shift-hours", type=float, required=True, help="shift length (h, < 24)")
    prop.add_argument("--granularity", type=int, default=30, help="start-time grid (min)")
    prop.add_argument("--earliest", help="earliest start HH:MM")
    prop.add_argument("--latest", help="latest start HH:MM")
    prop.add_argument("--group", help="template group for mode/home/behaviour (default: first)")
    prop.add_argument("-o", "--output", help="write a plot of staffing against the load")
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


def proposal_units(
    starts: list[str], hours: float, template: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """One unit group per distinct start time: ``shift_HHMM`` with its count."""
    units = {}
    for start, count in group_starts(starts):
        group = {"count": count, **copy.deepcopy(template), "shifts": [shift_entry(start, hours)]}
        if "behaviour" in group:  # after the shifts, `kind` first
            behaviour = group.pop("behaviour")
            group["behaviour"] = {"kind": behaviour.pop("kind"), **behaviour}
        units[f"shift_{start.replace(':', '')}"] = group
    return units


def proposal_yaml(
    name: str, load: np.ndarray, starts: list[str], hours: float, template: dict[str, Any]
) -> str:
    """The proposal as YAML text with the load and staffing per hour as comments."""
    officers = len(starts)
    on_duty = coverage_by_hour(starts, hours)
    target = officers * hours * load / load.sum()
    lines = [
        f"# Staggered-peak proposal for {name}: {officers} officers x {hours:g} h every day "
        f"= {officers * hours * 7:g} staff-hours/week.",
        "# hour  expected incidents  target on duty  proposed on duty",
    ]
    lines += [
        f"#  {h:02d}   {load[h]:8.1f}   {target[h]:8.1f}   {on_duty[h]:8.1f}" for h in range(24)
    ]
    lines.append("# Paste under `units:` (replacing the groups it supersedes).")
    body = yaml.safe_dump(
        {"units": proposal_units(starts, hours, template)},
        sort_keys=False, default_flow_style=None, allow_unicode=True, width=100,
    )
    return "\n".join(lines) + "\n" + body


def plot_proposal(path: Path, load: np.ndarray, starts: list[str], hours: float) -> None:
    """Bars: officers on duty per hour; line: the load-proportional target (Figure API)."""
    from matplotlib.figure import Figure

    on_duty = np.asarray(coverage_by_hour(starts, hours))
    target = len(starts) * hours * load / load.sum()
    fig = Figure(figsize=(8, 4), layout="constrained")
    ax = fig.subplots()
    ax.bar(np.arange(24), on_duty, width=1.0, align="edge", color="#9ecae1",
           label="officers on duty (proposal)")
    ax.step(np.arange(25), np.append(target, target[-1]), where="post", color="#d62728",
            label="target: officer-hours in proportion to the load")
    ax2 = ax.twinx()
    ax2.plot(np.arange(24) + 0.5, load, color="#555555", linestyle=":", marker=".",
             label="expected incidents per hour")
    ax.set(xlim=(0, 24), xticks=range(0, 25, 3), xlabel="hour of day", ylabel="officers")
    ax2.set_ylabel("expected incidents per hour")
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
    """Print (and optionally plot) a staggered-start proposal for a scenario."""
    from sim.cli.common import UsageError, load
    from sim.compiled import compile_layout
    from sim.strategy.load import hour_load

    if not 0.5 <= args.shift_hours < 24:
        raise UsageError(f"--shift-hours must be at least 0.5 and less than 24, got "
                         f"{args.shift_hours:g}")
    if not 1 <= args.officers <= MAX_OFFICERS:
        raise UsageError(f"--officers must be between 1 and {MAX_OFFICERS:,} (the most a unit "
                         f"group holds), got {args.officers:,}")
    scenario = load(Path(args.scenario), args)
    name = args.group or next(iter(scenario.units))
    if name not in scenario.units:
        raise UsageError(f"--group {name!r} is not a unit group of {args.scenario}")
    group = scenario.units[name]
    template = {"mode": group.mode, **group.model_dump(
        mode="json", by_alias=True, exclude_defaults=True,
        exclude={"count", "mode", "shifts", "grids", "grid_split", "overflow"},
    )}
    if args.output:
        from sim.output.target import check_file_target

        check_file_target(Path(args.output))
    load_h = hour_load(scenario, compile_layout(scenario))
    try:
        starts = propose_staggered_starts(
            load_h, args.officers, args.shift_hours, args.granularity, args.earliest, args.latest
        )
    except (TypeError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    print(proposal_yaml(scenario.name, load_h, starts, args.shift_hours, template), end="")
    if args.output:
        try:
            plot_proposal(Path(args.output), load_h, starts, args.shift_hours)
        except OSError as exc:
            from sim.output.target import OutputError

            raise OutputError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    return 0
