"""Looking after the replication cache: what it holds (``sim cache info``) and removing
entries by age, by total size or all of them (``sim cache prune``).

Only the cache's own files are touched: ``<16 hex digits>/rep-<n>.simrep`` and the
temporaries ``.rep-<n>.simrep.*`` beside them; folders left empty are removed. Age is the
time since an entry was stored or last reused.
"""

from __future__ import annotations

import contextlib
import re
import time
from dataclasses import dataclass
from pathlib import Path

from sim.experiment.cache import SUFFIX

_SCENARIO_DIR = re.compile(r"^[0-9a-f]{16}$")
_ENTRY = re.compile(r"^\.?rep-\d+" + re.escape(SUFFIX) + r"(\..+)?$")
_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


@dataclass(frozen=True)
class Entry:
    """One cache file: where, how big (bytes), last stored or used (epoch seconds)."""

    path: Path
    size: int
    mtime: float


def entries(root: Path) -> list[Entry]:
    """Every cache file under ``root``, oldest first (empty if there is no cache)."""
    found = []
    with contextlib.suppress(OSError):
        for folder in filter(_is_scenario_folder, Path(root).iterdir()):
            found += _folder_entries(folder)
    return sorted(found, key=lambda e: (e.mtime, str(e.path)))


def _folder_entries(folder: Path) -> list[Entry]:
    """The cache files of one scenario folder (those that vanished meanwhile left out)."""
    found = [_entry(p) for p in folder.iterdir() if _ENTRY.match(p.name)]
    return [e for e in found if e is not None]


def _is_scenario_folder(folder: Path) -> bool:
    """A real folder named like a scenario hash (never a symlink)."""
    return folder.is_dir() and not folder.is_symlink() and bool(_SCENARIO_DIR.match(folder.name))


def _entry(path: Path) -> Entry | None:
    try:
        info = path.lstat()
    except OSError:
        return None
    return Entry(path, info.st_size, info.st_mtime)


def parse_size(text: str) -> int:
    """``500M``, ``2G``, ``1.5G``, ``800K`` or bytes → bytes.

    Raises:
        ValueError: not a size.
    """
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]*)?)\s*([KMGT]?)i?B?\s*", text, re.IGNORECASE)
    if not match:
        raise ValueError(f"expected a size such as 500M or 2G, got {text!r}")
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()])


def to_prune(found: list[Entry], older_than_days: float | None = None,
             max_bytes: int | None = None, everything: bool = False,
             now: float | None = None) -> list[Entry]:
    """The entries to remove: all; or those older than the age, then the oldest of the
    rest until the total is at most ``max_bytes``."""
    if everything:
        return list(found)
    old = _older_than(found, older_than_days, time.time() if now is None else now)
    kept = [e for e in found if e not in old]
    return old + _oldest_beyond(kept, max_bytes)


def _older_than(found: list[Entry], days: float | None, now: float) -> list[Entry]:
    """The entries last used more than ``days`` ago (none without an age)."""
    if days is None:
        return []
    cutoff = now - days * 86400
    return [e for e in found if e.mtime < cutoff]


def _oldest_beyond(kept: list[Entry], max_bytes: int | None) -> list[Entry]:
    """The oldest of ``kept`` (oldest first) to drop for the rest to fit ``max_bytes``."""
    if max_bytes is None:
        return []
    total, chosen = sum(e.size for e in kept), []
    for e in kept:
        if total <= max_bytes:
            break
        chosen.append(e)
        total -= e.size
    return chosen


def remove(chosen: list[Entry]) -> int:
    """Delete the entries (and scenario folders left empty); returns bytes freed."""
    freed = 0
    for e in chosen:
        with contextlib.suppress(FileNotFoundError):
            e.path.unlink()
            freed += e.size
    for folder in {e.path.parent for e in chosen}:
        with contextlib.suppress(OSError):
            folder.rmdir()  # only if empty
    return freed


def human(n: float) -> str:
    """Bytes as ``12.3 MB``."""
    if n < 1024:
        return f"{n:.0f} B"
    for unit in ("KB", "MB"):
        n /= 1024
        if n < 1024:
            return f"{n:.1f} {unit}"
    return f"{n / 1024:.1f} GB"


def _ages_days(found: list[Entry], now: float) -> list[float]:
    """Days since each entry was stored or last used."""
    return [(now - e.mtime) / 86400 for e in found]


def summary(root: Path, found: list[Entry], now: float | None = None) -> str:
    """What the cache holds, in a few lines."""
    if not found:
        return f"cache {root}: empty"
    days = _ages_days([found[0], found[-1]], time.time() if now is None else now)
    scenarios = len({e.path.parent for e in found})
    return (f"cache {root}: {len(found):,} replication file(s) of {scenarios:,} scenario "
            f"version(s), {human(sum(e.size for e in found))}\n"
            f"  oldest used {days[0]:.1f} days ago, newest {days[1]:.1f} days ago")
