"""Counts against the Poisson model: the index-of-dispersion test (chi-square tail by scipy).

``chi2_sf`` is the project's one chi-square tail (``sim.calibrate.gof`` uses it too)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from scipy.special import chdtr, chdtrc


def chi2_sf(x: float, df: float) -> float:
    """P(X > x) for a chi-square variable with ``df`` degrees of freedom."""
    return float(chdtrc(df, x))


def chi2_cdf(x: float, df: float) -> float:
    """P(X <= x) for a chi-square variable with ``df`` degrees of freedom."""
    return float(chdtr(df, x))


_P_VALUES: dict[str, Callable[[float, float], float]] = {
    "greater": chi2_sf,
    "less": chi2_cdf,
    "two-sided": lambda x, df: min(1.0, 2.0 * min(chi2_sf(x, df), chi2_cdf(x, df))),
}


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
    x = _checked_counts(counts)
    mean = sum(x) / len(x)
    if mean <= 0:
        raise ValueError("mean count is zero; dispersion undefined")
    p_value = _P_VALUES.get(alternative)
    if p_value is None:
        raise ValueError(f"unknown alternative {alternative!r}")
    stat = sum((v - mean) ** 2 for v in x) / mean
    return stat, p_value(stat, len(x) - 1.0)


def _checked_counts(counts: Sequence[float]) -> list[float]:
    """The counts as floats: at least two, none negative."""
    x = [float(v) for v in counts]
    if len(x) < 2:
        raise ValueError("need at least two counts")
    if any(v < 0 for v in x):
        raise ValueError("counts must be non-negative")
    return x
