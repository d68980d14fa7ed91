"""The calibration's statistics: p-values against scipy, AIC choice, shrinkage weights."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sim.calibrate.detection import kernel, unfold
from sim.calibrate.gof import chi2_sf, ks_exponential
from sim.calibrate.handling import fit_duration
from sim.calibrate.shrink import gamma_quantile, shrink


@pytest.mark.parametrize("stat,df", [(0.5, 5), (3.0, 2), (30.0, 20), (200.0, 138), (12.0, 1)])
def test_chi2_sf_matches_scipy(stat: float, df: int) -> None:
    assert chi2_sf(stat, df) == pytest.approx(stats.chi2.sf(stat, df), rel=1e-9)


def test_ks_matches_scipy() -> None:
    rng = np.random.default_rng(3)
    for scale in (1.0, 1.3):
        x = rng.exponential(scale, 400)
        d, p = ks_exponential(x)
        ref = stats.kstest(x, "expon")
        assert d == pytest.approx(ref.statistic, rel=1e-12)
        assert p == pytest.approx(ref.pvalue, abs=0.01)


def test_gamma_quantile_close_to_scipy() -> None:
    for shape in (5, 30, 300):
        for z, q in ((-1.959964, 0.025), (1.959964, 0.975)):
            exact = stats.gamma.ppf(q, shape, scale=1 / 2.0)
            assert float(gamma_quantile(np.array(shape), np.array(2.0), z)) == pytest.approx(
                exact, rel=0.01)


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
