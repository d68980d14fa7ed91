"""Per-mode travel minutes and foot paths between the zones of a map district."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.geo import GeoError, cache
from sim.geo.crs import project_xy
from sim.geo.network import (
    ModeRoutes,
    allowed,
    edge_lengths,
    mode_graph,
    no_ways,
    routes,
    snap,
    unreachable,
)
from sim.geo.street_files import resolve_file, streets_of
from sim.geo.streets import Streets
from sim.geo.zones import GeoZones
from sim.scenario.base import Mode
from sim.scenario.geo import DistrictMap, StreetNetwork
from sim.scenario.places import Travel


@dataclass
class GeoTravel:
    """Network travel: minutes per mode, the path mode's trees, streets for drawing."""

    minutes: dict[str, np.ndarray]
    preds: np.ndarray  # (zones, nodes) int32 predecessor of each node from each zone's node
    zone_node: np.ndarray  # (zones,) the node each zone is snapped to (path mode)
    node_zone: np.ndarray  # (nodes,) the zone containing each node (else the nearest)
    segments: np.ndarray  # (edges, 2, 2) street segments, metres (float32)

    def paths_from(self, a: int) -> ZonePaths:
        """Zones passed going from zone ``a`` to each zone along the network (as
        ``sim.strategy.geometry.paths_from``: without ``a``, ending with the destination)."""
        rows = zone_changes(self.preds[a], self.node_zone, self.zone_node)
        return ZonePaths(a, rows.astype(np.int32))


class ZonePaths:
    """The paths from one zone, each made into a list when first asked for (a run uses only
    some of them); zone numbers are shared int objects, not one per path element."""

    __slots__ = ("a", "rows", "made")

    def __init__(self, a: int, rows: np.ndarray) -> None:
        self.a, self.rows = a, rows
        self.made: dict[int, list[int]] = {}

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, b: int) -> list[int]:
        path = self.made.get(b)
        if path is None:
            path = self.made[b] = self._make(int(b))
        return path

    def _make(self, b: int) -> list[int]:
        if b == self.a:
            return [b]
        ints = _INTS if len(self.rows) <= len(_INTS) else range(len(self.rows))
        path = self._passed(b, ints)
        return path if path and path[-1] == b else [*path, ints[b]]

    def _passed(self, b: int, ints: Sequence[int]) -> list[int]:
        """The zones met on the way to ``b``, without the start zone."""
        return [ints[z] for z in reversed(self.rows[b].tolist()) if z >= 0 and z != self.a]


_INTS = list(range(4096))  # shared int objects for zone numbers


def zone_changes(pred: np.ndarray, zone: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Per target node: the zones met walking back up the shortest-path tree to its root, one
    entry per change of zone (-1 padded), as a (targets, steps) array.

    ``up[v]`` is first made the nearest ancestor of ``v`` in another zone (pointer jumping:
    a few vectorised passes instead of a walk over every node of every path).
    """
    up = _other_zone_ancestors(pred, zone)
    cur, cols = targets.astype(np.int64), []
    while (cur >= 0).any():
        c = np.maximum(cur, 0)
        cols.append(np.where(cur >= 0, zone[c], -1))
        cur = np.where(cur >= 0, up[c], -1)
    return np.stack(cols, axis=1) if cols else np.full((len(targets), 1), -1)


def _other_zone_ancestors(pred: np.ndarray, zone: np.ndarray) -> np.ndarray:
    """Per node, its nearest ancestor in the tree that lies in another zone (-1: none)."""
    up = pred.astype(np.int64)
    up[up < 0] = -1
    while True:
        u = np.maximum(up, 0)
        same = (up >= 0) & (zone[u] == zone)
        if not same.any():
            return up
        up = np.where(same, up[u], up)


def _node_zones(gz: GeoZones, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The zone each node lies in, or the nearest zone (a street between blocks; on a
    border or at equal distance: the lower index)."""
    import shapely

    node, zone = shapely.STRtree(np.array(gz.shapes, dtype=object)).query_nearest(
        shapely.points(x, y), all_matches=True)
    out = np.full(len(x), -1, dtype=np.int64)
    order = np.lexsort((-zone, node))  # per node, the lowest zone index written last
    out[node[order]] = zone[order]
    return out


def _network(spec: DistrictMap) -> StreetNetwork:
    """The street network of a map that has one (the callers route only such maps)."""
    if spec.network is None:
        raise GeoError("map.network", "no street network is given")
    return spec.network


def _key(spec: DistrictMap, travel: Travel, gz: GeoZones) -> str:
    import shapely

    net = _network(spec)
    return cache.key_of(
        cache.file_hash(resolve_file(net.file)), net.model_dump_json(exclude={"file"}),
        travel.speeds_kmh.model_dump_json(), repr(travel.intra_zone_m), gz.crs.to_wkt(),
        repr(gz.origin), b"".join(shapely.to_wkb(np.array(gz.shapes, dtype=object)).tolist()),
    )


def compute(spec: DistrictMap, travel: Travel, gz: GeoZones, streets: Streets) -> GeoTravel:
    """Route every mode of ``spec.network`` (GeoError for missing ways, unreachable zones)."""
    net = _network(spec)
    x, y = project_xy(streets.x, streets.y, streets.crs, gz.crs, "map.network.crs")
    x, y = x - gz.origin[0], y - gz.origin[1]
    lengths = edge_lengths(streets, x, y)
    centres = np.array([[z.x_m, z.y_m] for z in gz.zones])
    path_mode = _path_mode(net)
    minutes: dict[str, np.ndarray] = {}
    preds, zone_node = np.empty((0, 0), np.int32), np.empty(0, np.int64)  # the path mode's
    for mode in net.modes:
        r, snapped = _route(net, mode, streets, lengths, (x, y, centres), gz.ids, mode == path_mode)
        minutes[mode] = _minutes(r.metres, mode, travel, gz.ids)
        if r.preds is not None:
            preds, zone_node = r.preds, snapped
    return GeoTravel(minutes, preds, zone_node, _node_zones(gz, x, y), _segments(streets, x, y))


def _path_mode(net: StreetNetwork) -> str:
    """The mode whose shortest-path trees give the zones passed on the way (foot if routed)."""
    return "foot" if "foot" in net.modes else net.modes[0]


def _route(net: StreetNetwork, mode: Mode, streets: Streets, lengths: np.ndarray,
           where: tuple[np.ndarray, np.ndarray, np.ndarray], ids: list[str],
           trees: bool) -> tuple[ModeRoutes, np.ndarray]:
    """One mode's routes between the zones and the node each zone is snapped to;
    ``where`` is the nodes' x, y and the zone centres (metres)."""
    x, y, centres = where
    keep = allowed(streets, mode, net.highways.get(mode))
    if not keep.any():
        raise no_ways(mode, streets, net.file)
    graph, nodes = mode_graph(streets, lengths, keep, directed=mode != "foot")
    zone_node, snap_m = snap(centres, x, y, nodes)
    unreachable(ids, snap_m, net.max_snap_m, mode, net.file)
    return routes(graph, zone_node, snap_m, trees=trees), zone_node


def _segments(streets: Streets, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Street segments (edges, 2, 2) in metres, for drawing."""
    return np.stack([np.column_stack([x[streets.u], y[streets.u]]),
                     np.column_stack([x[streets.v], y[streets.v]])], axis=1).astype(np.float32)


def _minutes(metres: np.ndarray, mode: str, travel: Travel, ids: list[str]) -> np.ndarray:
    speed = getattr(travel.speeds_kmh, mode) * 1000.0 / 60.0
    out = metres / speed
    np.fill_diagonal(out, travel.intra_zone_m / speed)
    if not np.isfinite(out).all():
        a, b = np.argwhere(~np.isfinite(out))[0]
        raise GeoError("map.network", f"no {mode} route from zone {ids[a]} to {ids[b]}")
    return out


def to_arrays(t: GeoTravel) -> dict[str, np.ndarray]:
    """The arrays to cache."""
    return {**{f"minutes_{m}": v for m, v in t.minutes.items()}, "preds": t.preds,
            "zone_node": t.zone_node, "node_zone": t.node_zone, "segments": t.segments}


def from_arrays(data: dict[str, np.ndarray]) -> GeoTravel:
    """A GeoTravel from cached arrays."""
    minutes = {k[len("minutes_"):]: v for k, v in data.items() if k.startswith("minutes_")}
    return GeoTravel(minutes, data["preds"], data["zone_node"], data["node_zone"],
                     data["segments"])


def geo_travel(spec: DistrictMap, travel: Travel, gz: GeoZones) -> GeoTravel:
    """Network travel for the zones ``gz``, from the disk cache when its inputs are unchanged."""
    key = _key(spec, travel, gz)
    data = cache.load(spec.cache_dir, key)
    if data is not None:
        return from_arrays(data)
    result = compute(spec, travel, gz, streets_of(_network(spec)))
    cache.save(spec.cache_dir, key, to_arrays(result))
    return result
