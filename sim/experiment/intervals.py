"""Student-t intervals: the t quantile, the confidence interval of a mean, and the number of
replications a relative precision needs. Pure functions on numpy arrays."""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.special import stdtrit


# --------------------------------------------------------------------------- t quantile
@lru_cache(maxsize=4096)
def t_quantile(p: float, df: float) -> float:
    """Quantile of Student's t distribution (scipy's ``stdtrit``).

    Args:
        p: Probability in (0, 1).
        df: Degrees of freedom (> 0, need not be an integer).

    Returns:
        The value ``t`` with ``P(T <= t) = p``.
    """
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must be in (0, 1), got {p}")
    if not df > 0:
        raise ValueError(f"df must be positive, got {df}")
    return float(stdtrit(df, p))


def check_level(level: float) -> None:
    """Refuse a confidence level outside (0, 1)."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level}")


def clean(values: Iterable[float] | np.ndarray | pd.Series) -> np.ndarray:
    """The values as a flat float array, NaNs dropped."""
    arr = np.asarray(values, dtype=float).ravel()
    return arr[~np.isnan(arr)]


def mean_sd_hw(arr: np.ndarray, level: float) -> tuple[float, float, float]:
    """Mean, sample sd and t half-width of an already NaN-free array."""
    n = arr.size
    mean = float(arr.mean()) if n else math.nan
    if n < 2:
        return mean, math.nan, math.nan
    sd = float(arr.std(ddof=1))
    hw = t_quantile(0.5 + level / 2.0, n - 1) * sd / math.sqrt(n)
    return mean, sd, hw


# ----------------------------------------------------------------------- intervals
def t_confidence_interval(
    values: Iterable[float] | np.ndarray | pd.Series, level: float = 0.95
) -> tuple[float, float, float]:
    """Student-t confidence interval for the mean of i.i.d. observations.

    Args:
        values: Observations; NaNs are ignored.
        level: Confidence level in (0, 1).

    Returns:
        ``(mean, lower, upper)``; bounds are NaN when fewer than two values
        (mean is NaN when there are none).
    """
    check_level(level)
    mean, _, hw = mean_sd_hw(clean(values), level)
    return mean, mean - hw, mean + hw


# ---------------------------------------------------------------- replication count
def precision_reached(
    values: Iterable[float] | np.ndarray | pd.Series,
    rel_precision: float = 0.05,
    level: float = 0.95,
) -> bool:
    """Whether the t half-width is within ``rel_precision * |mean|``.

    NaNs are ignored. False with fewer than two values; True when the mean
    and sd are both zero.
    """
    check_level(level)
    arr = clean(values)
    if arr.size < 2:
        return False
    mean, sd, hw = mean_sd_hw(arr, level)
    if sd == 0.0:
        return True
    return bool(hw <= rel_precision * abs(mean))


def _check_target(level: float, rel_precision: float) -> None:
    """Refuse a level outside (0, 1) or a relative precision that is not positive."""
    check_level(level)
    if rel_precision <= 0:
        raise ValueError("rel_precision must be positive")


def replications_needed(
    values: Iterable[float] | np.ndarray | pd.Series,
    rel_precision: float = 0.05,
    level: float = 0.95,
) -> int:
    """Estimated total replications for a relative half-width target.

    Uses ``n* = ceil(n * (half_width / (rel_precision * |mean|))^2)`` from a
    pilot of ``n`` values (NaNs ignored), never less than ``n``. This is the
    classic approximation that keeps the pilot's t quantile and sd.

    Returns:
        ``n*``; 2 when the pilot has fewer than two values; ``n`` when sd is 0.

    Raises:
        ValueError: If the mean is zero but the sd is not (relative precision
            is then unattainable).
    """
    _check_target(level, rel_precision)
    arr = clean(values)
    n = arr.size
    if n < 2:
        return 2
    mean, sd, hw = mean_sd_hw(arr, level)
    if sd == 0.0:
        return n
    if mean == 0.0:
        raise ValueError("mean is zero: relative precision is undefined")
    ratio = hw / (rel_precision * abs(mean))
    # Guard against float noise pushing an exact integer to the next one.
    return max(n, math.ceil(n * ratio * ratio - 1e-9))
