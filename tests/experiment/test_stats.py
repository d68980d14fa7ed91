"""Tests for sim.experiment.stats (scipy is used only as a reference here)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import signal
from scipy import stats as sps

from sim.experiment.stats import (
    batch_means_ci,
    mser5_truncation,
    paired_differences,
    precision_reached,
    replications_needed,
    summarise,
    t_confidence_interval,
    t_quantile,
)

# ----------------------------------------------------------------------- t quantile


@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_t_quantile_matches_scipy_df_1_to_200(level: float) -> None:
    p = 0.5 + level / 2
    for df in range(1, 201):
        assert t_quantile(p, df) == pytest.approx(sps.t.ppf(p, df), abs=1e-4)
        assert t_quantile(1 - p, df) == pytest.approx(sps.t.ppf(1 - p, df), abs=1e-4)


@pytest.mark.parametrize("p", [0.001, 0.2, 0.6, 0.999])
@pytest.mark.parametrize("df", [1.5, 7.3, 500, 5000])
def test_t_quantile_other_probabilities_and_fractional_df(p: float, df: float) -> None:
    assert t_quantile(p, df) == pytest.approx(sps.t.ppf(p, df), rel=1e-6, abs=1e-8)


def test_t_quantile_closed_forms() -> None:
    # df=1 is Cauchy; df=2 has t = (2p-1)/sqrt(2p(1-p)).
    for p in (0.8, 0.95, 0.995):
        assert t_quantile(p, 1) == pytest.approx(math.tan(math.pi * (p - 0.5)), rel=1e-9)
        assert t_quantile(p, 2) == pytest.approx(
            (2 * p - 1) / math.sqrt(2 * p * (1 - p)), rel=1e-9
        )
    assert t_quantile(0.5, 3) == 0.0


@pytest.mark.parametrize("p", [0.0, 1.0, -0.1])
def test_t_quantile_rejects_bad_p(p: float) -> None:
    with pytest.raises(ValueError):
        t_quantile(p, 5)


# -------------------------------------------------------------- t confidence interval


def test_t_ci_known_data() -> None:
    mean, lo, hi = t_confidence_interval([1, 2, 3, 4, 5])
    # sd of 1..5 is sqrt(2.5); t(0.975, 4) = 2.776445105...
    half = 2.7764451051977987 * math.sqrt(2.5) / math.sqrt(5)
    assert mean == 3.0
    assert lo == pytest.approx(3.0 - half, abs=1e-9)
    assert hi == pytest.approx(3.0 + half, abs=1e-9)
    assert half == pytest.approx(1.9632432, abs=1e-6)


def test_t_ci_ignores_nan_and_small_n() -> None:
    assert t_confidence_interval([1, np.nan, 2, 3, 4, 5]) == pytest.approx(
        t_confidence_interval([1, 2, 3, 4, 5])
    )
    mean, lo, hi = t_confidence_interval([7.0, np.nan])
    assert mean == 7.0 and math.isnan(lo) and math.isnan(hi)
    mean, lo, hi = t_confidence_interval([])
    assert math.isnan(mean) and math.isnan(lo) and math.isnan(hi)


def test_t_ci_level_90_narrower_than_99() -> None:
    data = [2.0, 4.0, 4.5, 7.0, 9.0, 1.0]
    _, lo90, hi90 = t_confidence_interval(data, 0.90)
    _, lo99, hi99 = t_confidence_interval(data, 0.99)
    assert lo99 < lo90 < hi90 < hi99
    with pytest.raises(ValueError):
        t_confidence_interval(data, 1.0)


def test_t_ci_coverage_normal_samples() -> None:
    rng = np.random.default_rng(12345)
    samples = rng.normal(5.0, 2.0, size=(2000, 10))
    hits = 0
    for row in samples:
        _, lo, hi = t_confidence_interval(row)
        hits += lo <= 5.0 <= hi
    # Binomial sd of coverage at 0.95 with 2000 trials is ~0.005.
    assert 0.93 <= hits / 2000 <= 0.97


# ------------------------------------------------------------------------ summarise


def _small_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "scenario": ["a", "a", "a", "b", "b", "b"],
            "replication": [0, 1, 2, 0, 1, 2],
            "seed": [11, 12, 13, 11, 12, 13],
            "wait": [1.0, 2.0, 3.0, 10.0, 10.0, np.nan],
            "cost": [4.0, 4.0, 4.0, 1.0, 3.0, 5.0],
            "label": ["x"] * 6,
        }
    )


def test_summarise_small_frame() -> None:
    out = summarise(_small_frame(), by=["scenario"])
    assert list(out.columns) == [
        "scenario", "kpi", "n", "mean", "sd", "ci_low", "ci_high", "half_width",
    ]
    # Default KPIs: numeric, not replication/seed; non-numeric 'label' excluded.
    assert list(zip(out["scenario"], out["kpi"])) == [
        ("a", "wait"), ("a", "cost"), ("b", "wait"), ("b", "cost"),
    ]
    row = out.set_index(["scenario", "kpi"])
    a_wait = row.loc[("a", "wait")]
    assert a_wait["n"] == 3 and a_wait["mean"] == 2.0 and a_wait["sd"] == pytest.approx(1.0)
    assert a_wait["half_width"] == pytest.approx(sps.t.ppf(0.975, 2) / math.sqrt(3))
    assert a_wait["ci_low"] == pytest.approx(2.0 - a_wait["half_width"])
    # NaN dropped: n=2, identical values -> zero-width interval.
    b_wait = row.loc[("b", "wait")]
    assert b_wait["n"] == 2 and b_wait["mean"] == 10.0 and b_wait["half_width"] == 0.0
    assert row.loc[("a", "cost"), "sd"] == 0.0
    assert row.loc[("b", "cost"), "sd"] == pytest.approx(2.0)


def test_summarise_explicit_kpis_and_multiple_by() -> None:
    frame = _small_frame().assign(city=["c1", "c2", "c1", "c2", "c1", "c2"])
    out = summarise(frame, by=["scenario", "city"], kpis=["cost"], level=0.9)
    assert len(out) == 4 and set(out["kpi"]) == {"cost"}
    b_c2 = out[(out["scenario"] == "b") & (out["city"] == "c2")].iloc[0]
    assert b_c2["n"] == 2 and b_c2["mean"] == 3.0
    assert b_c2["half_width"] == pytest.approx(sps.t.ppf(0.95, 1) * math.sqrt(8) / math.sqrt(2))
    overall = summarise(frame, by=[], kpis=["cost"])
    assert len(overall) == 1 and overall["n"].iloc[0] == 6


# ------------------------------------------------------------------ paired differences


def _paired_frame(seed: int = 7, n: int = 15) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    demand = rng.normal(100.0, 20.0, n)  # common random numbers: shared per replication
    rows = []
    for rep in range(n):
        rows.append(("base", rep, demand[rep], 50.0 + rng.normal(0, 1)))
        rows.append(("lower", rep, demand[rep] - 10.0 + rng.normal(0, 1), 50.0))
        rows.append(("same", rep, demand[rep] + rng.normal(0, 1), 50.0))
        rows.append(("higher", rep, demand[rep] + 10.0 + rng.normal(0, 1), 50.0))
    return pd.DataFrame(rows, columns=["scenario", "replication", "wait", "other"])


def test_paired_verdicts() -> None:
    out = paired_differences(_paired_frame(), kpis=["wait"])
    assert list(out.columns) == [
        "scenario", "baseline", "kpi", "n_pairs", "baseline_mean", "scenario_mean",
        "diff_mean", "diff_ci_low", "diff_ci_high", "rel_diff_pct", "rel_ci_low_pct",
        "rel_ci_high_pct", "verdict",
    ]
    res = out.set_index("scenario")
    assert list(res.index) == ["lower", "same", "higher"]
    assert (res["baseline"] == "base").all() and (res["n_pairs"] == 15).all()
    assert res.loc["lower", "verdict"] == "better"
    assert res.loc["same", "verdict"] == "no significant difference"
    assert res.loc["higher", "verdict"] == "worse"
    # Pairing removes the demand noise (sd 20): the CI is about +-0.6, not +-15.
    assert res.loc["lower", "diff_mean"] == pytest.approx(-10.0, abs=1.0)
    assert res.loc["lower", "diff_ci_high"] - res.loc["lower", "diff_ci_low"] < 2.0
    b = res.loc["lower", "baseline_mean"]
    assert res.loc["lower", "rel_diff_pct"] == pytest.approx(
        100 * res.loc["lower", "diff_mean"] / b
    )
    assert res.loc["lower", "rel_ci_low_pct"] == pytest.approx(
        100 * res.loc["lower", "diff_ci_low"] / b
    )
    assert res.loc["lower", "scenario_mean"] - b == pytest.approx(res.loc["lower", "diff_mean"])


def test_paired_direction_flip() -> None:
    out = paired_differences(_paired_frame(), kpis=["wait"], lower_is_better={"wait": False})
    res = out.set_index("scenario")["verdict"]
    assert res["lower"] == "worse" and res["higher"] == "better"
    assert res["same"] == "no significant difference"


def test_paired_uses_replication_not_row_order() -> None:
    frame = _paired_frame()
    ref = paired_differences(frame, kpis=["wait"])
    shuffled = frame.sample(frac=1.0, random_state=3)
    # Keep 'base' first so the default baseline is unchanged.
    shuffled = pd.concat([shuffled[shuffled.scenario == "base"],
                          shuffled[shuffled.scenario != "base"]])
    got = paired_differences(shuffled, kpis=["wait"]).set_index("scenario").loc[ref["scenario"]]
    np.testing.assert_allclose(got["diff_mean"], ref["diff_mean"].to_numpy())
    np.testing.assert_allclose(got["diff_ci_low"], ref["diff_ci_low"].to_numpy())
    assert list(got["verdict"]) == list(ref["verdict"])


def test_paired_only_common_replications_and_explicit_baseline() -> None:
    frame = pd.DataFrame(
        {
            "scenario": ["A"] * 4 + ["B"] * 3,
            "replication": [0, 1, 2, 3, 1, 2, 3],
            "seed": [9, 9, 9, 9, 9, 9, 9],
            "q": [100.0, 1.0, 2.0, 3.0, 2.0, 4.0, 5.0],
        }
    )
    out = paired_differences(frame)
    assert list(out["kpi"]) == ["q"]  # seed/replication not treated as KPIs
    row = out.iloc[0]
    # Replication 0 (outlier 100) is unpaired and excluded: diffs are 1, 2, 2.
    assert row["n_pairs"] == 3 and row["baseline_mean"] == 2.0
    assert row["diff_mean"] == pytest.approx(5 / 3)
    assert row["verdict"] == "worse"
    rev = paired_differences(frame, baseline="B").iloc[0]
    assert rev["scenario"] == "A" and rev["diff_mean"] == pytest.approx(-5 / 3)
    assert rev["verdict"] == "better"
    with pytest.raises(ValueError):
        paired_differences(frame, baseline="Z")
    with pytest.raises(ValueError):
        paired_differences(pd.concat([frame, frame.iloc[[0]]]))


def test_paired_zero_variance_difference() -> None:
    frame = pd.DataFrame(
        {"scenario": ["a"] * 3 + ["b"] * 3, "replication": [0, 1, 2] * 2,
         "x": [5.0, 6.0, 7.0, 5.0, 6.0, 7.0], "y": [5.0, 6.0, 7.0, 4.0, 5.0, 6.0]}
    )
    res = paired_differences(frame).set_index("kpi")
    assert res.loc["x", "verdict"] == "no significant difference"  # identical
    assert res.loc["y", "verdict"] == "better"  # exactly 1 lower every replication
    assert res.loc["y", "rel_diff_pct"] == pytest.approx(-100 / 6)


# ------------------------------------------------------------------------- MSER-5


def test_mser5_detects_initial_transient() -> None:
    for seed in range(20):
        rng = np.random.default_rng(seed)
        series = np.r_[np.full(200, 10.0), rng.normal(0.0, 1.0, 1800)]
        trunc = mser5_truncation(series)
        # Truncating fewer than 200 keeps a value 10 sd away, so never < 200;
        # noise may push it a few batches past the step.
        assert 200 <= trunc <= 300, (seed, trunc)


def test_mser5_stationary_noise_truncates_little() -> None:
    truncs = [mser5_truncation(np.random.default_rng(s).normal(3.0, 1.0, 2000))
              for s in range(20)]
    assert max(truncs) <= 150  # < 7.5 % of the run
    assert np.median(truncs) <= 25


def test_mser5_short_series_and_nan() -> None:
    assert mser5_truncation(np.arange(12.0)) == 0
    assert mser5_truncation(np.ones(100)) == 0
    with pytest.raises(ValueError):
        mser5_truncation([1.0, np.nan] * 20)


# ------------------------------------------------------------------------ batch means


def _ar1(rng: np.random.Generator, trials: int, n: int, phi: float, mu: float) -> np.ndarray:
    """Stationary AR(1) paths, one per row."""
    eps = rng.normal(0.0, 1.0, (trials, n))
    x0 = rng.normal(0.0, 1.0 / math.sqrt(1 - phi * phi), trials)
    zi = (phi * x0)[:, None]
    paths, _ = signal.lfilter([1.0], [1.0, -phi], eps, axis=1, zi=zi)
    return paths + mu


def test_batch_means_ci_coverage_ar1() -> None:
    rng = np.random.default_rng(2024)
    mu, phi = 4.0, 0.8
    paths = _ar1(rng, trials=200, n=20 * 1000, phi=phi, mu=mu)
    bm_hits = naive_hits = 0
    for path in paths:
        _, lo, hi = batch_means_ci(path, n_batches=20)
        bm_hits += lo <= mu <= hi
        _, lo, hi = t_confidence_interval(path)
        naive_hits += lo <= mu <= hi
    # Nominal 0.95; binomial sd ~0.015 with 200 trials.
    assert 0.85 <= bm_hits / 200 <= 1.0
    # The i.i.d. interval ignores autocorrelation (variance factor 9) and under-covers.
    assert naive_hits / 200 < 0.7


def test_batch_means_ci_arithmetic() -> None:
    series = np.r_[np.full(10, 1.0), np.full(10, 3.0), 99.0]  # trailing remainder dropped
    mean, lo, hi = batch_means_ci(series, n_batches=2)
    assert mean == 2.0
    # Batch means 1 and 3: sd = sqrt(2), n = 2.
    half = sps.t.ppf(0.975, 1) * math.sqrt(2) / math.sqrt(2)
    assert (lo, hi) == pytest.approx((2.0 - half, 2.0 + half))
    with pytest.raises(ValueError):
        batch_means_ci(np.ones(5), n_batches=10)


# ---------------------------------------------------------------- replications needed


def test_replications_needed_constructed() -> None:
    values = [90.0, 100.0, 110.0, 95.0, 105.0]
    # sd = sqrt(62.5); half = t(0.975,4) * sd / sqrt(5)
    half = sps.t.ppf(0.975, 4) * math.sqrt(62.5) / math.sqrt(5)
    expected = math.ceil(5 * (half / (0.05 * 100.0)) ** 2)
    assert replications_needed(values, 0.05) == expected
    assert expected == 20  # by hand: half ~9.8163, 5 * (9.8163 / 5)^2 = 19.27 -> 20
    assert replications_needed(values, 0.5) == 5  # already precise: at least n
    assert replications_needed([3.0, 3.0, 3.0]) == 3
    assert replications_needed([1.0]) == 2
    with pytest.raises(ValueError):
        replications_needed([-1.0, 1.0])


def test_precision_reached() -> None:
    values = [90.0, 100.0, 110.0, 95.0, 105.0]
    half = sps.t.ppf(0.975, 4) * math.sqrt(62.5) / math.sqrt(5)  # ~9.82, i.e. 9.8 % of mean
    assert precision_reached(values, rel_precision=0.10)
    assert not precision_reached(values, rel_precision=0.09)
    assert half / 100 == pytest.approx(0.0982, abs=1e-3)
    assert not precision_reached([5.0], 0.5)
    assert precision_reached([0.0, 0.0, np.nan], 0.01)
    assert not precision_reached([-1.0, 1.0], 0.5)
