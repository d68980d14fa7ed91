"""What a command's replications run with: the user's cache, a Dask executor, a progress hook.

The command line and the decision tools (``sim.decide``) share these, so the library never
imports from ``sim.cli``: the CLI turns ``ExecutorUnavailable`` into its usage error and
prints what these return or warn.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from pathlib import Path
from typing import Any


def warn(message: str) -> None:
    """``sim: warning: …`` on stderr."""
    print(f"sim: warning: {message}", file=sys.stderr)


def user_cache(no_cache: bool, on_warning: Callable[[str], None] = warn) -> Any:
    """The per-user replication cache, or None (``no_cache``, or it is not safe to use:
    then ``on_warning`` is told why)."""
    from sim.experiment.cache import (
        CacheUnavailable,
        ReplicationCache,
        default_cache_root,
        private_folder,
    )

    if no_cache:
        return None
    try:
        return ReplicationCache(private_folder(default_cache_root()))
    except CacheUnavailable as exc:
        on_warning(f"{exc}; running without a cache")
        return None


def cache_warning(cache: Any, on_warning: Callable[[str], None] = warn) -> None:
    """Say so if the cache could not store some replications."""
    if cache is not None and cache.problem:
        on_warning(f"{cache.problem}; the results are complete but a rerun will recompute "
                   "what was not stored")


def executor_for(scheduler: str | None) -> contextlib.AbstractContextManager[Executor | None]:
    """The Dask executor of ``scheduler`` (or ``$SIM_DASK_SCHEDULER``), None without one:
    local worker processes are opened by the runner (``RunOptions.jobs``). Raises
    ``ExecutorUnavailable`` if the scheduler cannot be used."""
    from sim.experiment.executors import dask_executor, scheduler_address

    address = scheduler_address(scheduler)
    return dask_executor(address) if address else contextlib.nullcontext()


def progress_bar(total: int, label: str) -> Any:
    """A progress bar on stderr for interactive terminals (silent in pipes and CI)."""
    if total <= 1 or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit="rep", file=sys.stderr)


@contextlib.contextmanager
def progress(total: int, label: str, cache: Any) -> Iterator[Callable[[int], None] | None]:
    """A replication-count hook for ``execute`` (None when not on a terminal); on Ctrl-C
    says where the finished replications are kept."""
    bar = progress_bar(total, label)
    try:
        yield _hook(bar) if bar else None
    except KeyboardInterrupt:
        _resume_hint(cache)
        raise
    finally:
        if bar:
            bar.close()


def _hook(bar: Any) -> Callable[[int], None]:
    """Advance ``bar`` by a count of replications (its total grows if they exceed it)."""
    def update(k: int) -> None:
        bar.total = max(bar.total, bar.n + k)
        bar.update(k)

    return update


def _resume_hint(cache: Any) -> None:
    """After Ctrl-C: where the finished replications are kept (if there is a cache)."""
    if cache is not None:
        print(f"sim: finished replications are kept in {cache.root}; run the same "
              "command again to resume", file=sys.stderr)


def write_json(path: Path, data: dict) -> None:
    """JSON into an (already atomic) temporary results folder, with the umask's
    permissions."""
    path.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n",
                    encoding="utf-8")
