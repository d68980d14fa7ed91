"""The command line: parse, call the library, print. Bad input → a clear message and exit 2."""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import sim
from sim.cli.bench import add_bench_command
from sim.cli.cache import add_cache_commands
from sim.cli.calibrate import add_calibrate_commands
from sim.cli.common import EXIT_BAD_INPUT, UsageError, check_counts, scenario_options
from sim.cli.completion import add_completion_command
from sim.cli.decide import add_decide_commands
from sim.cli.experiments import add_experiment_commands
from sim.cli.replay import add_replay_command
from sim.cli.scenario import add_scenario_commands
from sim.cli.shifts import add_shift_commands
from sim.cli.staff import add_staff_command
from sim.output.target import OutputError
from sim.scenario.errors import ScenarioError
from sim.scenario.limits import BadLimitSetting

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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sim",
        description="Simulate city-appearance enforcement deployment strategies.",
    )
    parser.add_argument("--version", action="version", version=f"sim {sim.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    add_scenario_commands(sub)

    add_experiment_commands(sub, scenario_options)
    add_shift_commands(sub, scenario_options)
    add_decide_commands(sub, scenario_options)
    add_staff_command(sub, scenario_options)
    add_bench_command(sub)
    add_calibrate_commands(sub, scenario_options)
    add_cache_commands(sub)
    add_completion_command(sub, parser)
    add_replay_command(sub)
    return parser


def tolerant_output() -> None:
    """Never let printing fail a run: characters the terminal's encoding lacks (→, —, 南)
    become replacement characters instead of raising UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):  # not a test's StringIO capture
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(errors="replace")


def _check_counts(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """``--reps`` and ``--jobs``, where a command has them, must be at least 1."""
    for option in ("reps", "jobs"):
        value = getattr(args, option, None)
        if value is not None and value < 1:
            parser.error(f"--{option} must be at least 1")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    tolerant_output()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT
    _check_counts(parser, args)
    try:
        with sigterm_as_interrupt():
            check_counts(args)
            return args.func(args)
    except (ScenarioError, UsageError, OutputError, BadLimitSetting) as exc:
        return _bad_input(exc)
    except KeyboardInterrupt as exc:
        return _interrupted(exc)
    except BrokenPipeError:  # e.g. `sim reference | head`: the reader has gone, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _bad_input(exc: Exception) -> int:
    """Print the problem (a scenario's own message, or ``sim: …``); exit status 2."""
    message = str(exc) if isinstance(exc, ScenarioError) else f"sim: {exc}"
    print(message, file=sys.stderr)
    return EXIT_BAD_INPUT


def _interrupted(exc: KeyboardInterrupt) -> int:
    """Say that nothing partial was written; 130 for Ctrl-C, 143 for SIGTERM."""
    terminated = isinstance(exc, Terminated)
    print(f"sim: {'terminated' if terminated else 'interrupted'}; no partial results were "
          "written", file=sys.stderr)
    return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
