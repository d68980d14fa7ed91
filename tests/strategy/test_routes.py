"""Tests for sim.strategy.routes (nearest-neighbour + 2-opt patrol tours)."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.strategy.routes import build_tour, nearest_neighbour_tour, tour_length, two_opt

coord = st.floats(min_value=-5000.0, max_value=5000.0, allow_nan=False, allow_infinity=False)
point_sets = st.lists(st.tuples(coord, coord), min_size=3, max_size=12)


def _circle(n: int, radius: float = 1000.0) -> list[tuple[float, float]]:
    return [
        (radius * math.cos(2 * math.pi * k / n), radius * math.sin(2 * math.pi * k / n))
        for k in range(n)
    ]


def _is_cyclic_rotation_or_reverse(order: list[int], expected: list[int]) -> bool:
    n = len(expected)
    rotations = [expected[i:] + expected[:i] for i in range(n)]
    rev = expected[::-1]
    rotations += [rev[i:] + rev[:i] for i in range(n)]
    return order in rotations


def test_tour_is_permutation_starting_at_start() -> None:
    rng = random.Random(1)
    pts = [(rng.uniform(0, 1000), rng.uniform(0, 1000)) for _ in range(20)]
    for start in (0, 7, 19):
        order = build_tour(pts, start=start)
        assert sorted(order) == list(range(len(pts)))
        assert order[0] == start


@pytest.mark.parametrize("n", [5, 8, 13, 30])
def test_shuffled_circle_gives_circle_order(n: int) -> None:
    pts = _circle(n)
    perm = list(range(n))
    random.Random(n).shuffle(perm)
    shuffled = [pts[i] for i in perm]  # shuffled[j] is circle point perm[j]
    order = build_tour(shuffled)
    circle_positions = [perm[j] for j in order]
    assert _is_cyclic_rotation_or_reverse(circle_positions, list(range(n)))
    side = 2 * 1000.0 * math.sin(math.pi / n)
    assert tour_length(shuffled, order) == pytest.approx(n * side, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(point_sets)
def test_two_opt_never_longer_than_nearest_neighbour(pts: list[tuple[float, float]]) -> None:
    nn = nearest_neighbour_tour(pts)
    tour = build_tour(pts)
    assert sorted(tour) == list(range(len(pts)))
    assert tour[0] == 0
    assert tour_length(pts, tour) <= tour_length(pts, nn) + 1e-9


def test_deterministic() -> None:
    rng = random.Random(7)
    pts = [(rng.uniform(0, 100), rng.uniform(0, 100)) for _ in range(25)]
    assert build_tour(pts, 3) == build_tour(pts, 3)


def test_ties_broken_by_lower_index() -> None:
    # from the origin, points 1 and 2 are equidistant: NN must pick index 1 first
    pts = [(0.0, 0.0), (1.0, 0.0), (-1.0, 0.0)]
    assert nearest_neighbour_tour(pts) == [0, 1, 2]
    # duplicate points: still a valid permutation, zero-length tour
    dup = [(5.0, 5.0)] * 4
    assert build_tour(dup) == [0, 1, 2, 3]
    assert tour_length(dup, [0, 1, 2, 3]) == 0.0


def test_single_and_two_points() -> None:
    assert build_tour([(3.0, 4.0)]) == [0]
    assert tour_length([(3.0, 4.0)], [0]) == 0.0
    pts = [(0.0, 0.0), (3.0, 4.0)]
    assert build_tour(pts) == [0, 1]
    assert build_tour(pts, start=1) == [1, 0]
    assert tour_length(pts, [0, 1]) == pytest.approx(10.0)
    assert tour_length(pts, [0, 1], closed=False) == pytest.approx(5.0)


def test_empty_points() -> None:
    assert build_tour([]) == []
    assert tour_length([], []) == 0.0


def test_open_vs_closed_length() -> None:
    pts = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]
    assert tour_length(pts, [0, 1, 2, 3]) == pytest.approx(4.0)
    assert tour_length(pts, [0, 1, 2, 3], closed=False) == pytest.approx(3.0)


def test_two_opt_removes_crossing() -> None:
    pts = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]
    assert tour_length(pts, two_opt(pts, [0, 2, 1, 3])) == pytest.approx(4.0)


def test_invalid_inputs() -> None:
    with pytest.raises(ValueError, match="start"):
        build_tour([(0.0, 0.0), (1.0, 1.0)], start=2)
    with pytest.raises(ValueError, match="start"):
        build_tour([(0.0, 0.0)], start=-1)
    with pytest.raises(ValueError, match="pairs"):
        build_tour([(0.0, 0.0, 0.0)])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="finite"):
        build_tour([(0.0, float("nan"))])
    with pytest.raises(ValueError, match="permutation"):
        two_opt([(0.0, 0.0), (1.0, 1.0)], [0, 0])
