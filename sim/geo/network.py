"""Travel on a street network: per-mode ways, snapping zones to nodes, shortest paths.

Each mode keeps the ways it may use (``highway`` values; an edge without the tag is open to
all), cars and e-bikes keep one-way streets one way, and only the mode's largest (strongly)
connected part is used. Each zone is snapped to the nearest node of that part; a zone farther
than ``max_snap_m`` from it cannot be reached (an error naming the zones). Travel minutes are
(snap distance + network distance + snap distance) ÷ speed; the foot network's shortest-path
trees give the zones passed on the way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.geo import GeoError
from sim.geo.streets import Streets

MOTORWAYS = {"motorway", "motorway_link", "trunk", "trunk_link"}
CAR = MOTORWAYS | {
    "primary", "primary_link", "secondary", "secondary_link", "tertiary", "tertiary_link",
    "unclassified", "residential", "living_street", "service", "road",
}
EBIKE = (CAR - MOTORWAYS) | {"cycleway", "track", "path"}
NOT_FOOT = MOTORWAYS | {"cycleway", "bus_guideway", "raceway", "construction", "proposed"}


@dataclass
class ModeRoutes:
    """One mode's shortest paths from every zone: metres (zones, zones), predecessor trees."""

    metres: np.ndarray
    preds: np.ndarray | None  # (zones, nodes) int32, -9999 where none


def allowed(streets: Streets, mode: str, highways: list[str] | None) -> np.ndarray:
    """Which edges ``mode`` may use."""
    tags = np.array(streets.highway, dtype=object)
    untagged = tags == ""
    if highways is not None:
        return untagged | np.isin(tags, list(highways))
    if mode == "foot":
        return untagged | (~np.isin(tags, list(NOT_FOOT)) & ~streets.foot_no)
    return untagged | np.isin(tags, list(CAR if mode == "car" else EBIKE))


def mode_graph(streets: Streets, lengths: np.ndarray, keep: np.ndarray, directed: bool):
    """The mode's graph (CSR, metres) and its largest connected part's nodes."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    u, v, w, one = streets.u[keep], streets.v[keep], lengths[keep], streets.oneway[keep]
    fwd = ~(directed & (one == -1))
    back = ~(directed & (one == 1))
    rows, cols, w = _shortest_of_parallel(np.concatenate([u[fwd], v[back]]),
                                          np.concatenate([v[fwd], u[back]]),
                                          np.maximum(np.concatenate([w[fwd], w[back]]), 0.01))
    n = len(streets.x)
    graph = csr_matrix((w, (rows, cols)), shape=(n, n))
    _, label = connected_components(graph, directed=True, connection="strong")
    used = np.zeros(n, dtype=bool)
    used[rows] = True
    counts = np.bincount(label[used], minlength=label.max() + 1)
    return graph, np.flatnonzero(used & (label == counts.argmax()))


def _shortest_of_parallel(rows: np.ndarray, cols: np.ndarray, w: np.ndarray):
    """Edges without self-loops, keeping the shortest of parallel ones (scipy would add them)."""
    order = np.lexsort((w, cols, rows))
    rows, cols, w = rows[order], cols[order], w[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    first &= rows != cols
    return rows[first], cols[first], w[first]


def snap(xy: np.ndarray, sx: np.ndarray, sy: np.ndarray, nodes: np.ndarray):
    """Nearest node (of ``nodes``) to each zone centre and its distance (m)."""
    from scipy.spatial import cKDTree

    dist, k = cKDTree(np.column_stack([sx[nodes], sy[nodes]])).query(xy)
    return nodes[k], dist


def unreachable(ids: list[str], dist: np.ndarray, limit: float, mode: str, path: str) -> None:
    """GeoError naming the zones farther than ``limit`` from the mode's network."""
    far = [f"{ids[k]} ({dist[k]:,.0f} m)" for k in np.flatnonzero(dist > limit)]
    if far:
        raise GeoError("map.network", f"the {mode} network of {path} cannot reach "
                       f"{len(far)} zone(s), farther than max_snap_m = {limit:g} m from it: "
                       f"{', '.join(far[:12])}{', ...' if len(far) > 12 else ''}")


def routes(graph, zone_nodes: np.ndarray, snap_m: np.ndarray, trees: bool) -> ModeRoutes:
    """Shortest network metres between zones (plus the snap distances at both ends)."""
    from scipy.sparse.csgraph import dijkstra

    out = dijkstra(graph, directed=True, indices=zone_nodes, return_predecessors=trees)
    dist, preds = (out[0], out[1].astype(np.int32)) if trees else (out, None)
    metres = dist[:, zone_nodes] + snap_m[:, None] + snap_m[None, :]
    return ModeRoutes(metres=metres, preds=preds)


def edge_lengths(streets: Streets, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Edge lengths: the file's, else straight lines between the projected nodes."""
    if streets.length is not None:
        return streets.length
    return np.hypot(x[streets.u] - x[streets.v], y[streets.u] - y[streets.v])


def no_ways(mode: str, streets: Streets, path: str) -> GeoError:
    """The error for a network without any way ``mode`` may use."""
    tags = sorted({t for t in streets.highway if t})
    return GeoError("map.network", f"{path} has no ways that {mode} may use (its highway "
                    f"values: {', '.join(tags[:15]) or 'none'}); set map.network.highways."
                    f"{mode}, or leave {mode} out of map.network.modes")
