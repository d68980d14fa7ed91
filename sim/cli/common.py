"""What every command shares: loading a scenario with the command line's overrides, the
usage error, limits on counts, common options, progress bars."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import yaml

from sim.output.target import OutputError

DEFAULT_SCENARIO = Path("scenarios/default.yaml")
EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """A command-line mistake that is not about the scenario file itself."""


def parse_assignment(text: str) -> tuple[str, Any]:
    """``field.path=value`` (value parsed as YAML) for ``--set``."""
    if "=" not in text:
        raise UsageError(f"--set expects field.path=value, got {text!r}")
    key, value = text.split("=", 1)
    from sim.scenario.loader import _UniqueKeyLoader  # the same scalars as scenario files

    try:
        return key.strip(), yaml.load(value, Loader=_UniqueKeyLoader)
    except yaml.YAMLError:
        raise UsageError(f"--set {key}: cannot read the value {value!r}") from None


def overrides_from(args: argparse.Namespace) -> dict[str, Any]:
    changes: dict[str, Any] = dict(parse_assignment(a) for a in getattr(args, "set", None) or [])
    if getattr(args, "days", None) is not None:
        changes["clock.days"] = args.days
    if getattr(args, "seed", None) is not None:
        changes["seed"] = args.seed
    return changes


def load(path: Path, args: argparse.Namespace):
    from sim.scenario.loader import load_scenario

    return load_scenario(path, overrides_from(args))


def progress_bar(total: int, label: str):
    """A progress bar on stderr for interactive terminals (silent in pipes and CI)."""
    from sim.experiment.session import progress_bar as bar

    return bar(total, label)


def check_counts(args: argparse.Namespace) -> None:
    """Refuse --reps, --max-reps and --jobs beyond their limits before loading anything."""
    from sim.scenario.limits import over_limit

    for option, name in (("reps", "reps"), ("max_reps", "reps"), ("jobs", "jobs")):
        value = getattr(args, option, None)
        if value is not None:
            problem = over_limit(name, value, f"--{option.replace('_', '-')} {{n}}")
            if problem:
                raise UsageError(problem)


def check_runs(runs: int, detail: str) -> None:
    """Refuse a command that would run more replications in all than the limit."""
    from sim.scenario.limits import over_limit

    problem = over_limit("runs", runs, detail)
    if problem:
        raise UsageError(problem)


def add_force_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--force", action="store_true",
                   help="replace the output folder even if sim did not write it, with "
                   "everything in it (never a file)")




def scenario_options(p: argparse.ArgumentParser) -> None:
    """--days, --seed and --set: change a scenario without editing its file."""
    p.add_argument("--days", type=int, help="override clock.days")
    p.add_argument("--seed", type=int, help="override the root seed")
    p.add_argument(
        "--set", action="append", metavar="FIELD=VALUE",
        help="override any scenario field, e.g. --set units.foot.count=20 (repeatable)",
    )


def write_or_print(text: str, args: argparse.Namespace) -> int:
    """Write a generated document to ``-o`` (atomically) or print it."""
    if args.output:
        from sim.output import write_text_atomic
        from sim.output.target import check_file_target

        check_file_target(Path(args.output))
        try:
            write_text_atomic(Path(args.output), text)
        except OSError as exc:
            raise OutputError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    else:
        print(text)
    return 0


