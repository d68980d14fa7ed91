"""Where officers walk and how long it takes (sim.engine.movement's inputs, in isolation).

``movement.walk`` sends an officer through the zones of ``ZoneFacts.path(a, b)``: without a
street network these are ``sim.strategy.geometry.paths_from`` (an L-shaped route, x first,
each sample point given to the nearest zone centre), and the trip lasts the layout's travel
time (``sim.compiled.travel_matrix``: Manhattan distance × detour ÷ speed). The engine's use
of both is checked on hand-traced runs (test_hand_traces.py); here the paths and times alone.

Power (checked by injection): a straight route instead of the L (``_legs_to_all`` sampling
``p → q``) fails the grid test, and so does routing y first; ``travel_matrix`` with Euclidean instead of
Manhattan distance fails ``test_travel_minutes_are_manhattan_metres_at_the_speed``.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.compiled import travel_matrix
from sim.strategy.geometry import pass_through, path_step, paths_from

SIDE = 250.0


def grid(columns: int, rows: int) -> np.ndarray:
    """Zone centres of a columns × rows grid of SIDE-metre cells, row by row from (0, 0)."""
    return np.array([[c * SIDE, r * SIDE] for r in range(rows) for c in range(columns)])


def cell(xy: np.ndarray, zone: int) -> tuple[int, int]:
    return int(round(xy[zone, 0] / SIDE)), int(round(xy[zone, 1] / SIDE))


def test_a_path_on_a_grid_goes_along_x_then_y_one_cell_at_a_time() -> None:
    xy = grid(5, 4)
    for a in range(len(xy)):
        paths = paths_from(xy, a, path_step(xy))
        for b, path in enumerate(paths):
            (ax, ay), (bx, by) = cell(xy, a), cell(xy, b)
            if a == b:
                assert path == [b]
                continue
            expected = [(x, ay) for x in _steps(ax, bx)] + [(bx, y) for y in _steps(ay, by)]
            assert [cell(xy, z) for z in path] == expected, (a, b)


def _steps(start: int, end: int) -> list[int]:
    """The cells after ``start`` up to ``end`` along one axis."""
    sign = 1 if end >= start else -1
    return list(range(start + sign, end + sign, sign))


@pytest.mark.parametrize("seed", range(3))
def test_paths_from_one_zone_are_the_pass_through_paths(seed: int) -> None:
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 2000, (25, 2))  # an irregular district
    step = path_step(xy)
    for a in range(0, 25, 4):
        paths = paths_from(xy, a, step)
        assert paths == [pass_through(xy, a, b, step) for b in range(25)]
        for b, path in enumerate(paths):
            assert path[-1] == b and (a == b or a not in path)
            assert all(p != q for p, q in zip(path, path[1:]))  # no zone twice in a row


def test_travel_minutes_are_manhattan_metres_at_the_speed() -> None:
    xy = np.array([[0.0, 0.0], [300.0, 400.0], [300.0, 0.0]])
    minutes = travel_matrix(xy, speed_kmh=6.0, detour=1.25, intra_m=150.0)
    per_minute = 6000.0 / 60.0
    assert minutes[0, 1] == pytest.approx(700 * 1.25 / per_minute)
    assert minutes[1, 2] == pytest.approx(400 * 1.25 / per_minute)
    assert np.allclose(minutes, minutes.T)
    assert np.allclose(np.diag(minutes), 150.0 / per_minute)  # within a zone: intra_m
