"""Demand against its specification: Poisson counts, profiles, inter-arrival times, durations.

Everything goes through the engine and the incidents frame (simulate → incidents_frame), so a
dropped, duplicated or mis-timed incident anywhere on the way would show. Goodness-of-fit
tests use fixed seeds and require p > 0.001 (docs/validation.md); with fresh seeds a correct
engine fails each such test one time in a thousand (rerun with SIM_VALIDATION_SEED_OFFSET=1,
2, ... to tell chance from a bug).
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.engine.world import simulate
from sim.metrics.records import incidents_frame
from sim.scenario.loader import scenario_from_dict
from sim.scenario.units import WEEKDAYS
from sim.theory import chi2_sf, poisson_dispersion_test
from tests.helpers.scenarios import ALWAYS_ON, arrivals_scenario, arrivals_scenario_dict

DAY = 1440.0
P_MIN = 0.001
SEED_OFFSET = int(os.environ.get("SIM_VALIDATION_SEED_OFFSET", "0"))

HOUR_PROFILE = [0.2, 0.1, 0.05, 0.05, 0.1, 0.3, 1.5, 2.0, 1.5, 1.0, 1.0, 1.2,
                1.2, 1.0, 1.0, 1.2, 1.6, 1.8, 2.0, 2.0, 1.6, 1.0, 0.6, 0.3]
DOW_PROFILE = [1.0, 1.0, 1.0, 1.0, 1.2, 1.6, 1.4]


def chi_square(
    observed: np.ndarray, expected: np.ndarray, df: int | None = None
) -> tuple[float, float]:
    """Pearson statistic and p-value; df = number of cells when the expected counts are fully
    specified (not scaled to the observed total)."""
    observed, expected = np.ravel(observed), np.ravel(expected)
    stat = float(((observed - expected) ** 2 / expected).sum())
    return stat, chi2_sf(stat, observed.size if df is None else df)


# --------------------------------------------------------------------------- profiles

PROFILE_DAYS = 140  # 20 weeks
START = "wed"  # not Monday, so a weekday offset error shows


@pytest.fixture(scope="module")
def profiled() -> tuple[pd.DataFrame, dict]:
    """Two zones (kind rate and a zone_rates override), hour and weekday profiles."""
    data = {
        "seed": 101 + SEED_OFFSET,
        "clock": {"days": PROFILE_DAYS, "start_weekday": START},
        "district": {"zones": [{"id": "R", "x_m": 0, "y_m": 0, "kind": "residential"},
                               {"id": "M", "x_m": 300, "y_m": 0, "kind": "market"}]},
        "incidents": {
            "demand": {
                "rate_per_day": {"residential": 20.0, "market": 5.0},
                "zone_rates": {"M": 12.0},  # replaces the market kind's 5
                "hour_profile": HOUR_PROFILE,
                "dow_profile": DOW_PROFILE,
                "self_clear": None,
                "complaint": {"probability": 0.0, "delay": 0},
                "ladder": [{"name": "remove", "duration": 5}],
            }
        },
        "detection": {"cameras": {"zones": []}, "complaints": False},
        "units": {"officer": {"count": 1, "shifts": ALWAYS_ON, "behaviour": {"kind": "standby"}}},
    }
    inc = incidents_frame(simulate(scenario_from_dict(data), 0))
    return inc, {"R": 20.0, "M": 12.0}


def _expected_per_day_hour(daily: float) -> np.ndarray:
    """Expected counts per (simulated day, hour of day) for one zone."""
    hour_w = np.array(HOUR_PROFILE) / sum(HOUR_PROFILE)
    dow_w = np.array(DOW_PROFILE) / np.mean(DOW_PROFILE)
    first = WEEKDAYS.index(START)
    day_w = dow_w[(first + np.arange(PROFILE_DAYS)) % 7]
    return daily * day_w[:, None] * hour_w[None, :]


def test_counts_per_hour_of_day_follow_the_hour_profile(profiled) -> None:
    inc, rates = profiled
    for zone, daily in rates.items():
        t = inc.loc[inc["zone"] == zone, "t_occur"].to_numpy()
        counts = np.bincount((t // 60 % 24).astype(int), minlength=24)
        expected = _expected_per_day_hour(daily).sum(axis=0)
        stat, p = chi_square(counts, expected)
        assert p > P_MIN, f"zone {zone}: chi2 = {stat:.1f} on 24 df, p = {p:.2g}"


def test_counts_per_weekday_follow_the_day_of_week_profile(profiled) -> None:
    inc, rates = profiled
    first = WEEKDAYS.index(START)
    for zone, daily in rates.items():
        t = inc.loc[inc["zone"] == zone, "t_occur"].to_numpy()
        weekday = ((t // DAY).astype(int) + first) % 7
        counts = np.bincount(weekday, minlength=7)
        per_day = _expected_per_day_hour(daily).sum(axis=1)
        expected = np.bincount((first + np.arange(PROFILE_DAYS)) % 7, weights=per_day, minlength=7)
        stat, p = chi_square(counts, expected)
        assert p > P_MIN, f"zone {zone}: chi2 = {stat:.1f} on 7 df, p = {p:.2g}"
        # Saturday (weight 1.6) is busier than every Monday-Thursday (weight 1.0)
        assert counts[WEEKDAYS.index("sat")] > counts[:4].max()


def test_counts_per_weekday_and_hour_cell_and_per_zone(profiled) -> None:
    inc, rates = profiled
    first = WEEKDAYS.index(START)
    counts = np.zeros((2, 7, 24))
    expected = np.zeros((2, 7, 24))
    for k, (zone, daily) in enumerate(rates.items()):
        t = inc.loc[inc["zone"] == zone, "t_occur"].to_numpy()
        weekday = ((t // DAY).astype(int) + first) % 7
        np.add.at(counts[k], (weekday, (t // 60 % 24).astype(int)), 1)
        per = _expected_per_day_hour(daily)
        for d in range(PROFILE_DAYS):
            expected[k, (first + d) % 7] += per[d]
    stat, p = chi_square(counts, expected)
    assert p > P_MIN, f"zone x weekday x hour: chi2 = {stat:.1f} on {counts.size} df, p = {p:.2g}"
    # the per-zone totals: the zone_rates override replaced the kind's rate
    stat, p = chi_square(counts.sum(axis=(1, 2)), expected.sum(axis=(1, 2)))
    assert p > P_MIN, f"per zone: chi2 = {stat:.1f} on 2 df, p = {p:.2g}"


def test_time_rescaled_arrivals_are_a_unit_poisson_process(profiled) -> None:
    # Time-rescaling theorem: with Lambda(t) the integrated intensity, Lambda(t_k) of a
    # non-homogeneous Poisson process are a unit-rate Poisson process; gaps ~ Exp(1).
    inc, rates = profiled
    for zone, daily in rates.items():
        t = np.sort(inc.loc[inc["zone"] == zone, "t_occur"].to_numpy())
        per_hour = _expected_per_day_hour(daily).ravel()  # intensity per clock hour
        cum = np.concatenate([[0.0], np.cumsum(per_hour)])
        hour = np.minimum((t // 60).astype(int), per_hour.size - 1)
        rescaled = cum[hour] + per_hour[hour] * (t - 60.0 * hour) / 60.0
        gaps = np.diff(np.concatenate([[0.0], rescaled]))
        ks = stats.kstest(gaps, "expon")
        assert ks.pvalue > P_MIN, f"zone {zone}: KS D = {ks.statistic:.4f}, p = {ks.pvalue:.2g}"


# --------------------------------------------------------------------------- flat profile

FLAT_RATE, FLAT_DAYS = 30.0, 300


@pytest.fixture(scope="module")
def flat() -> pd.DataFrame:
    scenario = arrivals_scenario(FLAT_RATE, FLAT_DAYS, seed=102 + SEED_OFFSET)
    return incidents_frame(simulate(scenario, 0))


def test_daily_counts_are_poisson_dispersed(flat: pd.DataFrame) -> None:
    counts = np.bincount((flat["t_occur"] // DAY).astype(int), minlength=FLAT_DAYS)
    stat, p = poisson_dispersion_test(counts, alternative="two-sided")
    assert p > P_MIN, (
        f"index of dispersion: D = {stat:.1f} on {FLAT_DAYS - 1} df "
        f"(variance/mean = {counts.var(ddof=1) / counts.mean():.3f}), p = {p:.2g}"
    )
    # and the level: total ~ Poisson(rate x days), within 3.3 sd (p ~ 0.001)
    total, mean = counts.sum(), FLAT_RATE * FLAT_DAYS
    assert abs(total - mean) < 3.3 * np.sqrt(mean), f"{total} incidents, expected {mean:.0f}"


def test_interarrival_times_are_exponential(flat: pd.DataFrame) -> None:
    t = np.sort(flat["t_occur"].to_numpy())
    gaps = np.diff(t)
    ks = stats.kstest(gaps, "expon", args=(0.0, DAY / FLAT_RATE))
    assert ks.pvalue > P_MIN, f"KS D = {ks.statistic:.4f}, p = {ks.pvalue:.2g}"
    # arrivals are spread inside each clock hour, not bunched at its start (the hour bins
    # are an implementation detail that must not show)
    minute = t % 60.0
    stat, p = chi_square(np.bincount((minute // 6).astype(int), minlength=10),
                         np.full(10, len(t) / 10), df=9)
    assert p > P_MIN, f"minute-of-hour: chi2 = {stat:.1f} on 9 df, p = {p:.2g}"


# --------------------------------------------------------------------------- durations

SELF_CLEAR = {
    "lognormal": {"kind": "lognormal", "mean": 90.0, "sd": 60.0},
    "exponential": {"kind": "exponential", "mean": 45.0},
}


def _scipy_dist(spec: dict):
    if spec["kind"] == "exponential":
        return stats.expon(scale=spec["mean"])
    sigma2 = np.log1p((spec["sd"] / spec["mean"]) ** 2)
    return stats.lognorm(s=np.sqrt(sigma2), scale=spec["mean"] * np.exp(-sigma2 / 2))


@pytest.mark.parametrize("kind", list(SELF_CLEAR))
def test_self_clearing_durations_follow_their_distribution(kind: str) -> None:
    # Nobody reports or sees anything (complaint probability 0, no cameras, the only
    # officer on standby out of sight), so every incident ends by itself.
    days = 30
    spec = SELF_CLEAR[kind]
    scenario = arrivals_scenario(300.0, days, self_clear=spec, seed=103 + SEED_OFFSET)
    inc = incidents_frame(simulate(scenario, 0))
    early = inc[inc["t_occur"] < (days - 2) * DAY]  # 2 days: far beyond any plausible draw
    assert (early["outcome"] == "self_cleared").all()
    assert (early["channel"] == "none").all() and early["t_detect"].isna().all()
    duration = (early["t_end"] - early["t_occur"]).to_numpy()
    dist = _scipy_dist(spec)
    ks = stats.kstest(duration, dist.cdf)
    assert ks.pvalue > P_MIN, f"{kind}: KS D = {ks.statistic:.4f}, p = {ks.pvalue:.2g}"
    # mean within the 99.9 % normal interval of the sample mean
    se = dist.std() / np.sqrt(len(duration))
    assert abs(duration.mean() - spec["mean"]) < 3.3 * se, (
        f"{kind}: mean {duration.mean():.2f} vs {spec['mean']} (se {se:.2f})"
    )
    # the late ones: still open at the horizon, or ended before it — never after
    late = inc[inc["t_occur"] >= (days - 2) * DAY]
    assert (late["t_end"].dropna() <= days * DAY).all()


def test_complaint_share_and_delay_follow_the_specification() -> None:
    days, prob = 40, 0.4
    delay = {"kind": "lognormal", "mean": 30.0, "sd": 20.0}
    data = arrivals_scenario_dict(40.0, days, seed=104 + SEED_OFFSET)
    data["incidents"]["demand"]["complaint"] = {"probability": prob, "delay": delay}
    data["detection"]["complaints"] = True
    inc = incidents_frame(simulate(scenario_from_dict(data), 0))
    early = inc[inc["t_occur"] < (days - 1) * DAY]
    complained = early["channel"] == "complaint"
    assert set(early["channel"]) == {"complaint", "none"}
    n, k = len(early), int(complained.sum())
    assert stats.binomtest(k, n, prob).pvalue > P_MIN, f"{k} of {n} complained, expected {prob}"
    lag = (early.loc[complained, "t_detect"] - early.loc[complained, "t_occur"]).to_numpy()
    ks = stats.kstest(lag, _scipy_dist(delay).cdf)
    assert ks.pvalue > P_MIN, f"complaint delay: KS D = {ks.statistic:.4f}, p = {ks.pvalue:.2g}"
