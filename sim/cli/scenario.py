"""Commands on one scenario: run, validate, schema, and the generated references."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sim.cli.common import (
    DEFAULT_SCENARIO,
    EXIT_BAD_INPUT,
    FORCE_OPTION,
    PRESENCE_OPTION,
    SCENARIO_OPTIONS,
    TABLE_OPTIONS,
    Argument,
    Subparsers,
    UsageError,
    add_command,
    arg,
    check_runs,
    load,
    progress_bar,
    source_of,
    table_format,
    write_or_print,
)
from sim.cli.lang import LANG_OPTION, report_lang
from sim.cli.trace import TRACE_OPTIONS, trace_spec, trace_warnings
from sim.scenario.errors import ScenarioError


def _scenario_path(args: argparse.Namespace) -> Path:
    """The scenario to run: the one given, else the default (which must exist)."""
    from sim.scenario.library import find_scenario

    if args.scenario:
        return Path(args.scenario)
    if args.scenario is None and not find_scenario(DEFAULT_SCENARIO).exists():
        raise UsageError(f"no scenario given, {DEFAULT_SCENARIO} not found in {Path.cwd()} "
                         "and no scenario library is installed")
    return DEFAULT_SCENARIO


def cmd_run(args: argparse.Namespace) -> int:
    """``sim run``: replications of one scenario written as a results folder."""
    path = _scenario_path(args)
    scenario = load(path, args)  # before the heavy imports: a bad file fails fast
    tables = table_format(args)

    from sim.output import reserved_output
    from sim.output.target import output_path

    reps = args.reps or scenario.replications
    check_runs(reps, "{n} replications")
    trace = trace_spec(args, scenario.clock.days)
    out = output_path(args.output, scenario.name)
    with reserved_output(out, args.force, source_of("run", [path])):
        frames, table = _run(args, scenario, out, reps, tables, trace)
    _print_run(scenario, reps, out, frames, table)
    return 0


def _run(args: argparse.Namespace, scenario: Any, out: Path, reps: int, tables: Any,
         trace: Any) -> Any:
    """Run and write the folder, with a progress bar on a terminal."""
    from sim.experiment.single import run_to_folder
    from sim.report.i18n import language

    with _progress(reps, scenario.name) as on_done, language(report_lang(args, scenario)):
        return run_to_folder(
            scenario, out, reps, jobs=args.jobs, make_plots=not args.no_plots,
            on_done=on_done, force=args.force, tables=tables, presence=args.presence,
            trace=trace,
        )


@contextlib.contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[..., Any] | None]:
    """The update hook of a progress bar over ``total`` replications (None: no bar)."""
    bar = progress_bar(total, label)
    try:
        yield bar.update if bar else None
    finally:
        if bar:
            bar.close()


def _print_run(scenario: Any, reps: int, out: Path, frames: Any, table: Any) -> None:
    """The key measures, the per-type table and the run's warnings."""
    from sim.experiment.single import run_warnings
    from sim.metrics import registry
    from sim.metrics.window import window_of
    from sim.report import format_kpi_table, format_type_table
    from sim.report.i18n import type_labels

    print(f"{scenario.name}: {reps} replication(s) of {scenario.clock.days} days → {out}/")
    print(format_kpi_table(table[table["kpi"].isin(registry.names(key=True))]))
    print()
    print(format_type_table(frames.extra["by_type"], window_of(scenario).arrival_days,
                            type_labels([scenario])))
    for warning in run_warnings(scenario) + trace_warnings(frames):
        print(f"sim: warning: {warning}", file=sys.stderr)


def cmd_validate(args: argparse.Namespace) -> int:
    """Check every file (not only up to the first bad one); exit 2 if any is invalid."""
    bad = sum(not _validate(path, args) for path in args.scenarios)
    if bad and len(args.scenarios) > 1:
        print(f"sim: {bad} of {len(args.scenarios)} scenario files are invalid", file=sys.stderr)
    return EXIT_BAD_INPUT if bad else 0


def _validate(path: str, args: argparse.Namespace) -> bool:
    """Print what a valid file holds, or its problems (on stderr); is it valid?"""
    try:
        scenario = load(Path(path), args)
    except ScenarioError as exc:
        print(str(exc), file=sys.stderr)
        return False
    print(f"{path}: valid — {_contents(scenario)}")
    return True


def _contents(scenario: Any) -> str:
    """What a valid scenario holds: zones, enabled incident types, officers."""
    n_officers = sum(g.count for g in scenario.units.values())
    return (f"{len(scenario.district.all_zones())} zones, "
            f"{sum(t.enabled for t in scenario.incidents.values())} incident types, "
            f"{n_officers} officers")


def cmd_schema(args: argparse.Namespace) -> int:
    from sim.scenario.json_schema import full_schema, partial_schema

    schema = partial_schema() if args.partial else full_schema()
    return write_or_print(json.dumps(schema, indent=2, ensure_ascii=False), args)


def cmd_scenarios(args: argparse.Namespace) -> int:
    """List the shipped scenarios with the first line of their descriptions."""
    from sim.scenario.library import library_dir, shipped

    files = shipped()
    if not files:
        raise UsageError(f"no scenario library is installed (looked in {library_dir()})")
    print(f"Shipped scenarios ({library_dir()}); run one with `sim run NAME`, copy one to "
          "edit it (a file on disk always wins over a name):")
    _print_library(files)
    return 0


def _print_library(files: list[Path]) -> None:
    """A line per shipped scenario: its name, then the first line of its description."""
    from sim.scenario.library import description_line

    width = max(len(p.stem) for p in files)
    for path in files:
        print(f"  {path.stem:<{width}}  {description_line(path)}")


def cmd_reference(args: argparse.Namespace) -> int:
    from sim.scenario.reference import reference_markdown

    return write_or_print(reference_markdown(), args)


def cmd_measures(args: argparse.Namespace) -> int:
    from sim.metrics.registry import markdown

    return write_or_print(markdown(), args)


RUN_ARGUMENTS = (
    arg("scenario", nargs="?", help=f"scenario file or shipped name (default {DEFAULT_SCENARIO})"),
    arg("-o", "--output", help="results folder (default results/<name>)"),
    arg("--reps", type=int, help="replications (default: the scenario's)"),
    arg("--jobs", type=int, default=1, help="worker processes (default 1)"),
    arg("--no-plots", action="store_true", help="skip the figures"),
    LANG_OPTION,
    FORCE_OPTION,
    *TABLE_OPTIONS,
    PRESENCE_OPTION,
    *TRACE_OPTIONS,
    *SCENARIO_OPTIONS,
)

WRITE_TO_FILE = arg("-o", "--output", help="write to this file instead")

SCHEMA_ARGUMENTS = (
    arg("--partial", action="store_true",
        help="the schema of a file that extends another (every field optional, extends: "
        "allowed), for editors"),
    WRITE_TO_FILE,
)

SCENARIO_COMMANDS: tuple[tuple[str, tuple[Argument, ...], Callable[..., int], str], ...] = (
    ("run", RUN_ARGUMENTS, cmd_run, "run a scenario and write a results folder"),
    ("validate", (arg("scenarios", nargs="+"), *SCENARIO_OPTIONS), cmd_validate,
     "check scenario files; exit 2 if any is invalid"),
    ("scenarios", (), cmd_scenarios, "list the shipped scenarios (sim run NAME runs one)"),
    ("schema", SCHEMA_ARGUMENTS, cmd_schema, "print the scenario JSON Schema"),
    ("reference", (WRITE_TO_FILE,), cmd_reference, "print the scenario reference (Markdown)"),
    ("measures", (WRITE_TO_FILE,), cmd_measures, "print the measures reference (Markdown)"),
)
"""The commands on one scenario: name, option table, function, help."""


def add_scenario_commands(sub: Subparsers) -> None:
    """run, validate, scenarios, schema, reference, measures."""
    for name, table, func, help in SCENARIO_COMMANDS:
        add_command(sub, name, table, func, help)
