"""Tests for sim.strategy.staggered (staggered-peak shift start planner)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.strategy.staggered import coverage_by_hour, group_starts, propose_staggered_starts

PEAK_HOURS = [7, 8, 17, 18, 19, 20]


def _peaked_load() -> list[float]:
    load = [1.0] * 24
    for h in PEAK_HOURS:
        load[h] = 10.0
    return load


def _sq_dev(load: list[float], officers: int, shift_hours: float, starts: list[str]) -> float:
    arr = np.asarray(load)
    target = officers * shift_hours * arr / arr.sum()
    cov = np.asarray(coverage_by_hour(starts, shift_hours))
    return float(((target - cov) ** 2).sum())


def test_flat_load_gives_flat_coverage() -> None:
    starts = propose_staggered_starts([1.0] * 24, officers=24, shift_hours=8)
    assert len(starts) == 24
    assert starts == sorted(starts)
    cov = coverage_by_hour(starts, 8)
    assert max(cov) - min(cov) <= 1.0
    assert len(group_starts(starts)) >= 3  # spread over the day, not one block


@pytest.mark.parametrize("officers", [3, 10, 24, 40])
def test_peaked_load_beats_uniform_day_shift(officers: int) -> None:
    load = _peaked_load()
    starts = propose_staggered_starts(load, officers=officers, shift_hours=8)
    day = ["08:00"] * officers
    cov = np.asarray(coverage_by_hour(starts, 8))
    day_cov = np.asarray(coverage_by_hour(day, 8))
    assert cov[PEAK_HOURS].sum() > day_cov[PEAK_HOURS].sum()
    assert _sq_dev(load, officers, 8, starts) < _sq_dev(load, officers, 8, day)


@pytest.mark.parametrize(
    ("starts", "hours"),
    [(["08:00"] * 5, 8), (["07:30", "19:00", "23:30"], 6), (["00:00"], 24), (["13:15"], 2.5)],
)
def test_coverage_sums_to_officer_hours(starts: list[str], hours: float) -> None:
    assert sum(coverage_by_hour(starts, hours)) == pytest.approx(len(starts) * hours)


def test_proposal_coverage_sums_to_officer_hours() -> None:
    starts = propose_staggered_starts(_peaked_load(), officers=17, shift_hours=7.5)
    assert sum(coverage_by_hour(starts, 7.5)) == pytest.approx(17 * 7.5)


def test_wrap_across_midnight() -> None:
    cov = coverage_by_hour(["22:00"], 4)
    expected = [0.0] * 24
    for h in (22, 23, 0, 1):
        expected[h] = 1.0
    assert cov == pytest.approx(expected)
    cov = coverage_by_hour(["19:00"], 6)
    assert [h for h in range(24) if cov[h] > 0] == [0, 19, 20, 21, 22, 23]


def test_half_hour_start_gives_partial_hours() -> None:
    cov = coverage_by_hour(["07:30"], 2)
    assert cov[7] == pytest.approx(0.5)
    assert cov[8] == pytest.approx(1.0)
    assert cov[9] == pytest.approx(0.5)


def test_night_load_wraps() -> None:
    load = [0.0] * 24
    for h in (22, 23, 0, 1):
        load[h] = 1.0
    starts = propose_staggered_starts(load, officers=4, shift_hours=4)
    assert starts == ["22:00"] * 4


def test_earliest_latest_window() -> None:
    load = [0.0] * 24
    load[3] = 1.0  # peak at 03:00 but starts restricted to 06:00-20:00
    starts = propose_staggered_starts(load, 5, 8, earliest="06:00", latest="20:00")
    assert all("06:00" <= s <= "20:00" for s in starts)
    # a window wrapping midnight is allowed
    starts = propose_staggered_starts(load, 5, 2, earliest="22:00", latest="04:00")
    assert all(s >= "22:00" or s <= "04:00" for s in starts)
    assert coverage_by_hour(starts, 2)[3] == pytest.approx(5.0)


def test_granularity_on_grid() -> None:
    starts = propose_staggered_starts(_peaked_load(), 12, 8, granularity_min=60)
    assert all(s.endswith(":00") for s in starts)
    starts = propose_staggered_starts(_peaked_load(), 12, 8, granularity_min=15)
    assert all(int(s[3:]) % 15 == 0 for s in starts)


def test_deterministic() -> None:
    load = _peaked_load()
    assert propose_staggered_starts(load, 9, 8) == propose_staggered_starts(load, 9, 8)


def test_group_starts() -> None:
    assert group_starts(["19:00", "07:00", "7:00", "19:00", "23:30"]) == [
        ("07:00", 2),
        ("19:00", 2),
        ("23:30", 1),
    ]
    assert group_starts([]) == []


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"load": [1.0] * 23}, "24"),
        ({"load": [1.0] * 23 + [-1.0]}, "non-negative"),
        ({"load": [0.0] * 24}, "all-zero"),
        ({"load": [1.0] * 23 + [float("nan")]}, "finite"),
        ({"officers": 0}, "officers"),
        ({"shift_hours": 0}, "shift_hours"),
        ({"shift_hours": 25}, "shift_hours"),
        ({"shift_hours": -3}, "shift_hours"),
        ({"granularity_min": 7}, "granularity"),
        ({"granularity_min": 0}, "granularity"),
        ({"earliest": "25:00"}, "HH:MM"),
        ({"earliest": "07:10", "latest": "07:20"}, "no start times"),
    ],
)
def test_invalid_inputs(kwargs: dict, match: str) -> None:
    args = {"load": [1.0] * 24, "officers": 4, "shift_hours": 8.0} | kwargs
    with pytest.raises(ValueError, match=match):
        propose_staggered_starts(**args)


def test_non_integer_counts_raise_type_error() -> None:
    with pytest.raises(TypeError, match="officers"):
        propose_staggered_starts([1.0] * 24, 2.5, 8)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="granularity"):
        propose_staggered_starts([1.0] * 24, 2, 8, granularity_min=30.0)  # type: ignore[arg-type]


def test_coverage_invalid_inputs() -> None:
    with pytest.raises(ValueError, match="shift_hours"):
        coverage_by_hour(["08:00"], 0)
    with pytest.raises(ValueError, match="HH:MM"):
        coverage_by_hour(["8am"], 8)
