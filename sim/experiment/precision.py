"""Output analysis for experiments: precision targets, MSER-5 warm-up, batch means.

Pure functions on the tidy frames. Series are built from the incidents frame: the daily
mean resolution time (occurrence day, officer-resolved incidents).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.experiment.stats import (
    batch_means_ci,
    mser5_truncation,
    precision_reached,
    replications_needed,
    t_confidence_interval,
)

# Headline measures whose relative precision is meaningful (a share that can be zero, such as
# night coverage, is not: its relative half-width is undefined).
PRECISION_KPIS = ["exposure_h_per_day", "time_to_end_mean_min", "coverage_share"]
DAY_MIN = 1440.0
MAX_BATCHES = 10
MIN_BATCH_DAYS = 2


def precision_status(
    summary: pd.DataFrame, kpis: list[str], target: float, level: float = 0.95
) -> pd.DataFrame:
    """Per scenario and KPI: n, mean, relative half-width and whether ``target`` is met."""
    rows = [{"scenario": scen, "kpi": kpi, **_precision(group[kpi], target, level)}
            for scen, group in summary.groupby("scenario", sort=False) for kpi in kpis]
    return pd.DataFrame(rows, columns=["scenario", "kpi", "n", "mean", "rel_half_width",
                                       "reached"])


def _precision(column: pd.Series, target: float, level: float) -> dict[str, object]:
    """n, mean, relative half-width and whether ``target`` is met, for one KPI's values."""
    values = column.dropna().to_numpy(dtype=float)
    mean, lo, hi = t_confidence_interval(values, level)
    rel = (hi - lo) / 2.0 / abs(mean) if values.size > 1 and mean else math.nan
    return {"n": int(values.size), "mean": mean, "rel_half_width": rel,
            "reached": precision_reached(values, target, level)}


def next_batch(
    summary: pd.DataFrame, kpis: list[str], target: float, n: int, max_reps: int, min_batch: int
) -> int:
    """Replications to add to every scenario (0 when the target is met or ``max_reps`` hit).

    The batch is the largest shortfall estimated by ``replications_needed`` over scenarios
    and KPIs, at least ``min_batch`` and never past ``max_reps``.
    """
    status = precision_status(summary, kpis, target)
    if status["reached"].all() or n >= max_reps:
        return 0
    needed = max([n + 1, *(_needed(group[kpi], target, max_reps)
                           for _, group in summary.groupby("scenario", sort=False)
                           for kpi in kpis)])
    return max(1, min(max(needed - n, min_batch), max_reps - n))


def _needed(values: pd.Series, target: float, max_reps: int) -> int:
    """Replications one KPI needs for ``target`` (``max_reps`` if it cannot reach it)."""
    try:
        return replications_needed(values, target)
    except ValueError:  # mean zero with spread: relative precision unattainable
        return max_reps


def daily_resolution(incidents: pd.DataFrame, days: int) -> pd.Series:
    """Mean resolution time (min) by occurrence day for one replication (NaN: none resolved)."""
    done = incidents[incidents["outcome"] == "resolved"]
    day = (done["t_occur"] // DAY_MIN).astype(int)
    means = (done["t_resolve"] - done["t_occur"]).groupby(day).mean()
    return means.reindex(range(days))


def mser_warmup_days(series: pd.Series) -> int:
    """MSER-5 truncation point of a daily series, in days (days without data are skipped)."""
    values = series.dropna()
    cut = mser5_truncation(values.to_numpy(dtype=float))
    return int(values.index[cut]) if 0 < cut < len(values) else 0


def mser_table(incidents: pd.DataFrame, days: int, warmup_days: dict[str, float]) -> pd.DataFrame:
    """MSER-5 warm-up (days) per scenario and replication from daily resolution times.

    Args:
        incidents: Incidents of all scenarios and replications (all days, warm-up included).
        days: Days simulated.
        warmup_days: The warm-up each scenario was configured with, by scenario name.
    """
    rows = []
    for (scen, rep), group in incidents.groupby(["scenario", "replication"], sort=False):
        rows.append({"scenario": scen, "replication": rep, "days": days,
                     "configured_warmup_days": warmup_days.get(scen, math.nan),
                     "mser5_warmup_days": mser_warmup_days(daily_resolution(group, days))})
    return pd.DataFrame(rows, columns=["scenario", "replication", "days",
                                       "configured_warmup_days", "mser5_warmup_days"])


def batch_count(days_observed: int) -> int:
    """Batches for a run of ``days_observed`` days: up to 10, each at least 2 days."""
    return min(MAX_BATCHES, days_observed // MIN_BATCH_DAYS)


def batch_means_table(
    incidents: pd.DataFrame, days: int, warmup_days: float, level: float = 0.95
) -> pd.DataFrame:
    """Batch-means CI of the mean daily resolution time, per scenario (replication 0).

    The days after the warm-up are cut into equal batches of whole days (trailing days
    dropped); the interval is a t interval on the batch means of the daily means.

    Raises:
        ValueError: Fewer than two batches of days with resolved incidents.
    """
    first = math.ceil(warmup_days)
    rows = []
    for scen, group in incidents.groupby("scenario", sort=False):
        daily = daily_resolution(group[group["replication"] == 0], days).iloc[first:].dropna()
        n_batches = batch_count(len(daily))
        if n_batches < 2:
            raise ValueError(
                f"batch means needs at least {2 * MIN_BATCH_DAYS} days with resolved incidents "
                f"after the warm-up; {scen} has {len(daily)}"
            )
        mean, lo, hi = batch_means_ci(daily.to_numpy(dtype=float), n_batches, level)
        rows.append({"scenario": scen, "kpi": "resolution_daily_mean_min",
                     "days_used": n_batches * (len(daily) // n_batches),
                     "n_batches": n_batches, "batch_days": len(daily) // n_batches,
                     "mean": mean, "ci_low": lo, "ci_high": hi,
                     "half_width": (hi - lo) / 2.0 if np.isfinite(hi) else math.nan})
    return pd.DataFrame(rows)
