"""Zones of a map district in metric coordinates: shapes, centres, areas, neighbours, kinds."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, get_args

import numpy as np

from sim.geo import GeoError
from sim.geo.crs import metric_crs, parse_crs, project_geoms, project_xy
from sim.scenario.base import ZoneKind
from sim.scenario.errors import unknown_name
from sim.scenario.geo import DistrictMap
from sim.scenario.limits import over_limit
from sim.scenario.places import Zone

KINDS = set(get_args(ZoneKind))


@dataclass
class GeoZones:
    """The zones of a map district; coordinates are metres in ``crs`` minus ``origin``."""

    ids: list[str]
    zones: list[Zone]
    shapes: list[Any]  # shapely polygons (points: equal-area circles)
    adjacency: np.ndarray  # (zones, zones) bool: shared border (points: nearby centres)
    crs: Any
    origin: tuple[float, float]


def _centre_lonlat(geoms: Any, crs: Any) -> tuple[float, float]:
    import shapely
    from pyproj import CRS

    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    x, y = project_xy(np.array([(minx + maxx) / 2]), np.array([(miny + maxy) / 2]),
                      crs, CRS.from_epsg(4326), "map.zones.crs")
    return float(x[0]), float(y[0])


def _boundary(spec: DistrictMap) -> tuple[Any, Any]:
    """The unit grid's boundary polygon and its CRS."""
    import shapely

    if spec.unit_grid.boundary == "network":
        if spec.network is None:
            raise GeoError("map.unit_grid.boundary", "`network` needs map.network")
        from sim.geo.street_files import streets_of

        s = streets_of(spec.network)
        return shapely.MultiPoint(np.column_stack([s.x, s.y])).convex_hull, s.crs
    from sim.geo.read import read_frame

    frame = read_frame(spec.unit_grid.boundary, None, "map.unit_grid.boundary")
    if frame.crs is None:
        raise GeoError("map.unit_grid.boundary", "the boundary file names no CRS")
    area = shapely.union_all(frame.geometry.to_numpy())
    if area.is_empty or area.area <= 0 or not area.is_valid:
        raise GeoError("map.unit_grid.boundary", "the boundary file has no valid polygon")
    return area, parse_crs(frame.crs, "map.unit_grid.boundary")


def _shapes(spec: DistrictMap) -> tuple[list[str], list, list, Any, Any, list | None]:
    """ids, names, kinds, metric shapes, metric CRS, point areas (None for polygons)."""
    from sim.geo.grid import unit_grid

    if spec.zones is not None:
        from sim.geo.read import read_zones

        raw = read_zones(spec.zones)
        crs = metric_crs(_centre_lonlat(raw.geoms, raw.crs), spec.crs)
        geoms = project_geoms(raw.geoms, raw.crs, crs, "map.zones.crs")
        return raw.ids, raw.names, raw.kinds, geoms, crs, raw.areas
    area, src = _boundary(spec)
    crs = metric_crs(_centre_lonlat(np.array([area]), src), spec.crs)
    area = project_geoms(np.array([area]), src, crs, "map.unit_grid.boundary")[0]
    ids, cells = unit_grid(area, spec.unit_grid.cell_m, spec.unit_grid.min_share)
    n = len(ids)
    return ids, [None] * n, [None] * n, np.array(cells, dtype=object), crs, None


def _kind(spec: DistrictMap, zid: str, value: str | None) -> str:
    if value is None or value in ("", "None", "nan"):
        return spec.kind
    mapping = spec.zones.kinds if spec.zones is not None else {}
    if value in mapping:
        return mapping[value]
    if value in KINDS:
        return value
    raise GeoError("map.zones.kinds", f"zone {zid}: kind {value!r} is not a zone kind; map it "
                   f"in map.zones.kinds (to one of {', '.join(sorted(KINDS))})")


def adjacency_of(shapes: Any, tol: float = 0.5, min_border_m: float = 5.0) -> np.ndarray:
    """Zones sharing a border at least ``min_border_m`` long (gaps up to ``tol`` m bridged)."""
    import shapely

    n = len(shapes)
    grown = shapely.buffer(shapes, tol)
    a, b = shapely.STRtree(shapes).query(grown, predicate="intersects")
    pairs = a != b
    a, b = a[pairs], b[pairs]
    border = shapely.length(shapely.intersection(shapely.boundary(shapes[b]), grown[a]))
    adj = np.zeros((n, n), dtype=bool)
    ok = border >= min_border_m
    adj[a[ok], b[ok]] = True
    return adj | adj.T


def geo_zones(spec: DistrictMap) -> GeoZones:
    """Read or generate the zones of ``spec`` (GeoError on any problem)."""
    import shapely

    from sim.strategy.geometry import adjacency

    ids, names, kinds, shapes, crs, areas = _shapes(spec)
    problem = over_limit("zones", len(ids), "the map has {n} zones")
    if problem:
        raise GeoError("map", problem)
    minx, miny, _, _ = shapely.total_bounds(shapes)
    origin = (math.floor(minx / 1000) * 1000.0, math.floor(miny / 1000) * 1000.0)
    shapes = shapely.transform(shapes, lambda c: c - np.array(origin))
    centres = shapely.get_coordinates(shapely.centroid(shapes))
    if areas is not None:
        shapes = shapely.buffer(shapes, np.sqrt(np.array(areas) / math.pi))
        adj = adjacency(centres)
    else:
        adj = adjacency_of(shapes)
    for zid in spec.patches:
        if zid not in set(ids):
            raise GeoError(f"map.patches.{zid}", unknown_name("zone", zid, ids))
    zones = [_zone(spec, zid, name, _kind(spec, zid, kind), xy)
             for zid, name, kind, xy in zip(ids, names, kinds, centres)]
    return GeoZones(ids, zones, list(shapes), adj, crs, origin)


def _zone(spec: DistrictMap, zid: str, name: str | None, kind: str, xy: np.ndarray) -> Zone:
    patch = spec.patches.get(zid)
    fields = {} if patch is None else patch.model_dump(exclude_none=True)
    base = {"name": name or zid, "kind": kind, "population": spec.population,
            "shop_fronts": spec.shop_fronts}
    return Zone(id=zid, x_m=round(float(xy[0]), 2), y_m=round(float(xy[1]), 2),
                **{**base, **fields})
