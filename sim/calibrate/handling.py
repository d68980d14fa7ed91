"""Handling-time distributions from the log's timestamps, chosen by AIC.

Candidates are the scenario language's continuous kinds: exponential, lognormal, uniform and
triangular, each by maximum likelihood (triangular: low/high at the sample's range widened
by half a minute, mode by a grid search). The one with the smallest AIC = 2k − 2 ln L wins.
Timestamps are whole minutes, so durations are floored at half a minute before fitting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

FLOOR = 0.5  # minutes: the resolution of a timestamp to the minute
MIN_SAMPLE = 10


@dataclass(frozen=True)
class DistFit:
    """The chosen distribution (scenario syntax), sample size, mean, and AIC of each candidate."""

    spec: dict
    n: int
    mean: float
    median: float
    aic: dict[str, float]


def _loglik_triangular(x: np.ndarray, low: float, mode: float, high: float) -> float:
    left = x < mode
    dens = np.where(left, 2 * (x - low) / ((high - low) * max(mode - low, 1e-12)),
                    2 * (high - x) / ((high - low) * max(high - mode, 1e-12)))
    return float(np.log(np.maximum(dens, 1e-300)).sum())


def _exponential(x: np.ndarray) -> tuple[dict, float]:
    n, mean = len(x), float(x.mean())
    return ({"kind": "exponential", "mean": round(mean, 2)},
            2 * 1 - 2 * float(-n * math.log(mean) - x.sum() / mean))


def _lognormal(x: np.ndarray) -> tuple[dict, float]:
    """Fitted on the logs; the spec gives the mean and sd of the durations themselves."""
    logs = np.log(x)
    mu, sigma = float(logs.mean()), float(logs.std()) or 1e-6
    ll = float(-logs.sum() - len(x) * math.log(sigma * math.sqrt(2 * math.pi))
               - ((logs - mu) ** 2).sum() / (2 * sigma ** 2))
    ln_mean = math.exp(mu + sigma ** 2 / 2)
    ln_sd = ln_mean * math.sqrt(math.expm1(sigma ** 2))
    return ({"kind": "lognormal", "mean": round(ln_mean, 2),
             "sd": round(max(ln_sd, 0.01), 2)}, 2 * 2 - 2 * ll)


def _bounds(x: np.ndarray) -> tuple[float, float]:
    """The sample's range widened by half a minute (not below 0)."""
    low, high = float(x.min()) - FLOOR, float(x.max()) + FLOOR
    return max(low, 0.0), high


def _uniform(x: np.ndarray) -> tuple[dict, float]:
    low, high = _bounds(x)
    return ({"kind": "uniform", "low": round(low, 2), "high": round(high, 2)},
            2 * 2 + 2 * len(x) * math.log(high - low))


def _triangular(x: np.ndarray) -> tuple[dict, float]:
    """Low and high at the widened range, the mode the best of 41 points between."""
    low, high = _bounds(x)
    grid = np.linspace(low, high, 41)
    lls = [_loglik_triangular(x, low, m, high) for m in grid]
    best = int(np.argmax(lls))
    return ({"kind": "triangular", "low": round(low, 2), "mode": round(float(grid[best]), 2),
             "high": round(high, 2)}, 2 * 3 - 2 * lls[best])


FITTERS = {"exponential": _exponential, "lognormal": _lognormal, "uniform": _uniform,
           "triangular": _triangular}


def candidates(x: np.ndarray) -> dict[str, tuple[dict, float]]:
    """Each kind's maximum-likelihood spec and AIC."""
    return {kind: fit(x) for kind, fit in FITTERS.items()}


def fit_duration(values: np.ndarray) -> DistFit | None:
    """The AIC-best distribution of durations (minutes), or None with fewer than 10 values."""
    x = np.asarray(values, float)
    x = x[np.isfinite(x)]
    if len(x) < MIN_SAMPLE:
        return None
    x = np.maximum(x, FLOOR)
    cands = candidates(x)
    kind = min(cands, key=lambda k: cands[k][1])
    return DistFit(cands[kind][0], len(x), float(x.mean()), float(np.median(x)),
                   {k: round(v[1], 1) for k, v in cands.items()})


def spec_text(spec: dict) -> str:
    """``{kind: lognormal, mean: 12, sd: 6}``."""
    return "{" + ", ".join(f"{k}: {v:g}" if isinstance(v, float) else f"{k}: {v}"
                           for k, v in spec.items()) + "}"
