"""Tests for sim.theory: textbook queueing values, conservation laws, hypercube model."""

from __future__ import annotations

import heapq
import itertools
from collections import deque

import numpy as np
import pytest
from scipy import linalg, stats

from sim.theory import (
    chi2_sf,
    cobham_priority_waits,
    erlang_c,
    hypercube_fcfs,
    mmc_metrics,
    poisson_dispersion_test,
)

# ---------------------------------------------------------------- M/M/c


@pytest.mark.parametrize(
    ("lam", "mu", "c", "p_wait", "wq"),
    [
        # M/M/2, a=1: B1=1/2, B2=(1/2)/(2+1/2)=1/5, C=(1/5)/(1-(1/2)(4/5))=1/3, Wq=C/(2-1)=1/3
        (1.0, 1.0, 2, 1 / 3, 1 / 3),
        # M/M/1, rho=1/2: C=rho=1/2, Wq=rho/(mu-lam)=1
        (0.5, 1.0, 1, 0.5, 1.0),
        # M/M/3, a=2: B1=2/3, B2=2/5, B3=4/19, C=(4/19)/(1-(2/3)(15/19))=4/9, Wq=(4/9)/(3-2)
        (2.0, 1.0, 3, 4 / 9, 4 / 9),
        # M/M/2, lam=3, mu=2 (a=3/2, rho=3/4): B1=3/5, B2=9/29, C=(9/29)/(14/29)=9/14, Wq=C/(4-3)
        (3.0, 2.0, 2, 9 / 14, 9 / 14),
    ],
)
def test_mmc_textbook_values(lam: float, mu: float, c: int, p_wait: float, wq: float) -> None:
    m = mmc_metrics(lam, mu, c)
    assert erlang_c(lam, mu, c) == pytest.approx(p_wait, rel=1e-12)
    assert m["p_wait"] == pytest.approx(p_wait, rel=1e-12)
    assert m["mean_wait"] == pytest.approx(wq, rel=1e-12)
    assert m["mean_queue_length"] == pytest.approx(lam * wq, rel=1e-12)
    assert m["mean_time_in_system"] == pytest.approx(wq + 1 / mu, rel=1e-12)
    assert m["mean_in_system"] == pytest.approx(lam * (wq + 1 / mu), rel=1e-12)
    assert m["utilisation"] == pytest.approx(lam / (c * mu), rel=1e-12)


@pytest.mark.parametrize(
    ("a", "c"), [(0.3, 1), (4.5, 7), (95.0, 100), (480.0, 500), (2900.0, 3000)]
)
def test_erlang_c_matches_direct_formula_for_many_servers(a: float, c: int) -> None:
    # C = [p(c)/(1-rho)] / [P(N<=c-1) + p(c)/(1-rho)] with N ~ Poisson(a) (scaled a^k/k! terms)
    rho = a / c
    top = stats.poisson.pmf(c, a) / (1 - rho)
    expected = top / (stats.poisson.cdf(c - 1, a) + top)
    assert erlang_c(a * 2.0, 2.0, c) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize(("lam", "mu", "c"), [(2.0, 1.0, 2), (3.0, 1.0, 2), (1.0, 0.5, 1)])
def test_erlang_c_raises_when_unstable(lam: float, mu: float, c: int) -> None:
    with pytest.raises(ValueError):
        erlang_c(lam, mu, c)
    with pytest.raises(ValueError):
        mmc_metrics(lam, mu, c)


def test_erlang_c_rejects_bad_parameters() -> None:
    for args in [(1.0, 1.0, 0), (1.0, 0.0, 2), (-1.0, 1.0, 2), (1.0, 1.0, 2.5)]:
        with pytest.raises(ValueError):
            erlang_c(*args)


# ---------------------------------------------------------------- priority queue


@pytest.mark.parametrize(
    ("rates", "mu", "c"),
    [([0.2, 0.3, 0.4], 1.0, 1), ([1.0, 0.5, 2.0, 0.3], 1.0, 5), ([0.0, 3.0, 0.9], 0.7, 6)],
)
def test_cobham_conservation_law(rates: list[float], mu: float, c: int) -> None:
    waits = cobham_priority_waits(rates, mu, c)
    lam = sum(rates)
    weighted = sum(r * w for r, w in zip(rates, waits)) / lam
    assert weighted == pytest.approx(mmc_metrics(lam, mu, c)["mean_wait"], rel=1e-12)
    assert waits == sorted(waits)  # lower priority never waits less


def test_cobham_single_class_is_fcfs_and_mg1_formula() -> None:
    assert cobham_priority_waits([1.3], 1.0, 2)[0] == pytest.approx(
        mmc_metrics(1.3, 1.0, 2)["mean_wait"], rel=1e-12
    )
    # M/G/1 (c=1): W0 = sum(lam_i E[S^2]) / 2 = lam * (2/mu^2) / 2 = 0.6 / 4
    lam1, lam2, mu = 0.2, 0.4, 2.0
    w0 = (lam1 + lam2) / mu**2
    s1, s2 = lam1 / mu, (lam1 + lam2) / mu
    expected = [w0 / (1 - s1), w0 / ((1 - s1) * (1 - s2))]
    assert cobham_priority_waits([lam1, lam2], mu, 1) == pytest.approx(expected, rel=1e-12)


def _simulate_priority_waits(
    rates: list[float], mu: float, c: int, n: int, seed: int
) -> list[float]:
    """Event simulation of a non-preemptive priority M/M/c queue (mean wait per class)."""
    rng = np.random.default_rng(seed)
    lam = sum(rates)
    arrivals = np.cumsum(rng.exponential(1 / lam, n)).tolist()
    classes = rng.choice(len(rates), size=n, p=np.asarray(rates) / lam).tolist()
    services = rng.exponential(1 / mu, n).tolist()
    queues: list[deque[int]] = [deque() for _ in rates]
    done: list[float] = []  # completion times of busy servers
    waits = [0.0] * n
    i = 0
    while i < n:
        if done and done[0] <= arrivals[i]:
            t = heapq.heappop(done)
            for qu in queues:
                if qu:
                    k = qu.popleft()
                    waits[k] = t - arrivals[k]
                    heapq.heappush(done, t + services[k])
                    break
        else:
            if len(done) < c:
                heapq.heappush(done, arrivals[i] + services[i])
            else:
                queues[classes[i]].append(i)
            i += 1
    warm = n // 10  # customers still queued at the end keep wait 0, drop the tail too
    w = np.asarray(waits[warm : n - warm])
    cl = np.asarray(classes[warm : n - warm])
    return [float(w[cl == k].mean()) for k in range(len(rates))]


def test_cobham_matches_event_simulation() -> None:
    rates, mu, c = [0.3, 0.5, 0.6], 1.0, 2  # rho = 0.7
    theory = cobham_priority_waits(rates, mu, c)
    sim = _simulate_priority_waits(rates, mu, c, n=400_000, seed=12345)
    # lowest class has ~2 % sd at this n (checked over 30 seeds): 8 % is ~4 sd
    assert sim == pytest.approx(theory, rel=0.08)


# ---------------------------------------------------------------- hypercube


def _censored_hypercube_workload(
    rates: list[float], mu: float, prefs: list[list[int]], n: int
) -> np.ndarray:
    """Independent solution: chain on busy sets with the queue censored out (infinite queue)."""
    sets = [frozenset(s) for k in range(n + 1) for s in itertools.combinations(range(n), k)]
    index = {s: i for i, s in enumerate(sets)}
    full = frozenset(range(n))
    q = np.zeros((len(sets), len(sets)))
    for s in sets:
        if s != full:  # arrivals in the full state only start a queue excursion
            for lam, pref in zip(rates, prefs):
                unit = next(u for u in pref if u not in s)
                q[index[s], index[s | {unit}]] += lam
        for u in s:
            q[index[s], index[s - {u}]] += mu
    q -= np.diag(q.sum(axis=1))
    pi = linalg.null_space(q.T)[:, 0]
    pi = pi / pi.sum()
    pi[index[full]] /= 1 - sum(rates) / (n * mu)  # add the geometric queue tail
    pi /= pi.sum()
    return np.array([sum(pi[index[s]] for s in sets if u in s) for u in range(n)])


def test_hypercube_two_units_by_hand() -> None:
    lam0, lam1, mu = 0.6, 0.9, 1.0
    res = hypercube_fcfs([lam0, lam1], mu, [[0, 1], [1, 0]], 2)
    # Total busy count is M/M/2: p00 = 1/(1 + a + a^2/(2(1-r))), r = a/2; p11 (queue 0) = a^2/2 p00.
    # Balance of {0}: (lam + mu) p10 = lam0 p00 + mu p11 (and symmetrically for {1}).
    lam = lam0 + lam1
    a, r = lam / mu, lam / (2 * mu)
    p00 = 1 / (1 + a + a**2 / (2 * (1 - r)))
    p11 = a**2 / 2 * p00
    p10 = (lam0 * p00 + mu * p11) / (lam + mu)
    p01 = (lam1 * p00 + mu * p11) / (lam + mu)
    p_busy = p11 / (1 - r)
    assert res["workload"] == pytest.approx([p10 + p_busy, p01 + p_busy], rel=1e-7)
    sp = res["state_probs"]
    assert [sp[()], sp[(0,)], sp[(1,)], sp[(0, 1)]] == pytest.approx([p00, p10, p01, p11], rel=1e-7)
    # the same from scipy on the censored 4-state chain
    assert res["workload"] == pytest.approx(
        _censored_hypercube_workload([lam0, lam1], mu, [[0, 1], [1, 0]], 2), rel=1e-7
    )
    # atom 0 calls go to unit 0 iff unit 0 free ({} or {1}), or split half when all busy
    assert res["dispatch_fraction"][0] == pytest.approx(
        [p00 + p01 + p_busy / 2, p10 + p_busy / 2], rel=1e-7
    )


def _random_case(rng: np.random.Generator, n: int, atoms: int, rho: float):
    rates = rng.uniform(0.1, 1.0, atoms)
    rates *= rho * n / rates.sum()  # mu = 1
    prefs = [rng.permutation(n).tolist() for _ in range(atoms)]
    return rates.tolist(), prefs


@pytest.mark.parametrize(("n", "atoms", "rho", "seed"), [(3, 5, 0.5, 1), (4, 7, 0.6, 2)])
def test_hypercube_invariants(n: int, atoms: int, rho: float, seed: int) -> None:
    rates, prefs = _random_case(np.random.default_rng(seed), n, atoms, rho)
    lam = sum(rates)
    res = hypercube_fcfs(rates, 1.0, prefs, n, max_queue=80)
    work = res["workload"]
    # (a) total busy fraction = offered load
    assert work.sum() == pytest.approx(lam, rel=1e-9)
    # (b) aggregates to M/M/N
    mm = mmc_metrics(lam, 1.0, n)
    assert res["p_all_busy"] == pytest.approx(mm["p_wait"], rel=1e-9)
    assert res["mean_queue_wait"] == pytest.approx(mm["mean_wait"], rel=1e-8)
    assert sum(res["state_probs"].values()) + res["p_all_busy"] - res["state_probs"][
        tuple(range(n))
    ] == pytest.approx(1.0, abs=1e-12)
    # unit workload = its served call rate / mu; dispatch rows are distributions
    disp = res["dispatch_fraction"]
    assert disp.sum(axis=1) == pytest.approx(np.ones(atoms), abs=1e-12)
    assert np.asarray(rates) @ disp == pytest.approx(work, rel=1e-9)
    # individual workloads match an independent censored-chain solution
    assert work == pytest.approx(_censored_hypercube_workload(rates, 1.0, prefs, n), rel=1e-9)


def test_hypercube_symmetry_under_relabelling() -> None:
    rates = [0.4, 0.9]
    base = hypercube_fcfs(rates, 1.0, [[0, 1], [1, 0]], 2)["workload"]
    swapped = hypercube_fcfs(rates, 1.0, [[1, 0], [0, 1]], 2)["workload"]
    assert swapped == pytest.approx(base[::-1], rel=1e-12)
    assert base[1] > base[0]  # unit 1 is first choice of the busier atom
    rng = np.random.default_rng(7)
    rates3, prefs = _random_case(rng, 3, 4, 0.55)
    perm = [2, 0, 1]  # unit u is renamed perm[u]
    w = hypercube_fcfs(rates3, 1.0, prefs, 3)["workload"]
    w_perm = hypercube_fcfs(rates3, 1.0, [[perm[u] for u in p] for p in prefs], 3)["workload"]
    assert w_perm[perm] == pytest.approx(w, rel=1e-10)


def test_hypercube_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        hypercube_fcfs([1.0, 1.5], 1.0, [[0, 1], [1, 0]], 2)  # rho = 1.25
    with pytest.raises(ValueError):
        hypercube_fcfs([0.5], 1.0, [[0]], 2)  # preference misses unit 1
    with pytest.raises(ValueError):
        hypercube_fcfs([0.5, 0.5], 1.0, [[0, 1]], 2)  # one list for two atoms


# ---------------------------------------------------------------- chi-square / dispersion


@pytest.mark.parametrize("df", [1, 2, 3, 5, 10, 31, 100, 1000])
@pytest.mark.parametrize("frac", [0.001, 0.1, 0.5, 0.9, 1.0, 1.2, 2.0, 5.0, 20.0])
def test_chi2_sf_matches_scipy(df: int, frac: float) -> None:
    x = frac * df
    expected = stats.chi2.sf(x, df)
    if expected < 1e-290:  # scipy's value underflows: ours must be as negligible
        assert 0.0 <= chi2_sf(x, df) < 1e-280
        return
    assert chi2_sf(x, df) == pytest.approx(expected, rel=1e-8)


def test_dispersion_statistic_and_pvalue() -> None:
    rng = np.random.default_rng(2024)
    counts = rng.poisson(4.0, 60)
    stat, p = poisson_dispersion_test(counts.tolist())
    assert stat == pytest.approx(counts.var(ddof=1) * 59 / counts.mean(), rel=1e-12)
    assert p == pytest.approx(stats.chi2.sf(stat, 59), rel=1e-8)
    _, p_less = poisson_dispersion_test(counts.tolist(), alternative="less")
    assert p + p_less == pytest.approx(1.0, abs=1e-12)
    over = rng.negative_binomial(2, 2 / 6, 60)  # mean 4, variance 12
    assert poisson_dispersion_test(over.tolist())[1] < 1e-6
    regular = [4, 5, 4, 4, 3, 4, 5, 4] * 5  # under-dispersed
    assert poisson_dispersion_test(regular, alternative="less")[1] < 1e-3
    with pytest.raises(ValueError):
        poisson_dispersion_test([0, 0, 0])


def test_dispersion_test_is_calibrated_under_poisson() -> None:
    rng = np.random.default_rng(99)
    pvals = [poisson_dispersion_test(rng.poisson(5.0, 40).tolist())[1] for _ in range(2000)]
    # fraction rejected at 5 %: binomial sd ~ 0.005, allow ~3 sd
    assert np.mean(np.asarray(pvals) < 0.05) == pytest.approx(0.05, abs=0.016)
