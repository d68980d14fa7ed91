"""The scenario library shipped with the package, and how a scenario argument is found.

In a checkout the library is the top-level ``scenarios/`` folder (``sim/scenarios_data`` is
a symbolic link to it); an installed package carries a copy of its files. A scenario
argument is, in order: a file that exists on disk (always wins); a library name with or
without ``.yaml`` (``default``, ``fixed_posts.yaml``); a library path as the documentation
writes it (``scenarios/default.yaml``) when there is no such file here.
"""

from __future__ import annotations

from pathlib import Path

LIBRARY_FOLDER = "scenarios"


def library_dir() -> Path:
    """Where the shipped scenarios are (``sim/scenarios_data``)."""
    return Path(__file__).resolve().parent.parent / "scenarios_data"


def shipped() -> list[Path]:
    """Every shipped scenario file, sorted by name (empty if none is installed)."""
    folder = library_dir()
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def _in_library(name: str) -> Path | None:
    for candidate in (name, f"{name}.yaml"):
        path = library_dir() / candidate
        if Path(candidate).name == candidate and path.is_file():
            return path
    return None


def find_scenario(text: str | Path) -> Path:
    """The file a scenario argument names (see the module docstring); the path itself if
    nothing matches, so that loading it reports "file not found" for the path as typed."""
    path = Path(text)
    if path.exists() or path.is_symlink():
        return path
    name = _library_name(path.parts)
    return (_in_library(name) if name is not None else None) or path


def _library_name(parts: tuple[str, ...]) -> str | None:
    """The library name a path may stand for: ``name`` or ``scenarios/name``."""
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2 and parts[0] == LIBRARY_FOLDER:
        return parts[1]
    return None


def description_line(path: Path, width: int = 88) -> str:
    """The first line of a scenario file's ``description`` (its own, else inherited)."""
    from sim.scenario.errors import ScenarioError
    from sim.scenario.extends import read_chain

    try:
        text = str(read_chain(path)[0].get("description") or "")
    except ScenarioError:
        return "(cannot be read)"
    return _cut(" ".join(text.split()), width)


def _cut(line: str, width: int) -> str:
    """The line, cut with an ellipsis to at most ``width`` characters."""
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"
