"""Coordinate reference systems: parse, choose a metric one, reproject geometries."""

from __future__ import annotations

from typing import Any

from sim.geo import GeoError


def parse_crs(value: Any, field: str) -> Any:
    """A pyproj CRS from a user value, or GeoError naming ``field``."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        return CRS.from_user_input(value)
    except (CRSError, TypeError, ValueError) as exc:
        raise GeoError(field, f"{value!r} is not a coordinate reference system ({exc})") from None


def metric_crs(lonlat_centre: tuple[float, float], named: str | None) -> Any:
    """The CRS to work in: ``named`` (must be projected, in metres) or the centre's UTM zone."""
    if named is not None:
        return _projected_in_metres(named)
    return _utm(*lonlat_centre)


def _projected_in_metres(named: str) -> Any:
    """The CRS the scenario names, checked to be projected with metres as its unit."""
    crs = parse_crs(named, "map.crs")
    unit = crs.axis_info[0].unit_name if crs.axis_info else ""
    if not crs.is_projected or unit not in ("metre", "meter"):
        raise GeoError("map.crs", f"{named!r} is not a projected CRS in metres")
    return crs


def _utm(lon: float, lat: float) -> Any:
    """The UTM zone (WGS 84) of a point."""
    from pyproj import CRS

    zone = int((lon + 180) // 6) % 60 + 1
    return CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


def transformer(src: Any, dst: Any, field: str) -> Any:
    """A pyproj Transformer src → dst (x/y order), or GeoError."""
    from pyproj import Transformer
    from pyproj.exceptions import ProjError

    try:
        return Transformer.from_crs(src, dst, always_xy=True)
    except ProjError as exc:
        raise GeoError(field, f"cannot reproject from {src.name!r} to {dst.name!r} ({exc})") from None


def project_xy(x: Any, y: Any, src: Any, dst: Any, field: str) -> tuple[Any, Any]:
    """Arrays x, y reprojected; GeoError when any coordinate cannot be (inf/nan)."""
    import numpy as np

    try:
        px, py = transformer(src, dst, field).transform(x, y)
    except Exception as exc:  # pyproj raises several kinds on bad coordinates
        raise GeoError(field, f"cannot reproject the coordinates to {dst.name!r} ({exc})") from None
    px, py = np.asarray(px, dtype=float), np.asarray(py, dtype=float)
    _check_finite(px, py, src, dst, field)
    return px, py


def _check_finite(px: Any, py: Any, src: Any, dst: Any, field: str) -> None:
    """Coordinates outside the target CRS's area of use come out as inf or nan."""
    import numpy as np

    if not (np.isfinite(px).all() and np.isfinite(py).all()):
        raise GeoError(field, f"some coordinates cannot be reprojected from {src.name!r} to "
                              f"{dst.name!r} (outside its area of use?)")


def project_geoms(geoms: Any, src: Any, dst: Any, field: str) -> Any:
    """Shapely geometries reprojected (GeoError when a coordinate cannot be)."""
    import numpy as np
    import shapely

    coords = shapely.get_coordinates(geoms)
    if len(coords) == 0:
        return geoms
    x, y = project_xy(coords[:, 0], coords[:, 1], src, dst, field)
    return shapely.set_coordinates(np.array(geoms, dtype=object).copy(), np.column_stack([x, y]))
