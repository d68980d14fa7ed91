"""Goodness-of-fit tests without scipy: chi-square and Kolmogorov–Smirnov p-values.

scipy is only in the ``test`` extra, so the two survival functions are computed here
(regularised incomplete gamma by series / continued fraction, Numerical Recipes §6.2; the
Kolmogorov distribution with Stephens' small-sample correction). The tests compare them with
scipy.
"""

from __future__ import annotations

import math

import numpy as np


def _gamma_q(a: float, x: float) -> float:
    """Regularised upper incomplete gamma Q(a, x)."""
    if x <= 0:
        return 1.0
    gln = math.lgamma(a)
    if x < a + 1:  # series for P
        term = total = 1.0 / a
        ap = a
        for _ in range(1000):
            ap += 1
            term *= x / ap
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        return max(0.0, 1.0 - total * math.exp(-x + a * math.log(x) - gln))
    b = x + 1 - a  # continued fraction for Q (modified Lentz)
    c, d = 1e300, 1.0 / b
    h = d
    for i in range(1, 1000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = 1e-300 if abs(d) < 1e-300 else d
        c = b + an / c
        c = 1e-300 if abs(c) < 1e-300 else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-15:
            break
    return math.exp(-x + a * math.log(x) - gln) * h


def chi2_sf(stat: float, df: int) -> float:
    """P(χ²_df ≥ stat)."""
    return _gamma_q(df / 2.0, stat / 2.0) if df > 0 else float("nan")


def kolmogorov_sf(d: float, n: int) -> float:
    """P(D_n ≥ d) for the one-sample KS statistic (asymptotic, Stephens' correction)."""
    if n <= 0:
        return float("nan")
    lam = (math.sqrt(n) + 0.12 + 0.11 / math.sqrt(n)) * d
    if lam < 0.2:
        return 1.0
    total = sum((-1) ** (k - 1) * math.exp(-2 * k * k * lam * lam) for k in range(1, 101))
    return float(min(1.0, max(0.0, 2 * total)))


def chi_square(observed: np.ndarray, expected: np.ndarray, fitted_params: int = 0
               ) -> tuple[float, int, float]:
    """Pearson χ² over cells with expected > 0: statistic, degrees of freedom, p-value.

    Cells are merged from the end until each expects at least 5 (the usual rule)."""
    obs, exp = _merge(np.asarray(observed, float), np.asarray(expected, float))
    stat = float(((obs - exp) ** 2 / exp).sum()) if len(exp) else 0.0
    df = len(exp) - 1 - fitted_params
    return stat, df, chi2_sf(stat, df)


def _merge(obs: np.ndarray, exp: np.ndarray, least: float = 5.0) -> tuple[np.ndarray, np.ndarray]:
    keep = exp > 0
    obs, exp = obs[keep], exp[keep]
    out_o, out_e, acc_o, acc_e = [], [], 0.0, 0.0
    for o, e in zip(obs, exp):
        acc_o, acc_e = acc_o + o, acc_e + e
        if acc_e >= least:
            out_o.append(acc_o)
            out_e.append(acc_e)
            acc_o = acc_e = 0.0
    if acc_e > 0 and out_e:
        out_o[-1] += acc_o
        out_e[-1] += acc_e
    elif acc_e > 0:
        out_o, out_e = [acc_o], [acc_e]
    return np.array(out_o), np.array(out_e)


def ks_exponential(gaps: np.ndarray) -> tuple[float, float]:
    """KS test of ``gaps`` against Exp(1): statistic and p-value (time-rescaling theorem)."""
    gaps = np.sort(np.asarray(gaps, float))
    n = len(gaps)
    if n == 0:
        return float("nan"), float("nan")
    cdf = 1.0 - np.exp(-gaps)
    i = np.arange(1, n + 1)
    d = float(max((i / n - cdf).max(), (cdf - (i - 1) / n).max()))
    return d, kolmogorov_sf(d, n)
