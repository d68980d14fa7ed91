"""Local worker processes that never outlive the run that started them.

A worker watches its parent from a daemon thread and exits as soon as the parent is gone
(SIGKILL, the OOM killer, a CI cancellation), so no orphaned worker keeps its memory. On
any error or interruption in the parent, the pool's workers are terminated at once rather
than left to finish their replication.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import InvalidStateError, ProcessPoolExecutor

POLL_S = 0.25


def _alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would terminate it there; rely on getppid
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - exists, someone else's (pid reused)
        return False
    return True


def _watch(parent: int, owner: int) -> None:
    while True:
        time.sleep(POLL_S)
        if os.getppid() != parent or not _alive(owner):
            os._exit(1)


def _worker_init(owner: int) -> None:
    """In each worker: default SIGTERM, no SIGINT (the parent handles Ctrl-C and stops
    the pool), and a watcher that exits when the parent or the run's owner is gone."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch, args=(os.getppid(), owner), daemon=True,
                     name="sim-parent-watch").start()
    if not _alive(owner):  # the owner died before this worker started
        os._exit(1)


def _quiet_stopped_pool(args: threading.ExceptHookArgs) -> None:
    """After we terminated a pool, its manager thread may find futures we had cancelled and
    fail to set their exception (InvalidStateError, a race inside concurrent.futures): that is
    not an error of the run, and it must not print a traceback after the clean exit message."""
    if args.exc_type is not None and issubclass(args.exc_type, InvalidStateError):
        return
    _PREVIOUS_HOOK(args)


_PREVIOUS_HOOK = threading.excepthook


def terminate_workers(pool: ProcessPoolExecutor) -> None:
    """Stop every worker of ``pool`` now (SIGTERM), then shut the pool down."""
    threading.excepthook = _quiet_stopped_pool
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(Exception):
            process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


@contextlib.contextmanager
def worker_pool(jobs: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool of ``jobs`` workers that die with this process.

    On leaving normally the pool is shut down; on an exception (Ctrl-C, SIGTERM, an error)
    its workers are terminated first.
    """
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init,
                               initargs=(os.getpid(),))
    try:
        yield pool
    except BaseException:
        terminate_workers(pool)
        raise
    pool.shutdown(wait=True, cancel_futures=True)
