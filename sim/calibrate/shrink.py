"""Empirical-Bayes (gamma–Poisson) shrinkage of zone rates toward their zone kind's mean.

Zone z of a kind has n_z cases over exposure E_z (days × expected cases recorded per
incident). Its rate λ_z is taken as Gamma(α, β) across the kind's zones; the moments of the
kind's rates give m = α/β (pooled rate) and τ² = α/β² (between-zone variance, estimated as
the excess of the rates' weighted variance over Poisson noise, floored at 0). The posterior
mean (n_z + α) / (E_z + β) = w·n_z/E_z + (1 − w)·m with weight on the zone's own data
w = E_z / (E_z + β). τ² = 0 pools fully (w = 0); a kind with one zone keeps its own (w = 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class Shrunk:
    """Per-zone posterior rate, its 95 % interval and the weight on the zone's own data."""

    rate: np.ndarray
    low: np.ndarray
    high: np.ndarray
    weight: np.ndarray
    prior_mean: np.ndarray


def gamma_quantile(shape: np.ndarray, rate: np.ndarray, z: float) -> np.ndarray:
    """The gamma(shape, rate) quantile at the standard normal's ``z`` (−1.96: 2.5 %)."""
    shape = np.maximum(np.asarray(shape, float), 1e-9)
    return stats.gamma.ppf(stats.norm.cdf(z), shape) / np.asarray(rate, float)


def poisson_interval(n: float, z: float = 1.959964) -> tuple[float, float]:
    """95 % (Garwood, exact) interval for a Poisson mean with ``n`` observed."""
    low = 0.0 if n == 0 else float(gamma_quantile(np.array(n), np.array(1.0), -z))
    return low, float(gamma_quantile(np.array(n + 1.0), np.array(1.0), z))


def _group(counts: np.ndarray, exposure: np.ndarray) -> tuple[float, float]:
    """(α, β) for one kind; β = 0 means no pooling, β = inf full pooling."""
    k = len(counts)
    total_e = exposure.sum()
    m = counts.sum() / total_e if total_e > 0 else 0.0
    if m == 0:
        return math.inf, math.inf
    if k == 1:
        return 0.0, 0.0
    tau2 = _between_variance(counts, exposure, m)
    if tau2 == 0.0:
        return math.inf, math.inf
    return m * m / tau2, m / tau2


def _between_variance(counts: np.ndarray, exposure: np.ndarray, m: float) -> float:
    """τ²: the excess of the zone rates' exposure-weighted variance over Poisson noise
    (method of moments), floored at 0."""
    total_e = exposure.sum()
    q = float((exposure * (counts / exposure - m) ** 2).sum())
    denom = total_e - float((exposure ** 2).sum()) / total_e
    return max(0.0, (q - (len(counts) - 1) * m) / denom) if denom > 0 else 0.0


def shrink(counts: np.ndarray, exposure: np.ndarray, groups: np.ndarray, z: float = 1.959964
           ) -> Shrunk:
    """Posterior rates per zone; ``groups`` labels each zone's kind."""
    counts = np.asarray(counts, float)
    exposure = np.asarray(exposure, float)
    rate, low, high, weight, prior = (np.zeros(len(counts)) for _ in range(5))
    for g in np.unique(groups):
        idx = np.flatnonzero((groups == g) & (exposure > 0))
        if len(idx):
            n, e = counts[idx], exposure[idx]
            w, shape, rate_param = _posterior(n, e)
            m = n.sum() / e.sum()
            rate[idx] = np.where(w > 0, shape / rate_param, m)
            low[idx] = gamma_quantile(shape, rate_param, -z) * (shape > 0)
            high[idx] = gamma_quantile(shape + (shape == 0), rate_param, z)
            weight[idx], prior[idx] = w, m
    return Shrunk(rate, low, high, weight, prior)


def _posterior(n: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weight on own data and the gamma posterior's shape and rate for one kind's zones
    (full pooling: the kind's rate, its interval from the total)."""
    alpha, beta = _group(n, e)
    if math.isinf(beta):
        return np.zeros(len(n)), np.full(len(n), n.sum()), np.full(len(n), e.sum())
    return e / (e + beta), n + alpha, e + beta
