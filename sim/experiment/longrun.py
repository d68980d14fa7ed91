"""Single long runs: MSER-5 warm-up truncation and batch-means intervals."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from sim.experiment.intervals import check_level, t_confidence_interval


def _series(series: Iterable[float] | np.ndarray) -> np.ndarray:
    arr = np.asarray(series, dtype=float).ravel()
    if np.isnan(arr).any():
        raise ValueError("series contains NaN")
    return arr


def mser5_truncation(series: Iterable[float] | np.ndarray) -> int:
    """MSER-5 warm-up truncation point (White 1997).

    The series is cut into consecutive batches of 5 (a trailing partial batch
    is dropped); ``d`` batches are deleted where ``d`` minimises
    ``sum((Z_j - mean(Z[d:]))^2) / (b - d)^2`` over ``0 <= d <= b // 2``
    (always keeping at least two batches).

    Args:
        series: Output time series (e.g. queue length per period); no NaNs.

    Returns:
        Number of original observations to discard (``5 * d``); 0 when the
        series has fewer than 4 batches.
    """
    arr = _series(series)
    b = arr.size // 5
    if b < 4:
        return 0
    z = arr[: b * 5].reshape(b, 5).mean(axis=1)
    # Suffix sums give every candidate's statistic in O(b).
    suffix_sum = np.cumsum(z[::-1])[::-1]
    suffix_sq = np.cumsum((z * z)[::-1])[::-1]
    d = np.arange(0, min(b // 2, b - 2) + 1)
    m = b - d
    ss = suffix_sq[d] - suffix_sum[d] ** 2 / m
    mser = np.maximum(ss, 0.0) / m.astype(float) ** 2
    return int(d[int(np.argmin(mser))]) * 5


def batch_means_ci(
    series: Iterable[float] | np.ndarray, n_batches: int = 20, level: float = 0.95
) -> tuple[float, float, float]:
    """Non-overlapping batch-means confidence interval for a steady-state mean.

    The first ``n_batches * (len // n_batches)`` observations are used (the
    trailing remainder is dropped); truncate the warm-up beforehand.

    Args:
        series: One long post-warm-up run; no NaNs.
        n_batches: Number of batches (>= 2).
        level: Confidence level.

    Returns:
        ``(mean, lower, upper)`` from a t interval on the batch means with
        ``n_batches - 1`` degrees of freedom.
    """
    check_level(level)
    if n_batches < 2:
        raise ValueError("n_batches must be at least 2")
    arr = _series(series)
    size = arr.size // n_batches
    if size < 1:
        raise ValueError(f"series of length {arr.size} too short for {n_batches} batches")
    means = arr[: size * n_batches].reshape(n_batches, size).mean(axis=1)
    return t_confidence_interval(means, level)
