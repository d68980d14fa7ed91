"""Patrol-route construction: short closed tours over patrol zones.

A set of zone centroids (x/y in metres) is turned into a cyclic patrol route by a
nearest-neighbour construction followed by 2-opt improvement. Everything here is
deterministic: ties are always broken towards the lower index.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["build_tour", "nearest_neighbour_tour", "tour_length", "two_opt"]

Point = tuple[float, float]

# Relative tolerance: a 2-opt move must shorten the tour by more than this
# fraction of the point-set scale, so float noise can never cause cycling.
_REL_EPS = 1e-12


def _as_array(points: Sequence[Point]) -> np.ndarray:
    """The points as an (n, 2) float array; ValueError if malformed or not finite."""
    arr = np.asarray(points, dtype=float)
    if arr.size == 0:
        return arr.reshape(0, 2)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"points must be a sequence of (x, y) pairs, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("points must have finite coordinates")
    return arr


def _distance_matrix(arr: np.ndarray) -> np.ndarray:
    """Euclidean distances between all pairs of points."""
    diff = arr[:, None, :] - arr[None, :, :]
    return np.hypot(diff[..., 0], diff[..., 1])


def _check_start(n: int, start: int) -> None:
    """ValueError unless ``start`` indexes one of ``n`` points."""
    if not 0 <= start < n:
        raise ValueError(f"start must be in [0, {n - 1}], got {start}")


def tour_length(points: Sequence[Point], order: Sequence[int], closed: bool = True) -> float:
    """Euclidean length of visiting ``points`` in ``order``.

    Args:
        points: Point coordinates (x, y).
        order: Indices into ``points`` in visiting order.
        closed: If True, include the edge from the last point back to the first.

    Returns:
        Total length (0.0 for fewer than two visited points).
    """
    arr = _as_array(points)
    idx = np.asarray(order, dtype=int)
    if idx.size < 2:
        return 0.0
    seq = arr[idx]
    if closed:
        seq = np.vstack([seq, seq[:1]])
    steps = np.diff(seq, axis=0)
    return float(np.hypot(steps[:, 0], steps[:, 1]).sum())


def nearest_neighbour_tour(points: Sequence[Point], start: int = 0) -> list[int]:
    """Greedy nearest-neighbour tour from ``start`` (ties to the lower index).

    Args:
        points: Point coordinates (x, y).
        start: Index of the first point of the tour.

    Returns:
        A permutation of ``range(len(points))`` beginning with ``start``
        (empty for no points).

    Raises:
        ValueError: On malformed points or ``start`` out of range.
    """
    arr = _as_array(points)
    n = len(arr)
    if n == 0:
        return []
    _check_start(n, start)
    return _greedy_order(_distance_matrix(arr), start)


def _greedy_order(dist: np.ndarray, start: int) -> list[int]:
    """From ``start``, always on to the nearest unvisited point (ties: the lowest index)."""
    visited = np.zeros(len(dist), dtype=bool)
    order = [start]
    visited[start] = True
    current = start
    for _ in range(len(dist) - 1):
        cand = np.where(visited, np.inf, dist[current])
        current = int(np.argmin(cand))  # argmin returns the first (lowest) index on ties
        visited[current] = True
        order.append(current)
    return order


def two_opt(points: Sequence[Point], order: Sequence[int]) -> list[int]:
    """Improve a closed tour with best-improvement 2-opt until no move helps.

    Each pass evaluates every move that reverses ``order[i+1..j]`` (the first
    element stays fixed) and applies the one with the largest gain; equal gains
    go to the lexicographically smallest ``(i, j)``.

    Args:
        points: Point coordinates (x, y).
        order: Initial tour as a permutation of point indices.

    Returns:
        The improved tour, starting with the same index as ``order``.
    """
    arr = _as_array(points)
    tour = np.asarray(order, dtype=int).copy()
    n = len(tour)
    if sorted(tour.tolist()) != list(range(len(arr))):
        raise ValueError("order must be a permutation of range(len(points))")
    if n < 4:
        return tour.tolist()
    dist = _distance_matrix(arr)
    eps = _REL_EPS * max(float(dist.max()), 1.0)
    i_idx, j_idx = np.indices((n, n))
    valid = (j_idx >= i_idx + 2) & ~((i_idx == 0) & (j_idx == n - 1))
    while True:
        i, j, gain = _best_move(tour, dist, valid)
        if gain <= eps:
            return tour.tolist()
        tour[i + 1 : j + 1] = tour[i + 1 : j + 1][::-1].copy()


def _best_move(tour: np.ndarray, dist: np.ndarray, valid: np.ndarray) -> tuple[int, int, float]:
    """The 2-opt move (i, j) with the largest gain among the ``valid`` ones, and its gain;
    equal gains go to the first in row-major order."""
    n = len(tour)
    nxt = np.roll(tour, -1)
    edge = dist[tour, nxt]
    # gain of replacing edges (a,b),(c,e) by (a,c),(b,e)
    gain = (
        edge[:, None]
        + edge[None, :]
        - dist[tour[:, None], tour[None, :]]
        - dist[nxt[:, None], nxt[None, :]]
    )
    gain = np.where(valid, gain, -np.inf)
    i, j = divmod(int(np.argmax(gain)), n)  # first maximum in row-major order
    return i, j, gain[i, j]


def build_tour(points: Sequence[Point], start: int = 0) -> list[int]:
    """Short closed tour visiting every point once, beginning at ``start``.

    Nearest-neighbour construction followed by 2-opt improvement to a local
    optimum. Deterministic; ties are broken by lower index.

    Args:
        points: Point coordinates (x, y), e.g. patrol-zone centroids in metres.
        start: Index of the point the tour starts from.

    Returns:
        A permutation of ``range(len(points))`` beginning with ``start``; the
        route is cyclic (the last point connects back to the first).

    Raises:
        ValueError: On malformed points or ``start`` out of range.
    """
    return two_opt(points, nearest_neighbour_tour(points, start))
