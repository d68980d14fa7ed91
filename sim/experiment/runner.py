"""Running replications: locally in a process pool, or on any executor, in a fixed order.

Results never depend on how many workers ran them: each replication's randomness depends only
on the scenario's seed and the replication number.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from typing import Any

from sim.experiment.pool import worker_pool
from sim.experiment.replication import Frames, run_replication, standardise
from sim.scenario.model import Scenario

ProgressHook = Callable[[int], None]


def default_jobs() -> int:
    """Workers used when none are asked for: one per core, at most 8."""
    return max(1, min(8, os.cpu_count() or 1))


def run_tasks(
    tasks: list[tuple[Scenario, int]],
    jobs: int = 1,
    executor: Executor | None = None,
    on_done: ProgressHook | None = None,
) -> list[Frames]:
    """Run (scenario, replication) tasks; results come back in task order."""
    if executor is None and jobs <= 1:
        out = []
        for scenario, rep in tasks:
            out.append(run_replication(scenario, rep))
            if on_done:
                on_done(1)
        return out
    if executor is not None:
        return _collect(executor, tasks, on_done)
    with worker_pool(jobs) as pool:
        return _collect(pool, tasks, on_done)


def _collect(
    pool: Executor, tasks: list[tuple[Scenario, int]], on_done: ProgressHook | None
) -> list[Frames]:
    futures = [pool.submit(run_replication, s, r) for s, r in tasks]
    try:
        results: list[Any] = []
        for future in futures:
            results.append(future.result())
            if on_done:
                on_done(1)
        return results
    finally:
        for future in futures:
            future.cancel()


def replication_numbers(scenario: Scenario, reps: int | None) -> Iterable[int]:
    return range(reps if reps is not None else scenario.replications)


def run(
    scenario: Scenario,
    reps: int | None = None,
    jobs: int = 1,
    executor: Executor | None = None,
    on_done: ProgressHook | None = None,
) -> Frames:
    """Run ``reps`` replications (default: the scenario's) and stack their frames."""
    tasks = [(scenario, r) for r in replication_numbers(scenario, reps)]
    return standardise(Frames.concat(run_tasks(tasks, jobs, executor, on_done)))
