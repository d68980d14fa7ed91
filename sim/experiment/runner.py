"""Running the replications of one scenario: in this process, a local pool, or any executor.

Results never depend on how many workers ran them: each replication's randomness depends only
on the scenario's seed and the replication number.

Every experiment (``run``, ``compare``, ``sweep``) runs its replications the same way: a
:class:`RunOptions` says where and with which cache, :func:`runner` opens the executor once,
and :meth:`Runner.run` runs a list of :class:`~sim.experiment.executors.Task`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

from sim.engine.trace import TraceSpec
from sim.experiment.cache import ReplicationCache
from sim.experiment.executors import Task, execute, make_executor
from sim.experiment.replication import Frames, standardise
from sim.scenario.model import Scenario

ProgressHook = Callable[[int], None]


@dataclass(frozen=True)
class RunOptions:
    """Where and how replications run (every field optional).

    Attributes:
        jobs: Local worker processes (1: in this process); ignored with ``executor``.
        executor: Any ``concurrent.futures`` executor (e.g. a Dask client's).
        cache: Reuse finished replications and store new ones (None: no cache).
        on_done: Progress hook (see ``executors.execute``).
        trace: Record the officers' movement trace (the cache is then not used).
    """

    jobs: int = 1
    executor: Executor | None = None
    cache: ReplicationCache | None = None
    on_done: ProgressHook | None = None
    trace: TraceSpec | None = None


@dataclass(frozen=True)
class Runner:
    """Runs batches of tasks with the options' cache and hook on one open executor."""

    options: RunOptions
    executor: Executor | None

    def run(self, tasks: Sequence[Task]) -> list[Frames]:
        """The frames of ``tasks``, in task order (cached ones reused)."""
        o = self.options
        return execute(tasks, self.executor, o.cache, o.on_done, o.trace)


@contextlib.contextmanager
def runner(options: RunOptions) -> Iterator[Runner]:
    """A :class:`Runner` on the options' executor, or on ``jobs`` local workers kept for
    the ``with`` block."""
    with make_executor(options.jobs if options.executor is None else 1) as own:
        yield Runner(options, options.executor or own)


def run_replications(tasks: Sequence[Task], options: RunOptions) -> list[Frames]:
    """Run one batch of ``tasks`` under ``options``; their frames in task order."""
    with runner(options) as r:
        return r.run(tasks)


def run(
    scenario: Scenario,
    reps: int | None = None,
    jobs: int = 1,
    executor: Executor | None = None,
    on_done: ProgressHook | None = None,
    cache: ReplicationCache | None = None,
    presence: bool = False,
    trace: TraceSpec | None = None,
) -> Frames:
    """Run ``reps`` replications (default: the scenario's) and stack their frames.

    In this process, a local worker pool (``jobs > 1``) or any executor (e.g. Dask's),
    reusing and storing cached replications when a cache is given. ``presence``: also
    return the presence frame (``extra["presence"]``; large over long runs, and never
    cached, so the cache is not used then). ``trace``: also record the officers'
    movement trace (frames ``trace`` and ``trace_info``).
    """
    n = reps if reps is not None else scenario.replications
    tasks = [Task(scenario, r, presence) for r in range(n)]
    options = RunOptions(jobs, executor, cache, on_done, trace)
    return standardise(Frames.concat(run_replications(tasks, options)))
