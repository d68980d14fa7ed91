"""What a command's replications run with (``--scheduler``, ``--no-cache``): the Dask
executor, the per-user cache and a progress bar; shared by compare, sweep, select, staff and
shifts propose. ``--jobs`` goes to the runner, which opens the local worker processes."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

from sim.cli.common import UsageError


@dataclass(frozen=True)
class Workers:
    """The Dask executor (None: local, ``--jobs``), the cache, and the progress hook."""

    executor: Executor | None
    cache: Any
    on_done: Callable[[int], None] | None


def replication_cache(args: argparse.Namespace) -> Any:
    """The per-user replication cache, or None (``--no-cache``, or it is not safe to use)."""
    from sim.experiment.session import user_cache

    return user_cache(args.no_cache)


def report_cache_problem(cache: Any) -> None:
    """Warn if the cache could not store some replications."""
    from sim.experiment.session import cache_warning

    cache_warning(cache)


@contextlib.contextmanager
def executor_of(args: argparse.Namespace) -> Iterator[Executor | None]:
    """The Dask executor ``--scheduler`` asks for, None without one (unusable →
    :class:`UsageError`)."""
    from sim.experiment.executors import ExecutorUnavailable
    from sim.experiment.session import executor_for

    try:
        with executor_for(args.scheduler) as executor:
            yield executor
    except ExecutorUnavailable as exc:
        raise UsageError(str(exc)) from None


@contextlib.contextmanager
def workers(args: argparse.Namespace, cache: Any, total: int, label: str) -> Iterator[Workers]:
    """The Dask executor (if any), ``cache`` and a progress bar over ``total`` replications."""
    from sim.experiment.session import progress

    with executor_of(args) as executor, progress(total, label, cache) as hook:
        yield Workers(executor, cache, hook)
