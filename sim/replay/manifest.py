"""A replay written inside its results folder is listed in the folder's marker, so the next
`sim run` to that folder replaces it with the rest (instead of refusing a foreign file)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from sim.output import write_text_atomic
from sim.output.target import MARKER, read_manifest


def inside(path: Path, folder: Path) -> Path | None:
    """``path`` relative to ``folder`` if it lies inside it, else None."""
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(folder))
    except ValueError:
        return None


def _with_parents(rel: Path) -> set[str]:
    """A relative path and each folder above it, as POSIX strings."""
    return {p.as_posix() for p in (rel, *rel.parents) if p != Path(".")}


def register(folder: Path, written: Path) -> None:
    """Add ``written`` (and its folders up to ``folder``) to ``folder``'s marker, if any."""
    rel = inside(written, folder)
    listed = read_manifest(folder)
    if rel is None or listed is None:
        return
    entries = _with_parents(rel)
    data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    data["entries"] = sorted(listed | entries)
    write_text_atomic(folder / MARKER, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
