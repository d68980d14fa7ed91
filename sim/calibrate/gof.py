"""Goodness-of-fit tests: Pearson chi-square with merged cells, and KS against Exp(1).

p-values come from scipy (a base dependency): the chi-square tail is ``sim.theory``'s.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from sim.theory.counts import chi2_sf as _chi2_tail


def chi2_sf(stat: float, df: int) -> float:
    """P(χ²_df ≥ stat); NaN without degrees of freedom."""
    return _chi2_tail(stat, df) if df > 0 else float("nan")


def chi_square(observed: np.ndarray, expected: np.ndarray, fitted_params: int = 0
               ) -> tuple[float, int, float]:
    """Pearson χ² over cells with expected > 0: statistic, degrees of freedom, p-value.

    Cells are merged in order until each expects at least 5 (the usual rule)."""
    obs, exp = _merge(np.asarray(observed, float), np.asarray(expected, float))
    stat = float(((obs - exp) ** 2 / exp).sum()) if len(exp) else 0.0
    df = len(exp) - 1 - fitted_params
    return stat, df, chi2_sf(stat, df)


def _merge(obs: np.ndarray, exp: np.ndarray, least: float = 5.0) -> tuple[np.ndarray, np.ndarray]:
    """The cells with expected > 0, merged in order until each expects at least ``least``."""
    keep = exp > 0
    out_o, out_e, acc_o, acc_e = [], [], 0.0, 0.0
    for o, e in zip(obs[keep], exp[keep]):
        acc_o, acc_e = acc_o + o, acc_e + e
        if acc_e >= least:
            out_o.append(acc_o)
            out_e.append(acc_e)
            acc_o = acc_e = 0.0
    return _with_rest(out_o, out_e, acc_o, acc_e)


def _with_rest(out_o: list[float], out_e: list[float], acc_o: float, acc_e: float
               ) -> tuple[np.ndarray, np.ndarray]:
    """The merged cells, a remainder expecting too little added to the last one (or kept
    alone when it is all there is)."""
    if acc_e > 0 and out_e:
        out_o[-1] += acc_o
        out_e[-1] += acc_e
    elif acc_e > 0:
        out_o, out_e = [acc_o], [acc_e]
    return np.array(out_o), np.array(out_e)


def ks_exponential(gaps: np.ndarray) -> tuple[float, float]:
    """KS test of ``gaps`` against Exp(1): statistic and p-value (time-rescaling theorem)."""
    gaps = np.asarray(gaps, float)
    if len(gaps) == 0:
        return float("nan"), float("nan")
    result = stats.kstest(gaps, "expon")
    return float(result.statistic), float(result.pvalue)
