"""Keys and on-disk cache of network results (beside the scenario, in ``map.cache_dir``)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

VERSION = b"geo-cache-2"
_FILE_HASHES: dict[tuple[str, int, int], str] = {}


def file_hash(path: str) -> str:
    """sha256 of a file's bytes (remembered by path, size and modification time)."""
    st = os.stat(path)
    key = (path, st.st_size, st.st_mtime_ns)
    if key not in _FILE_HASHES:
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        _FILE_HASHES[key] = digest.hexdigest()
    return _FILE_HASHES[key]


def stamp(path: str | None) -> str:
    """A cheap identity of a file for in-process memos: path, size, modification time."""
    if path is None or not Path(path).is_file():
        return str(path)
    st = os.stat(path)
    return f"{path}:{st.st_size}:{st.st_mtime_ns}"


def key_of(*parts: bytes | str) -> str:
    """A short hex key of the parts, in order."""
    digest = hashlib.sha256(VERSION)
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:24]


def load(folder: str | None, key: str) -> dict[str, np.ndarray] | None:
    """The arrays cached under ``key``, or None (missing, unreadable: computed again)."""
    if folder is None:
        return None
    try:
        return _read_npz(Path(folder) / f"network-{key}.npz")
    except (OSError, ValueError, KeyError):
        return None


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


def save(folder: str | None, key: str, arrays: dict[str, np.ndarray]) -> None:
    """Write the arrays atomically; a folder that cannot be written is skipped quietly."""
    if folder is None:
        return
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        named: dict[str, Any] = dict(arrays)  # numpy's stub checks **kwds against allow_pickle
        with os.fdopen(fd, "wb") as fh:
            np.savez_compressed(fh, **named)
        os.replace(tmp, Path(folder) / f"network-{key}.npz")
    except OSError:
        return
