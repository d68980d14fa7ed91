"""The calibration's statistics: chi-square cells, KS, intervals, AIC choice, shrinkage."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sim.calibrate.detection import kernel, unfold
from sim.calibrate.gof import chi_square, ks_exponential
from sim.calibrate.handling import fit_duration
from sim.calibrate.shrink import gamma_quantile, poisson_interval, shrink


def test_chi_square_merges_small_cells() -> None:
    """Cells expecting fewer than 5 are merged in order; the statistic and degrees of freedom
    are those of the merged table."""
    stat, df, p = chi_square(np.array([1, 2, 10, 3, 6]), np.array([2.0, 2.0, 10.0, 4.0, 5.0]))
    # merged in order until each expects ≥ 5: [1+2+10, 3+6] against [2+2+10, 4+5]
    assert (stat, df) == pytest.approx(((13 - 14) ** 2 / 14 + 0.0, 1))
    assert p == pytest.approx(stats.chi2.sf(stat, 1))


def test_ks_exponential_separates_rates() -> None:
    rng = np.random.default_rng(3)
    assert ks_exponential(rng.exponential(1.0, 400))[1] > 0.05
    assert ks_exponential(rng.exponential(1.5, 400))[1] < 0.001


def test_gamma_quantile_is_garwood() -> None:
    low, high = poisson_interval(10)
    assert (low, high) == pytest.approx((stats.chi2.ppf(0.025, 20) / 2,
                                         stats.chi2.ppf(0.975, 22) / 2), rel=1e-6)
    assert float(gamma_quantile(np.array(30), np.array(2.0), 1.959964)) == pytest.approx(
        stats.gamma.ppf(0.975, 30, scale=0.5), rel=1e-6)


def test_aic_picks_the_generating_kind() -> None:
    """5 000 draws of each kind: the AIC choice is that kind (catches a wrong likelihood)."""
    rng = np.random.default_rng(11)
    mu, sigma = np.log(20), 0.8
    samples = {
        "lognormal": rng.lognormal(mu, sigma, 5000),
        "exponential": rng.exponential(15.0, 5000),
        "uniform": rng.uniform(5, 25, 5000),
        "triangular": rng.triangular(5, 10, 40, 5000),
    }
    for kind, x in samples.items():
        assert fit_duration(x).spec["kind"] == kind
    assert fit_duration(np.arange(5.0)) is None


def test_shrinkage_pools_equal_zones_and_keeps_different_ones() -> None:
    rng = np.random.default_rng(5)
    exposure = np.full(20, 28.0)
    groups = np.array(["a"] * 10 + ["b"] * 10)
    equal = rng.poisson(2.0 * 28, 20).astype(float)  # same rate everywhere
    fit = shrink(equal, exposure, groups)
    assert np.all(fit.weight[:10] < 0.3)  # mostly pooled
    assert fit.rate[:10].std() < (equal[:10] / 28).std()
    spread = np.concatenate([rng.poisson(np.linspace(0.5, 8, 10) * 28), equal[10:]]).astype(float)
    fit = shrink(spread, exposure, groups)
    assert np.all(fit.weight[:10] > 0.9)  # real differences are kept
    np.testing.assert_allclose(fit.rate[:10], spread[:10] / 28, atol=0.15)
    single = shrink(np.array([5.0]), np.array([28.0]), np.array(["c"]))
    assert single.weight[0] == 1.0 and single.rate[0] == pytest.approx(5 / 28)


def test_unfold_recovers_a_delayed_profile() -> None:
    """Occurrences in bin i are recorded in bin i+1 (half of them) or i+2: unfolding the
    expected record counts gives back the occurrence shares."""
    size = 6
    truth = np.array([0.1, 0.3, 0.2, 0.25, 0.1, 0.05])
    k = np.zeros((size, size))
    for i in range(size):
        k[i, (i + 1) % size] += 0.5
        k[i, (i + 2) % size] += 0.4  # 10 % never recorded
    p = unfold(truth @ k * 1000, k, np.ones(size), iterations=2000)
    np.testing.assert_allclose(p, truth, atol=0.01)
    occ = np.array([0, 0, 1, 1])
    assert kernel(occ, np.array([0, 1]), np.array([1, 1]), 2).tolist() == [[0, 0.5], [0, 0.5]]


def test_backcast_compare_verdicts_and_missing_columns() -> None:
    """A log value outside the prediction interval is flagged; a column the log lacks
    (no channel, no closing times) is not comparable rather than 'log lower'; a type a
    replication lacks counts as 0 cases per day there."""
    import pandas as pd

    from sim.calibrate.backcast import Cases, compare, measures

    def cases(types, channels, close):
        return Cases(pd.DataFrame({"type": types, "channel": channels,
                                   "t_report": [60.0] * len(types),
                                   "t_arrive": [70.0] * len(types), "t_close": close}), 1)

    sims = [measures(cases(["a"] * n + ["b"], ["patrol"] * (n + 1), [80.0] * (n + 1)),
                     {"a": 30.0}) for n in (9, 10, 11, 10, 9, 11)]
    sims.append(measures(cases(["a"] * 10, ["patrol"] * 10, [80.0] * 10), {"a": 30.0}))
    log = measures(cases(["a"] * 30, [""] * 30, [np.nan] * 30), {"a": 30.0})
    table = compare(log, sims).set_index(["measure", "group"])
    assert table.loc[("cases per day", "type a"), "verdict"] == "log higher"
    assert table.loc[("cases per day", "type b"), "log"] == 0.0  # none in the log: 0, known
    assert table.loc[("cases per day", "channel patrol"), "verdict"] == "not comparable"
    assert table.loc[("closed on time", "type a"), "verdict"] == "not comparable"
    assert table.loc[("cases per day", "type b"), "sim_mean"] == pytest.approx(6 / 7)
    same = compare(sims[0], sims).set_index(["measure", "group"])
    assert same.loc[("cases per day", "type a"), "verdict"] == "agrees"
