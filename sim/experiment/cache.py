"""A resumable store of finished replications: one verified file per (scenario, replication).

Layout: ``<root>/<scenario_hash>/rep-<n>.simrep`` (format in ``cache_format``: arrays and
JSON, never pickle). The key inside each file is the package version, a fingerprint of the
package's source code, the scenario hash (the fully resolved scenario: seed, days and every
default included) and the replication number; a file with another key, a wrong checksum or
an unreadable body counts as a miss and is recomputed and overwritten. Files are written
via a temporary sibling and ``os.replace``, so an interrupted run leaves only complete
files.

Where: ``$SIM_CACHE_DIR``, else ``$XDG_CACHE_HOME/sim``, else ``~/.cache/sim`` — a per-user
folder created with mode 0700; a root owned by someone else or writable by others is
refused (the run goes on without a cache).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sim
from sim.experiment.cache_format import CorruptEntry, Unsupported, decode, encode, same_frames
from sim.experiment.replication import Frames
from sim.scenario.loader import scenario_hash
from sim.scenario.model import Scenario

CACHE_ENV = "SIM_CACHE_DIR"
SUFFIX = ".simrep"
STALE_TMP_S = 3600.0  # a temporary cache file this old belongs to a dead run


class CacheUnavailable(OSError):
    """The cache folder cannot be used safely; the message says why."""


def default_cache_root() -> Path:
    """``$SIM_CACHE_DIR``, else ``$XDG_CACHE_HOME/sim``, else ``~/.cache/sim``."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "sim"


def private_folder(folder: Path) -> Path:
    """Create ``folder`` (mode 0700) or check an existing one is safe to read code-free
    data from and write to: a real folder, owned by this user, not writable by others.

    Raises:
        CacheUnavailable: it cannot be created, or is not private.
    """
    folder = Path(folder)
    problem = _privacy_problem(_made(folder))
    if problem:
        raise CacheUnavailable(f"the cache folder {folder} {problem}")
    return folder


def _made(folder: Path) -> os.stat_result:
    """Create ``folder`` (mode 0700) if missing; its own status (not a link's target)."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return folder.lstat()
    except OSError as exc:
        raise CacheUnavailable(f"cannot use the cache folder {folder}: "
                               f"{exc.strerror or exc}") from None


def _privacy_problem(info: os.stat_result) -> str | None:
    """Why a folder with this status is not private to this user (None if it is)."""
    if not stat.S_ISDIR(info.st_mode):
        return "is not a folder"
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return "belongs to another user"
    if info.st_mode & 0o022:
        return "is writable by other users"
    return None


def code_fingerprint() -> str:
    """A hash of every Python source file of the ``sim`` package (path and content).

    Editing the simulator invalidates cached results even if the version is unchanged.
    """
    root = Path(sim.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _remove_stale_temporaries(path: Path, older_than_s: float = STALE_TMP_S) -> None:
    """Remove ``.rep-<n>.simrep.*`` left by a run killed while storing (old ones only: a
    young one may be another run's write in progress)."""
    now = time.time()
    for tmp in path.parent.glob(f".{path.name}.*"):
        with contextlib.suppress(OSError):
            if now - tmp.lstat().st_mtime > older_than_s:
                tmp.unlink()


@dataclass
class ReplicationCache:
    """Finished replications on disk, with hit and store counters.

    Attributes:
        root: Cache folder (checked and created private on the first store).
        version: Package version the entries must match.
        code: Source fingerprint the entries must match.
        hits: Replications read from the cache so far.
        stored: Replications written to the cache so far.
        misses: Entries present but rejected (damaged, other key) so far.
        problem: Why storing stopped (disk full, folder made unsafe...), or None.
    """

    root: Path
    version: str = sim.__version__
    code: str = field(default_factory=code_fingerprint)
    hits: int = 0
    stored: int = 0
    misses: int = 0
    problem: str | None = None

    def path(self, scenario: Scenario, replication: int) -> Path:
        """Where the result of ``replication`` of ``scenario`` is (or would be) stored."""
        return Path(self.root) / scenario_hash(scenario) / f"rep-{replication}{SUFFIX}"

    def load(self, scenario: Scenario, replication: int) -> Frames | None:
        """The stored frames, or None if absent, damaged or stored under another key."""
        try:
            data = self.path(scenario, replication).read_bytes()
        except OSError:
            return None
        try:
            frames = decode(data, self._key(scenario, replication))
        except CorruptEntry:
            self.misses += 1
            return None
        self.hits += 1
        with contextlib.suppress(OSError):  # age = time since last use (`sim cache prune`)
            os.utime(self.path(scenario, replication))
        return frames

    def store(self, scenario: Scenario, replication: int, frames: Frames) -> None:
        """Write one result atomically; frames that would not come back exactly are skipped.

        A failure to write (disk full, unsafe folder) never fails the run: it is recorded in
        ``problem`` and nothing more is stored.
        """
        if self.problem is not None:
            return
        try:
            self._store(scenario, replication, frames)
        except OSError as exc:
            self.problem = f"cannot store in the cache {self.root}: {exc.strerror or exc}"

    def _store(self, scenario: Scenario, replication: int, frames: Frames) -> None:
        key = self._key(scenario, replication)
        try:
            data = encode(frames, key)
            if not same_frames(decode(data, key), frames):
                return
        except (Unsupported, CorruptEntry):
            return
        path = self.path(scenario, replication)
        private_folder(Path(self.root))
        private_folder(path.parent)
        _remove_stale_temporaries(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mode 0600
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        self.stored += 1

    def _key(self, scenario: Scenario, replication: int) -> dict[str, Any]:
        return {"version": self.version, "code": self.code,
                "scenario": scenario_hash(scenario), "replication": replication}
