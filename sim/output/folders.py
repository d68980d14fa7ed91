"""Writing a results folder safely: reserve it, build it beside the target, swap it in.

* :func:`reserved_output` — before simulating: check the target (``sim.output.target``),
  take a lock (``.NAME.lock`` beside it, ``flock``), recover what a killed earlier run left
  (``.NAME.tmp-*`` removed; ``.NAME.old-*`` restored if ``NAME`` is missing, else removed),
  check the location is writable and has room.
* :func:`atomic_folder` — yields a temporary folder ``.NAME.tmp-*``; on success it is marked
  (``.sim-results``) and replaces the target (target → ``.NAME.old-PID``, temporary →
  target, old removed; signals are held during the two renames), on any error it vanishes.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sim.output.target import (
    OutputError,
    check_source,
    check_space,
    check_target,
    write_marker,
)

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no locking
    fcntl = None  # type: ignore[assignment]

_RESERVED: dict[Path, tuple[bool, str | None]] = {}  # lock path → (force, source) held here


def _umask() -> int:
    """The process's umask (read without changing it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def lock_path(target: Path) -> Path:
    """``.NAME.lock`` beside the target."""
    target = Path(os.path.abspath(target))
    return target.parent / f".{target.name}.lock"


def _open_lock(lock: Path) -> int:
    """A descriptor on the lock file (created if missing)."""
    try:
        return os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise OutputError(f"cannot write results in {lock.parent}: "
                          f"{exc.strerror or exc}") from None


def _flock(fd: int, lock: Path, target: Path) -> None:
    """Take the exclusive lock at once, or close ``fd`` and say who holds it."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise OutputError(f"output {target} is in use by another sim run "
                          f"(lock {lock}); wait for it or choose another -o") from None


def _is_current(fd: int, lock: Path) -> bool:
    """Is ``fd`` still the file at ``lock`` (the previous holder may have removed it)?"""
    try:
        return os.path.samestat(os.fstat(fd), os.stat(lock))
    except FileNotFoundError:
        return False


def _acquire(lock: Path, target: Path) -> int:
    """A descriptor holding the exclusive lock on the file now at ``lock``."""
    while True:
        fd = _open_lock(lock)
        _flock(fd, lock, target)
        if _is_current(fd, lock):
            return fd
        os.close(fd)


@contextlib.contextmanager
def output_lock(target: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``target`` while it is written.

    Raises:
        OutputError: another run holds it.
    """
    lock = lock_path(target)
    if fcntl is None:  # pragma: no cover
        yield
        return
    fd = _acquire(lock, target)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)
        os.close(fd)


def _stale(target: Path, kind: str) -> list[Path]:
    """Leftovers of ``kind`` (tmp, old) of killed runs on ``target``, sorted by name."""
    pattern = {"tmp": r"\.tmp-[a-z0-9_]{8}", "old": r"\.old-\d+"}[kind]
    match = re.compile(re.escape(f".{target.name}") + pattern + r"\Z")
    return [target.parent / n for n in _listing(target.parent) if match.match(n)]


def _listing(folder: Path) -> list[str]:
    """The names in ``folder``, sorted (none if it cannot be read)."""
    try:
        return sorted(os.listdir(folder))
    except OSError:
        return []


def _remove(path: Path) -> None:
    """Remove a file, link or folder tree (quietly if already gone)."""
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def recover_stale(target: Path) -> list[str]:
    """Clean up after a killed run on ``target`` (call with its lock held).

    Temporary folders are removed. An old folder hidden during a swap is put back if the
    target is missing (the swap was cut between its two renames), otherwise removed.
    Returns what was done, one sentence each.
    """
    done = _remove_all(_stale(target, "tmp"), "unfinished")
    olds = sorted(_stale(target, "old"), key=lambda p: p.lstat().st_mtime, reverse=True)
    if olds and not _present(target):
        olds.pop(0).rename(target)
        done.append(f"restored {target} from an interrupted run")
    return done + _remove_all(olds, "replaced")


def _remove_all(paths: list[Path], what: str) -> list[str]:
    """Remove ``paths``; one sentence each ("removed the <what> NAME")."""
    for path in paths:
        _remove(path)
    return [f"removed the {what} {path.name}" for path in paths]


def _present(path: Path) -> bool:
    """Does ``path`` exist (a dangling link counts)?"""
    return path.exists() or path.is_symlink()


def _missing_ancestors(folder: Path) -> list[Path]:
    """``folder`` and its ancestors that do not exist yet, innermost first."""
    missing = []
    folder = Path(os.path.abspath(folder))
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing


@contextlib.contextmanager
def reserved_output(target: Path, force: bool = False,
                    source: str | None = None) -> Iterator[Path]:
    """Check, lock and recover ``target`` for the whole of a run; yields ``target``.

    Call before simulating, so a bad or busy location fails in seconds. Reentrant: an
    :func:`atomic_folder` inside reuses the reservation. ``source`` (the command and its
    scenario files) is recorded in the marker; results another source wrote are refused.

    Raises:
        OutputError: see :func:`sim.output.target.check_target`,
            :func:`sim.output.target.check_source`, :func:`output_lock`,
            :func:`sim.output.target.check_space`.
    """
    target = Path(target)
    lock = lock_path(target)
    if lock in _RESERVED:
        yield target
        return
    check_target(target, force)
    check_source(target, source, force)
    created = _make_parent(target)
    try:
        with _locked(target, lock, force, source):
            yield target
    except BaseException:
        _remove_empty(created)
        raise


def _make_parent(target: Path) -> list[Path]:
    """Create ``target``'s parent folder; the folders created, innermost first."""
    created = _missing_ancestors(target.parent)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {target.parent}: {exc.strerror or exc}") from None
    return created


def _remove_empty(folders: list[Path]) -> None:
    """Remove those of ``folders`` (innermost first) that are still empty."""
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()


@contextlib.contextmanager
def _locked(target: Path, lock: Path, force: bool, source: str | None) -> Iterator[None]:
    """Lock ``target``, clean up after a killed run, check again, and reserve it."""
    with output_lock(target):
        recover_stale(target)
        check_target(target, force)
        check_source(target, source, force)
        check_space(target.parent)
        _RESERVED[lock] = (force, source)
        try:
            yield
        finally:
            del _RESERVED[lock]


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Defer SIGINT and SIGTERM (main thread, POSIX) so two renames are not cut apart."""
    held = {signal.SIGINT, signal.SIGTERM}
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    except (AttributeError, ValueError, OSError):  # pragma: no cover
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _swap(tmp: Path, target: Path) -> None:
    """Put ``tmp`` in place of ``target`` (the old one moved aside, then removed)."""
    old = None
    with _signals_held():
        if _present(target):
            old = target.parent / f".{target.name}.old-{os.getpid()}"
            _remove(old)
            target.rename(old)
        tmp.rename(target)
    if old is not None:
        _remove(old)


@contextlib.contextmanager
def atomic_folder(target: Path, force: bool | None = None) -> Iterator[Path]:
    """Yield a temporary folder; on success it replaces ``target``, on any error it vanishes.

    An interrupted or failed run therefore leaves either the previous results or none,
    never a half-written folder. ``target`` is reserved (checked, locked) if it is not yet.

    Raises:
        OutputError: the target may not be replaced, or writing failed (disk full...).
    """
    target = Path(target)
    with reserved_output(target, bool(force)):
        force, source = _RESERVED.get(lock_path(target), (bool(force), None))
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
        try:
            tmp.chmod(0o777 & ~_umask())  # mkdtemp makes it private; results are ordinary
            yield tmp
            write_marker(tmp, source)
            check_target(target, force)  # a user may have added files during the run
            _swap(tmp, target)
        except OSError as exc:
            _remove(tmp)
            raise OutputError(f"cannot write results to {target}: "
                              f"{exc.strerror or exc}; nothing was written") from None
        except BaseException:
            _remove(tmp)
            raise


def write_text_atomic(path: Path, text: str) -> None:
    """Write a file via a temporary sibling and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_json(path: Path, data: dict) -> None:
    """JSON (indented, sorted keys) written atomically."""
    write_text_atomic(path, json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")
