"""Zone geometry for deployment plans: adjacency, unit grids, drive-through paths.

Pure numpy functions of zone centres (x/y in metres); deterministic, ties to the lower index.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

import numpy as np

__all__ = ["adjacency", "grid_reach", "pass_through", "path_step", "paths_from", "split_grids"]


def _nearest_spacing(xy: np.ndarray) -> np.ndarray:
    """Distance from each zone centre to the nearest other centre (inf for a single zone)."""
    dist = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(dist, np.inf)
    return dist.min(axis=1)


def path_step(xy: np.ndarray) -> float:
    """Default sampling step of ``pass_through``: half the smallest zone spacing (metres)."""
    spacing = _nearest_spacing(np.asarray(xy, dtype=float))
    return float(spacing.min()) / 2.0 if np.isfinite(spacing).any() else 1.0


def adjacency(xy: np.ndarray, factor: float = 1.5) -> np.ndarray:
    """Which zones are neighbours: centres within ``factor`` × the nearer zone's spacing.

    On a square grid the default gives the eight surrounding cells (250 m sides: 250 and 354 m
    are within 375 m; 500 m is not).

    Args:
        xy: (zones, 2) centre coordinates.
        factor: Multiple of the nearest-neighbour distance that still counts as adjacent.

    Returns:
        A symmetric (zones, zones) boolean matrix with a False diagonal.
    """
    xy = np.asarray(xy, dtype=float)
    dist = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    spacing = _nearest_spacing(xy)
    reach = factor * np.minimum(spacing[:, None], spacing[None, :])
    adj = dist <= reach + 1e-9
    np.fill_diagonal(adj, False)
    return adj


def split_grids(xy: np.ndarray, zones: Sequence[int], n: int) -> list[list[int]]:
    """Split ``zones`` into ``n`` compact unit grids of (near) equal size.

    Recursive bisection: the zones are cut across their longer extent (x or y) into two parts
    whose sizes are proportional to the number of grids each part will hold, until each part is
    one grid. An 8 × 8 grid split 16 ways gives sixteen 2 × 2 blocks.

    Args:
        xy: (zones, 2) centre coordinates of the whole district.
        zones: Indices of the zones to split.
        n: Number of grids, 1 ≤ n ≤ len(zones).

    Returns:
        ``n`` lists of zone indices (each sorted), ordered by their first zone.
    """
    if not 1 <= n <= len(zones):
        raise ValueError(f"cannot split {len(zones)} zones into {n} grids")
    xy = np.asarray(xy, dtype=float)

    def cut(part: list[int], k: int) -> list[list[int]]:
        if k == 1:
            return [sorted(part)]
        pts = xy[part]
        axis = 0 if np.ptp(pts[:, 0]) >= np.ptp(pts[:, 1]) else 1
        order = np.lexsort((np.asarray(part), pts[:, 1 - axis], pts[:, axis]))
        k_left = k // 2
        n_left = round(len(part) * k_left / k)
        n_left = min(max(n_left, k_left), len(part) - (k - k_left))
        ranked = [part[i] for i in order]
        return cut(ranked[:n_left], k_left) + cut(ranked[n_left:], k - k_left)

    return sorted(cut(list(zones), n), key=lambda g: g[0])


def grid_reach(grids: Sequence[Sequence[int]], adj: np.ndarray) -> list[list[int]]:
    """Per grid: its zones plus the zones of every grid adjacent to it (sorted)."""
    sets = [set(g) for g in grids]
    return [sorted(_reach(own, sets, adj)) for own in sets]


def _reach(own: set[int], grids: list[set[int]], adj: np.ndarray) -> set[int]:
    """``own`` plus every other grid with a zone adjacent to one of ``own``'s."""
    touch = np.asarray(adj[sorted(own)].any(axis=0))
    reach = set(own)
    for other in grids:
        if other is not own and touch[sorted(other)].any():
            reach |= other
    return reach


def pass_through(xy: np.ndarray, a: int, b: int, step: float | None = None) -> list[int]:
    """Zones passed going from zone ``a`` to zone ``b``: an L-shaped path (x first, then y).

    The path is sampled every ``step`` metres (default: half the smallest zone spacing) and
    each sample is given to the nearest zone centre (ties to the lower index). The result
    excludes ``a`` and ends with ``b``.
    """
    xy = np.asarray(xy, dtype=float)
    if a == b:
        return [b]
    pts, _ = _legs_to_all(xy[a], xy[b:b + 1], _sampling_step(xy, step))
    return _zones_along(_nearest_centres(pts, xy), a, b)


def _sampling_step(xy: np.ndarray, step: float | None) -> float:
    """``step`` (default: half the smallest zone spacing), at least 1e-9 m."""
    if step is None:
        step = float(_nearest_spacing(xy).min()) / 2.0
    return max(step, 1e-9)


def _nearest_centres(pts: np.ndarray, xy: np.ndarray) -> list[int]:
    """Index of the zone centre nearest to each point (ties to the lower index)."""
    dist = np.hypot(*(pts[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    return np.argmin(dist, axis=1).tolist()

def _zones_along(nearest: list[int], a: int, b: int) -> list[int]:
    """The nearest-zone sequence of a path's samples as a path: no repeats, no ``a``, ends
    with ``b``."""
    path = [z for z, _ in groupby(z for z in nearest if z != a)]
    return path if path[-1:] == [b] else [*path, b]


def paths_from(xy: np.ndarray, a: int, step: float | None = None) -> list[list[int]]:
    """``pass_through(xy, a, b, step)`` for every zone ``b`` at once (the same paths).

    One nearest-centre search over all the sample points instead of one per destination:
    a run needs most of the zones × zones paths, and each call costs mostly numpy overhead.
    """
    xy = np.asarray(xy, dtype=float)
    pts, counts = _legs_to_all(xy[a], xy, _sampling_step(xy, step))
    nearest = _nearest_centres(pts, xy)
    ends = np.cumsum(counts).tolist()
    return [[b] if b == a else _zones_along(nearest[end - counts[b]:end], a, b)
            for b, end in enumerate(ends)]


def _legs_to_all(p: np.ndarray, xy: np.ndarray, step: float) -> tuple[np.ndarray, list[int]]:
    """Sample points of the L-shaped path p → (q.x, p.y) → q, every ``step`` at most, for
    every centre ``q`` of ``xy``, stacked in that order, and the number of points of each
    path."""
    z = len(xy)
    corners = np.column_stack([xy[:, 0], np.full(z, p[1])])
    starts = np.stack([np.broadcast_to(p, (z, 2)), corners], axis=1).reshape(-1, 2)
    ends = np.stack([corners, xy], axis=1).reshape(-1, 2)  # legs: p → corner, corner → q
    n = np.maximum(np.ceil(np.abs(ends - starts).sum(axis=1) / step).astype(np.int64), 1)
    leg = np.repeat(np.arange(2 * z), n)
    j = np.arange(1, len(leg) + 1) - np.repeat(np.cumsum(n) - n, n)  # 1..n within each leg
    pts = starts[leg] + (ends[leg] - starts[leg]) * (j / n[leg])[:, None]
    return pts, (n[0::2] + n[1::2]).tolist()
