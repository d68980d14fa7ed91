"""Where replications run: in-process, a local process pool, or an existing Dask cluster.

Whatever runs them, results are identical: each replication's randomness depends only on
its scenario's seed and its replication number, and results are put back in task order.
Finished replications go to the cache (if any) as they complete, so an interrupted run
loses only the replications that were still running.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, as_completed
from functools import partial
from typing import Any

from sim.engine.trace import TraceSpec
from sim.experiment.cache import ReplicationCache
from sim.experiment.pool import worker_pool
from sim.experiment.replication import Frames, run_replication
from sim.scenario.model import Scenario

SCHEDULER_ENV = "SIM_DASK_SCHEDULER"
CONNECT_TIMEOUT_S = 5.0
DASK_HINT = 'install it with: pip install "chengguan-sim[dask]"'

Task = tuple[Scenario, int] | tuple[Scenario, int, bool]  # (…, keep presence), uncached
DoneHook = Callable[[int], None]
Work = Callable[[Scenario, int], Frames]


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
    try:
        import distributed  # noqa: F401 - before any submodule: the clear message
        from distributed.comm.addressing import get_address_host_port
    except ImportError:
        raise ExecutorUnavailable(f"--scheduler needs dask.distributed; {DASK_HINT}") from None
    try:
        host, port = get_address_host_port(address)
    except (ValueError, TypeError) as exc:
        raise ExecutorUnavailable(
            f"{address!r} is not a Dask scheduler address, expected tcp://HOST:PORT ({exc})"
        ) from None
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


def _finish(
    index: int, frames: Frames, tasks: list[Task], results: list[Frames | None],
    cache: ReplicationCache | None, on_done: DoneHook | None,
) -> None:
    results[index] = frames
    if cache is not None:
        cache.store(*tasks[index], frames)
    if on_done:
        on_done(1)


def _run_pending(
    pending: list[int], tasks: list[Task], results: list[Frames | None],
    executor: Executor | None, cache: ReplicationCache | None, on_done: DoneHook | None,
    work: Work = run_replication,
) -> None:
    if executor is None:
        for i in pending:
            _finish(i, work(*tasks[i]), tasks, results, cache, on_done)
        return
    futures: dict[Future, int] = {executor.submit(work, *tasks[i]): i for i in pending}
    try:
        for future in as_completed(futures):
            _finish(futures[future], future.result(), tasks, results, cache, on_done)
    finally:
        for future in futures:
            future.cancel()


def execute(
    tasks: list[Task],
    executor: Executor | None = None,
    cache: ReplicationCache | None = None,
    on_done: DoneHook | None = None,
    trace: TraceSpec | None = None,
) -> list[Frames]:
    """Run (scenario, replication) tasks, reusing cached results; returns them in task order.

    Args:
        tasks: What to run.
        executor: Where to run it; None runs in this process, one task after another.
        cache: Read finished replications from and store new ones to it (None: no cache).
        on_done: Called with a count of replications done: once with the number of cache
            hits (if any), then with 1 after each computed replication is stored.
        trace: Record the officers' movement trace (the cache is then not used: cached
            replications have no trace).
    """
    if trace is not None:
        cache = None
    results: list[Frames | None] = [None] * len(tasks)
    if cache is not None:
        for i, (scenario, rep) in enumerate(tasks):
            results[i] = cache.load(scenario, rep)
    pending = [i for i, r in enumerate(results) if r is None]
    if on_done and len(pending) < len(tasks):
        on_done(len(tasks) - len(pending))
    work = run_replication if trace is None else partial(run_replication, trace=trace)
    _run_pending(pending, tasks, results, executor, cache, on_done, work)
    return [r for r in results if r is not None]
