"""Output-analysis statistics for simulation experiments.

Pure functions on numpy/pandas: Student-t confidence intervals, tidy summaries,
paired (common-random-numbers) scenario comparisons, MSER-5 warm-up truncation,
batch-means intervals and replication-count planning. No scipy dependency: the
t quantile is obtained by inverting the t CDF, itself computed from the
regularized incomplete beta function (continued fraction).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.special import stdtrit

__all__ = [
    "batch_means_ci",
    "mser5_truncation",
    "paired_differences",
    "precision_reached",
    "replications_needed",
    "summarise",
    "t_confidence_interval",
    "t_quantile",
]

_EXCLUDED_KPI_COLUMNS = frozenset({"replication", "seed"})


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


def _check_level(level: float) -> None:
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level}")


def _clean(values: Iterable[float] | np.ndarray | pd.Series) -> np.ndarray:
    arr = np.asarray(values, dtype=float).ravel()
    return arr[~np.isnan(arr)]


def _mean_sd_hw(arr: np.ndarray, level: float) -> tuple[float, float, float]:
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
    _check_level(level)
    mean, _, hw = _mean_sd_hw(_clean(values), level)
    return mean, mean - hw, mean + hw


def summarise(
    frame: pd.DataFrame,
    by: list[str],
    kpis: list[str] | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Tidy per-group summary with t confidence intervals.

    Args:
        frame: One row per replication (and scenario, etc.).
        by: Grouping columns (may be empty for a single overall group).
        kpis: KPI columns; default all numeric columns not in ``by`` and not
            ``replication``/``seed``.
        level: Confidence level.

    Returns:
        One row per group x KPI with the ``by`` columns and ``kpi``, ``n``,
        ``mean``, ``sd``, ``ci_low``, ``ci_high``, ``half_width``. ``n`` counts
        non-NaN values. Groups appear in order of first appearance.
    """
    _check_level(level)
    by = list(by)
    if kpis is None:
        numeric = frame.select_dtypes(include="number").columns
        kpis = [c for c in numeric if c not in by and c not in _EXCLUDED_KPI_COLUMNS]
    columns = [*by, "kpi", "n", "mean", "sd", "ci_low", "ci_high", "half_width"]
    groups = frame.groupby(by, sort=False, dropna=False) if by else [((), frame)]
    rows = []
    for key, group in groups:
        key = key if isinstance(key, tuple) else (key,)
        for kpi in kpis:
            arr = _clean(group[kpi])
            mean, sd, hw = _mean_sd_hw(arr, level)
            rows.append([*key, kpi, arr.size, mean, sd, mean - hw, mean + hw, hw])
    out = pd.DataFrame(rows, columns=columns)
    return out.astype({"n": "int64"})


def paired_differences(
    frame: pd.DataFrame,
    scenario_col: str = "scenario",
    rep_col: str = "replication",
    baseline: str | None = None,
    kpis: list[str] | None = None,
    level: float = 0.95,
    lower_is_better: dict[str, bool] | None = None,
) -> pd.DataFrame:
    """Compare scenarios to a baseline by pairing on replication (CRN).

    Differences are ``scenario - baseline`` for replications present (with a
    non-NaN KPI) in both. Relative figures are in % of ``|baseline_mean|``
    (NaN when it is zero), so their sign always matches the difference.

    Args:
        frame: One row per scenario x replication.
        scenario_col: Scenario identifier column.
        rep_col: Replication identifier column (the pairing key).
        baseline: Baseline scenario; default the first in order of appearance.
        kpis: KPI columns; default numeric columns other than scenario,
            replication and ``seed``.
        level: Confidence level of the difference intervals.
        lower_is_better: Per-KPI direction; KPIs not listed default to True.

    Returns:
        One row per non-baseline scenario x KPI with columns ``scenario``,
        ``baseline``, ``kpi``, ``n_pairs``, ``baseline_mean``, ``scenario_mean``,
        ``diff_mean``, ``diff_ci_low``, ``diff_ci_high``, ``rel_diff_pct``,
        ``rel_ci_low_pct``, ``rel_ci_high_pct``, ``verdict``. The verdict is
        "better"/"worse" when the difference CI excludes zero, otherwise (also
        with fewer than two pairs) "no significant difference".

    Raises:
        ValueError: Unknown baseline or duplicate replications in a scenario.
    """
    _check_level(level)
    directions = lower_is_better or {}
    scenarios = list(pd.unique(frame[scenario_col]))
    if baseline is None:
        if not scenarios:
            raise ValueError("frame has no scenarios")
        baseline = scenarios[0]
    elif baseline not in scenarios:
        raise ValueError(f"baseline {baseline!r} not found in column {scenario_col!r}")
    if frame.duplicated([scenario_col, rep_col]).any():
        raise ValueError(f"duplicate ({scenario_col}, {rep_col}) rows; cannot pair")
    if kpis is None:
        skip = {scenario_col, rep_col} | _EXCLUDED_KPI_COLUMNS
        kpis = [c for c in frame.select_dtypes(include="number").columns if c not in skip]
    base = frame[frame[scenario_col] == baseline].set_index(rep_col)
    rows = []
    for scen in scenarios:
        if scen == baseline:
            continue
        other = frame[frame[scenario_col] == scen].set_index(rep_col)
        for kpi in kpis:
            pair = pd.concat([base[kpi].rename("b"), other[kpi].rename("s")], axis=1,
                             join="inner").dropna()
            b = pair["b"].to_numpy(dtype=float)
            s = pair["s"].to_numpy(dtype=float)
            diff_mean, lo, hi = t_confidence_interval(s - b, level)
            b_mean = float(b.mean()) if b.size else math.nan
            s_mean = float(s.mean()) if s.size else math.nan
            scale = 100.0 / abs(b_mean) if b_mean and not math.isnan(b_mean) else math.nan
            verdict = "no significant difference"
            if hi < 0 or lo > 0:
                lower = hi < 0
                verdict = "better" if lower == directions.get(kpi, True) else "worse"
            rows.append({
                "scenario": scen, "baseline": baseline, "kpi": kpi,
                "n_pairs": int(b.size), "baseline_mean": b_mean, "scenario_mean": s_mean,
                "diff_mean": diff_mean, "diff_ci_low": lo, "diff_ci_high": hi,
                "rel_diff_pct": diff_mean * scale, "rel_ci_low_pct": lo * scale,
                "rel_ci_high_pct": hi * scale, "verdict": verdict,
            })
    columns = ["scenario", "baseline", "kpi", "n_pairs", "baseline_mean", "scenario_mean",
               "diff_mean", "diff_ci_low", "diff_ci_high", "rel_diff_pct", "rel_ci_low_pct",
               "rel_ci_high_pct", "verdict"]
    return pd.DataFrame(rows, columns=columns)


# ------------------------------------------------------------------ single long runs
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
    _check_level(level)
    if n_batches < 2:
        raise ValueError("n_batches must be at least 2")
    arr = _series(series)
    size = arr.size // n_batches
    if size < 1:
        raise ValueError(f"series of length {arr.size} too short for {n_batches} batches")
    means = arr[: size * n_batches].reshape(n_batches, size).mean(axis=1)
    return t_confidence_interval(means, level)


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
    _check_level(level)
    arr = _clean(values)
    if arr.size < 2:
        return False
    mean, sd, hw = _mean_sd_hw(arr, level)
    if sd == 0.0:
        return True
    return bool(hw <= rel_precision * abs(mean))


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
    _check_level(level)
    if rel_precision <= 0:
        raise ValueError("rel_precision must be positive")
    arr = _clean(values)
    n = arr.size
    if n < 2:
        return 2
    mean, sd, hw = _mean_sd_hw(arr, level)
    if sd == 0.0:
        return n
    if mean == 0.0:
        raise ValueError("mean is zero: relative precision is undefined")
    ratio = hw / (rel_precision * abs(mean))
    # Guard against float noise pushing an exact integer to the next one.
    return max(n, math.ceil(n * ratio * ratio - 1e-9))
