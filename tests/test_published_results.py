"""Published results the model must reproduce (issue 17, item 7; docs/validation.md).

WDD (Wheeler & Ratcliffe 2018), the square-root law of nearest-unit distance (Larson &
Odoni; Kolesar & Blum 1973), the Koper (1995) curve of residual deterrence and the
Sherman & Weisburd (1995) hot-spots dosage. Fixed seeds, stated tolerances.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.metrics.displacement import displacement_table, neighbours, wdd, wdd_shared

# ----------------------------------------------------------------------------- WDD
# The paper's worked example, in the order of the authors' R package test
# (ptools::wdd(control, treated, disp_control, disp_treated)): control 308 → 318,
# treated 207 → 110, displacement control 150 → 140, displacement area 178 → 157.
PAPER = {"treated": (207, 110), "control": (308, 318), "disp": (178, 157),
         "disp_control": (150, 140)}


def test_wdd_reproduces_the_papers_worked_example() -> None:
    res = wdd(**PAPER)
    assert res.total == -118
    assert res.local == -107 and res.displacement == -11
    assert res.se == pytest.approx(math.sqrt(1568)) and round(res.se, 1) == 39.6
    assert round(res.z(), 2) == -2.98
    lo, hi = res.ci()
    assert (round(lo), round(hi)) == (-196, -40)


def test_wdd_area_weights_match_the_authors_package() -> None:
    """ptools' test with area weights (control, treated, disp control, disp) 0.9, 1.2, 1.6, 1.5."""
    res = wdd(**PAPER, weights=(1.2, 0.9, 1.5, 1.6))
    assert res.total == pytest.approx(-99.69444444, abs=1e-6)
    assert res.se == pytest.approx(35.4280755, abs=1e-6)


def test_shared_control_is_the_four_area_test_with_the_control_counted_twice() -> None:
    """One control of 4 zones for a target of 1 and neighbours of 2: each term compares with
    the control scaled to its size; the control's variance enters with (1/4 + 2/4)²."""
    res = wdd_shared((20, 10), (30, 36), (80, 72), 1, 2, 4)
    assert res.local == pytest.approx(-10 - (-8) / 4)
    assert res.displacement == pytest.approx(6 - 2 * (-8) / 4)
    assert res.se == pytest.approx(math.sqrt(30 + 66 + 0.75**2 * 152))


def test_neighbours_are_the_eight_adjacent_cells() -> None:
    xy = np.array([(x * 250.0, y * 250.0) for y in range(4) for x in range(4)])
    assert neighbours(xy, [5]) == [0, 1, 2, 4, 6, 8, 9, 10]
    assert neighbours(xy, [0]) == [1, 4, 5]


def _zones(counts: dict[str, dict[str, list[int]]], presence: dict[str, dict[str, float]]):
    xy = {"A": 0, "B": 1, "C": 2, "D": 3, "E": 4}
    rows = [{"scenario": s, "replication": r, "zone": z, "x_m": xy[z] * 250.0, "y_m": 0.0,
             "presence_min": presence[s][z], "incidents": n}
            for s, by_zone in counts.items() for z, reps in by_zone.items()
            for r, n in enumerate(reps)]
    return pd.DataFrame(rows)


def test_displacement_table_finds_target_neighbours_and_control() -> None:
    """Five zones on a line; the strategy doubles presence in A: target A, neighbour B,
    control C-E. Target 10 → 5 per run, neighbour unchanged, control unchanged: WDD −5."""
    base = {"A": [10, 10], "B": [8, 8], "C": [6, 6], "D": [6, 6], "E": [6, 6]}
    post = {"A": [5, 5], "B": [8, 8], "C": [6, 6], "D": [6, 6], "E": [6, 6]}
    presence = {"base": dict.fromkeys("ABCDE", 100.0),
                "post": {**dict.fromkeys("ABCDE", 90.0), "A": 200.0}}
    table = displacement_table(_zones({"base": base, "post": post}, presence), ["base", "post"])
    row = table.iloc[0]
    assert row["target_zones"] == "A" and row["neighbour_zones"] == 1
    assert row["control_zones"] == 3
    assert row["wdd"] == pytest.approx(-5) and row["displacement"] == pytest.approx(0)
    assert row["se_poisson"] == pytest.approx(math.sqrt(30 + 32 + (2 / 3) ** 2 * 72) / 2)
