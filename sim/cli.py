"""The command line: parse, call the library, print. Bad input → a clear message and exit 2."""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

from sim.output_target import OutputError
from sim.scenario.errors import ScenarioError

DEFAULT_SCENARIO = Path("scenarios/default.yaml")
EXIT_BAD_INPUT = 2


EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_TERMINATED = 143  # 128 + SIGTERM


class Terminated(KeyboardInterrupt):
    """SIGTERM (``timeout``, Slurm, CI cancellation), handled exactly like Ctrl-C."""


def _raise_terminated(signum: int, frame: Any) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # let the clean-up finish undisturbed
    raise Terminated


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While inside, SIGTERM raises :class:`Terminated` (main thread only; else no-op)."""
    try:
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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
    if total <= 1 or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit="rep", file=sys.stderr)


def cmd_run(args: argparse.Namespace) -> int:
    path = Path(args.scenario) if args.scenario else DEFAULT_SCENARIO
    if args.scenario is None and not path.exists():
        raise UsageError(f"no scenario given and {DEFAULT_SCENARIO} not found in {Path.cwd()}")
    scenario = load(path, args)  # before the heavy imports: a bad file fails fast

    from sim.experiment.single import run_to_folder, run_warnings
    from sim.metrics import registry
    from sim.output import reserved_output
    from sim.output_target import output_path
    from sim.report import format_kpi_table

    reps = args.reps or scenario.replications
    out = output_path(args.output, scenario.name)
    with reserved_output(out, args.force):
        bar = progress_bar(reps, scenario.name)
        try:
            _, table = run_to_folder(
                scenario, out, reps, jobs=args.jobs, make_plots=not args.no_plots,
                on_done=bar.update if bar else None, force=args.force,
            )
        finally:
            if bar:
                bar.close()
    print(f"{scenario.name}: {reps} replication(s) of {scenario.clock.days} days → {out}/")
    print(format_kpi_table(table[table["kpi"].isin(registry.names(key=True))]))
    for warning in run_warnings(scenario):
        print(f"sim: warning: {warning}", file=sys.stderr)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Check every file (not only up to the first bad one); exit 2 if any is invalid."""
    bad = 0
    for path in args.scenarios:
        try:
            scenario = load(Path(path), args)
        except ScenarioError as exc:
            print(str(exc), file=sys.stderr)
            bad += 1
            continue
        n_officers = sum(g.count for g in scenario.units.values())
        print(
            f"{path}: valid — {len(scenario.district.all_zones())} zones, "
            f"{sum(t.enabled for t in scenario.incidents.values())} incident types, "
            f"{n_officers} officers"
        )
    if bad and len(args.scenarios) > 1:
        print(f"sim: {bad} of {len(args.scenarios)} scenario files are invalid", file=sys.stderr)
    return EXIT_BAD_INPUT if bad else 0


def cmd_schema(args: argparse.Namespace) -> int:
    from sim.scenario.model import Scenario

    print(json.dumps(Scenario.model_json_schema(by_alias=True), indent=2))
    return 0


def cmd_reference(args: argparse.Namespace) -> int:
    from sim.scenario.reference import reference_markdown

    return write_or_print(reference_markdown(), args)


def cmd_measures(args: argparse.Namespace) -> int:
    from sim.metrics.registry import markdown

    return write_or_print(markdown(), args)


def write_or_print(text: str, args: argparse.Namespace) -> int:
    """Write a generated document to ``-o`` (atomically) or print it."""
    if args.output:
        from sim.output import write_text_atomic
        from sim.output_target import check_file_target

        check_file_target(Path(args.output))
        try:
            write_text_atomic(Path(args.output), text)
        except OSError as exc:
            raise OutputError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    else:
        print(text)
    return 0


def add_force_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--force", action="store_true",
                   help="replace the output folder even if sim did not write it, with "
                   "everything in it (never a file)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sim",
        description="Simulate city-appearance enforcement deployment strategies.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def scenario_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--days", type=int, help="override clock.days")
        p.add_argument("--seed", type=int, help="override the root seed")
        p.add_argument(
            "--set", action="append", metavar="FIELD=VALUE",
            help="override any scenario field, e.g. --set units.foot.count=20 (repeatable)",
        )

    run = sub.add_parser("run", help="run a scenario and write a results folder")
    run.add_argument("scenario", nargs="?", help=f"scenario file (default {DEFAULT_SCENARIO})")
    run.add_argument("-o", "--output", help="results folder (default results/<name>)")
    run.add_argument("--reps", type=int, help="replications (default: the scenario's)")
    run.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    run.add_argument("--no-plots", action="store_true", help="skip the figures")
    add_force_option(run)
    scenario_options(run)
    run.set_defaults(func=cmd_run)

    val = sub.add_parser("validate", help="check scenario files; exit 2 if any is invalid")
    val.add_argument("scenarios", nargs="+")
    scenario_options(val)
    val.set_defaults(func=cmd_validate)

    schema = sub.add_parser("schema", help="print the scenario JSON Schema")
    schema.set_defaults(func=cmd_schema)

    ref = sub.add_parser("reference", help="print the scenario reference (Markdown)")
    ref.add_argument("-o", "--output", help="write to this file instead")
    ref.set_defaults(func=cmd_reference)
    measures = sub.add_parser("measures", help="print the measures reference (Markdown)")
    measures.add_argument("-o", "--output", help="write to this file instead")
    measures.set_defaults(func=cmd_measures)

    from sim.cli_bench import add_bench_command
    from sim.cli_experiments import add_experiment_commands
    from sim.cli_shifts import add_shift_commands
    from sim.decide.cli import add_decide_commands, add_staff_command

    add_experiment_commands(sub, scenario_options)
    add_shift_commands(sub, scenario_options)
    add_decide_commands(sub, scenario_options)
    add_staff_command(sub, scenario_options)
    add_bench_command(sub)
    return parser


def tolerant_output() -> None:
    """Never let printing fail a run: characters the terminal's encoding lacks (→, —, 南)
    become replacement characters instead of raising UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    tolerant_output()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT
    if getattr(args, "reps", None) is not None and args.reps < 1:
        parser.error("--reps must be at least 1")
    if getattr(args, "jobs", None) is not None and args.jobs < 1:
        parser.error("--jobs must be at least 1")
    try:
        with sigterm_as_interrupt():
            return args.func(args)
    except ScenarioError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    except (UsageError, OutputError) as exc:
        print(f"sim: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt as exc:
        what = "terminated" if isinstance(exc, Terminated) else "interrupted"
        print(f"sim: {what}; no partial results were written", file=sys.stderr)
        return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `sim reference | head`: the reader has gone, not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
