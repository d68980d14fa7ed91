"""OCBA (Chen et al. 2000; Chen & Lee 2011): spend a fixed budget where it helps selection.

The asymptotically optimal allocation for selecting the best of k designs (b the best, the
others i with gaps delta_i = |mean_i - mean_b| and standard deviations sigma_i):

    N_i / N_j = (sigma_i / delta_i)² / (sigma_j / delta_j)²         (i, j ≠ b)
    N_b = sigma_b · sqrt( sum_{i≠b} N_i² / sigma_i² )

The sequential procedure (Chen & Lee 2011, ch. 3): n0 replications of each design, then
rounds of ``increment`` replications allocated by that rule from the current sample
means and standard deviations, until the budget is spent; the design with the best sample
mean is selected. A fixed budget gives no guarantee; the result states the approximate
probability of correct selection (the Bonferroni bound APCS-B, from paired differences
under common random numbers), and the probability that the selected design is within
``delta`` of the best when ``delta`` is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from numpy.typing import ArrayLike

from sim.decide.kn import best_index
from sim.decide.sampling import Observations, SampleFn


def ocba_allocation(means: np.ndarray, sds: np.ndarray, minimize: bool = True) -> np.ndarray:
    """OCBA's asymptotic allocation proportions (summing to 1) for the given designs.

    A design tied with the best (zero gap) would get an infinite share: its gap is
    floored at a millionth of the largest gap.
    """
    means, sds = np.asarray(means, float), np.asarray(sds, float)
    b = best_index(means, minimize)
    gaps = np.abs(means - means[b])
    floor = 1e-6 * max(float(gaps.max()), 1e-12)
    gaps = np.maximum(gaps, floor)
    sds = np.maximum(sds, 1e-12)
    ratio = (sds / gaps) ** 2
    ratio[b] = 0.0
    ratio[b] = sds[b] * np.sqrt(np.sum(np.delete(ratio**2 / sds**2, b)))
    return ratio / ratio.sum()


def ocba_increments(means: ArrayLike, variances: ArrayLike, counts: ArrayLike,
                    add_budget: int, minimize: bool = True) -> np.ndarray:
    """How many of ``add_budget`` more replications each design gets, from its sample mean
    and variance after ``counts`` replications: the step of Chen & Lee's (2011) OCBA
    program, with the same arguments (their five-design example gives 48, 38, 11, 2, 1)."""
    return _increments(np.asarray(means, float), np.sqrt(np.asarray(variances, float)),
                       np.asarray(counts, int), add_budget, minimize)


def _increments(means: np.ndarray, sds: np.ndarray, held: np.ndarray, add_budget: int,
                minimize: bool) -> np.ndarray:
    """``ocba_increments`` from standard deviations (what the sequential procedure has)."""
    proportions = ocba_allocation(means, sds, minimize)
    return increments(held, proportions, int(held.sum()) + add_budget,
                      best_index(means, minimize))


def increments(n: np.ndarray, proportions: np.ndarray, total: int, best: int) -> np.ndarray:
    """Integer additions to ``n`` that bring it to ``total`` by ``proportions``, rounded as
    in Chen & Lee's (2011) OCBA code: each design's share of ``total`` is rounded down; a
    design already above its share gets none and the others' shares are recomputed from
    what is left; the replications left over by the rounding go to the ``best`` design."""
    extra = total - int(n.sum())
    if extra <= 0:
        return np.zeros(len(n), int)
    target = _shares_at_least(n, np.asarray(proportions, float), total)
    target[best] += total - int(target.sum())
    return target - n


def _shares_at_least(n: np.ndarray, proportions: np.ndarray, total: int) -> np.ndarray:
    """Rounded-down shares of ``total``, with designs whose share is below what they have
    held at what they have and left out of the sharing."""
    held = np.zeros(len(n), bool)
    while True:
        free = total - int(n[held].sum())
        weights = np.where(held, 0.0, proportions)
        if weights.sum() <= 0:
            weights = np.where(held, 0.0, 1.0)
        share = np.floor(weights / weights.sum() * free).astype(int)
        below = ~held & (share < n)
        if not below.any():
            return np.where(held, n, share)
        held |= below


@dataclass
class OcbaResult:
    """The outcome of sequential OCBA: selection, replications per design, and the
    approximate probabilities of correct (``apcs``) and good (``apgs``, within delta)
    selection."""

    selected: int
    reps: list[int]
    means: list[float]
    sds: list[float]
    apcs: float
    apgs: float | None


def approx_pcs(obs: Observations, k: int, b: int, minimize: bool,
               delta: float = 0.0) -> float:
    """APCS-B: 1 - sum_i P(design i better than b by more than delta), each from the paired
    differences of the replications they share (posterior normal)."""
    sign = 1.0 if minimize else -1.0
    total = 0.0
    for i in range(k):
        if i != b:
            m = min(obs.n(i), obs.n(b))
            total += _p_better(sign * (obs.data[i][:m] - obs.data[b][:m]), delta)
    return max(0.0, 1.0 - total)


def _p_better(d: np.ndarray, delta: float) -> float:
    """Posterior probability that a design beats b by more than delta, from the paired
    differences ``d`` (> 0: b is better)."""
    se = d.std(ddof=1) / np.sqrt(len(d))
    if se == 0:
        return float(d.mean() + delta < 0)
    return NormalDist().cdf(-(d.mean() + delta) / se)


def ocba_select(
    sample: SampleFn, k: int, budget: int, n0: int = 10, increment: int | None = None,
    minimize: bool = True, delta: float | None = None,
) -> OcbaResult:
    """Sequential OCBA with ``budget`` replications in all (at least ``n0 * k``)."""
    _check(k, n0, budget)
    step = increment or max(k, budget // 20)
    obs = Observations(sample, k)
    obs.extend(range(k), n0)
    while (used := sum(obs.counts())) < budget:
        _allocate(obs, min(budget, used + step), minimize)
    b = best_index(obs.means(), minimize)
    return OcbaResult(
        b, obs.counts(), obs.means(), obs.sds(), apcs=approx_pcs(obs, k, b, minimize),
        apgs=None if delta is None else approx_pcs(obs, k, b, minimize, delta),
    )


def _check(k: int, n0: int, budget: int) -> None:
    if k < 2:
        raise ValueError("selection needs at least two systems")
    if n0 < 2:
        raise ValueError(f"n0 must be at least 2, got {n0}")
    if budget < n0 * k:
        raise ValueError(f"the budget ({budget}) must be at least n0 × systems = {n0 * k}")


def _allocate(obs: Observations, total: int, minimize: bool) -> None:
    """One round: replications added to bring the total to ``total``, by OCBA's rule from
    the current sample means and standard deviations."""
    n = np.array(obs.counts())
    add = _increments(np.array(obs.means()), np.array(obs.sds()), n, total - int(n.sum()),
                      minimize)
    obs.extend_each({int(i): int(n[i] + add[i]) for i in np.nonzero(add)[0]})
