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
from sim.scenario.geo import DistrictMap, UnitGrid, ZonesFile
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


def _boundary(spec: DistrictMap, grid: UnitGrid) -> tuple[Any, Any]:
    """The unit grid's boundary polygon and its CRS."""
    if grid.boundary == "network":
        return _network_hull(spec)
    return _boundary_file(grid.boundary)


def _network_hull(spec: DistrictMap) -> tuple[Any, Any]:
    """The convex hull of the street network's nodes, and its CRS."""
    import shapely

    from sim.geo.street_files import streets_of

    if spec.network is None:
        raise GeoError("map.unit_grid.boundary", "`network` needs map.network")
    s = streets_of(spec.network)
    return shapely.MultiPoint(np.column_stack([s.x, s.y])).convex_hull, s.crs


def _boundary_file(path: str) -> tuple[Any, Any]:
    """The union of a boundary file's polygons, and its CRS."""
    import shapely

    from sim.geo.read import read_frame

    frame = read_frame(path, None, "map.unit_grid.boundary")
    if frame.crs is None:
        raise GeoError("map.unit_grid.boundary", "the boundary file names no CRS")
    area = shapely.union_all(frame.geometry.to_numpy())
    if not _valid_area(area):
        raise GeoError("map.unit_grid.boundary", "the boundary file has no valid polygon")
    return area, parse_crs(frame.crs, "map.unit_grid.boundary")


def _valid_area(area: Any) -> bool:
    return not (area.is_empty or area.area <= 0 or not area.is_valid)


Shapes = tuple[list[str], list, list, Any, Any, "list | None"]


def _shapes(spec: DistrictMap) -> Shapes:
    """ids, names, kinds, metric shapes, metric CRS, point areas (None for polygons)."""
    if spec.zones is not None:
        return _file_shapes(spec, spec.zones)
    if spec.unit_grid is None:
        raise GeoError("map", "give one of `zones` (a zones file) or `unit_grid` (generated cells)")
    return _grid_shapes(spec, spec.unit_grid)


def _file_shapes(spec: DistrictMap, zones: ZonesFile) -> Shapes:
    """The zones of a zones file, projected to the metric CRS."""
    from sim.geo.read import read_zones

    raw = read_zones(zones)
    crs = metric_crs(_centre_lonlat(raw.geoms, raw.crs), spec.crs)
    geoms = project_geoms(raw.geoms, raw.crs, crs, "map.zones.crs")
    return raw.ids, raw.names, raw.kinds, geoms, crs, raw.areas


def _grid_shapes(spec: DistrictMap, grid: UnitGrid) -> Shapes:
    """The unit-grid cells over the boundary, in the metric CRS."""
    from sim.geo.grid import unit_grid

    area, src = _boundary(spec, grid)
    crs = metric_crs(_centre_lonlat(np.array([area]), src), spec.crs)
    area = project_geoms(np.array([area]), src, crs, "map.unit_grid.boundary")[0]
    ids, cells = unit_grid(area, grid.cell_m, grid.min_share)
    n = len(ids)
    return ids, [None] * n, [None] * n, np.array(cells, dtype=object), crs, None


_NO_KIND = (None, "", "None", "nan")


def _kind(spec: DistrictMap, zid: str, value: str | None) -> str:
    """The zone kind of a file's kind value (mapped by ``kinds``; the map's kind if empty)."""
    if value in _NO_KIND:
        return spec.kind
    mapping: dict[str, str] = dict(spec.zones.kinds) if spec.zones is not None else {}
    kind = mapping.get(str(value), str(value))
    if kind in KINDS:
        return kind
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

    ids, names, kinds, shapes, crs, areas = _shapes(spec)
    problem = over_limit("zones", len(ids), "the map has {n} zones")
    if problem:
        raise GeoError("map", problem)
    origin = _origin(shapes)
    shapes = shapely.transform(shapes, lambda c: c - np.array(origin))
    centres = shapely.get_coordinates(shapely.centroid(shapes))
    shapes, adj = _with_neighbours(shapes, centres, areas)
    _check_patches(spec, ids)
    zones = [_zone(spec, zid, name, _kind(spec, zid, kind), xy)
             for zid, name, kind, xy in zip(ids, names, kinds, centres)]
    return GeoZones(ids, zones, list(shapes), adj, crs, origin)


def _origin(shapes: Any) -> tuple[float, float]:
    """The whole kilometre south-west of the shapes (coordinates are kept small)."""
    import shapely

    minx, miny, _, _ = shapely.total_bounds(shapes)
    return math.floor(minx / 1000) * 1000.0, math.floor(miny / 1000) * 1000.0


def _with_neighbours(shapes: Any, centres: np.ndarray, areas: list | None) -> tuple[Any, np.ndarray]:
    """Shapes (points become equal-area circles) and the neighbours of each zone: a shared
    border, or for points nearby centres."""
    import shapely

    from sim.strategy.geometry import adjacency

    if areas is None:
        return shapes, adjacency_of(shapes)
    return shapely.buffer(shapes, np.sqrt(np.array(areas) / math.pi)), adjacency(centres)


def _check_patches(spec: DistrictMap, ids: list[str]) -> None:
    """Every patched zone is one of the map's zones."""
    known = set(ids)
    for zid in spec.patches:
        if zid not in known:
            raise GeoError(f"map.patches.{zid}", unknown_name("zone", zid, ids))


def _zone(spec: DistrictMap, zid: str, name: str | None, kind: str, xy: np.ndarray) -> Zone:
    patch = spec.patches.get(zid)
    fields = {} if patch is None else patch.model_dump(exclude_none=True)
    base = {"name": name or zid, "kind": kind, "population": spec.population,
            "shop_fronts": spec.shop_fronts}
    return Zone(id=zid, x_m=round(float(xy[0]), 2), y_m=round(float(xy[1]), 2),
                **{**base, **fields})
