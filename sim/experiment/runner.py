"""Running the replications of one scenario: in this process, a local pool, or any executor.

Results never depend on how many workers ran them: each replication's randomness depends only
on the scenario's seed and the replication number.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor

from sim.engine.trace import TraceSpec
from sim.experiment.cache import ReplicationCache
from sim.experiment.executors import execute, make_executor
from sim.experiment.replication import Frames, standardise
from sim.scenario.model import Scenario

ProgressHook = Callable[[int], None]


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

    The one way replications run: in this process, a local worker pool (``jobs > 1``) or
    any executor (e.g. Dask's), reusing and storing cached replications when a cache is given.
    ``presence``: also return the presence frame (``extra["presence"]``; large over long
    runs, and never cached, so the cache is not used then). ``trace``: also record the
    officers' movement trace (frames ``trace`` and ``trace_info``).
    """
    n = reps if reps is not None else scenario.replications
    if presence:
        tasks: list = [(scenario, r, True) for r in range(n)]
        cache = None
    else:
        tasks = [(scenario, r) for r in range(n)]
    with make_executor(jobs if executor is None else 1) as own:
        return standardise(Frames.concat(execute(tasks, executor or own, cache, on_done, trace)))
