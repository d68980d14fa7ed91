"""What every command shares: loading a scenario with the command line's overrides, the
usage error, limits on counts, common options, progress bars."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

from sim.output.target import OutputError

DEFAULT_SCENARIO = Path("scenarios/default.yaml")
EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """A command-line mistake that is not about the scenario file itself."""


@contextlib.contextmanager
def as_usage_error(*errors: type[Exception]) -> Iterator[None]:
    """Inside, the library's ``errors`` become :class:`UsageError` with the same message
    (so the command line prints it and exits 2, without a traceback)."""
    try:
        yield
    except errors as exc:
        raise UsageError(str(exc)) from None


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


_OPTION_FIELDS = (("days", "clock.days"), ("warmup_days", "clock.warmup_days"), ("seed", "seed"))


def overrides_from(args: argparse.Namespace) -> dict[str, Any]:
    """The scenario changes asked for: ``--set`` assignments, then --days, --warmup-days
    and --seed (where the command has them)."""
    changes: dict[str, Any] = dict(parse_assignment(a) for a in getattr(args, "set", None) or [])
    for option, field in _OPTION_FIELDS:
        value = getattr(args, option, None)
        if value is not None:
            changes[field] = value
    return changes


def load(path: Path, args: argparse.Namespace):
    """Load the scenario a command-line argument names (a file here, else the library)."""
    from sim.scenario.library import find_scenario
    from sim.scenario.loader import load_scenario

    found = find_scenario(path)
    if not (found.exists() or found.is_symlink()):
        from sim.scenario.errors import ScenarioError

        raise ScenarioError(path, [("", "file not found (`sim scenarios` lists the shipped "
                                    "scenarios, which may be named without a path)")])
    return load_scenario(found, overrides_from(args))


def source_of(command: str, paths: list) -> str:
    """What writes a results folder: the command and its scenario files (absolute, links
    resolved), recorded in the folder's marker so that another scenario of the same name
    does not silently replace it (``sim.output.target.check_source``)."""
    from sim.scenario.library import find_scenario

    return " ".join([f"sim {command}", *(str(find_scenario(p).resolve()) for p in paths)])


def experiment_folder(output: str | None, command: str, scenarios: list) -> Path:
    """The results folder of a command over several scenarios: ``-o``, else
    ``results/<command>-<name>-vs-<name>...`` (the names once each, length-bounded)."""
    from sim.output.target import bounded_stem, output_path

    names = "-vs-".join(dict.fromkeys(s.name for s in scenarios))
    return output_path(output, bounded_stem(f"{command}-{names}"))


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


Rule = tuple[Callable[[argparse.Namespace], bool], str]


def check_rules(args: argparse.Namespace, rules: list[Rule]) -> None:
    """Raise :class:`UsageError` with the message of the first rule ``args`` break (the
    message may show the options as ``{a.option}``)."""
    for broken, message in rules:
        if broken(args):
            raise UsageError(message.format(a=args))


def check_runs(runs: int, detail: str) -> None:
    """Refuse a command that would run more replications in all than the limit."""
    from sim.scenario.limits import over_limit

    problem = over_limit("runs", runs, detail)
    if problem:
        raise UsageError(problem)


Subparsers = argparse._SubParsersAction
"""What ``add_subparsers`` returns: where a command group registers its commands."""

OptionAdder = Callable[[argparse.ArgumentParser], None]
"""A function adding a family of options to a parser (e.g. :func:`scenario_options`)."""

Argument = tuple[tuple[str, ...], dict[str, Any]]
"""One row of an option table: the flags (or positional name) and ``add_argument``'s keywords."""


def arg(*flags: str, **options: Any) -> Argument:
    """An option-table row, written exactly like the ``add_argument`` call it stands for."""
    return flags, options


def add_arguments(p: argparse.ArgumentParser, table: Sequence[Argument]) -> None:
    """Add each row of an option table to ``p``, in order (the order ``--help`` shows)."""
    for flags, options in table:
        p.add_argument(*flags, **options)


def add_command(sub: Subparsers, name: str, table: Sequence[Argument], func: Callable[..., int],
                help: str, description: str | None = None) -> argparse.ArgumentParser:
    """Register the command ``name``: its help, its option table and the function running it."""
    p = sub.add_parser(name, help=help, description=description)
    add_arguments(p, table)
    p.set_defaults(func=func)
    return p


WORKER_OPTIONS = (
    arg("--jobs", type=int, default=1, help="local worker processes (default 1)"),
    arg("--scheduler", metavar="tcp://HOST:PORT",
        help="run on this Dask scheduler (default: $SIM_DASK_SCHEDULER if set)"),
    arg("--no-cache", action="store_true",
        help="neither reuse nor store finished replications (per-user cache: "
        "$SIM_CACHE_DIR, $XDG_CACHE_HOME/sim or ~/.cache/sim)"),
)

FORCE_OPTION = arg("--force", action="store_true",
                   help="replace the output folder even if sim did not write it, with "
                   "everything in it (never a file)")

TABLE_OPTIONS = (
    arg("--format", choices=["csv", "parquet"], default="csv",
        help="result tables as CSV (default) or Parquet (needs pyarrow: "
        'pip install "chengguan-sim[parquet]")'),
    arg("--excel", action="store_true",
        help="CSV files in UTF-8 with a byte-order mark, so Excel (also on a "
        "Chinese Windows) shows Chinese text correctly"),
)

PRESENCE_OPTION = arg("--presence", action="store_true",
                      help="also write the presence table (one row per stay of an officer "
                      "in a zone; large over long runs)")

SCENARIO_OPTIONS = (
    arg("--days", type=int, help="override clock.days"),
    arg("--warmup-days", type=float, metavar="D",
        help="override clock.warmup_days (days left out of all measures; must be "
        "less than --days)"),
    arg("--seed", type=int, help="override the root seed"),
    arg("--set", action="append", metavar="FIELD=VALUE",
        help="override any scenario field, e.g. --set units.foot.count=20 (repeatable)"),
)


def add_worker_options(p: argparse.ArgumentParser) -> None:
    """``--jobs``, ``--scheduler`` and ``--no-cache``: where replications run, and the cache."""
    add_arguments(p, WORKER_OPTIONS)


def add_force_option(p: argparse.ArgumentParser) -> None:
    """``--force``: replace an output folder sim did not write."""
    add_arguments(p, [FORCE_OPTION])


def add_table_options(p: argparse.ArgumentParser, presence: bool = False) -> None:
    """--format csv|parquet and --excel (and, for runs, --presence)."""
    add_arguments(p, [*TABLE_OPTIONS, *([PRESENCE_OPTION] if presence else [])])


def table_format(args: argparse.Namespace):
    """The table format the command line asks for; refused before anything runs."""
    from sim.experiment.csv_files import TableFormat, TableFormatError

    tables = TableFormat(getattr(args, "format", "csv"), getattr(args, "excel", False))
    with as_usage_error(TableFormatError):
        tables.check()
    return tables


def scenario_options(p: argparse.ArgumentParser) -> None:
    """--days, --warmup-days, --seed and --set: change a scenario without editing its file."""
    add_arguments(p, SCENARIO_OPTIONS)


def write_or_print(text: str, args: argparse.Namespace) -> int:
    """Write a generated document to ``-o`` (atomically) or print it."""
    if args.output:
        write_document(Path(args.output), text)
    else:
        print(text)
    return 0


def write_document(path: Path, text: str) -> None:
    """Write a generated document atomically to ``path`` (a file name, not a folder)."""
    from sim.output import write_text_atomic
    from sim.output.target import check_file_target

    check_file_target(path)
    try:
        write_text_atomic(path, text)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


