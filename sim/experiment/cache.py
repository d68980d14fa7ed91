"""A resumable store of finished replications: one pickle per (scenario hash, replication).

Layout: ``<root>/<scenario_hash>/rep-<n>.pkl``. The scenario hash covers the fully resolved
scenario (seed, days and every default included); each file also records the package
version, a fingerprint of the package's source code and the hash, and a file written by
another version or other code (or unreadable) counts as a miss and is overwritten. Files are written via a temporary sibling and ``os.replace``, so an
interrupted run leaves only complete files.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import sim
from sim.experiment.replication import Frames
from sim.scenario.loader import scenario_hash
from sim.scenario.model import Scenario

CACHE_DIRNAME = ".sim-cache"


def cache_root_for(out: Path) -> Path:
    """The cache folder used for results folder ``out``: beside it, not inside.

    The results folder is replaced atomically at the end of a run, so a cache inside it
    would vanish with an interrupted run.
    """
    return Path(out).resolve().parent / CACHE_DIRNAME


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


@dataclass
class ReplicationCache:
    """Finished replications on disk, with hit and store counters.

    Attributes:
        root: Cache folder (created on the first store).
        version: Package version the entries must match.
        code: Source fingerprint the entries must match.
        hits: Replications read from the cache so far.
        stored: Replications written to the cache so far.
    """

    root: Path
    version: str = sim.__version__
    code: str = field(default_factory=code_fingerprint)
    hits: int = 0
    stored: int = 0

    def path(self, scenario: Scenario, replication: int) -> Path:
        """Where the result of ``replication`` of ``scenario`` is (or would be) stored."""
        return Path(self.root) / scenario_hash(scenario) / f"rep-{replication}.pkl"

    def load(self, scenario: Scenario, replication: int) -> Frames | None:
        """The stored frames, or None if absent, unreadable or from another version."""
        path = self.path(scenario, replication)
        try:
            with path.open("rb") as handle:
                entry = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != self._key(scenario, replication):
            return None
        self.hits += 1
        return entry["frames"]

    def store(self, scenario: Scenario, replication: int, frames: Frames) -> None:
        """Write one result atomically (temporary file in the same folder, then rename)."""
        path = self.path(scenario, replication)
        path.parent.mkdir(parents=True, exist_ok=True)
        entry = {"key": self._key(scenario, replication), "frames": frames}
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(entry, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        self.stored += 1

    def _key(self, scenario: Scenario, replication: int) -> tuple[str, str, str, int]:
        return (self.version, self.code, scenario_hash(scenario), replication)
