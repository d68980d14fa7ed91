"""Interval arithmetic: the per-hour count of times before each boundary equals a binary search.

Power checked by injecting bugs (each made the test fail, then reverted): in
``boundaries_up_to``, no special case for times just before a grid starting at 0 (their
quotient rounds to −0), or no correction of the estimates on a grid starting before 0; a time
on a boundary counted before it (``side="right"``: the counts' cumulative sum shifted by one).
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.metrics.intervals import count_before, hour_grid


@pytest.mark.parametrize("t0, t1", [(0.0, 525600.0), (4337.5, 14400.0), (59.999, 60.001),
                                    (1e7, 1e7 + 5000.3), (-7000.25, 3000.0)])
def test_count_before_is_searchsorted(t0: float, t1: float) -> None:
    # Times on, just below and just above every boundary, before the first and after the
    # last, plus random ones; every branch (counting per hour from a grid starting at 0 or
    # later, or before 0, and the binary search for many times per boundary).
    grid, _ = hour_grid(t0, t1)
    edges = [grid, np.nextafter(grid, -np.inf), np.nextafter(grid, np.inf), [t0, t1],
             [grid[0] - 30.0, grid[-1] + 30.0]]
    rng = np.random.default_rng(1)
    for n in (0, 1, 100, 20 * len(grid)):
        t = np.sort(np.concatenate([*edges, rng.uniform(t0, t1, n)]))
        np.testing.assert_array_equal(count_before(t, grid), np.searchsorted(t, grid))
