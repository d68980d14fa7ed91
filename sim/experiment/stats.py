"""Output-analysis statistics for simulation experiments.

Pure functions on numpy/pandas: tidy summaries with Student-t confidence intervals and
paired (common-random-numbers) scenario comparisons. The intervals themselves, the
replication-count planning (``intervals``), MSER-5 warm-up truncation and batch-means
intervals (``longrun``) are re-exported here.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.experiment.intervals import (
    check_level,
    clean,
    mean_sd_hw,
    precision_reached,
    replications_needed,
    t_confidence_interval,
    t_quantile,
)
from sim.experiment.longrun import batch_means_ci, mser5_truncation

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
    check_level(level)
    by = list(by)
    if kpis is None:
        kpis = _numeric_kpis(frame, set(by))
    columns = [*by, "kpi", "n", "mean", "sd", "ci_low", "ci_high", "half_width"]
    rows = [[*key, *_summary_row(group[kpi], kpi, level)]
            for key, group in _groups(frame, by) for kpi in kpis]
    return pd.DataFrame(rows, columns=columns).astype({"n": "int64"})


def _groups(frame: pd.DataFrame, by: list[str]) -> list[tuple[tuple, pd.DataFrame]]:
    """(key tuple, rows) of each group in order of first appearance; one group if no ``by``."""
    if not by:
        return [((), frame)]
    return [(key if isinstance(key, tuple) else (key,), group)
            for key, group in frame.groupby(by, sort=False, dropna=False)]


def _summary_row(values: pd.Series, kpi: str, level: float) -> list:
    """kpi, n, mean, sd, CI bounds and half-width of one KPI's values (NaNs ignored)."""
    arr = clean(values)
    mean, sd, hw = mean_sd_hw(arr, level)
    return [kpi, arr.size, mean, sd, mean - hw, mean + hw, hw]


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
    check_level(level)
    scenarios = list(pd.unique(frame[scenario_col]))
    baseline = _baseline(scenarios, baseline, scenario_col)
    _check_unique(frame, scenario_col, rep_col)
    if kpis is None:
        kpis = _numeric_kpis(frame, {scenario_col, rep_col})
    by_rep = _by_replication(frame, scenarios, scenario_col, rep_col)
    directions = lower_is_better or {}
    rows = [_paired_row(by_rep, baseline, scen, kpi, level, directions.get(kpi, True))
            for scen in scenarios if scen != baseline for kpi in kpis]
    return pd.DataFrame(rows, columns=_PAIRED_COLUMNS)


def _by_replication(frame: pd.DataFrame, scenarios: list, scenario_col: str,
                    rep_col: str) -> dict[str, pd.DataFrame]:
    """Each scenario's rows, indexed by replication."""
    return {s: frame[frame[scenario_col] == s].set_index(rep_col) for s in scenarios}


def _check_unique(frame: pd.DataFrame, scenario_col: str, rep_col: str) -> None:
    """Refuse a frame with two rows for one scenario and replication (they cannot pair)."""
    if frame.duplicated([scenario_col, rep_col]).any():
        raise ValueError(f"duplicate ({scenario_col}, {rep_col}) rows; cannot pair")


def _paired_row(by_rep: dict, baseline: str, scenario: str, kpi: str, level: float,
                lower_is_better: bool) -> dict[str, object]:
    """One row of ``paired_differences``: a scenario against the baseline on one KPI."""
    return {"scenario": scenario, "baseline": baseline, "kpi": kpi,
            **_paired(by_rep[baseline][kpi], by_rep[scenario][kpi], level, lower_is_better)}


_PAIRED_COLUMNS = ["scenario", "baseline", "kpi", "n_pairs", "baseline_mean", "scenario_mean",
                   "diff_mean", "diff_ci_low", "diff_ci_high", "rel_diff_pct", "rel_ci_low_pct",
                   "rel_ci_high_pct", "verdict"]
NO_DIFFERENCE = "no significant difference"


def _baseline(scenarios: list, baseline: str | None, scenario_col: str) -> str:
    """The baseline asked for (checked), else the first scenario."""
    if baseline is None:
        if not scenarios:
            raise ValueError("frame has no scenarios")
        return scenarios[0]
    if baseline not in scenarios:
        raise ValueError(f"baseline {baseline!r} not found in column {scenario_col!r}")
    return baseline


def _numeric_kpis(frame: pd.DataFrame, skip: set[str]) -> list[str]:
    """The numeric columns, except ``skip``, ``replication`` and ``seed``."""
    skip = skip | _EXCLUDED_KPI_COLUMNS
    return [c for c in frame.select_dtypes(include="number").columns if c not in skip]


def _pairs(base: pd.Series, other: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Baseline and scenario values of the replications both have (NaN pairs dropped)."""
    pair = pd.concat([base.rename("b"), other.rename("s")], axis=1, join="inner").dropna()
    return pair["b"].to_numpy(dtype=float), pair["s"].to_numpy(dtype=float)


def _mean(arr: np.ndarray) -> float:
    return float(arr.mean()) if arr.size else math.nan


def _verdict(lo: float, hi: float, lower_is_better: bool) -> str:
    """Better or worse when the interval excludes zero, else no significant difference."""
    if not (hi < 0 or lo > 0):
        return NO_DIFFERENCE
    return "better" if (hi < 0) == lower_is_better else "worse"


def _paired(base: pd.Series, other: pd.Series, level: float,
            lower_is_better: bool) -> dict[str, object]:
    """The paired difference of one KPI: means, interval, relative figures, verdict."""
    b, s = _pairs(base, other)
    diff_mean, lo, hi = t_confidence_interval(s - b, level)
    b_mean = _mean(b)
    scale = 100.0 / abs(b_mean) if b_mean and not math.isnan(b_mean) else math.nan
    return {"n_pairs": int(b.size), "baseline_mean": b_mean, "scenario_mean": _mean(s),
            "diff_mean": diff_mean, "diff_ci_low": lo, "diff_ci_high": hi,
            "rel_diff_pct": diff_mean * scale, "rel_ci_low_pct": lo * scale,
            "rel_ci_high_pct": hi * scale, "verdict": _verdict(lo, hi, lower_is_better)}
