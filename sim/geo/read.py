"""Reading zone shapes from a GeoJSON, GeoPackage or shapefile: ids, names, kinds, geometry."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.geo import GeoError
from sim.scenario.geo import ZonesFile

F = "map.zones"


@dataclass
class RawZones:
    """Zones as read, in the file's CRS: ids, names, kinds, shapely geometries, areas (m²)."""

    ids: list[str]
    names: list[str | None]
    kinds: list[str | None]
    geoms: Any  # numpy array of shapely geometries
    crs: Any  # pyproj CRS
    areas: list[float] | None  # for points only


def _as_id(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_frame(path: str, layer: str | None, field: str) -> Any:
    """The file as a GeoDataFrame, or GeoError naming the file."""
    import pyogrio

    if not Path(path).is_file():
        raise GeoError(field, f"file not found: {path}")
    try:
        return pyogrio.read_dataframe(path, layer=layer)
    except Exception as exc:  # pyogrio's DataSourceError, DataLayerError, ...
        raise GeoError(field, f"cannot read {path} as a map file (GeoJSON, GeoPackage, "
                              f"shapefile): {str(exc).strip()}") from None


def _column(frame: Any, name: str | None, key: str) -> list | None:
    """The values of field ``name`` (None when no field is named), or GeoError."""
    if name is None:
        return None
    if name not in frame.columns:
        raise GeoError(f"{F}.{key}", f"the file has no field {name!r} (fields: {_fields(frame)})")
    return frame[name].tolist()


def _fields(frame: Any) -> str:
    return ", ".join(str(c) for c in frame.columns if c != "geometry") or "none"


def _check_ids(ids: list[str]) -> None:
    """Every feature has an id, and no two share one."""
    empty = [k for k, z in enumerate(ids) if z in ("", "None", "nan")]
    if empty:
        raise GeoError(f"{F}.id_field", f"features {empty[:8]} (0-based) have no id")
    _check_unique(ids)


def _check_unique(ids: list[str]) -> None:
    dups = sorted(z for z, n in Counter(ids).items() if n > 1)
    if dups:
        raise GeoError(f"{F}.id_field", f"duplicate zone ids: {', '.join(dups[:10])}")


def _check_geometry(geoms: Any, ids: list[str]) -> None:
    """Every zone has a valid geometry, all polygons or all points."""
    _check_present(geoms, ids)
    _check_valid(geoms, ids)
    _check_kinds(geoms)


def _check_present(geoms: Any, ids: list[str]) -> None:
    missing = [ids[k] for k, g in enumerate(geoms) if g is None or g.is_empty]
    if missing:
        raise GeoError(f"{F}.file", f"empty or missing geometry for zones {', '.join(missing[:10])}")


def _check_valid(geoms: Any, ids: list[str]) -> None:
    import shapely

    invalid = [ids[k] for k, ok in enumerate(shapely.is_valid(geoms)) if not ok]
    if invalid:
        why = shapely.is_valid_reason(geoms[[ids.index(invalid[0])]])[0]
        raise GeoError(f"{F}.file", f"invalid geometry for zones {', '.join(invalid[:10])} "
                                    f"(first: {why}); repair them in a GIS tool")


def _check_kinds(geoms: Any) -> None:
    """Only (multi)polygons (shapely type ids 3 and 6), or only points (0)."""
    import shapely

    kinds = set(shapely.get_type_id(geoms).tolist())
    if not (kinds <= {3, 6} or kinds == {0}):
        raise GeoError(f"{F}.file", "expected polygons (or points with an area field), not "
                                    "lines or a mix of points and polygons")


def read_zones(spec: ZonesFile) -> RawZones:
    """Read and check the zones file (ids, geometry, fields); no reprojection yet."""
    frame = read_frame(spec.file, spec.layer, f"{F}.file")
    if len(frame) == 0:
        raise GeoError(f"{F}.file", f"{spec.file} has no features")
    ids = [_as_id(v) for v in _column(frame, spec.id_field, "id_field") or []]
    _check_ids(ids)
    geoms = frame.geometry.to_numpy()
    _check_geometry(geoms, ids)
    areas = _point_areas(frame, spec, geoms[0].geom_type == "Point", ids)
    return RawZones(ids, _texts(frame, spec.name_field, "name_field"),
                    _texts(frame, spec.kind_field, "kind_field"), geoms, _crs_of(frame, spec),
                    areas)


def _point_areas(frame: Any, spec: ZonesFile, points: bool, ids: list[str]) -> list[float] | None:
    """Each zone's area from ``area_field`` when the zones are points (None for polygons)."""
    if not points:
        return None
    values = _column(frame, _area_field(spec), "area_field") or []
    return [_area(zid, v) for zid, v in zip(ids, values)]


def _area_field(spec: ZonesFile) -> str:
    """The field holding each point zone's area (point files need one)."""
    if spec.area_field is None:
        raise GeoError(f"{F}.area_field", "the file has points: name the field holding each "
                                          "zone's area (m²) with area_field")
    return spec.area_field


def _texts(frame: Any, name: str | None, key: str) -> list[str | None]:
    """A field's values as text (None where empty), or all None without the field."""
    values = _column(frame, name, key)
    if values is None:
        return [None] * len(frame)
    return [_text(v) for v in values]


def _text(value: Any) -> str | None:
    return None if value is None or value != value else str(value)


def _crs_of(frame: Any, spec: ZonesFile) -> Any:
    """The CRS of the file's coordinates: the scenario's ``crs``, else the file's own."""
    from sim.geo.crs import parse_crs

    if frame.crs is None and spec.crs is None:
        raise GeoError(f"{F}.crs", f"{spec.file} names no coordinate reference system: give "
                                   "it as map.zones.crs (e.g. EPSG:4326)")
    return parse_crs(spec.crs if spec.crs is not None else frame.crs, f"{F}.crs")


def _area(zid: str, value: Any) -> float:
    """A zone's area as a positive finite number, or GeoError."""
    try:
        area = float(value)
    except (TypeError, ValueError):
        area = float("nan")
    if not 0 < area < float("inf"):
        raise GeoError(f"{F}.area_field", f"zone {zid}: area {value!r} is not a positive number")
    return area
