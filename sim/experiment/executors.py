"""Where replications run: in-process, a local process pool, or an existing Dask cluster.

Whatever runs them, results are identical: each replication's randomness depends only on
its scenario's seed and its replication number, and results are put back in task order.
Finished replications go to the cache (if any) as they complete, so an interrupted run
loses only the replications that were still running.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, as_completed
from dataclasses import dataclass
from functools import partial
from typing import Any, NamedTuple

from sim.engine.trace import TraceSpec
from sim.experiment.cache import ReplicationCache
from sim.experiment.pool import worker_pool
from sim.experiment.replication import Frames, run_replication
from sim.scenario.model import Scenario

SCHEDULER_ENV = "SIM_DASK_SCHEDULER"
CONNECT_TIMEOUT_S = 5.0
DASK_HINT = 'install it with: pip install "chengguan-sim[dask]"'

DoneHook = Callable[[int], None]
Work = Callable[..., Frames]


class ExecutorUnavailable(RuntimeError):
    """The requested executor cannot be used (missing package, unreachable scheduler)."""


def scheduler_address(explicit: str | None) -> str | None:
    """The Dask scheduler to use: ``explicit`` if given, else ``$SIM_DASK_SCHEDULER``."""
    return explicit or os.environ.get(SCHEDULER_ENV) or None


@contextlib.contextmanager
def dask_executor(address: str, timeout_s: float | None = None) -> Iterator[Executor]:
    """A ``concurrent.futures`` executor backed by the Dask cluster at ``address``.

    Args:
        address: Scheduler address, e.g. ``tcp://10.0.0.5:8786``.
        timeout_s: Connection timeout (default ``CONNECT_TIMEOUT_S``).

    Raises:
        ExecutorUnavailable: dask.distributed is not installed or the scheduler does not
            answer within the timeout.
    """
    timeout_s = CONNECT_TIMEOUT_S if timeout_s is None else timeout_s
    host, port = _host_port(address)
    _refuse_closed_port(address, host, port, timeout_s)
    try:
        client = _closing_client_class()(address, timeout=timeout_s, set_as_default=False)
    except Exception as exc:  # refused, timed out, garbage answers (even MemoryError)
        raise ExecutorUnavailable(
            f"cannot use the Dask scheduler at {address} (no answer, or not a Dask "
            f"scheduler, within {timeout_s:g} s): {type(exc).__name__}: {exc}"
        ) from None
    try:
        yield client.get_executor(pure=False)
    finally:
        client.close()


def _host_port(address: str) -> tuple[str, int]:
    """Host and port of a scheduler address (dask.distributed missing or a malformed
    address → ExecutorUnavailable)."""
    try:
        import distributed  # noqa: F401 - before any submodule: the clear message
        from distributed.comm.addressing import get_address_host_port
    except ImportError:
        raise ExecutorUnavailable(f"--scheduler needs dask.distributed; {DASK_HINT}") from None
    try:
        return get_address_host_port(address)
    except (ValueError, TypeError) as exc:
        raise ExecutorUnavailable(
            f"{address!r} is not a Dask scheduler address, expected tcp://HOST:PORT ({exc})"
        ) from None


def _refuse_closed_port(address: str, host: str, port: int, timeout_s: float) -> None:
    """Fail at once on a refused connection (dask would retry until its timeout)."""
    import socket

    try:
        socket.create_connection((host or "127.0.0.1", port), timeout=timeout_s).close()
    except ConnectionRefusedError:
        raise ExecutorUnavailable(
            f"cannot reach the Dask scheduler at {address}: connection refused"
        ) from None
    except OSError:  # unreachable, unresolvable, timed out: dask says it precisely
        return


def _closing_client_class() -> type:
    """dask's ``Client``, except that a client whose connection failed is abandoned at
    once: otherwise its destructor waits 10 s and prints 'Exception ignored ... Traceback'."""
    from distributed import Client

    class ClosingClient(Client):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            try:
                super().__init__(*args, **kwargs)
            except BaseException:
                self._abandon()
                raise

        def _abandon(self) -> None:
            self.status = "closed"  # close() and __del__ then have nothing to wait for
            with contextlib.suppress(Exception):
                self._loop_runner.stop()

    return ClosingClient


@contextlib.contextmanager
def make_executor(jobs: int = 1, scheduler: str | None = None) -> Iterator[Executor | None]:
    """The executor for a run: Dask if a scheduler is set, a process pool if ``jobs > 1``.

    Yields None for ``jobs == 1`` without a scheduler (replications run in this process).
    """
    address = scheduler_address(scheduler)
    if address:
        with dask_executor(address) as executor:
            yield executor
    elif jobs > 1:
        with worker_pool(jobs) as pool:
            yield pool
    else:
        yield None


class Task(NamedTuple):
    """One replication to run: the scenario, the replication number, and whether to keep
    its presence frame (such replications are never cached)."""

    scenario: Scenario
    replication: int
    presence: bool = False


@dataclass
class _Batch:
    """Tasks being run: their results in task order, stored to the cache as they finish."""

    tasks: list[Task]
    results: list[Frames | None]
    cache: ReplicationCache | None
    on_done: DoneHook | None
    work: Work

    def finish(self, index: int, frames: Frames) -> None:
        """Keep one result, store it in the cache, count it as done."""
        self.results[index] = frames
        task = self.tasks[index]
        if self.cache is not None:
            self.cache.store(task.scenario, task.replication, frames)
        if self.on_done:
            self.on_done(1)

    def report_hits(self) -> None:
        """Count the replications found in the cache as done, all at once."""
        hits = len(self.results) - len(self.pending())
        if self.on_done and hits:
            self.on_done(hits)

    def pending(self) -> list[int]:
        """The tasks without a result yet."""
        return [i for i, r in enumerate(self.results) if r is None]

    def frames(self) -> list[Frames]:
        """The results, in task order."""
        return [r for r in self.results if r is not None]

    def run(self, executor: Executor | None) -> None:
        """Run the pending tasks here (no executor) or on ``executor``."""
        if executor is None:
            self.run_here(self.pending())
        else:
            self.run_on(executor, self.pending())

    def run_here(self, pending: list[int]) -> None:
        """Run the pending tasks in this process, one after another."""
        for i in pending:
            self.finish(i, self.work(*self.tasks[i]))

    def run_on(self, executor: Executor, pending: list[int]) -> None:
        """Run the pending tasks on ``executor``; cancel what is left on any error."""
        futures: dict[Future, int] = {executor.submit(self.work, *self.tasks[i]): i
                                      for i in pending}
        try:
            for future in as_completed(futures):
                self.finish(futures[future], future.result())
        finally:
            _cancel(futures)


def _cancel(futures: Iterable[Future]) -> None:
    """Cancel the futures not yet started (after an error or an interruption)."""
    for future in futures:
        future.cancel()


def _cached(tasks: list[Task], cache: ReplicationCache | None) -> list[Frames | None]:
    """Each task's cached frames (None where not cached, or no cache)."""
    if cache is None:
        return [None] * len(tasks)
    return [cache.load(t.scenario, t.replication) for t in tasks]


def _usable_cache(tasks: list[Task], cache: ReplicationCache | None,
                  trace: TraceSpec | None) -> ReplicationCache | None:
    """The cache, unless the tasks record what it does not hold (a trace, presence)."""
    if trace is not None or any(t.presence for t in tasks):
        return None
    return cache


def execute(
    tasks: Sequence[Task | tuple[Scenario, int] | tuple[Scenario, int, bool]],
    executor: Executor | None = None,
    cache: ReplicationCache | None = None,
    on_done: DoneHook | None = None,
    trace: TraceSpec | None = None,
) -> list[Frames]:
    """Run replication tasks, reusing cached results; returns them in task order.

    Args:
        tasks: What to run: :class:`Task` or plain ``(scenario, replication)`` tuples.
        executor: Where to run it; None runs in this process, one task after another.
        cache: Read finished replications from and store new ones to it (None: no cache).
        on_done: Called with a count of replications done: once with the number of cache
            hits (if any), then with 1 after each computed replication is stored.
        trace: Record the officers' movement trace (the cache is then not used: cached
            replications have no trace, nor presence frames).
    """
    todo = [Task(*t) for t in tasks]
    cache = _usable_cache(todo, cache, trace)
    batch = _Batch(todo, _cached(todo, cache), cache, on_done, _work(trace))
    batch.report_hits()
    batch.run(executor)
    return batch.frames()


def _work(trace: TraceSpec | None) -> Work:
    """What runs one task: ``run_replication``, recording the trace if asked."""
    return run_replication if trace is None else partial(run_replication, trace=trace)
