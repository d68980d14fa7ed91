"""Counts against the Poisson model: the index-of-dispersion test (chi-square tail by scipy)."""

from __future__ import annotations

from collections.abc import Sequence

from scipy.special import chdtr, chdtrc


def chi2_sf(x: float, df: float) -> float:
    """P(X > x) for a chi-square variable with ``df`` degrees of freedom."""
    return float(chdtrc(df, x))


def poisson_dispersion_test(
    counts: Sequence[float], alternative: str = "greater"
) -> tuple[float, float]:
    """Index-of-dispersion test of the hypothesis that counts are Poisson.

    The statistic ``D = sum (x - mean)^2 / mean`` is approximately chi-square with
    ``n - 1`` degrees of freedom under the Poisson hypothesis.

    Args:
        counts: Non-negative counts (e.g. incidents per cell and period), n >= 2.
        alternative: ``"greater"`` (over-dispersion, default), ``"less"``
            (under-dispersion) or ``"two-sided"``.

    Returns:
        Tuple ``(D, p_value)``.

    Raises:
        ValueError: For fewer than two counts, negative counts or a zero mean.
    """
    x = [float(v) for v in counts]
    if len(x) < 2:
        raise ValueError("need at least two counts")
    if any(v < 0 for v in x):
        raise ValueError("counts must be non-negative")
    mean = sum(x) / len(x)
    if mean <= 0:
        raise ValueError("mean count is zero; dispersion undefined")
    stat = sum((v - mean) ** 2 for v in x) / mean
    df = len(x) - 1.0
    lower, upper = float(chdtr(df, stat)), float(chdtrc(df, stat))
    if alternative == "greater":
        p = upper
    elif alternative == "less":
        p = lower
    elif alternative == "two-sided":
        p = min(1.0, 2.0 * min(upper, lower))
    else:
        raise ValueError(f"unknown alternative {alternative!r}")
    return stat, p
