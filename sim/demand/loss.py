"""Loss systems (M/G/c/c) solved exactly with numpy: who finds every server busy.

Used for legal parking spaces and charging piles: an arrival that finds all ``capacity``
servers busy is *blocked* and leaves (it does not wait).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np


def loss_system(arrive: np.ndarray, depart: np.ndarray, capacity: int) -> np.ndarray:
    """Which arrivals find all ``capacity`` servers busy (blocked), exactly.

    Arrivals must be sorted; a departure at the very instant of an arrival frees its space;
    a zero dwell counts as the shortest positive one. A vehicle is surely admitted when even
    the infinite-server occupancy (everyone earlier still parked) is below capacity. That
    occupancy is bounded per one-minute bin with ``bincount`` and made exact only where the
    bound reaches capacity; those arrivals are then decided one by one, with a heap of the
    would-be departures of earlier blocked vehicles: true occupancy = infinite-server
    occupancy − blocked vehicles that would still be parked.
    """
    n = len(arrive)
    if capacity <= 0:
        return np.ones(n, dtype=bool)
    depart = _after_arrival(arrive, depart)
    occ = _infinite_occupancy(arrive, depart, capacity)
    cand = np.flatnonzero(occ >= capacity)
    blocked = np.zeros(n, dtype=bool)
    blocked[_decide(cand, arrive, depart, occ[cand] - capacity)] = True
    return blocked


def _after_arrival(arrive: np.ndarray, depart: np.ndarray) -> np.ndarray:
    """``max(depart, next float after arrive)``: a zero dwell becomes the shortest positive one.

    Only departures not after their arrival change (a later one is at least the next float),
    so just those are replaced, on a copy; the input is returned as is when none is.
    """
    early = np.flatnonzero(depart <= arrive)
    if len(early):
        depart = depart.copy()
        depart[early] = np.nextafter(arrive[early], np.inf)
    return depart


def _decide(cand: np.ndarray, arrive: np.ndarray, depart: np.ndarray,
            slack: np.ndarray) -> list[int]:
    """The blocked ones among the candidates (in order), whose occupancy is ``capacity + slack``.

    A candidate is blocked when the earlier blocked vehicles that would still be parked (a
    heap of their would-be departures) number at most its slack.
    """
    push, pop = heapq.heappush, heapq.heappop
    ghosts: list[float] = []
    hit: list[int] = []
    for i, a, s, d in zip(
        cand.tolist(), arrive[cand].tolist(), slack.tolist(), depart[cand].tolist()
    ):
        while ghosts and ghosts[0] <= a:
            pop(ghosts)
        if len(ghosts) <= s:
            hit.append(i)
            push(ghosts, d)
    return hit


def _bins(x: np.ndarray, origin: float, width: float) -> np.ndarray:
    """``((x - origin) // width).astype(np.int64)`` for ``x ≥ origin`` and an integral width.

    Float floor division is slow (it goes through ``fmod``); here it is the exact floor of the
    quotient, and so is the integer part of the true division: for a positive integer ``w``
    and ``y < m·w`` (``m·w`` exact), ``m·w − y`` is at least the float spacing below ``m·w``,
    which exceeds ``w`` times half the spacing below ``m``, so ``y / w`` never rounds up to ``m``.
    """
    y = x - origin
    y /= width
    return y.astype(np.int64)


@dataclass(frozen=True)
class _Bins:
    """Time bins of ``width`` minutes from ``origin``: each arrival's and departure's bin."""

    origin: float
    width: float
    ka: np.ndarray  # bin of each arrival
    kd: np.ndarray  # bin of each departure (later than the last arrival's: the last bin)
    size: int


def _binned(arrive: np.ndarray, depart: np.ndarray) -> _Bins:
    """Bins of about two arrivals each (1 to 60 minutes wide)."""
    n = len(arrive)
    origin = np.floor(arrive[0])
    width = float(np.clip(np.floor(2.0 * (arrive[-1] - origin) / n), 1.0, 60.0))
    ka = _bins(arrive, origin, width)
    size = int(ka[-1]) + 2
    kd = _bins(depart, origin, width)
    np.minimum(kd, size - 1, out=kd)  # the last bin (never an arrival's) takes all later ones
    return _Bins(origin, width, ka, kd, size)


def _infinite_occupancy(arrive: np.ndarray, depart: np.ndarray, capacity: int) -> np.ndarray:
    """Vehicles earlier than each arrival still parked at it (exact where ≥ capacity).

    Departures are counted per time bin (about two arrivals per bin); an arrival's value is
    first bounded from above by ignoring departures inside its own bin, and made exact only
    where that bound reaches capacity. Below capacity the value returned is an upper bound.
    """
    n = len(arrive)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    b = _binned(arrive, depart)
    gone = np.zeros(b.size + 1, dtype=np.int64)
    np.cumsum(np.bincount(b.kd, minlength=b.size), out=gone[1:])
    occ = np.arange(n)
    occ -= gone[b.ka]  # upper bound: departures in earlier bins only
    unsure = np.flatnonzero(occ >= capacity)
    if len(unsure):
        occ[unsure] -= _same_bin_departures(unsure, arrive, depart, b)
    return occ


def _same_bin_departures(unsure: np.ndarray, arrive: np.ndarray, depart: np.ndarray,
                         b: _Bins) -> np.ndarray:
    """Per arrival of ``unsure``: departures in its own bin up to it (the bound kept them)."""
    flag = np.zeros(b.size, dtype=bool)
    flag[b.ka[unsure]] = True  # never the last bin, so its departures are left out
    same = np.sort(depart[flag[b.kd]])
    a = arrive[unsure]
    return np.searchsorted(same, a, side="right") - np.searchsorted(
        same, b.ka[unsure] * b.width + b.origin, side="left")
